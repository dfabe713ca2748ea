/* Administrators' changes through the command endpoint (admin.h). */
#include "admin.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "pathways/log.h"
#include "resolve.h"

#define ID_MAX      128
#define MAX_CANCEL  1000
#define MAX_CHANNEL 4

typedef Pathways__V1__NotificationAdminRequest request_t;
typedef Pathways__V1__NotificationAdminReply reply_t;
typedef Pathways__V1__NotificationOutcome outcome_t;

static const char *SQL_RETRY =
    "UPDATE notification.outbox SET state = 'queued', attempts = 0, address_waits = 0,"
    " next_attempt_at = now(), last_error = '', dead_at = NULL, cancelled_at = NULL,"
    " claimed_at = NULL, updated_at = now()"
    " WHERE notification_id = $1 AND state IN ('dead', 'cancelled')"
    " RETURNING trigger, employer, employee, recipient, channel, state";

static const char *SQL_CANCEL =
    "UPDATE notification.outbox SET state = 'cancelled', cancelled_at = now(), last_error = $2,"
    " address_wait_since = NULL, updated_at = now() WHERE notification_id = $1 AND state IN "
    "('queued', 'retrying')"
    " RETURNING trigger, employer, employee, recipient, channel, state";

static const char *SQL_STATE =
    "SELECT state, employer, employee, recipient FROM notification.outbox"
    " WHERE notification_id = $1";

static const char *SQL_AUDIT =
    "INSERT INTO notification.admin_action (request_id, action, notification_id, employer,"
    " person, actor, reason, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

static const char *SQL_PREFERENCE =
    "INSERT INTO notification.preference AS p (employer, person, channels, opted_out, language,"
    " updated_by, reason) VALUES ($1, $2, COALESCE($3::text[], '{email}'),"
    " COALESCE($4::boolean, false), COALESCE($5, ''), $6, $7)"
    " ON CONFLICT (employer, person) DO UPDATE SET"
    " channels = COALESCE($3::text[], p.channels), opted_out = COALESCE($4::boolean, p.opted_out),"
    " language = COALESCE($5, p.language), updated_by = $6, reason = $7, updated_at = now()"
    " RETURNING employer, person, array_to_string(channels, ',') AS channels, opted_out,"
    " language";

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* Frees a string of a reply; INIT leaves protobuf-c's static "" there. */
static void free_str(char *s)
{
    if (s != protobuf_c_empty_string)
        free(s);
}

static void set_error(reply_t *r, const char *code, const char *msg)
{
    free_str(r->error_code);
    free_str(r->error);
    r->error_code = strdup(code);
    r->error = strdup(msg);
}

static int audit(pw_db_t *db, const request_t *req, const char *action, const char *id,
                 const char *employer, const char *person, const char *result)
{
    const char *p[8] = {nz(req->request_id), action,          id,    employer, person,
                        nz(req->actor),      nz(req->reason), result};
    return pw_db_exec(db, SQL_AUDIT, 8, p);
}

static outcome_t *add_outcome(reply_t *r, const char *id, int ok, const char *state,
                              const char *error)
{
    outcome_t **grown = realloc(r->outcomes, (r->n_outcomes + 1) * sizeof *grown);
    outcome_t *o = grown ? malloc(sizeof *o) : NULL;
    if (grown)
        r->outcomes = grown;
    if (!o)
        return NULL;
    pathways__v1__notification_outcome__init(o);
    o->notification_id = strdup(id);
    o->ok = ok;
    o->state = strdup(state);
    o->error = strdup(error);
    r->outcomes[r->n_outcomes++] = o;
    return o;
}

/* Runs one state change (retry or cancel) on one id, announcing it. */
static int change_one(pw_db_t *db, const ntf_publisher_t *pub, const request_t *req,
                      const char *action, const char *id, reply_t *r)
{
    char note[256];
    snprintf(note, sizeof note, "cancelled by %s", *nz(req->actor) ? req->actor : "administrator");
    int retry = strcmp(action, "retry") == 0;
    const char *p[2] = {id, note};
    PGresult *res = retry ? pw_db_query(db, SQL_RETRY, 1, p) : pw_db_query(db, SQL_CANCEL, 2, p);
    if (!res)
        return -1;
    char err[256] = "";
    int rc = 0;
    if (PQntuples(res) == 1) {
        ntf_announce_t a = {id,
                            pw_db_get(res, 0, "trigger"),
                            pw_db_get(res, 0, "employer"),
                            pw_db_get(res, 0, "employee"),
                            pw_db_get(res, 0, "recipient"),
                            pw_db_get(res, 0, "channel"),
                            pw_db_get(res, 0, "state"),
                            0,
                            retry ? "" : note};
        rc = ntf_outbox_announce(pub, &a, err, sizeof err) != 0 ||
                     audit(db, req, action, id, a.employer, a.employee, a.state) != 0 ||
                     !add_outcome(r, id, 1, a.state, "")
                 ? -1
                 : 0;
        PQclear(res);
        return rc;
    }
    PQclear(res);
    res = pw_db_query(db, SQL_STATE, 1, p);
    if (!res)
        return -1;
    const char *state = PQntuples(res) ? pw_db_get(res, 0, "state") : "";
    char why[128];
    snprintf(why, sizeof why, "%s",
             !*state ? "no such notification"
             : retry ? "only dead or cancelled notifications can be retried"
                     : "only queued or retrying notifications can be cancelled");
    rc = add_outcome(r, id, 0, state, why) ? 0 : -1;
    PQclear(res);
    return rc;
}

