/* Who is already in a program: eligibility consumes the "enrollment"
 * stream and records each employee's latest enrollment state per program
 * in eligibility.participation, which the not_in_program criterion reads.
 *
 * Recording does not re-evaluate at once: the state counts from the
 * employee's next evaluation (a partner event, a rule change, a forecast
 * re-check). Enrollment reacts only to "eligible" and to terminations, so
 * an enrollee turning "not eligible: already enrolled" later starts no
 * loop. */
#ifndef ELIG_PARTICIPATION_H
#define ELIG_PARTICIPATION_H

#include <stddef.h>

#include "pathways/db.h"
#include "pathways/stream.h"
#include "pathways/topology.h"

#define ELIG_STREAM_ENROLLMENT PW_STREAM_ENROLLMENT

/* The pw_apply_batch_fn for stream "enrollment" (ctx unused): upserts the
 * states of evs[0..n) (EnrollmentChanged) in one statement; a batch with an
 * undecodable payload is rejected (the consumer then finds it alone). */
pw_apply_t elig_participation_apply(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                    char *err, size_t errlen);

#endif
