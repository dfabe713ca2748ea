/* The cost-avoided report: for each employer and role (job family at the
 * time origin), the retention difference between participants and their
 * matched comparison group at the horizon, times the participants, times
 * the replacement cost; low/high from the difference's 95% interval
 * (Greenwood variances of the two independent estimates added). A row is
 * withheld when either group is under the threshold or fewer than the
 * threshold are still at risk at the horizon. */
#ifndef PATHWAYS_REPORTING_COST_H
#define PATHWAYS_REPORTING_COST_H

#include "cost_config.h"
#include "km.h"
#include "pathways/db.h"
#include "report_params.h"

#define COST_DEFAULT_HORIZON_MONTHS 12
#define COST_MAX_HORIZON_MONTHS     120

/* The difference S_p(t) - S_c(t) with its 95% interval. */
typedef struct {
    double diff, low, high;
} cost_difference_t;

/* Fills d from the two estimates. Pure. */
void cost_difference(const km_estimate_t *participants, const km_estimate_t *comparison,
                     cost_difference_t *d);

/* Builds the reply for p (slice ignored: always employer and role) at the
 * horizon in months. Returns NULL when the database fails or memory runs
 * out. Caller frees with pw_msg_free. */
Pathways__V1__CostReply *cost_report(pw_db_t *db, const report_params_t *p, unsigned horizon_months,
                                     const cost_config_t *costs);

#endif
