/* The publication layer: every figure that leaves reporting for anyone but
 * an administrator passes here. It rewrites the query for protected
 * figures (report date at the end of a release period, windows of whole
 * calendar years) and withholds, in a computed reply, every figure the
 * cover-table rule (disclosure.h) does not clear for the dimensions the
 * query uses: its slice and its filters. Figures it leaves are the
 * computation's own, unchanged. Curves become the report's time points. */
#ifndef PATHWAYS_REPORTING_PUBLISH_H
#define PATHWAYS_REPORTING_PUBLISH_H

#include <stddef.h>

#include "pathways/db.h"
#include "pathways/v1/admin.pb-c.h"
#include "report_params.h"

/* Which figures a reply carries (its "figures" field). */
#define PUBLISH_FIGURES_PROTECTED "protected"
#define PUBLISH_FIGURES_EXACT     "exact: not for release"

/* month | quarter (default, pathways/defaults.h) | year: protected report
 * dates are the last day of such a period. */
#define PUBLISH_PERIOD_ENV "PATHWAYS_REPORTING_RELEASE_PERIOD"

/* 0 when the release period setting is one of those, else -1 with the
 * reason (the service does not start). */
int publish_period_check(char *err, size_t errlen) __attribute__((warn_unused_result));

/* Rewrites p for protected figures: as_of moves back to the end of the
 * last whole release period, from/to widen to one whole calendar year.
 * Returns 0, or -1 with a sentence for the requester in err (a window
 * spanning years). */
int publish_params(report_params_t *p, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Withholds what p's dimensions may not show. Each returns 0, or -1 when
 * the database fails or memory runs out (the reply must not be sent). */
int publish_retention(pw_db_t *db, const report_params_t *p, Pathways__V1__RetentionReply *r)
    __attribute__((warn_unused_result));
int publish_outcomes(pw_db_t *db, const report_params_t *p, Pathways__V1__OutcomesReply *r)
    __attribute__((warn_unused_result));
int publish_cost(pw_db_t *db, const report_params_t *p, unsigned horizon_months,
                 Pathways__V1__CostReply *r) __attribute__((warn_unused_result));
/* The funnel: a row (or the total) is shown whole when the funnel's people,
 * split by everything the row reveals of them, pass for its dimensions;
 * else every count of it is withheld. */
int publish_funnel(pw_db_t *db, const report_params_t *p, Pathways__V1__FunnelReply *r)
    __attribute__((warn_unused_result));

/* The equity report: each self-identification field's groups are shown
 * whole when the funnel's cover table, split further by that field's
 * answers, passes for the filters' dimensions; else every figure of them
 * is withheld (the field's total is the funnel's total). */
int publish_equity(pw_db_t *db, const report_params_t *p, Pathways__V1__EquityReply *r)
    __attribute__((warn_unused_result));

/* The summary's protected figures: headcount and eligibility columns by
 * employer when the rule clears them; program and notification columns
 * always withheld (the outcomes report carries them). Names of withheld
 * fields go to each row's withheld list (static strings; the caller frees
 * the arrays with publish_summary_clear). as_of: the report date. */
int publish_summary(pw_db_t *db, const char *as_of, Pathways__V1__SummaryReply *r)
    __attribute__((warn_unused_result));
void publish_summary_clear(Pathways__V1__SummaryReply *r);

#endif
