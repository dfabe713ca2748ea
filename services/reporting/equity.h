/* The equity report: the funnel's people (funnel_sql.h) by their answer to
 * each voluntary self-identification field, with each stage's rate over
 * the group's eligible and its representation ratio (share among those
 * who reached the stage over share among the eligible); see EquityRow in
 * report.proto. The only reader of self-identification (selfid_sql.h).
 * The computation withholds nothing: its protected figures come from the
 * publication layer (publish_equity), as for every report. */
#ifndef PATHWAYS_REPORTING_EQUITY_H
#define PATHWAYS_REPORTING_EQUITY_H

#include <stddef.h>

#include "pathways/db.h"
#include "report_params.h"

/* Builds the reply for p. Returns NULL with a sentence for the requester
 * in err for what the report does not have (from/to, a slice), NULL with
 * err empty when the database fails or memory runs out. Caller frees with
 * pw_msg_free. */
Pathways__V1__EquityReply *equity_report(pw_db_t *db, const report_params_t *p, char *err,
                                         size_t errlen);

/* The counts of a row in stage order (eligible first), and its derived
 * figures (rates, then representation ratios), for code that withholds
 * them all alike. */
#define EQUITY_NCOUNTS  6
#define EQUITY_NFIGURES 10
void equity_row_counts(Pathways__V1__EquityRow *row, Pathways__V1__Count *out[EQUITY_NCOUNTS]);
void equity_row_figures(Pathways__V1__EquityRow *row, Pathways__V1__Figure *out[EQUITY_NFIGURES]);

#endif
