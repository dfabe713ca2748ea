/* The equity report: one statement (groups and each field's total), then
 * rows in vocabulary order with their rates and representation ratios. */
#include "equity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funnel_sql.h"
#include "pathways/log.h"
#include "pathways/selfid.h"
#include "report_msg.h"

#define EQUITY_NPARAMS 5
#define NSTAGES        (EQUITY_NCOUNTS - 1) /* the stages after "eligible" */

static const char *const COLUMNS[EQUITY_NCOUNTS] = {"eligible",  "invited",   "enrolled",
                                                    "completed", "certified", "placed"};

/* Per field and group on the report date ($1), filtered by program,
 * employer, cohort and job family ($2..$5, NULL: any). */
static const char SQL_EQUITY[] =
    FUNNEL_PEOPLE_SQL "," SELFID_PEOPLE_SQL " SELECT v.field, GROUPING(v.grp) AS is_total, v.grp,"
                      " count(*) FILTER (WHERE eligible) AS eligible,"
                      " count(*) FILTER (WHERE invited) AS invited,"
                      " count(*) FILTER (WHERE enrolled) AS enrolled,"
                      " count(*) FILTER (WHERE completed) AS completed,"
                      " count(*) FILTER (WHERE certified) AS certified,"
                      " count(*) FILTER (WHERE placed) AS placed"
                      " FROM eq CROSS JOIN LATERAL (VALUES ('race_ethnicity', race_ethnicity),"
                      "  ('gender', gender), ('age_band', age_band),"
                      "  ('preferred_language', preferred_language),"
                      "  ('veteran_status', veteran_status),"
                      "  ('disability_status', disability_status)) AS v(field, grp)"
                      " WHERE ($2::text IS NULL OR program = $2::text)"
                      "  AND ($3::text IS NULL OR employer = $3::text)"
                      "  AND ($4::text IS NULL OR cohort = $4::text)"
                      "  AND ($5::text IS NULL OR job_family = $5::text)"
                      " GROUP BY GROUPING SETS ((v.field, v.grp), (v.field))";

void equity_row_counts(Pathways__V1__EquityRow *row, Pathways__V1__Count *out[EQUITY_NCOUNTS])
{
    Pathways__V1__Count *counts[EQUITY_NCOUNTS] = {row->eligible,  row->invited,   row->enrolled,
                                                   row->completed, row->certified, row->placed};
    memcpy(out, counts, sizeof counts);
}

void equity_row_figures(Pathways__V1__EquityRow *row, Pathways__V1__Figure *out[EQUITY_NFIGURES])
{
    Pathways__V1__Figure *f[EQUITY_NFIGURES] = {row->invited_rate,
                                                row->enrolled_rate,
                                                row->completed_rate,
                                                row->certified_rate,
                                                row->placed_rate,
                                                row->invited_representation,
                                                row->enrolled_representation,
                                                row->completed_representation,
                                                row->certified_representation,
                                                row->placed_representation};
    memcpy(out, f, sizeof f);
}

/* Where a group sorts within its field: its vocabulary place, then
 * "not_asked", then anything else (a word since removed). */
static size_t rank_of(const pw_selfid_field_t *f, const char *group)
{
    for (size_t k = 0; k < f->nwords; k++)
        if (strcmp(f->words[k], group) == 0)
            return k;
    return strcmp(group, PW_SELFID_NOT_ASKED) == 0 ? f->nwords : f->nwords + 1;
}

static void counts_of(const PGresult *res, int r, uint64_t v[EQUITY_NCOUNTS])
{
    for (int c = 0; c < EQUITY_NCOUNTS; c++)
        v[c] = r < 0 ? 0 : (uint64_t)pw_db_get_i64(res, r, COLUMNS[c]);
}

static Pathways__V1__Figure *ratio(report_msg_t *m, double num, double den)
{
    return report_msg_figure(m, den > 0 ? num / den : 0.0, !(den > 0));
}

