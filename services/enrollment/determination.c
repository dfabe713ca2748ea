/* Reactions to eligibility determinations: invite the newly eligible, exit
 * the terminated. See determination.h for the rules. */
#include "determination.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"

typedef Pathways__V1__Determination det_t;

static const char *SQL_FOR_EMPLOYEE =
    "SELECT id, program, state, COALESCE(cohort_id, '') AS cohort_id"
    " FROM enrollment.enrollment WHERE employer = $1 AND employee = $2 ORDER BY id FOR UPDATE";

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
        .program = (d->program && *d->program) ? d->program : ENR_DEFAULT_PROGRAM,
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

static pw_apply_t exit_active(const enr_emitter_t *emit, pw_db_t *db, const det_t *d,
                              const pw_event_t *ev, const char *facts, char *err, size_t errlen)
{
    const char *p[2] = {d->employer, d->employee};
    PGresult *res = pw_db_prepared(db, "enr_for_employee", SQL_FOR_EMPLOYEE, 2, p);
    if (!res) {
        snprintf(err, errlen, "read enrollments: %s", pw_db_error(db));
        return PW_APPLY_RETRY;
    }
    char today[PW_DATE_LEN];
    pw_date_format(pw_date_today(), today);
    const char *raw = d->facts ? d->facts->reason_code : NULL;
    char reason[256];
    snprintf(reason, sizeof reason, "employment terminated%s%s%s", raw && *raw ? " (" : "",
             raw && *raw ? raw : "", raw && *raw ? ")" : "");
    pw_apply_t out = PW_APPLY_OK;
    for (int i = 0; i < PQntuples(res) && out == PW_APPLY_OK; i++) {
        enr_state_t from;
        if (enr_state_parse(pw_db_get(res, i, "state"), &from) != 0 || !enr_state_is_active(from))
            continue;
        enr_change_t c = {
            .employer = d->employer,
            .employee = d->employee,
            .program = pw_db_get(res, i, "program"),
            .to = ENR_STATE_EXITED,
            .cohort_id = pw_db_get(res, i, "cohort_id"),
            .reason_code = ENR_REASON_TERMINATED,
            .reason = reason,
            .actor = ENR_ACTOR_SYSTEM,
            .cause_event_id = ev->event_id,
            .effective_date = (d->as_of && *d->as_of) ? d->as_of : today,
            .facts_json = facts,
        };
        out = result_to_apply(
            enr_lifecycle_move(db, emit, pw_db_get_i64(res, i, "id"), from, &c, err, errlen));
    }
    PQclear(res);
    return out;
}

static pw_apply_t react(const enr_emitter_t *emit, pw_db_t *db, const det_t *d,
                        const pw_event_t *ev, char *err, size_t errlen)
{
    int terminated = d->status == PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED;
    int eligible = d->outcome == PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    if (!terminated && !eligible)
        return PW_APPLY_OK;
    char *facts = facts_json(d, ev);
    if (!facts) {
        snprintf(err, errlen, "out of memory");
        return PW_APPLY_RETRY;
    }
    pw_apply_t out = terminated ? exit_active(emit, db, d, ev, facts, err, errlen)
                                : invite(emit, db, d, ev, facts, err, errlen);
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
