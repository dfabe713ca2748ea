/* Reactions to eligibility determinations: keep the latest one, exit the
 * terminated, pause and resume on leave, flag lost standing, invite the
 * newly eligible. See determination.h for the rules. */
#include "determination.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "reactions.h"

typedef Pathways__V1__Determination det_t;

/* Keeps the latest determination; returns the previous standing ("" for
 * none) so a loss of good standing is seen once, when it happens. */
static const char *SQL_STORE =
    "WITH prev AS (SELECT standing FROM enrollment.determination"
    "  WHERE employer = $1 AND employee = $2 AND program = $3 FOR UPDATE),"
    " up AS (INSERT INTO enrollment.determination (employer, employee, program, outcome,"
    "  status, standing, as_of, event_id, facts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)"
    "  ON CONFLICT (employer, employee, program) DO UPDATE SET outcome = EXCLUDED.outcome,"
    "  status = EXCLUDED.status, standing = EXCLUDED.standing, as_of = EXCLUDED.as_of,"
    "  event_id = EXCLUDED.event_id, facts = EXCLUDED.facts, updated_at = now())"
    " SELECT COALESCE((SELECT standing FROM prev), '') AS previous_standing";

static const char *SQL_CHECK =
    "SELECT outcome, facts::text AS facts, COALESCE((SELECT string_agg(c->>'reason', '; ')"
    "  FROM jsonb_array_elements(facts->'criteria') c"
    "  WHERE c->>'result' <> 'CRITERION_RESULT_PASS'), '') AS failing"
    " FROM enrollment.determination WHERE employer = $1 AND employee = $2 AND program = $3";

#define OUTCOME_ELIGIBLE_NAME "OUTCOME_ELIGIBLE"

static const char *enum_name(const ProtobufCEnumDescriptor *d, int value)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
    return v ? v->name : "UNKNOWN";
}

/* The facts the decision used, frozen into the audit row. Personal contact
 * data (names, email, phone) stays out. Caller frees; NULL on OOM. */
static char *facts_json(const det_t *d, const pw_event_t *ev)
{
    json_t *o = json_object();
    json_object_set_new(o, "outcome",
                        json_string(enum_name(&pathways__v1__outcome__descriptor, d->outcome)));
    json_object_set_new(
        o, "status",
        json_string(enum_name(&pathways__v1__employment_status__descriptor, d->status)));
    json_object_set_new(o, "standing",
                        json_string(enum_name(&pathways__v1__standing__descriptor,
                                              d->facts ? (int)d->facts->standing : 0)));
    json_object_set_new(o, "as_of", json_string(d->as_of ? d->as_of : ""));
    json_object_set_new(o, "rule_version", json_integer(d->rule_version));
    json_object_set_new(o, "source_stream", json_string(ev->stream ? ev->stream : ""));
    json_object_set_new(o, "source_seq", json_integer(ev->seq));
    json_t *crit = json_array();
    for (size_t i = 0; i < d->n_criteria; i++) {
        const Pathways__V1__Criterion *c = d->criteria[i];
        json_t *one = json_object();
        json_object_set_new(one, "name", json_string(c->name ? c->name : ""));
        json_object_set_new(
            one, "result",
            json_string(enum_name(&pathways__v1__criterion_result__descriptor, c->result)));
        json_object_set_new(one, "reason", json_string(c->reason ? c->reason : ""));
        json_array_append_new(crit, one);
    }
    json_object_set_new(o, "criteria", crit);
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return text;
}

static const char *program_of(const det_t *d)
{
    return (d->program && *d->program) ? d->program : ENR_DEFAULT_PROGRAM;
}

static pw_apply_t result_to_apply(enr_result_t r)
{
    switch (r) {
    case ENR_OK:
    case ENR_EXISTS:
        return PW_APPLY_OK;
    case ENR_ERR_ILLEGAL:
        return PW_APPLY_REJECT;
    default:
        return PW_APPLY_RETRY;
    }
}

static pw_apply_t invite(const enr_emitter_t *emit, pw_db_t *db, const det_t *d,
                         const pw_event_t *ev, const char *facts, char *err, size_t errlen)
{
    char today[PW_DATE_LEN];
    pw_date_format(pw_date_today(), today);
    enr_change_t c = {
        .employer = d->employer,
        .employee = d->employee,
        .program = program_of(d),
        .to = ENR_STATE_INVITED,
        .reason_code = ENR_REASON_ELIGIBLE,
        .reason = "eligible for the program",
        .actor = ENR_ACTOR_SYSTEM,
        .cause_event_id = ev->event_id,
        .effective_date = (d->as_of && *d->as_of) ? d->as_of : today,
        .facts_json = facts,
    };
    return result_to_apply(enr_lifecycle_create(db, emit, &c, err, errlen));
}

/* Stores d as the latest determination; sets *lost when good standing was
 * lost with it. Returns 0 or -1 with err. */