static int valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > ID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)id[i]) && id[i] != '-')
            return 0;
    return 1;
}

static int changes(pw_db_t *db, const ntf_publisher_t *pub, const request_t *req, reply_t *r)
{
    int retry = req->request_case == PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__REQUEST_RETRY;
    char **ids = retry ? &req->retry->notification_id : req->cancel->notification_ids;
    size_t n = retry ? 1 : req->cancel->n_notification_ids;
    if (n == 0 || n > MAX_CANCEL) {
        set_error(r, "bad_request", "name 1 to 1000 notification ids");
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!valid_id(ids[i])) {
            set_error(r, "bad_request", "a notification id is letters, digits and '-'");
            return 0;
        }
    for (size_t i = 0; i < n; i++)
        if (change_one(db, pub, req, retry ? "retry" : "cancel", ids[i], r) != 0)
            return -1;
    return 0;
}

static int valid_language(const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n && isalpha((unsigned char)s[i]))
        i++;
    if (i < 2 || i > 3)
        return 0;
    if (i == n)
        return 1;
    if (s[i] != '-' || n - i - 1 < 2 || n - i - 1 > 8)
        return 0;
    for (i++; i < n; i++)
        if (!isalnum((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Checks the channels and writes them as a text[] literal ("{email}"). */
static int channels_literal(const Pathways__V1__PreferenceSet *ps, char *out, size_t outlen)
{
    size_t o = 0;
    if (ps->n_channels > MAX_CHANNEL)
        return -1;
    out[o++] = '{';
    for (size_t i = 0; i < ps->n_channels; i++) {
        const char *c = ps->channels[i];
        if (strcmp(c, "email") != 0 && strcmp(c, "webhook") != 0)
            return -1;
        o += (size_t)snprintf(out + o, outlen - o, "%s%s", i ? "," : "", c);
    }
    snprintf(out + o, outlen - o, "}");
    return 0;
}

/* The (employer, person) a preference request names. Returns 0, 1 when
 * the request is at fault (error set), -1 on a database failure. */
static int preference_person(pw_db_t *db, const Pathways__V1__PreferenceSet *ps, reply_t *r,
                             char *employer, char *person)
{
    if (!*nz(ps->unsubscribe_ref)) {
        if (!*nz(ps->employer) || !*nz(ps->person) || strlen(ps->employer) > ID_MAX ||
            strlen(ps->person) > ID_MAX)
            return set_error(r, "bad_request", "name EMPLOYER and PERSON, or --ref"), 1;
        snprintf(employer, ID_MAX + 1, "%s", ps->employer);
        snprintf(person, ID_MAX + 1, "%s", ps->person);
        return 0;
    }
    if (!valid_id(ps->unsubscribe_ref))
        return set_error(r, "bad_request", "an unsubscribe reference is a notification id"), 1;
    const char *p[1] = {ps->unsubscribe_ref};
    PGresult *res = pw_db_query(db, SQL_STATE, 1, p);
    if (!res)
        return -1;
    int rc = 0;
    ntf_row_t row = {.recipient = PQntuples(res) ? pw_db_get(res, 0, "recipient") : "",
                     .employee = PQntuples(res) ? pw_db_get(res, 0, "employee") : ""};
    const char *who = PQntuples(res) ? ntf_preference_person(&row) : NULL;
    if (!who) {
        set_error(r, "not_found", "no person receives messages under that reference");
        rc = 1;
    } else {
        snprintf(employer, ID_MAX + 1, "%s", pw_db_get(res, 0, "employer"));
        snprintf(person, ID_MAX + 1, "%s", who);
    }
    PQclear(res);
    return rc;
}

static int fill_preference(reply_t *r, const PGresult *res)
{
    Pathways__V1__PreferenceState *s = malloc(sizeof *s);
    if (!s)
        return -1;
    pathways__v1__preference_state__init(s);
    r->preference = s;
    s->employer = strdup(pw_db_get(res, 0, "employer"));
    s->person = strdup(pw_db_get(res, 0, "person"));
    s->opted_out = strcmp(pw_db_get(res, 0, "opted_out"), "t") == 0;
    s->language = strdup(pw_db_get(res, 0, "language"));
    const char *list = pw_db_get(res, 0, "channels");
    s->channels = calloc(MAX_CHANNEL + 1, sizeof *s->channels);
    for (const char *p = list; s->channels && *p && s->n_channels < MAX_CHANNEL;) {
        size_t len = strcspn(p, ",");
        s->channels[s->n_channels++] = strndup(p, len);
        p += len + (p[len] == ',');
    }
    return 0;
}

static int preference_set(pw_db_t *db, const request_t *req, reply_t *r)
{
    const Pathways__V1__PreferenceSet *ps = req->preference_set;
    char employer[ID_MAX + 1], person[ID_MAX + 1], chans[128];
    if (channels_literal(ps, chans, sizeof chans) != 0 ||
        (*nz(ps->language) && !valid_language(ps->language)))
        return set_error(r, "bad_request", "channels: email, webhook; language: a BCP 47 tag"), 0;
    int who = preference_person(db, ps, r, employer, person);
    if (who != 0)
        return who < 0 ? -1 : 0;
    const char *opt = ps->opt_out == PATHWAYS__V1__OPT_OUT__OPT_OUT_YES  ? "true"
                      : ps->opt_out == PATHWAYS__V1__OPT_OUT__OPT_OUT_NO ? "false"
                                                                         : NULL;
    const char *p[7] = {employer,
                        person,
                        ps->n_channels ? chans : NULL,
                        opt,
                        *nz(ps->language) ? ps->language : NULL,
                        *nz(req->actor) ? req->actor : "administrator",
                        nz(req->reason)};
    PGresult *res = pw_db_query(db, SQL_PREFERENCE, 7, p);
    if (!res)
        return -1;
    int rc = fill_preference(r, res) == 0 &&
                     audit(db, req, "preference", NULL, employer, person,
                           opt ? (strcmp(opt, "true") == 0 ? "opted_out" : "opted_in") : "set") == 0
                 ? 0
                 : -1;
    PQclear(res);
    return rc;
}

int ntf_admin_handle(pw_db_t *db, const ntf_publisher_t *pub, const request_t *req, reply_t *r)
{
    r->request_id = strdup(nz(req->request_id));
    if (pw_db_begin(db) != 0) {
        set_error(r, "internal", pw_db_error(db));
        return -1;
    }
    int rc;
    switch (req->request_case) {
    case PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__REQUEST_RETRY:
    case PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__REQUEST_CANCEL:
        rc = changes(db, pub, req, r);
        break;
    case PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__REQUEST_PREFERENCE_SET:
        rc = preference_set(db, req, r);
        break;
    default:
        set_error(r, "bad_request", "empty request");
        rc = 0;
    }
    if (rc == 0 && !*nz(r->error_code) && pub->commit(pub->ctx, db) == 0)
        return 0;
    int ours = rc != 0 || *nz(r->error_code) == '\0'; /* not the request's fault */
    if (ours)
        set_error(r, "internal", pw_db_error(db));
    pub->rollback(pub->ctx, db);
    return ours ? -1 : 0;
}

void ntf_admin_reply_clear(reply_t *r)
{
    for (size_t i = 0; i < r->n_outcomes; i++) {
        free_str(r->outcomes[i]->notification_id);
        free_str(r->outcomes[i]->state);
        free_str(r->outcomes[i]->error);
        free(r->outcomes[i]);
    }
    free(r->outcomes);
    if (r->preference) {
        for (size_t i = 0; i < r->preference->n_channels; i++)
            free_str(r->preference->channels[i]);
        free(r->preference->channels);
        free_str(r->preference->employer);
        free_str(r->preference->person);
        free_str(r->preference->language);
        free(r->preference);
    }
    free_str(r->request_id);
    free_str(r->error_code);
    free_str(r->error);
    pathways__v1__notification_admin_reply__init(r);
}

static uint8_t *unsupported(const char *type, const char **reply_type, size_t *reply_len)
{
    Pathways__V1__AdminReply r = PATHWAYS__V1__ADMIN_REPLY__INIT;
    char msg[256];
    snprintf(msg, sizeof msg, "the notification service answers %s, not %.100s",
             NTF_ADMIN_REQUEST_TYPE, type);
    r.error_code = "unsupported";
    r.error = msg;
    *reply_type = "pathways.v1.AdminReply";
    return pw_msg_encode(&r.base, 0, reply_len);
}

uint8_t *ntf_admin_on_request(void *ctx, pw_service_t *svc, const char *type, const uint8_t *data,
                              size_t len, const char **reply_type, size_t *reply_len)
{
    if (strcmp(type, NTF_ADMIN_REQUEST_TYPE) != 0)
        return unsupported(type, reply_type, reply_len);
    reply_t r = PATHWAYS__V1__NOTIFICATION_ADMIN_REPLY__INIT;
    request_t *req = (request_t *)pw_msg_decode(
        &pathways__v1__notification_admin_request__descriptor, data, len, 0);
    if (!req) {
        set_error(&r, "bad_request", "undecodable NotificationAdminRequest");
    } else if (ntf_admin_handle(pw_service_db(svc), ctx, req, &r) != 0) {
        pw_logkv(PW_LOG_ERROR, "admin request failed", "error", nz(r.error), (char *)NULL);
    }
    *reply_type = NTF_ADMIN_REPLY_TYPE;
    uint8_t *out = pw_msg_encode(&r.base, 0, reply_len);
    ntf_admin_reply_clear(&r);
    pw_msg_free((ProtobufCMessage **)&req);
    return out;
}
