/* Program participation in the synthetic workforce, by design: some
 * employees who became eligible enroll in MAPP some weeks later and go
 * through training, and participants separate less often than comparable
 * non-participants (a share of their later terminations is removed from
 * the feed). This is the generator's assumption, stated so that the
 * retention report on the synthetic feed has a known sign to show.
 *
 * Everything here draws from its own PRNG stream (seeded from the feed's
 * seed and the employee's index), so non-participants' histories are the
 * same with or without participation. */
#ifndef PATHWAYS_SYNTH_PARTICIPATION_H
#define PATHWAYS_SYNTH_PARTICIPATION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "oracle.h"

struct sy_params; /* workforce.h */

/* Share of eligible employees who enroll (when there is time to). */
#define SY_P_PARTICIPATE 0.30
/* Share of a participant's later terminations that do not happen. */
#define SY_P_RETAINED 0.60

/* One employee's eligibility and program path; days since 1970-01-01, 0
 * when not reached. */
typedef struct {
    int32_t first_eligible; /* first day all MAPP rules passed, by the dated history */
    int participant;
    char cohort[24]; /* "mapp-2024q3": the enrollment quarter */
    int32_t enrolled, training, completed, certified, placed, withdrawn, exited;
    const char *exit_reason; /* withdrawn/exited reason code */
} sy_participation_t;

/* First day the employee's dated history makes them eligible (facts as of
 * each event, tenure counted day by day), or 0. */
int32_t sy_first_eligible(const sy_event_t *events, size_t n, int32_t today);

/* Decides employee index's participation from its history (events, n)
 * and thins the history of a participant (*n may shrink). Fills p.
 * With a replay grid (params->step), first eligibility is the stepped
 * replay's (replay.h), and only employees whose history after it holds
 * nothing but maybe a termination take part (the local run imports each
 * participant's row before anything else happens to them; a termination
 * then exits an enrollment still active, as the enrollment service does). */
void sy_participation_decide(sy_event_t *events, size_t *n, const struct sy_params *params,
                             size_t index, sy_participation_t *p);

/* The day the participant's record stops being active (completed or
 * withdrawn), or 0. */
int32_t sy_participation_closed(const sy_participation_t *p);

/* The day the participant applied (a week before admission), or 0. */
int32_t sy_participation_applied(const sy_participation_t *p);

/* Writes the employee's dated eligibility and program transitions as TSV
 * lines: employer, employee, program, cohort, state (eligible = first
 * eligibility, enrolled, in_training, completed, certified, placed,
 * withdrawn, exited), date, reason_code, credential, new_role. Returns 0 or
 * -1 on a write error. */
int sy_participation_write(FILE *out, const char *employer, const char *employee,
                           const sy_participation_t *p);

#endif
