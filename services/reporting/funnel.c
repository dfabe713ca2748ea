/* The funnel: one statement (funnel_sql.h) with a row per slice and the
 * total, turned into a FunnelReply. */
#include "funnel.h"

#include <stdio.h>
#include <string.h>

#include "funnel_sql.h"
#include "pathways/log.h"

/* The statement's count columns, in FunnelRow's order. */
static const char *const COLUMNS[FUNNEL_NCOUNTS] = {
    "eligible",  "invited", "applied",          "enrolled",   "in_training", "completed",
    "certified", "placed",  "open_invitations", "waitlisted", "seats_taken"};
#define FUNNEL_NPARAMS 6

void funnel_row_counts(Pathways__V1__FunnelRow *row, Pathways__V1__Count *out[FUNNEL_NCOUNTS])
{
    Pathways__V1__Count *counts[FUNNEL_NCOUNTS] = {
        row->eligible,         row->invited,    row->applied,    row->enrolled,
        row->in_training,      row->completed,  row->certified,  row->placed,
        row->open_invitations, row->waitlisted, row->seats_taken};
    memcpy(out, counts, sizeof counts);
}

static Pathways__V1__FunnelRow *make_row(report_msg_t *m, const PGresult *res, int r)
{
    Pathways__V1__FunnelRow *row = report_msg_new(m, &pathways__v1__funnel_row__descriptor);
    if (!row)
        return NULL;
    int is_total = pw_db_get_i64(res, r, "is_total") != 0;
    row->slice = report_msg_str(m, is_total ? "total" : pw_db_get(res, r, "slice"));
    Pathways__V1__Count **fields[FUNNEL_NCOUNTS] = {
        &row->eligible,         &row->invited,    &row->applied,    &row->enrolled,
        &row->in_training,      &row->completed,  &row->certified,  &row->placed,
        &row->open_invitations, &row->waitlisted, &row->seats_taken};
    for (int c = 0; c < FUNNEL_NCOUNTS; c++)
        *fields[c] = report_msg_count(m, (uint64_t)pw_db_get_i64(res, r, COLUMNS[c]), 0);
    return row;
}

/* The total row is there even when nobody is counted (GROUPING SETS with
 * () always yields it). */
static void fill(report_msg_t *m, Pathways__V1__FunnelReply *out, const PGresult *res)
{
    int n = PQntuples(res);
    for (int r = 0; r < n; r++) {
        Pathways__V1__FunnelRow *row = make_row(m, res, r);
        if (r + 1 == n)
            out->total = row;
        else
            report_msg_push(m, (void ***)&out->rows, &out->n_rows, row);
    }
}

Pathways__V1__FunnelReply *funnel_report(pw_db_t *db, const report_params_t *p, char *err,
                                         size_t errlen)
{
    if (p->from || p->to || strcmp(p->slice, "period") == 0) {
        snprintf(err, errlen,
                 "the funnel counts everyone up to the report date: no from/to, no period slice");
        return NULL;
    }
    const char *params[FUNNEL_NPARAMS] = {p->as_of,  p->program,    p->employer,
                                          p->cohort, p->job_family, p->slice};
    PGresult *res = pw_db_prepared(db, "reporting_funnel", SQL_FUNNEL, FUNNEL_NPARAMS, params);
    if (!res) {
        pw_warn("funnel query failed: %s", pw_db_error(db));
        return NULL;
    }
    report_msg_t m = {0};
    Pathways__V1__FunnelReply *out = report_msg_new(&m, &pathways__v1__funnel_reply__descriptor);
    if (out) {
        out->as_of = report_msg_str(&m, p->as_of);
        out->slice_by = report_msg_str(&m, p->slice);
        out->threshold = p->threshold;
        fill(&m, out, res);
    }
    PQclear(res);
    return report_msg_finish(&m, out);
}