static int store(pw_db_t *db, const det_t *d, const pw_event_t *ev, const char *facts, int *lost,
                 char *err, size_t errlen)
{
    int standing = d->facts ? (int)d->facts->standing : 0;
    const char *p[9] = {
        d->employer,
        d->employee,
        program_of(d),
        enum_name(&pathways__v1__outcome__descriptor, d->outcome),
        enum_name(&pathways__v1__employment_status__descriptor, d->status),
        enum_name(&pathways__v1__standing__descriptor, standing),
        d->as_of ? d->as_of : "",
        ev->event_id ? ev->event_id : "",
        facts,
    };
    PGresult *res = pw_db_prepared(db, "enr_det_store", SQL_STORE, 9, p);
    if (!res) {
        snprintf(err, errlen, "store determination: %s", pw_db_error(db));
        return -1;
    }
    const char *before = pw_db_get(res, 0, "previous_standing");
    int bad_now = standing == PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION ||
                  standing == PATHWAYS__V1__STANDING__STANDING_FINAL_WARNING;
    int bad_before = strcmp(before, "STANDING_CORRECTIVE_ACTION") == 0 ||
                     strcmp(before, "STANDING_FINAL_WARNING") == 0;
    *lost = bad_now && !bad_before;
    PQclear(res);
    return 0;
}

static pw_apply_t react_all(const enr_emitter_t *emit, pw_db_t *db, const det_t *d,
                            const pw_event_t *ev, const char *facts, char *err, size_t errlen)
{
    int lost = 0;
    if (store(db, d, ev, facts, &lost, err, errlen) != 0)
        return PW_APPLY_RETRY;
    char today[PW_DATE_LEN];
    pw_date_format(pw_date_today(), today);
    enr_cause_t cause = {
        .employer = d->employer,
        .employee = d->employee,
        .cause_event_id = ev->event_id,
        .date = (d->as_of && *d->as_of) ? d->as_of : today,
        .facts = facts,
        .detail = d->facts ? d->facts->reason_code : NULL,
    };
    enr_result_t r = ENR_OK;
    switch (d->status) {
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED:
        return result_to_apply(enr_react(db, emit, ENR_REACT_EXIT, &cause, err, errlen));
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE:
        r = enr_react(db, emit, ENR_REACT_PAUSE, &cause, err, errlen);
        break;
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE:
        r = enr_react(db, emit, ENR_REACT_RESUME, &cause, err, errlen);
        break;
    default:
        break;
    }
    if (r == ENR_OK && lost) {
        cause.detail = enum_name(&pathways__v1__standing__descriptor, (int)d->facts->standing);
        r = enr_react(db, emit, ENR_REACT_FLAG, &cause, err, errlen);
    }
    if (r != ENR_OK)
        return result_to_apply(r);
    if (d->outcome == PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE)
        return invite(emit, db, d, ev, facts, err, errlen);
    return PW_APPLY_OK;
}

static pw_apply_t react(const enr_emitter_t *emit, pw_db_t *db, const det_t *d,
                        const pw_event_t *ev, char *err, size_t errlen)
{
    char *facts = facts_json(d, ev);
    if (!facts) {
        snprintf(err, errlen, "out of memory");
        return PW_APPLY_RETRY;
    }
    pw_apply_t out = react_all(emit, db, d, ev, facts, err, errlen);
    free(facts);
    return out;
}

pw_apply_t enr_apply_determination(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                   size_t errlen)
{
    const enr_emitter_t *emit = ctx;
    det_t *d = pw_decode_determination(ev->payload, ev->payload_len);
    if (!d) {
        snprintf(err, errlen, "undecodable Determination payload (%zu bytes)", ev->payload_len);
        return PW_APPLY_REJECT;
    }
    pw_apply_t out;
    if (!d->employer || !*d->employer || !d->employee || !*d->employee) {
        snprintf(err, errlen, "Determination without employer or employee");
        out = PW_APPLY_REJECT;
    } else {
        out = react(emit, db, d, ev, err, errlen);
    }
    pw_free_determination(&d);
    return out;
}

int enr_eligibility_check(pw_db_t *db, const char *employer, const char *employee,
                          const char *program, char *why, size_t whylen, char **facts)
{
    if (facts)
        *facts = NULL;
    const char *p[3] = {employer, employee, program};
    PGresult *res = pw_db_prepared(db, "enr_det_check", SQL_CHECK, 3, p);
    if (!res) {
        snprintf(why, whylen, "read determination: %s", pw_db_error(db));
        return -1;
    }
    int out;
    if (PQntuples(res) == 0) {
        snprintf(why, whylen, "no eligibility determination for %s/%s in %s", employer, employee,
                 program);
        out = -2;
    } else {
        const char *outcome = pw_db_get(res, 0, "outcome");
        out = strcmp(outcome, OUTCOME_ELIGIBLE_NAME) == 0;
        if (!out)
            snprintf(why, whylen, "%s/%s is not eligible (%s): %s", employer, employee, outcome,
                     pw_db_get(res, 0, "failing"));
        if (facts)
            *facts = strdup(pw_db_get(res, 0, "facts"));
    }
    PQclear(res);
    return out;
}
