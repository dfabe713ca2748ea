/* Outcomes: two statements (per-slice counts with a total row, exits by
 * reason), one suppression pass over every count, then the reply. */
#include "outcomes.h"

#include <stdlib.h>
#include <string.h>

#include "disclosure_sql.h"
#include "pathways/log.h"
#include "suppress.h"

/* The enrollments a report covers, with their slice. Milestones count when
 * reached on or before the report date; an exit by termination counts from
 * the termination's effective date (exit_on), not the day it was
 * processed. The training providers' progress by the report date: sessions
 * attended, missed and excused, and the day the at-risk flag was raised. */
#define OUTCOMES_BASE_SQL                                                                          \
    "WITH en AS (SELECT en.*, " DISCLOSURE_EXIT_ON_SQL                                             \
    " AS exit_on, pr.present, pr.absent, pr.excused, pr.at_risk_on,"                               \
    " CASE $8::text WHEN 'program' THEN en.program"                                                \
    "  WHEN 'employer' THEN en.employer"                                                           \
    "  WHEN 'provider' THEN " DISCLOSURE_PROVIDER_SQL                                              \
    "  WHEN 'job_family' THEN " ELIGIBILITY_JOB_FAMILY_SQL                                         \
    "  WHEN 'period' THEN to_char(en.enrolled_on, 'YYYY') WHEN 'all' THEN 'all'"                   \
    "  ELSE COALESCE(en.cohort_id, '(none)') END AS slice"                                         \
    " FROM reporting.enrollment en" ELIGIBILITY_OF_EN_SQL " LEFT JOIN LATERAL (SELECT"             \
    "  count(*) FILTER (WHERE p.kind = 'attendance' AND p.status = 'present') AS present,"         \
    "  count(*) FILTER (WHERE p.kind = 'attendance' AND p.status = 'absent') AS absent,"           \
    "  count(*) FILTER (WHERE p.kind = 'attendance' AND p.status = 'excused') AS excused,"         \
    "  min(p.event_date) FILTER (WHERE p.at_risk <> '') AS at_risk_on"                             \
    "  FROM reporting.progress p WHERE p.employer = en.employer AND p.employee = en.employee"      \
    "  AND p.program = en.program AND p.event_date <= $1::date) pr ON true"                        \
    " WHERE en.enrolled_on IS NOT NULL AND en.enrolled_on <= $1::date"                             \
    "  AND ($2::text IS NULL OR en.program = $2::text)"                                            \
    "  AND ($3::text IS NULL OR en.employer = $3::text)"                                           \
    "  AND ($4::text IS NULL OR en.cohort_id = $4::text)"                                          \
    "  AND ($5::text IS NULL"                                                                      \
    "   OR " ELIGIBILITY_FAMILY_SQL " = $5::text)"                                                 \
    "  AND ($6::date IS NULL OR en.enrolled_on >= $6::date)"                                       \
    "  AND ($7::date IS NULL OR en.enrolled_on <= $7::date))"

static const char SQL_OUTCOMES[] = OUTCOMES_BASE_SQL
    " SELECT GROUPING(slice) AS is_total, slice, count(*) AS enrolled,"
    " count(*) FILTER (WHERE completed_on <= $1::date) AS completed,"
    " count(*) FILTER (WHERE certified_on <= $1::date) AS certified,"
    " count(*) FILTER (WHERE placed_on <= $1::date) AS placed,"
    " count(*) FILTER (WHERE state = 'withdrawn' AND withdrawn_on <= $1::date) AS withdrawn,"
    " count(*) FILTER (WHERE state = 'exited' AND exit_on <= $1::date) AS exited,"
    " percentile_cont(0.5) WITHIN GROUP (ORDER BY placed_on - enrolled_on)"
    "  FILTER (WHERE placed_on <= $1::date) AS median_days,"
    " percentile_cont(0.5) WITHIN GROUP (ORDER BY certified_on - enrolled_on)"
    "  FILTER (WHERE certified_on <= $1::date) AS median_cert_days,"
    " COALESCE(sum(present), 0) AS present, COALESCE(sum(absent), 0) AS absent,"
    " COALESCE(sum(excused), 0) AS excused,"
    " count(*) FILTER (WHERE at_risk_on <= $1::date) AS at_risk"
    " FROM en GROUP BY GROUPING SETS ((slice), ())"
    " ORDER BY GROUPING(slice), slice COLLATE \"C\"";

