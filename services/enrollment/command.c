/* The command endpoint: decode, idempotency, dispatch, one transaction per
 * command, encode. See command.h. */
#include "command.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/log.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;
typedef Pathways__V1__EnrollmentResult result_t;

#define CAUSE_PREFIX "command:"

static const char *SQL_SEEN =
    "SELECT request, result FROM enrollment.command WHERE idempotency_key = $1 FOR UPDATE";
static const char *SQL_REMEMBER =
    "INSERT INTO enrollment.command (idempotency_key, request, result, actor)"
    " VALUES ($1, $2, $3, $4)";

/* Which handler serves a command case, and whether it changes anything
 * (and so needs an idempotency key and a transaction). */
static const struct {
    Pathways__V1__EnrollmentCommand__CommandCase which;
    enr_cmd_fn fn;
    int changes;
} HANDLERS[] = {
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_APPLY, enr_cmd_apply, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ENROLL, enr_cmd_enroll, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_WITHDRAW, enr_cmd_withdraw, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_PROGRESS, enr_cmd_progress, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_REVIEW_CLEAR, enr_cmd_review_clear, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_COHORT_CREATE, enr_cmd_cohort_create, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_COHORT_UPDATE, enr_cmd_cohort_update, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ORGANIZATION_UPSERT, enr_cmd_org_upsert, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_TEAM_JOIN, enr_cmd_team_join, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_TEAM_LEAVE, enr_cmd_team_leave, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_SEQUENCE, enr_cmd_sequence, 1},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_LIST_ENROLLMENTS, enr_cmd_list_enrollments, 0},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_HISTORY, enr_cmd_history, 0},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_LIST_COHORTS, enr_cmd_list_cohorts, 0},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_LIST_TEAMS, enr_cmd_list_teams, 0},
};
#define N_HANDLERS (sizeof HANDLERS / sizeof HANDLERS[0])

/* ---- the enrollments a command touched, from the events it emitted ---- */

struct enr_touched {
    char **keys; /* "employer\037employee\037program" */
    size_t n, cap;
};

static int touched_add(enr_touched_t *t, const Pathways__V1__EnrollmentChanged *e)
{
    size_t len = strlen(e->employer) + strlen(e->employee) + strlen(e->program) + 3;
    char *key = malloc(len);
    if (!key)
        return -1;
    snprintf(key, len, "%s\037%s\037%s", e->employer, e->employee, e->program);
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->keys[i], key) == 0)
            return free(key), 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        char **keys = realloc(t->keys, cap * sizeof *keys);
        if (!keys)
            return free(key), -1;
        t->keys = keys;
        t->cap = cap;
    }
    t->keys[t->n++] = key;
    return 0;
}

static void touched_free(enr_touched_t *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->keys[i]);
    free(t->keys);
    t->keys = NULL;
    t->n = t->cap = 0;
}

