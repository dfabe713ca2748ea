/* Who is already in a program: eligibility consumes the "enrollment"
 * stream and records each employee's latest enrollment state per program
 * in eligibility.participation, which the program_state and program.<id>
 * facts read.
 *
 * Recording re-evaluates the employees concerned under every program in
 * the same transaction, so a placement or an enrollment shows at once
 * ("already placed in mapp"; a program that excludes another's enrollees
 * turns "not eligible"). Enrollment reacts only to "eligible" and to
 * terminations, so an enrollee turning "not eligible: already enrolled"
 * starts no loop. */
#ifndef ELIG_PARTICIPATION_H
#define ELIG_PARTICIPATION_H

#include <stddef.h>

#include "pathways/db.h"
#include "pathways/service.h"
#include "programs.h"
#include "pathways/stream.h"
#include "pathways/topology.h"

#define ELIG_STREAM_ENROLLMENT PW_STREAM_ENROLLMENT

/* For stream "enrollment": upserts the states of evs[0..n)
 * (EnrollmentChanged) in one statement and re-evaluates their employees
 * under programs (changed determinations appended through svc; svc NULL:
 * record only). A batch with an undecodable payload is rejected (the
 * consumer then finds it alone). */
pw_apply_t elig_participation_apply(pw_service_t *svc, const elig_programs_t *programs, pw_db_t *db,
                                    const pw_event_t *evs, size_t n, char *err, size_t errlen);

#endif
