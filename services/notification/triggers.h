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
 *   WITHDRAWN -> withdrawn, or invitation_withdrawn when it comes from
 *   INVITED (the employee stopped being eligible, or staff withdrew the
 *   invitation). Other states, and events recorded from history
 *   (EnrollmentChanged.historical, an import), notify nobody.
 * HR and provider routes are queued only when contacts.yaml names the
 * employer's HR contact / the cohort's provider, so an employer without
 * contacts gets exactly the employee's messages (as before issue 5).
 * An ENROLLED event also schedules the "cohort_starting" reminders
 * (reminders.h); any other transition of that enrollment cancels them. */
#ifndef PATHWAYS_NOTIFICATION_TRIGGERS_H
#define PATHWAYS_NOTIFICATION_TRIGGERS_H

#include "contacts.h"
#include "outbox.h"
#include "pathways/codec.h"
#include "pathways/stream.h"
#include "publisher.h"
#include "routes.h"

#define NTF_REASON_PROMOTED   "promoted_from_waitlist"
#define NTF_TRIGGER_SEAT      "seat_opened"
#define NTF_TRIGGER_REMINDER  "cohort_starting"
#define NTF_TRIGGER_UNINVITED "invitation_withdrawn"

/* The context of the enrollment consumer; everything borrowed. */
typedef struct {
    const ntf_publisher_t *pub; /* only append is used: the runtime commits */
    const ntf_routes_t *routes;
    const ntf_contacts_t *contacts; /* may be NULL */
} ntf_triggers_t;

/* The trigger for an enrollment transition, or NULL when it notifies
 * nobody. */
const char *ntf_trigger_for(const Pathways__V1__EnrollmentChanged *e);

/* Adds to out one notification per route of (base->program, base->trigger)
 * with a known contact (see above); base's recipient and channel are set
 * per route, its other strings stay borrowed. cohort_id (may be NULL)
 * selects the provider. Returns 0 or -1 (out of memory). */
int ntf_queue_routes(ntf_queue_t *out, const ntf_triggers_t *t, const ntf_enqueue_t *base,
                     const char *cohort_id) __attribute__((warn_unused_result));

/* pw_apply_batch_fn for stream "enrollment"; ctx is a const ntf_triggers_t
 * *. The whole batch takes two statements (reminders, outbox) whatever its
 * size. Returns PW_APPLY_REJECT when an event is undecodable or lacks its
 * identity (the consumer then finds which one), PW_APPLY_RETRY on a
 * database failure. */
pw_apply_t ntf_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n, char *err,
                                size_t errlen);

#endif