int enr_view_touched(enr_cmd_t *x)
{
    for (size_t i = 0; i < x->touched->n; i++) {
        char *key = strdup(x->touched->keys[i]);
        if (!key)
            return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
        char *employee = strchr(key, '\037');
        char *program = employee ? strchr(employee + 1, '\037') : NULL;
        int rc = 0;
        if (employee && program) {
            *employee++ = '\0';
            *program++ = '\0';
            rc = enr_view_enrollments(x, key, employee, program, NULL);
        }
        free(key);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Every event of a command goes through here: note whom it touched, then
 * hand it to the session's emitter. */
typedef struct {
    enr_touched_t *touched;
    const enr_emitter_t *inner;
} recorder_t;

static int record_and_emit(void *ctx, const char *stream, const char *type, const char *key,
                           const char *event_id, const ProtobufCMessage *payload)
{
    recorder_t *r = ctx;
    if (payload->descriptor == &pathways__v1__enrollment_changed__descriptor &&
        touched_add(r->touched, (const Pathways__V1__EnrollmentChanged *)payload) != 0)
        return -1;
    return r->inner->fn(r->inner->ctx, stream, type, key, event_id, payload);
}

/* ---- refusals and field checks ---- */

int enr_cmd_fail(enr_cmd_t *x, const char *code, const char *fmt, ...)
{
    snprintf(x->code, sizeof x->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->error, sizeof x->error, fmt, ap);
    va_end(ap);
    return -1;
}

int enr_cmd_fail_result(enr_cmd_t *x, enr_result_t r, const char *err)
{
    switch (r) {
    case ENR_OK:
        return 0;
    case ENR_ERR_ILLEGAL:
    case ENR_ERR_STALE:
    case ENR_EXISTS:
        return enr_cmd_fail(x, ENR_E_ILLEGAL, "%s", err);
    default:
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", err);
    }
}

int enr_cmd_text(enr_cmd_t *x, const char *name, const char *value, int required)
{
    size_t n = value ? strlen(value) : 0;
    if (required && n == 0)
        return enr_cmd_fail(x, ENR_E_INVALID, "%s is required", name);
    if (n > ENR_TEXT_MAX_LEN)
        return enr_cmd_fail(x, ENR_E_INVALID, "%s is longer than %d bytes", name, ENR_TEXT_MAX_LEN);
    if (n && !pw_utf8_valid(value, n))
        return enr_cmd_fail(x, ENR_E_INVALID, "%s is not valid UTF-8", name);
    return 0;
}

int enr_cmd_date(enr_cmd_t *x, const char *name, const char *value, char out[PW_DATE_LEN])
{
    int32_t days;
    if (!value || !*value) {
        snprintf(out, PW_DATE_LEN, "%s", x->today);
        return 0;
    }
    if (pw_date_parse(value, &days) != 0)
        return enr_cmd_fail(x, ENR_E_INVALID, "%s: expected a date YYYY-MM-DD, got '%.40s'", name,
                            value);
    pw_date_format(days, out);
    return 0;
}

int enr_cmd_effective_date(enr_cmd_t *x, const char *value, char out[PW_DATE_LEN])
{
    if (enr_cmd_date(x, "effective_date", value, out) != 0)
        return -1;
    if (strcmp(out, x->today) > 0)
        return enr_cmd_fail(x, ENR_E_FUTURE,
                            "effective_date %s is after today (%s): a milestone is recorded "
                            "once it has happened",
                            out, x->today);
    return 0;
}

int enr_cmd_is_past(const enr_cmd_t *x, const char *date)
{
    return strcmp(date, x->today) < 0;
}

/* ---- replies ---- */

static uint8_t *encode_error(const char *key, const char *code, const char *why, uint32_t step,
                             size_t *len)
{
    result_t r = PATHWAYS__V1__ENROLLMENT_RESULT__INIT;
    r.idempotency_key = (char *)(key ? key : "");
    r.error_code = (char *)code;
    r.error = (char *)why;
    r.failed_step = step;
    return pw_msg_encode(&r.base, 0, len);
}

/* Marks stored result bytes as a replay by appending field 8 (replayed,
 * varint 1): a parser merges a repeated scalar field, the last one wins, so
 * the stored bytes stay as they were and the flag is set. Returns 0 or -1
 * (out of memory; *bytes unchanged). */
#define REPLAYED_TAG 0x40 /* field 8, wire type 0 */
static int mark_replayed(uint8_t **bytes, size_t *len)
{
    uint8_t *more = realloc(*bytes, *len + 2);
    if (!more)
        return -1;
    more[(*len)++] = REPLAYED_TAG;
    more[(*len)++] = 1;
    *bytes = more;
    return 0;
}

/* Looks the key up. Returns 1 with the stored result in *out (a replay),
 * 0 when unseen, -1 with a refusal recorded. */
static int replay(enr_cmd_t *x, const cmd_t *cmd, const uint8_t *data, size_t len, uint8_t **out,
                  size_t *out_len)
{
    const char *p[1] = {cmd->idempotency_key};
    PGresult *res = pw_db_prepared(x->db, "enr_cmd_seen", SQL_SEEN, 1, p);
    if (!res)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "read command ledger: %s", pw_db_error(x->db));
    int rc = 0;
    if (PQntuples(res) == 1) {
        size_t req_len = 0;
        uint8_t *req = pw_db_get_bytea(res, 0, "request", &req_len);
        if (!req || req_len != len || (len && memcmp(req, data, len) != 0))
            rc = enr_cmd_fail(x, ENR_E_KEY_REUSED,
                              "idempotency key '%s' was used for a different request",
                              cmd->idempotency_key);
        else if (!(*out = pw_db_get_bytea(res, 0, "result", out_len)))
            rc = enr_cmd_fail(x, ENR_E_UNAVAILABLE, "cannot read the stored result");
        else if (mark_replayed(out, out_len) != 0) {
            free(*out);
            *out = NULL;
            rc = enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
        } else
            rc = 1;
        free(req);
    }
    PQclear(res);
    return rc;
}

static int remember(enr_cmd_t *x, const cmd_t *cmd, const uint8_t *req, size_t req_len,
                    const uint8_t *res_bytes, size_t res_len)
{
    const char *p[4] = {cmd->idempotency_key, (const char *)req, (const char *)res_bytes, x->actor};
    const int lengths[4] = {0, (int)req_len, (int)res_len, 0};
    const int formats[4] = {0, 1, 1, 0};
    PGresult *res =
        pw_db_prepared_bin(x->db, "enr_cmd_remember", SQL_REMEMBER, 4, p, lengths, formats);
    if (!res)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "store command result: %s", pw_db_error(x->db));
    PQclear(res);
    return 0;
}

