/* Reactions to eligibility determinations (stream "eligibility"):
 *   - the first ELIGIBLE determination of an employee with no enrollment in
 *     the program invites them (state invited);
 *   - a determination with employment status TERMINATED exits every active
 *     enrollment of the employee (reason_code "terminated").
 * Exactly-once comes from the runtime (offset and effects in one
 * transaction); the unique (employer, employee, program) key makes the
 * invitation safe even if the same determination is seen twice. */
#ifndef PATHWAYS_ENROLLMENT_DETERMINATION_H
#define PATHWAYS_ENROLLMENT_DETERMINATION_H

#include "lifecycle.h"
#include "pathways/stream.h"

#define ENR_ELIGIBILITY_STREAM "eligibility"
/* The foundation has one program; a determination without one means it. */
#define ENR_DEFAULT_PROGRAM   "mapp"
#define ENR_REASON_TERMINATED "terminated"
#define ENR_REASON_ELIGIBLE   "eligible"

/* pw_apply_fn for stream "eligibility". ctx is a const enr_emitter_t *.
 * Returns PW_APPLY_REJECT for an undecodable or incomplete payload,
 * PW_APPLY_RETRY on a database failure, else PW_APPLY_OK. */
pw_apply_t enr_apply_determination(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                   size_t errlen);

#endif