static const char SQL_EXITS[] =
    OUTCOMES_BASE_SQL " SELECT COALESCE(exit_reason, 'unspecified') AS reason, count(*) AS people"
                      " FROM en WHERE (state = 'withdrawn' AND withdrawn_on <= $1::date)"
                      "  OR (state = 'exited' AND exit_on <= $1::date)"
                      " GROUP BY 1 ORDER BY COALESCE(exit_reason, 'unspecified') COLLATE \"C\"";

/* The count columns of a row, in cell order: the milestones (suppressed
 * with complements, C_MILESTONES of them), then the providers' progress
 * (withheld with their row). */
enum {
    C_ENROLLED,
    C_COMPLETED,
    C_CERTIFIED,
    C_PLACED,
    C_WITHDRAWN,
    C_EXITED,
    C_PRESENT,
    C_ABSENT,
    C_EXCUSED,
    C_AT_RISK,
    NCOLS
};
#define C_MILESTONES C_PRESENT
static const char *const COLUMNS[NCOLS] = {"enrolled",  "completed", "certified", "placed",
                                           "withdrawn", "exited",    "present",   "absent",
                                           "excused",   "at_risk"};

/* Every count of the report in one array: rows (the total last) then exit
 * reasons; with their suppression marks. */
typedef struct {
    PGresult *rows;  /* slices then the total row (is_total) */
    PGresult *exits; /* reasons */
    size_t nrows, nexits, ncells;
    uint64_t *v;
    uint8_t *s;
} table_t;

static size_t cell(size_t row, int col)
{
    return row * NCOLS + (size_t)col;
}

static void table_clear(table_t *t)
{
    PQclear(t->rows);
    PQclear(t->exits);
    free(t->v);
    free(t->s);
}

static int table_load(pw_db_t *db, const report_params_t *p, table_t *t)
{
    const char *params[REPORT_NPARAMS];
    report_params_sql(p, params);
    t->rows = pw_db_prepared(db, "reporting_outcomes", SQL_OUTCOMES, REPORT_NPARAMS, params);
    t->exits =
        t->rows ? pw_db_prepared(db, "reporting_outcomes_exits", SQL_EXITS, REPORT_NPARAMS, params)
                : NULL;
    if (!t->rows || !t->exits) {
        pw_warn("outcomes query failed: %s", pw_db_error(db));
        return -1;
    }
    t->nrows = (size_t)PQntuples(t->rows);
    t->nexits = (size_t)PQntuples(t->exits);
    t->ncells = t->nrows * NCOLS + t->nexits;
    t->v = calloc(t->ncells + 1, sizeof *t->v);
    t->s = calloc(t->ncells + 1, 1);
    if (!t->v || !t->s)
        return -1;
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < NCOLS; c++)
            t->v[cell(r, c)] = (uint64_t)pw_db_get_i64(t->rows, (int)r, COLUMNS[c]);
    for (size_t k = 0; k < t->nexits; k++)
        t->v[t->nrows * NCOLS + k] = (uint64_t)pw_db_get_i64(t->exits, (int)k, "people");
    return 0;
}

/* Rows under the threshold are withheld whole; then complements along the
 * columns (slices + total) and across the reasons (+ the two exit totals). */
static int table_suppress(table_t *t, unsigned threshold)
{
    if (t->nrows == 0)
        return 0;
    size_t total = t->nrows - 1;
    for (size_t r = 0; r < t->nrows; r++)
        if (suppress_small(t->v[cell(r, C_ENROLLED)], threshold))
            memset(&t->s[cell(r, 0)], 1, NCOLS);
    size_t *idx = calloc(C_MILESTONES * t->nrows + t->nexits + 2, sizeof *idx);
    suppress_group_t g[C_MILESTONES + 1];
    if (!idx)
        return -1;
    size_t used = 0;
    for (int c = 0; c < C_MILESTONES; c++) {
        g[c].cells = &idx[used];
        g[c].n = t->nrows;
        for (size_t r = 0; r < t->nrows; r++)
            idx[used++] = cell(r, c);
    }
    g[C_MILESTONES].cells = &idx[used];
    g[C_MILESTONES].n = t->nexits + 2;
    for (size_t k = 0; k < t->nexits; k++)
        idx[used++] = t->nrows * NCOLS + k;
    idx[used++] = cell(total, C_WITHDRAWN);
    idx[used++] = cell(total, C_EXITED);
    int rc = suppress_apply(t->v, t->ncells, g, C_MILESTONES + 1, threshold, t->s);
    free(idx);
    return rc < 0 ? -1 : 0;
}

