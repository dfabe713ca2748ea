/* The report queries on reporting's command endpoint and the dashboard's
 * API: RetentionQuery, OutcomesQuery, CostQuery and FunnelQuery in, their
 * replies out.
 * Each report is read in one REPEATABLE READ, READ ONLY snapshot, so its
 * figures agree with each other. */
#ifndef PATHWAYS_REPORTING_REPORT_REQUEST_H
#define PATHWAYS_REPORTING_REPORT_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "cost_file.h"
#include "pathways/db.h"
#include "report_msg.h"

#define REPORT_TYPE_RETENTION  "pathways.v1.RetentionQuery"
#define REPORT_TYPE_OUTCOMES   "pathways.v1.OutcomesQuery"
#define REPORT_TYPE_COST       "pathways.v1.CostQuery"
#define REPORT_TYPE_FUNNEL     "pathways.v1.FunnelQuery"
#define REPORT_TYPE_EQUITY     "pathways.v1.EquityQuery"
#define REPORT_ERR_BAD_REQUEST "bad_request"
#define REPORT_ERR_UNAVAILABLE "unavailable"

/* Which figures a report carries. PROTECTED: through the publication layer
 * (publish.h), for everyone but administrators and for every export meant
 * for sharing. EXACT: nothing withheld, marked "exact: not for release"
 * (administrators; a filter with release set gets PROTECTED instead).
 * CELLS: the computation with its per-table small-cell marks only, no
 * publication layer: for tests of the computation, never sent out. */
typedef enum { REPORT_VIEW_PROTECTED, REPORT_VIEW_EXACT, REPORT_VIEW_CELLS } report_view_t;

/* Runs the query msg (a RetentionQuery, OutcomesQuery, CostQuery or
 * FunnelQuery) on db in view. Always returns a reply message (errors in its error_code/error)
 * unless out of memory. Caller frees with pw_msg_free. */
ProtobufCMessage *report_run(pw_db_t *db, cost_file_t *costs, const ProtobufCMessage *msg,
                             report_view_t view);

/* Answers one command-endpoint request when type is a report query, in
 * view (EXACT only for administrators): returns the encoded reply (caller
 * frees) with its type and length. Returns NULL with *reply_type NULL when
 * type is not a report query. */
uint8_t *report_request_answer(pw_db_t *db, cost_file_t *costs, report_view_t view,
                               const char *type, const uint8_t *data, size_t len,
                               const char **reply_type, size_t *reply_len);

#endif