/* A row of counts v within a field whose total is t. */
static Pathways__V1__EquityRow *make_row(report_msg_t *m, const char *field, const char *group,
                                         const uint64_t v[EQUITY_NCOUNTS],
                                         const uint64_t t[EQUITY_NCOUNTS])
{
    Pathways__V1__EquityRow *row = report_msg_new(m, &pathways__v1__equity_row__descriptor);
    if (!row)
        return NULL;
    row->field = report_msg_str(m, field);
    row->group = report_msg_str(m, group);
    Pathways__V1__Count **counts[EQUITY_NCOUNTS] = {&row->eligible,  &row->invited,
                                                    &row->enrolled,  &row->completed,
                                                    &row->certified, &row->placed};
    Pathways__V1__Figure **rates[NSTAGES] = {&row->invited_rate, &row->enrolled_rate,
                                             &row->completed_rate, &row->certified_rate,
                                             &row->placed_rate};
    Pathways__V1__Figure **reps[NSTAGES] = {
        &row->invited_representation, &row->enrolled_representation, &row->completed_representation,
        &row->certified_representation, &row->placed_representation};
    for (int c = 0; c < EQUITY_NCOUNTS; c++)
        *counts[c] = report_msg_count(m, v[c], 0);
    double eligible_share = t[0] ? (double)v[0] / (double)t[0] : 0.0;
    for (int s = 0; s < NSTAGES; s++) {
        *rates[s] = ratio(m, (double)v[s + 1], (double)v[0]);
        double stage_share = t[s + 1] ? (double)v[s + 1] / (double)t[s + 1] : 0.0;
        *reps[s] = t[s + 1] ? ratio(m, stage_share, eligible_share) : ratio(m, 0, 0);
    }
    return row;
}

/* Appends field f's groups in rank order, then its total. */
static void add_field(report_msg_t *m, Pathways__V1__EquityReply *out, const PGresult *res,
                      const pw_selfid_field_t *f)
{
    int n = PQntuples(res), total = -1;
    int *rows = calloc((size_t)n + 1, sizeof *rows);
    size_t k = 0;
    if (!rows) {
        m->failed = 1;
        return;
    }
    for (int r = 0; r < n; r++) {
        if (strcmp(pw_db_get(res, r, "field"), f->name) != 0)
            continue;
        if (pw_db_get_i64(res, r, "is_total"))
            total = r;
        else
            rows[k++] = r;
    }
    /* A handful of groups: insertion sort by rank, then word. */
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0; j--) {
            const char *a = pw_db_get(res, rows[j - 1], "grp"), *b = pw_db_get(res, rows[j], "grp");
            size_t ra = rank_of(f, a), rb = rank_of(f, b);
            if (ra < rb || (ra == rb && strcmp(a, b) <= 0))
                break;
            int tmp = rows[j];
            rows[j] = rows[j - 1];
            rows[j - 1] = tmp;
        }
    uint64_t t[EQUITY_NCOUNTS], v[EQUITY_NCOUNTS];
    counts_of(res, total, t);
    for (size_t i = 0; i < k; i++) {
        counts_of(res, rows[i], v);
        report_msg_push(m, (void ***)&out->rows, &out->n_rows,
                        make_row(m, f->name, pw_db_get(res, rows[i], "grp"), v, t));
    }
    report_msg_push(m, (void ***)&out->rows, &out->n_rows, make_row(m, f->name, "total", t, t));
    free(rows);
}

Pathways__V1__EquityReply *equity_report(pw_db_t *db, const report_params_t *p, char *err,
                                         size_t errlen)
{
    if (p->from || p->to || strcmp(p->slice, "all") != 0) {
        snprintf(err, errlen,
                 "the equity report is by self-identification group, up to the "
                 "report date: no from/to, no slice");
        return NULL;
    }
    const char *params[EQUITY_NPARAMS] = {p->as_of, p->program, p->employer, p->cohort,
                                          p->job_family};
    PGresult *res = pw_db_prepared(db, "reporting_equity", SQL_EQUITY, EQUITY_NPARAMS, params);
    if (!res) {
        pw_warn("equity query failed: %s", pw_db_error(db));
        return NULL;
    }
    report_msg_t m = {0};
    Pathways__V1__EquityReply *out = report_msg_new(&m, &pathways__v1__equity_reply__descriptor);
    if (out) {
        out->as_of = report_msg_str(&m, p->as_of);
        out->threshold = p->threshold;
        for (size_t i = 0; i < PW_SELFID_NFIELDS; i++)
            add_field(&m, out, res, pw_selfid_field(i));
    }
    PQclear(res);
    return report_msg_finish(&m, out);
}