static Pathways__V1__Figure *rate(report_msg_t *m, const table_t *t, size_t r, int col)
{
    uint64_t n = t->v[cell(r, C_ENROLLED)];
    int hidden = t->s[cell(r, C_ENROLLED)] || t->s[cell(r, col)] || n == 0;
    return report_msg_figure(m, n ? (double)t->v[cell(r, col)] / (double)n : 0.0, hidden);
}

static Pathways__V1__OutcomeRow *make_row(report_msg_t *m, const table_t *t, size_t r,
                                          unsigned threshold)
{
    Pathways__V1__OutcomeRow *o = report_msg_new(m, &pathways__v1__outcome_row__descriptor);
    if (!o)
        return NULL;
    int is_total = pw_db_get_i64(t->rows, (int)r, "is_total") != 0;
    o->slice = report_msg_str(m, is_total ? "total" : pw_db_get(t->rows, (int)r, "slice"));
    Pathways__V1__Count **counts[NCOLS] = {
        &o->enrolled,         &o->completed, &o->certified,        &o->placed,
        &o->withdrawn,        &o->exited,    &o->sessions_present, &o->sessions_absent,
        &o->sessions_excused, &o->at_risk};
    for (int c = 0; c < NCOLS; c++)
        *counts[c] = report_msg_count(m, t->v[cell(r, c)], t->s[cell(r, c)]);
    o->completion_rate = rate(m, t, r, C_COMPLETED);
    o->certification_rate = rate(m, t, r, C_CERTIFIED);
    o->placement_rate = rate(m, t, r, C_PLACED);
    int median_hidden = t->s[cell(r, C_PLACED)] || t->v[cell(r, C_PLACED)] < threshold ||
                        pw_db_isnull(t->rows, (int)r, "median_days");
    o->median_days_to_placement = report_msg_figure(
        m, median_hidden ? 0.0 : strtod(pw_db_get(t->rows, (int)r, "median_days"), NULL),
        median_hidden);
    int cert_hidden = t->s[cell(r, C_CERTIFIED)] || t->v[cell(r, C_CERTIFIED)] < threshold ||
                      pw_db_isnull(t->rows, (int)r, "median_cert_days");
    o->median_days_to_certification = report_msg_figure(
        m, cert_hidden ? 0.0 : strtod(pw_db_get(t->rows, (int)r, "median_cert_days"), NULL),
        cert_hidden);
    return o;
}

static void fill(report_msg_t *m, Pathways__V1__OutcomesReply *out, const table_t *t,
                 unsigned threshold)
{
    for (size_t r = 0; r < t->nrows; r++) {
        Pathways__V1__OutcomeRow *o = make_row(m, t, r, threshold);
        if (r + 1 == t->nrows)
            out->total = o;
        else
            report_msg_push(m, (void ***)&out->rows, &out->n_rows, o);
    }
    for (size_t k = 0; k < t->nexits; k++) {
        Pathways__V1__ExitReasonRow *e =
            report_msg_new(m, &pathways__v1__exit_reason_row__descriptor);
        if (e) {
            size_t c = t->nrows * NCOLS + k;
            e->reason = report_msg_str(m, pw_db_get(t->exits, (int)k, "reason"));
            e->people = report_msg_count(m, t->v[c], t->s[c]);
        }
        report_msg_push(m, (void ***)&out->exits, &out->n_exits, e);
    }
}

Pathways__V1__OutcomesReply *outcomes_report(pw_db_t *db, const report_params_t *p)
{
    table_t t = {0};
    report_msg_t m = {0};
    Pathways__V1__OutcomesReply *out = NULL;
    if (table_load(db, p, &t) == 0 && table_suppress(&t, p->threshold) == 0) {
        out = report_msg_new(&m, &pathways__v1__outcomes_reply__descriptor);
        if (out) {
            out->as_of = report_msg_str(&m, p->as_of);
            out->slice_by = report_msg_str(&m, p->slice);
            out->threshold = p->threshold;
            fill(&m, out, &t, p->threshold);
        }
    }
    table_clear(&t);
    return report_msg_finish(&m, out);
}