/* Runs a changing command in its transaction. Returns the reply bytes, or
 * NULL with a refusal recorded (rolled back). */
static uint8_t *run_change(enr_cmd_t *x, const enr_session_t *s, enr_cmd_fn fn, const cmd_t *cmd,
                           const uint8_t *data, size_t len, size_t *reply_len)
{
    uint8_t *out = NULL;
    if (pw_db_ensure(s->db) != 0 || pw_db_begin(s->db) != 0) {
        enr_cmd_fail(x, ENR_E_UNAVAILABLE, "database unavailable: %s", pw_db_error(s->db));
        return NULL;
    }
    int seen = replay(x, cmd, data, len, &out, reply_len);
    if (seen != 0 || fn(x, cmd) != 0 || enr_view_touched(x) != 0)
        goto done;
    x->result->idempotency_key = strdup(cmd->idempotency_key);
    if (!x->result->idempotency_key || !(out = pw_msg_encode(&x->result->base, 0, reply_len))) {
        enr_cmd_fail(x, ENR_E_UNAVAILABLE, "result too large or out of memory");
        goto done;
    }
    if (remember(x, cmd, data, len, out, *reply_len) != 0 || s->commit(s->ctx) != 0) {
        if (!*x->code)
            enr_cmd_fail(x, ENR_E_UNAVAILABLE, "commit failed: %s", pw_db_error(s->db));
        free(out);
        out = NULL;
    }
done:
    if (pw_db_in_txn(s->db) || !out)
        s->rollback(s->ctx);
    return out;
}

static uint8_t *run_query(enr_cmd_t *x, const enr_session_t *s, enr_cmd_fn fn, const cmd_t *cmd,
                          size_t *reply_len)
{
    if (pw_db_ensure(s->db) != 0) {
        enr_cmd_fail(x, ENR_E_UNAVAILABLE, "database unavailable: %s", pw_db_error(s->db));
        return NULL;
    }
    if (fn(x, cmd) != 0)
        return NULL;
    uint8_t *out = pw_msg_encode(&x->result->base, 0, reply_len);
    if (!out)
        enr_cmd_fail(x, ENR_E_INVALID, "the answer is too large; narrow the query");
    return out;
}

