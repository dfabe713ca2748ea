/* The reporting dashboard, served by the service's HTTP server: the page
 * (web/, embedded), its JSON API (the same report replies as the command
 * endpoint, as JSON), SVG survival charts and queue health. Handlers run on
 * the HTTP thread with a database connection of their own, guarded by a
 * mutex: never the service loop's.
 *
 *   GET /                      the page (also /dashboard)
 *   GET /dashboard.js, .css    its script and style
 *   GET /api/retention?...     RetentionReply as JSON (curves included)
 *   GET /api/outcomes?...      OutcomesReply
 *   GET /api/cost?...&horizon=MONTHS   CostReply
 *   GET /api/funnel?...        FunnelReply (slice=cohort: the cohorts' seats)
 *   GET /api/queues            queue health (health.h)
 *   GET /chart/retention.svg?...&value=SLICE  the chart of one slice
 * Filters: program, employer, cohort, job_family, from, to, as_of, slice
 * (all|program|employer|cohort|job_family|period). */
#ifndef PATHWAYS_REPORTING_DASHBOARD_H
#define PATHWAYS_REPORTING_DASHBOARD_H

#include "cost_file.h"
#include "pathways/http.h"

typedef struct reporting_dashboard reporting_dashboard_t;

/* Creates the dashboard over its own connection to database_url (copied;
 * connected lazily). costs is borrowed and must outlive it. Caller owns the
 * result; NULL when out of memory. */
reporting_dashboard_t *reporting_dashboard_new(const char *database_url, cost_file_t *costs);
/* Adds the routes to http. Returns 0 or -1. */
int reporting_dashboard_attach(reporting_dashboard_t *d, pw_http_t *http)
    __attribute__((warn_unused_result));
/* Stop the HTTP server first. Accepts NULL, nulls *p. */
void reporting_dashboard_destroy(reporting_dashboard_t **p);

#endif
