/* Recording enrollment states for the not_in_program criterion. */
#include "participation.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "pathways/codec.h"

#define STATE_PREFIX "ENROLLMENT_STATE_"

static const char UPSERT_SQL[] =
    "INSERT INTO eligibility.participation (employer, employee, program, state)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (employer, employee, program)"
    " DO UPDATE SET state = EXCLUDED.state, updated_at = now()";

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

pw_apply_t elig_participation_apply(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                    size_t errlen)
{
    (void)ctx;
    Pathways__V1__EnrollmentChanged *c = pw_decode_enrollment_changed(ev->payload, ev->payload_len);
    char state[40];
    if (!c) {
        snprintf(err, errlen, "undecodable EnrollmentChanged (%zu bytes)", ev->payload_len);
        return PW_APPLY_REJECT;
    }
    state_name(c->to_state, state, sizeof state);
    pw_apply_t out = PW_APPLY_OK;
    if (*c->employer && *c->employee && *c->program && *state) {
        const char *params[4] = {c->employer, c->employee, c->program, state};
        if (pw_db_exec(db, UPSERT_SQL, 4, params) != 0) {
            snprintf(err, errlen, "participation: %s", pw_db_error(db));
            out = PW_APPLY_RETRY;
        }
    }
    pw_free_enrollment_changed(&c);
    return out;
}
