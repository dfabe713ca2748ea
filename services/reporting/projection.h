/* The reporting projections: one apply handler per consumed stream, each
 * decoding its payload and upserting rows in schema "reporting" inside the
 * consumer's transaction. Every write is an upsert guarded by the event's
 * effective date or stream seq, so applying an event twice, or an older one
 * after a newer one, never moves a row backwards: idempotent by
 * construction, not only because the runtime applies exactly once. */
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
#define REPORTING_EMPLOYEE_TYPE_STEM "org.pathways.employee."

/* Longest text the projections accept in any payload field; longer values
 * are rejected rather than stored. */
#define REPORTING_MAX_TEXT 512

/* Registers the consumers of "employee" and "eligibility" (eligibility's),
 * "enrollment" and "notification" on svc. Returns 0 or -1. */
int reporting_projection_register(pw_service_t *svc) __attribute__((warn_unused_result));

/* The apply handlers (pw_apply_fn). ctx is unused. Each returns
 * PW_APPLY_REJECT for a payload that cannot be decoded or lacks its
 * identity fields (nothing is written), PW_APPLY_RETRY when the database
 * fails, PW_APPLY_OK otherwise; err gets the reason. */
pw_apply_t reporting_apply_employee(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                    size_t errlen);
pw_apply_t reporting_apply_eligibility(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                       size_t errlen);
pw_apply_t reporting_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                      size_t errlen);
pw_apply_t reporting_apply_notification(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                        size_t errlen);

#endif
