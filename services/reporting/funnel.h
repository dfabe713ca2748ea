/* The program funnel report: per slice (none by default) how many people
 * were eligible, invited, applied, enrolled, started training, completed,
 * were certified and were placed by the report date, with the open
 * invitations, the waitlist and the seats taken on that date (see
 * FunnelRow in report.proto and funnel_sql.h). Sliced by cohort it is the
 * cohorts' seats and waitlists. The computation withholds nothing: its
 * protected figures come from the publication layer (publish_funnel). */
#ifndef PATHWAYS_REPORTING_FUNNEL_H
#define PATHWAYS_REPORTING_FUNNEL_H

#include <stddef.h>

#include "pathways/db.h"
#include "report_params.h"

/* Builds the reply for p. Returns NULL with a sentence for the requester
 * in err when p asks for what the funnel does not have (from/to, the
 * period slice), NULL with err empty when the database fails or memory
 * runs out. Caller frees with pw_msg_free. */
Pathways__V1__FunnelReply *funnel_report(pw_db_t *db, const report_params_t *p, char *err,
                                         size_t errlen);

/* The counts of a row in stage order, for the code that masks or prints
 * them all alike. */
#define FUNNEL_NCOUNTS 11
void funnel_row_counts(Pathways__V1__FunnelRow *row, Pathways__V1__Count *out[FUNNEL_NCOUNTS]);

#endif
