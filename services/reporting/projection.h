/* The reporting projections: one set-based batch handler per consumed
 * stream, each decoding its payloads and upserting rows in schema
 * "reporting" inside the consumer's transaction, with a fixed number of
 * statements whatever the batch size and at most one written row per key.
 * Every row follows merge rules guarded by the event's effective date or
 * stream seq, so applying an event twice, or an older one after a newer
 * one, never moves a row backwards: idempotent by construction, not only
 * because the runtime applies exactly once. A batch gives the same rows as
 * its events applied one at a time. */
#ifndef PATHWAYS_REPORTING_PROJECTION_H
#define PATHWAYS_REPORTING_PROJECTION_H

#include <stddef.h>

#include "pathways/service.h"
#include "pathways/stream.h"

/* Event types this module reads; other types on these streams are skipped
 * (applied as no-ops), so owners can add event types without breaking us. */
#define REPORTING_TYPE_DETERMINED    "org.pathways.eligibility.determined.v1"
#define REPORTING_TYPE_ENROLLMENT    "org.pathways.enrollment.changed.v1"
#define REPORTING_TYPE_NOTIFICATION  "org.pathways.notification.changed.v1"
#define REPORTING_TYPE_PROGRESS      "org.pathways.progress.recorded.v1"
#define REPORTING_EMPLOYEE_TYPE_STEM "org.pathways.employee."

/* Longest text the projections accept in any payload field; longer values
 * are rejected rather than stored. */
#define REPORTING_MAX_TEXT 512

/* Registers the consumers of "employee" and "eligibility" (eligibility's),
 * "enrollment" and "notification" on svc. Returns 0 or -1. */
int reporting_projection_register(pw_service_t *svc) __attribute__((warn_unused_result));

/* The batch handlers (pw_apply_batch_fn), registered by
 * reporting_projection_register. ctx is unused. Each returns
 * PW_APPLY_REJECT when an event's payload cannot be decoded or lacks its
 * identity fields (nothing of the batch is written), PW_APPLY_RETRY when
 * the database fails, PW_APPLY_OK otherwise; err gets the reason. */
pw_apply_t reporting_apply_employee_batch(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                          char *err, size_t errlen);
pw_apply_t reporting_apply_eligibility_batch(void *ctx, pw_db_t *db, const pw_event_t *evs,
                                             size_t n, char *err, size_t errlen);
pw_apply_t reporting_apply_enrollment_batch(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                            char *err, size_t errlen);
pw_apply_t reporting_apply_notification_batch(void *ctx, pw_db_t *db, const pw_event_t *evs,
                                              size_t n, char *err, size_t errlen);

/* The same for one event (pw_apply_fn): a batch of one. */
pw_apply_t reporting_apply_employee(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                    size_t errlen);
pw_apply_t reporting_apply_eligibility(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                       size_t errlen);
pw_apply_t reporting_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                      size_t errlen);
pw_apply_t reporting_apply_progress_batch(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                          char *err, size_t errlen);
pw_apply_t reporting_apply_notification(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                        size_t errlen);

#endif