static enr_cmd_fn find_handler(const cmd_t *cmd, int *changes)
{
    for (size_t i = 0; i < N_HANDLERS; i++)
        if (HANDLERS[i].which == cmd->command_case) {
            *changes = HANDLERS[i].changes;
            return HANDLERS[i].fn;
        }
    return NULL;
}

/* Validates the envelope and runs the command. NULL: refusal in x. */
static uint8_t *execute(enr_cmd_t *x, const enr_session_t *s, const cmd_t *cmd, const uint8_t *data,
                        size_t len, size_t *reply_len)
{
    int changes = 0;
    enr_cmd_fn fn = find_handler(cmd, &changes);
    if (!fn) {
        enr_cmd_fail(x, ENR_E_UNSUPPORTED, "the EnrollmentCommand carries no known command");
        return NULL;
    }
    if (!changes)
        return run_query(x, s, fn, cmd, reply_len);
    size_t klen = strlen(cmd->idempotency_key);
    if (klen == 0 || klen > ENR_KEY_MAX_LEN || !pw_utf8_valid(cmd->idempotency_key, klen)) {
        enr_cmd_fail(x, ENR_E_NO_KEY, "every change needs an idempotency_key of 1 to %d bytes",
                     ENR_KEY_MAX_LEN);
        return NULL;
    }
    if (enr_cmd_text(x, "actor", x->actor, 1) != 0)
        return NULL;
    char cause[ENR_KEY_MAX_LEN + sizeof CAUSE_PREFIX];
    snprintf(cause, sizeof cause, "%s%s", CAUSE_PREFIX, cmd->idempotency_key);
    x->cause = cause;
    uint8_t *out = run_change(x, s, fn, cmd, data, len, reply_len);
    x->cause = NULL;
    return out;
}

uint8_t *enr_command_answer(const enr_session_t *s, const char *type, const uint8_t *data,
                            size_t len, size_t *reply_len)
{
    if (!type || strcmp(type, ENR_COMMAND_TYPE) != 0)
        return encode_error(NULL, ENR_E_MALFORMED, "enrollment answers " ENR_COMMAND_TYPE " only",
                            0, reply_len);
    cmd_t *cmd =
        (cmd_t *)pw_msg_decode(&pathways__v1__enrollment_command__descriptor, data, len, 0);
    if (!cmd)
        return encode_error(NULL, ENR_E_MALFORMED, "the EnrollmentCommand could not be decoded", 0,
                            reply_len);
    enr_touched_t touched = {0};
    const enr_emitter_t *inner = &s->emit;
    recorder_t rec = {&touched, inner};
    /* An authenticated caller is its key; a name the client gives as well
     * is kept beside it ("staff@acme via key:ops"), never dropped. */
    char actor[2 * ENR_TEXT_MAX_LEN + 8];
    if (s->actor && cmd->actor && *cmd->actor && strcmp(cmd->actor, s->actor) != 0)
        snprintf(actor, sizeof actor, "%.*s via %s", ENR_TEXT_MAX_LEN + 1, cmd->actor, s->actor);
    else
        snprintf(actor, sizeof actor, "%s", s->actor ? s->actor : cmd->actor ? cmd->actor : "");
    enr_cmd_t x = {
        .db = s->db,
        .emit = {record_and_emit, &rec},
        .actor = actor,
        .touched = &touched,
        .result = calloc(1, sizeof *x.result),
    };
    uint8_t *out = NULL;
    if (x.result) {
        pathways__v1__enrollment_result__init(x.result);
        pw_date_format(pw_date_today(), x.today);
        out = execute(&x, s, cmd, data, len, reply_len);
    } else {
        enr_cmd_fail(&x, ENR_E_UNAVAILABLE, "out of memory");
    }
    if (!out) {
        pw_logkv(PW_LOG_INFO, "command refused", "code", x.code, "error", x.error, NULL);
        out = encode_error(cmd->idempotency_key, x.code, x.error, x.failed_step, reply_len);
    }
    pw_msg_free((ProtobufCMessage **)&x.result);
    touched_free(&touched);
    pw_msg_free((ProtobufCMessage **)&cmd);
    return out;
}
