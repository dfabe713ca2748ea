/* What makes a notification: stream "enrollment" events mapped to
 * triggers, each routed (routes.h) to its recipients and queued once per
 * (trigger event id, recipient, channel).
 *
 * EnrollmentChanged.to_state -> trigger:
 *   INVITED -> invitation (the newly eligible), APPLIED ->
 *   application_received, WAITLISTED -> waitlisted, ENROLLED -> enrolled,
 *   or seat_opened when reason_code is "promoted_from_waitlist" (what the
 *   enrollment service sets when it promotes from the waitlist) or the
 *   enrollment comes from WAITLISTED, EXITED -> exited, PAUSED -> paused,
 *   WITHDRAWN -> withdrawn. Other states notify nobody.
 * HR and provider routes are queued only when contacts.yaml names the
 * employer's HR contact / the cohort's provider, so an employer without
 * contacts gets exactly the employee's messages (as before issue 5).
 * An ENROLLED event also schedules the "cohort_starting" reminders
 * (reminders.h); any other transition of that enrollment cancels them. */
#ifndef PATHWAYS_NOTIFICATION_TRIGGERS_H
#define PATHWAYS_NOTIFICATION_TRIGGERS_H

#include "contacts.h"
#include "pathways/codec.h"
#include "pathways/stream.h"
#include "publisher.h"
#include "routes.h"

#define NTF_ENROLLMENT_STREAM "enrollment"
#define NTF_REASON_PROMOTED   "promoted_from_waitlist"
#define NTF_TRIGGER_SEAT      "seat_opened"
#define NTF_TRIGGER_REMINDER  "cohort_starting"

/* The context of the enrollment consumer; everything borrowed. */
typedef struct {
    const ntf_publisher_t *pub; /* only append is used: the runtime commits */
    const ntf_routes_t *routes;
    const ntf_contacts_t *contacts; /* may be NULL */
} ntf_triggers_t;

/* The trigger for an enrollment transition, or NULL when it notifies
 * nobody. */
const char *ntf_trigger_for(const Pathways__V1__EnrollmentChanged *e);

/* Queues one notification per route of (program, trigger) with a known
 * contact (see above) inside the
 * caller's transaction; context is a JSON object text (NULL: {}). Returns
 * the number newly queued or -1 with err. */
int ntf_queue_routes(pw_db_t *db, const ntf_triggers_t *t, const char *trigger_event_id,
                     const char *trigger, const char *employer, const char *employee,
                     const char *program, const char *context, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* pw_apply_fn for stream "enrollment"; ctx is a const ntf_triggers_t *.
 * Returns PW_APPLY_REJECT for an undecodable payload, PW_APPLY_RETRY on a
 * database failure. */
pw_apply_t ntf_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                size_t errlen);

#endif
