/* The program outcomes report: per slice (cohort by default) the people
 * enrolled and how many completed, were certified, were placed, withdrew or
 * were exited; completion/certification/placement rates; the median days
 * from enrollment to placement; and withdrawals and exits by reason. Counts
 * are suppressed with complements along each column (slices add up to the
 * total) and across the exit reasons (they add up to withdrawn + exited). */
#ifndef PATHWAYS_REPORTING_OUTCOMES_H
#define PATHWAYS_REPORTING_OUTCOMES_H

#include "pathways/db.h"
#include "report_params.h"

/* Builds the reply for p. Returns NULL when the database fails or memory
 * runs out. Caller frees with pw_msg_free. */
Pathways__V1__OutcomesReply *outcomes_report(pw_db_t *db, const report_params_t *p);

#endif
