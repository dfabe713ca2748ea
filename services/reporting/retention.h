/* The retention report: Kaplan-Meier curves of participants against
 * matched eligible non-participants per slice, retention at 6/12/24 months
 * with Greenwood 95% intervals, the log-rank test, and small-cell
 * suppression. The subjects come from one statement (retention_sql.h); the
 * statistics from km.h. */
#ifndef PATHWAYS_REPORTING_RETENTION_H
#define PATHWAYS_REPORTING_RETENTION_H

#include <stddef.h>

#include "km.h"
#include "pathways/db.h"
#include "report_params.h"

enum { RETENTION_PARTICIPANTS = 0, RETENTION_COMPARISON = 1, RETENTION_GROUPS = 2 };

/* One slice's observations, per group, aggregated per day. */
typedef struct {
    char *slice;
    km_obs_t *obs[RETENTION_GROUPS];
    size_t nobs[RETENTION_GROUPS];
    size_t cap[RETENTION_GROUPS];
} retention_slice_t;

typedef struct {
    retention_slice_t *slices; /* ordered by slice, bytewise */
    size_t count;
} retention_data_t;

/* Runs the subjects statement for p. Returns 0, or -1 on a database error
 * (see pw_db_error) or out of memory. Release with retention_data_clear. */
int retention_load(pw_db_t *db, const report_params_t *p, retention_data_t *out)
    __attribute__((warn_unused_result));
void retention_data_clear(retention_data_t *d);

/* Builds the reply for p (curves: include the charts' points). Returns NULL
 * when the database fails or memory runs out. Caller frees with
 * pw_msg_free. */
Pathways__V1__RetentionReply *retention_report(pw_db_t *db, const report_params_t *p, int curves);

/* Fills one group's figures from its curve: people/separations/censored
 * with suppression, retention at the months given, and (curves) the
 * points. Exposed for the cost report and tests. */
Pathways__V1__GroupRetention *retention_group(report_msg_t *m, const km_curve_t *c, int withheld,
                                              unsigned threshold, int curves);

#endif
