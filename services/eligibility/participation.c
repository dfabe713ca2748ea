/* Recording enrollment states for the not_in_program criterion, a whole
 * consumer batch per statement. */
#include "participation.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "determination.h"
#include "evaluate.h"
#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/buf.h"

#define STATE_PREFIX "ENROLLMENT_STATE_"

/* A batch in one statement: the last state per (employer, employee,
 * program) wins, as applying the events one by one would leave it (ON
 * CONFLICT may not touch a row twice in one statement). */
static const char UPSERT_SQL[] =
    "INSERT INTO eligibility.participation AS p (employer, employee, program, state)"
    " SELECT DISTINCT ON (employer, employee, program) employer, employee, program, state"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY"
    " AS t(employer, employee, program, state, ord)"
    " ORDER BY employer, employee, program, ord DESC"
    " ON CONFLICT (employer, employee, program)"
    " DO UPDATE SET state = EXCLUDED.state, updated_at = now()";

enum { C_EMPLOYER, C_EMPLOYEE, C_PROGRAM, C_STATE, C_COUNT };

/* "ENROLLMENT_STATE_IN_TRAINING" -> "in_training"; "" when unknown. */
static void state_name(int state, char *out, size_t len)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&pathways__v1__enrollment_state__descriptor, state);
    out[0] = '\0';
    if (!v || strncmp(v->name, STATE_PREFIX, strlen(STATE_PREFIX)) != 0 || state == 0)
        return;
    snprintf(out, len, "%s", v->name + strlen(STATE_PREFIX));
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
}

/* Adds ev's row to cols (or nothing, for a change that names no state).
 * Returns 0, or -1 when the payload does not decode. */
/* Adds (employer, employee) to keys[0..*k) unless there already. */
static void add_key(elig_employee_t *keys, size_t *k, const char *employer, const char *employee)
{
    for (size_t j = 0; j < *k; j++)
        if (!strcmp(keys[j].facts.employer, employer) && !strcmp(keys[j].facts.employee, employee))
            return;
    elig_facts_init(&keys[(*k)++].facts, employer, employee);
}

static int add_event(pw_buf_t *cols, elig_employee_t *keys, size_t *k, const pw_event_t *ev,
                     char *err, size_t errlen)
{
    Pathways__V1__EnrollmentChanged *c = pw_decode_enrollment_changed(ev->payload, ev->payload_len);
    char state[40];
    if (!c) {
        snprintf(err, errlen, "undecodable EnrollmentChanged (%zu bytes)", ev->payload_len);
        return -1;
    }
    state_name(c->to_state, state, sizeof state);
    if (*c->employer && *c->employee && *c->program && *state) {
        pw_buf_arr_add(&cols[C_EMPLOYER], c->employer);
        pw_buf_arr_add(&cols[C_EMPLOYEE], c->employee);
        pw_buf_arr_add(&cols[C_PROGRAM], c->program);
        pw_buf_arr_add(&cols[C_STATE], state);
        if (keys)
            add_key(keys, k, c->employer, c->employee);
    }
    pw_free_enrollment_changed(&c);
    return 0;
}

static pw_apply_t upsert(pw_db_t *db, pw_buf_t *cols, char *err, size_t errlen)
{
    const char *params[C_COUNT];
    if (cols[C_EMPLOYER].items == 0)
        return PW_APPLY_OK;
    for (int k = 0; k < C_COUNT; k++) {
        params[k] = pw_buf_array(&cols[k]);
        if (!pw_buf_ok(&cols[k])) {
            snprintf(err, errlen, "participation: out of memory");
            return PW_APPLY_RETRY;
        }
    }
    PGresult *res = pw_db_prepared(db, "elig_participation", UPSERT_SQL, C_COUNT, params);
    if (!res) {
        snprintf(err, errlen, "participation: %s", pw_db_error(db));
        return PW_APPLY_RETRY;
    }
    PQclear(res);
    return PW_APPLY_OK;
}

/* The employees of the recorded rows, under every program. */
static pw_apply_t reevaluate(pw_service_t *svc, const elig_programs_t *programs, pw_db_t *db,
                             elig_employee_t *emps, size_t k, const pw_event_t *last, char *err,
                             size_t errlen)
{
    elig_eval_t ev = {.svc = svc, .today = pw_date_today()};
    pw_apply_t out = PW_APPLY_OK;
    char cause[ELIG_ID_MAX + 16];
    snprintf(cause, sizeof cause, "enrollment:%s", last->event_id ? last->event_id : "");
    if (!(ev.dets = elig_det_batch_new())) {
        snprintf(err, errlen, "participation: out of memory");
        return PW_APPLY_RETRY;
    }
    for (size_t p = 0; p < elig_programs_count(programs) && out == PW_APPLY_OK; p++) {
        ev.rules = elig_programs_at(programs, p);
        ev.intake = elig_intake_name(elig_programs_intake(programs, p));
        elig_det_batch_clear(ev.dets);
        if (elig_eval_keys(&ev, db, emps, k, cause) != 0) {
            snprintf(err, errlen, "participation: re-evaluation: %s", pw_db_error(db));
            out = PW_APPLY_RETRY;
        }
    }
    elig_det_batch_destroy(&ev.dets);
    return out;
}

pw_apply_t elig_participation_apply(pw_service_t *svc, const elig_programs_t *programs, pw_db_t *db,
                                    const pw_event_t *evs, size_t n, char *err, size_t errlen)
{
    pw_buf_t cols[C_COUNT];
    pw_apply_t out = PW_APPLY_OK;
    elig_employee_t *keys = programs ? calloc(n ? n : 1, sizeof *keys) : NULL;
    size_t n_keys = 0;
    if (programs && !keys) {
        snprintf(err, errlen, "participation: out of memory");
        return PW_APPLY_RETRY;
    }
    for (int k = 0; k < C_COUNT; k++)
        pw_buf_init(&cols[k]);
    for (size_t i = 0; i < n && out == PW_APPLY_OK; i++)
        if (add_event(cols, keys, &n_keys, &evs[i], err, errlen) != 0)
            out = PW_APPLY_REJECT;
    if (out == PW_APPLY_OK)
        out = upsert(db, cols, err, errlen);
    if (out == PW_APPLY_OK && n_keys)
        out = reevaluate(svc, programs, db, keys, n_keys, &evs[n - 1], err, errlen);
    elig_employees_free(keys, n);
    for (int k = 0; k < C_COUNT; k++)
        pw_buf_release(&cols[k]);
    return out;
}
