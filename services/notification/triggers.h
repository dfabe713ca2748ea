/* What makes a notification: stream "enrollment" events mapped to
 * triggers (to_state INVITED -> "invitation", EXITED -> "exited"), each
 * queued once per (trigger event id, recipient, channel). */
#ifndef PATHWAYS_NOTIFICATION_TRIGGERS_H
#define PATHWAYS_NOTIFICATION_TRIGGERS_H

#include "pathways/stream.h"
#include "publisher.h"

#define NTF_ENROLLMENT_STREAM "enrollment"

/* The trigger name for an enrollment state, or NULL when that state
 * notifies nobody. */
const char *ntf_trigger_for_state(int to_state);

/* pw_apply_fn for stream "enrollment"; ctx is a const ntf_publisher_t *
 * (only append is used: the runtime commits). Returns PW_APPLY_REJECT for
 * an undecodable payload, PW_APPLY_RETRY on a database failure. */
pw_apply_t ntf_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                size_t errlen);

#endif
