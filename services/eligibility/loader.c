/* ProgramLoad: parse, check, count or apply, reply. */
#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "program.h"
#include "program_store.h"
#include "reeval.h"

typedef Pathways__V1__ProgramLoad load_t;
typedef Pathways__V1__ProgramLoadResult result_t;

static uint8_t *encode(result_t *r, size_t *reply_len)
{
    return pw_msg_encode(&r->base, 0, reply_len);
}

static uint8_t *reply_error(result_t *r, const char *code, const char *text, size_t *reply_len)
{
    r->error_code = (char *)code;
    r->error = (char *)text;
    return encode(r, reply_len);
}

/* Re-evaluates and stores the version in one transaction. Returns 0 or -1. */
static int apply(pw_service_t *svc, const elig_rules_t *rules, const char *intake,
                 const elig_scope_t *scope, const load_t *req, const char *cause,
                 elig_tally_t *tally)
{
    pw_db_t *db = pw_service_db(svc);
    if (pw_db_begin(db) != 0)
        return -1;
    if (elig_reeval_all(db, svc, rules, intake, scope, pw_date_today(), cause, tally) != 0 ||
        elig_store_insert(db, rules, req->source_name, req->yaml, req->actor,
                          elig_tally_evaluated(tally), elig_tally_changed(tally)) != 0 ||
        elig_store_register(db, rules, req->actor) != 0) {
        pw_warn("program load rolled back: %s", pw_db_error(db));
        pw_service_rollback(svc);
        return -1;
    }
    return pw_service_commit(svc);
}

/* The checked rules in hand: count or apply, and fill the result. */
static uint8_t *run(pw_service_t *svc, const elig_rules_t *current, int intake_now,
                    elig_rules_t **rules, const load_t *req, result_t *r, elig_rules_t **stored,
                    size_t *reply_len)
{
    pw_db_t *db = pw_service_db(svc);
    char cause[ELIG_PROGRAM_MAX + 32];
    elig_tally_t *tally = elig_tally_new();
    uint8_t *out = NULL;
    long latest = pw_db_ensure(db) == 0 ? elig_store_latest(db, (*rules)->program) : -1;
    int same = latest > 0 ? elig_store_same_as_active(db, (*rules)->program, req->yaml) : 0;
    if (!tally || latest < 0 || same < 0) {
        out = reply_error(r, "unavailable", "the database could not be read; retry", reply_len);
        goto done;
    }
    if (same) {
        r->unchanged = 1;
        r->version = (uint32_t)latest;
        out = encode(r, reply_len);
        goto done;
    }
    /* Numbers continue after the built-in rules' version (1), so a version
     * number always means one set of rules; a new program starts at 1. */
    long base = current && (long)current->version > latest ? (long)current->version : latest;
    (*rules)->version = (unsigned)base + 1;
    r->version = (*rules)->version;
    snprintf(cause, sizeof cause, "program:%s:v%u", (*rules)->program, (*rules)->version);
    /* Only the employees the change can affect are read and evaluated
     * (scope.h); the others' determinations would come out the same. */
    elig_scope_t scope;
    elig_scope_diff(current, *rules, &scope);
    const char *intake = elig_intake_name((*rules)->intake >= 0 ? (*rules)->intake : intake_now);
    int rc = req->dry_run
                 ? elig_reeval_all(db, NULL, *rules, intake, &scope, pw_date_today(), cause, tally)
                 : apply(svc, *rules, intake, &scope, req, cause, tally);
    if (rc != 0 || elig_tally_fill(tally, r) != 0) {
        out = reply_error(r, "unavailable", "the program could not be stored; retry", reply_len);
        goto done;
    }
    out = encode(r, reply_len);
    if (out && !req->dry_run) {
        *stored = *rules;
        *rules = NULL;
    }
done:
    elig_tally_destroy(&tally);
    return out;
}

uint8_t *elig_loader_handle(pw_service_t *svc, const elig_programs_t *programs,
                            const elig_attr_schema_t *schema, const uint8_t *data, size_t len,
                            elig_rules_t **stored, size_t *reply_len)
{
    result_t r = PATHWAYS__V1__PROGRAM_LOAD_RESULT__INIT;
    char err[512], text[600];
    unsigned line = 0;
    uint8_t *out;
    *stored = NULL;
    load_t *req = (load_t *)pw_msg_decode(&pathways__v1__program_load__descriptor, data, len, 0);
    if (!req)
        return reply_error(&r, "bad_request", "the bytes are not a ProgramLoad", reply_len);
    r.request_id = req->request_id;
    r.dry_run = req->dry_run;
    elig_rules_t *rules = malloc(sizeof *rules);
    if (!rules) {
        out = NULL;
    } else if (!pw_utf8_valid(req->yaml, strlen(req->yaml)) ||
               !pw_utf8_valid(req->source_name, strlen(req->source_name))) {
        out = reply_error(&r, "invalid_program", "the file is not UTF-8 text", reply_len);
    } else if (elig_program_parse_with(req->yaml, strlen(req->yaml), req->source_name, schema,
                                       rules, err, sizeof err, &line) != 0) {
        r.line = line;
        out = reply_error(&r, "invalid_program", err, reply_len);
    } else if (!elig_programs_find(programs, rules->program) &&
               elig_programs_count(programs) >= ELIG_MAX_PROGRAMS) {
        r.program = rules->program;
        snprintf(text, sizeof text, "a deployment holds at most %d programs", ELIG_MAX_PROGRAMS);
        out = reply_error(&r, "too_many_programs", text, reply_len);
    } else {
        r.program = rules->program;
        out = run(svc, elig_programs_find(programs, rules->program),
                  elig_programs_intake_of(programs, rules->program), &rules, req, &r, stored,
                  reply_len);
    }
    free(rules);
    pw_msg_free((ProtobufCMessage **)&req);
    return out;
}
