/* Reactions to eligibility determinations (stream "eligibility"). The
 * latest determination per (employer, employee, program) is kept in
 * enrollment.determination (apply and cohort start check it), then:
 *   - status TERMINATED exits every active enrollment of the employee
 *     (reason_code "terminated"); a freed seat promotes the next waiter;
 *   - status LEAVE pauses every active enrollment past the invitation
 *     (reason_code "leave"), remembering the state to resume to; status
 *     ACTIVE again resumes the enrollments paused for leave (reason_code
 *     "leave_ended");
 *   - losing good standing (standing becomes CORRECTIVE_ACTION or
 *     FINAL_WARNING) flags every active enrollment past the invitation for
 *     staff review (event type review_flagged, no state change);
 *   - the first ELIGIBLE determination of an employee with no enrollment in
 *     the program invites them (state invited); one whose invitation was
 *     withdrawn for lost eligibility invites them again;
 *   - a determination other than ELIGIBLE (not a termination) withdraws the
 *     employee's open invitation to the program (reason_code
 *     "eligibility_lost").
 *
 * enrollment.determination also keeps first_eligible: the earliest date an
 * ELIGIBLE determination says (eligible_since, else as_of), which
 * applications dated in the past are checked against.
 *
 * A batch is applied set-based: one statement stores every determination
 * (the last of a key wins; an unchanged one writes nothing) and returns,
 * per event, the standing before it and the employee's enrollments; one
 * more invites the newly eligible, and one withdraws the invitations of
 * those whose last determination of the batch says no longer eligible. Only an employee whose
 * enrollments a reaction concerns -- rare: people already enrolled who leave, return, lose standing
 * or are terminated, or lose and regain eligibility within the batch with an invitation open -- has
 * their events of the batch applied one at a time, in order, after the invitations.
 *
 * Exactly-once comes from the runtime (offset and effects in one
 * transaction); the unique (employer, employee, program) key makes the
 * invitation safe even if the same determination is seen twice. */
#ifndef PATHWAYS_ENROLLMENT_DETERMINATION_H
#define PATHWAYS_ENROLLMENT_DETERMINATION_H

#include "lifecycle.h"
#include "pathways/stream.h"

/* The foundation has one program; a determination without one means it. */
#define ENR_DEFAULT_PROGRAM   "mapp"
#define ENR_REASON_TERMINATED "terminated"
#define ENR_REASON_ELIGIBLE   "eligible"
#define ENR_REASON_LEAVE      "leave"
#define ENR_REASON_LEAVE_END  "leave_ended"
#define ENR_REASON_STANDING   "standing_lost"

/* pw_apply_batch_fn for stream "eligibility". ctx is a const
 * enr_emitter_t *. Returns PW_APPLY_REJECT when a payload is undecodable or
 * incomplete (the consumer then finds which one, one event at a time),
 * PW_APPLY_RETRY on a database failure, else PW_APPLY_OK. */
pw_apply_t enr_apply_determinations(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                    char *err, size_t errlen);

#endif
