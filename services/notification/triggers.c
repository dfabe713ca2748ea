/* Enrollment events -> queued notifications (triggers.h). */
#include "triggers.h"

#include <stdio.h>

#include "catalog.h"
#include "outbox.h"
#include "pathways/codec.h"

const char *ntf_trigger_for_state(int to_state)
{
    switch (to_state) {
    case PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_INVITED:
        return NTF_TRIGGER_INVITATION;
    case PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_EXITED:
        return NTF_TRIGGER_EXITED;
    default:
        return NULL;
    }
}

pw_apply_t ntf_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                size_t errlen)
{
    const ntf_publisher_t *pub = ctx;
    Pathways__V1__EnrollmentChanged *e = pw_decode_enrollment_changed(ev->payload, ev->payload_len);
    if (!e) {
        snprintf(err, errlen, "undecodable EnrollmentChanged payload (%zu bytes)", ev->payload_len);
        return PW_APPLY_REJECT;
    }
    pw_apply_t out = PW_APPLY_OK;
    const char *trigger = ntf_trigger_for_state(e->to_state);
    if (!trigger) {
        out = PW_APPLY_OK;
    } else if (!e->employer || !*e->employer || !e->employee || !*e->employee || !ev->event_id ||
               !*ev->event_id) {
        snprintf(err, errlen, "EnrollmentChanged without employer, employee or event id");
        out = PW_APPLY_REJECT;
    } else {
        ntf_enqueue_t q = {
            .trigger_event_id = ev->event_id,
            .trigger = trigger,
            .recipient = NTF_RECIPIENT_EMPLOYEE,
            .employer = e->employer,
            .employee = e->employee,
            .program = e->program,
            .channel = NTF_CHANNEL_EMAIL,
        };
        if (ntf_outbox_enqueue(db, pub, &q, err, errlen) < 0)
            out = PW_APPLY_RETRY;
    }
    pw_free_enrollment_changed(&e);
    return out;
}
