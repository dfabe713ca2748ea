/* Recording enrollment states for the not_in_program criterion, a whole
 * consumer batch per statement. */
#include "participation.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "pathways/codec.h"
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
static int add_event(pw_buf_t *cols, const pw_event_t *ev, char *err, size_t errlen)
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

pw_apply_t elig_participation_apply(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                    char *err, size_t errlen)
{
    (void)ctx;
    pw_buf_t cols[C_COUNT];
    pw_apply_t out = PW_APPLY_OK;
    for (int k = 0; k < C_COUNT; k++)
        pw_buf_init(&cols[k]);
    for (size_t i = 0; i < n && out == PW_APPLY_OK; i++)
        if (add_event(cols, &evs[i], err, errlen) != 0)
            out = PW_APPLY_REJECT;
    if (out == PW_APPLY_OK)
        out = upsert(db, cols, err, errlen);
    for (int k = 0; k < C_COUNT; k++)
        pw_buf_release(&cols[k]);
    return out;
}
