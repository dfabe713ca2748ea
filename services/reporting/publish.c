/* Protected figures for the retention, outcomes and cost replies; see
 * publish.h. Each reply is masked against the masks of its people's plan
 * (disclosure.c) for the dimensions its query used. */
#include "publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disclosure.h"
#include "equity.h"
#include "funnel.h"
#include "km.h"
#include "pathways/defaults.h"
#include "pathways/log.h"
#include "report_msg.h"

/* ---- the query ---- */

/* The release period's length in months: 1, 3, 12; 0 for anything else. */
static int period_months(const char *unit)
{
    return strcmp(unit, "month") == 0     ? 1
           : strcmp(unit, "quarter") == 0 ? 3
           : strcmp(unit, "year") == 0    ? 12
                                          : 0;
}

static const char *period_unit(void)
{
    const char *v = getenv(PUBLISH_PERIOD_ENV);
    return v && *v ? v : PW_DEFAULT_RELEASE_PERIOD;
}

int publish_period_check(char *err, size_t errlen)
{
    if (period_months(period_unit()))
        return 0;
    snprintf(err, errlen, "%s: expected month, quarter or year, got '%.40s'", PUBLISH_PERIOD_ENV,
             period_unit());
    return -1;
}

/* The first day of the release period holding days, and of the next
 * (publish_period_check() has refused any other unit at start-up; one
 * that slips through counts as a quarter). */
static void period_of(int32_t days, const char *unit, int32_t *start, int32_t *next)
{
    int y, m, d;
    pw_date_to_ymd(days, &y, &m, &d);
    int len = period_months(unit), first = ((m - 1) / 3) * 3 + 1;
    if (len == 1)
        first = m;
    else if (len == 12)
        first = 1;
    else
        len = 3;
    *start = pw_date_from_ymd(y, first, 1);
    int nm = first + len;
    *next = nm > 12 ? pw_date_from_ymd(y + 1, nm - 12, 1) : pw_date_from_ymd(y, nm, 1);
}

static int year_of(const char *date)
{
    int32_t days;
    int y, m, d;
    if (!date || pw_date_parse(date, &days) != 0)
        return 0;
    pw_date_to_ymd(days, &y, &m, &d);
    return y;
}

int publish_params(report_params_t *p, char *err, size_t errlen)
{
    int32_t start, next;
    period_of(p->as_of_days, period_unit(), &start, &next);
    if (p->as_of_days != next - 1)
        p->as_of_days = start - 1;
    pw_date_format(p->as_of_days, p->as_of);
    if (!p->from && !p->to)
        return 0;
    int y = p->from ? year_of(p->from) : year_of(p->to);
    if (p->from && p->to && year_of(p->to) != y) {
        snprintf(err, errlen,
                 "protected figures cover one whole calendar year at a time (from %d-01-01 to "
                 "%d-12-31); an administrator can see other windows",
                 y, y);
        return -1;
    }
    snprintf(p->from_buf, sizeof p->from_buf, "%04d-01-01", y);
    snprintf(p->to_buf, sizeof p->to_buf, "%04d-12-31", y);
    p->from = p->from_buf;
    p->to = p->to_buf;
    return 0;
}

/* The dimensions a query's figures are classified by: its filters, plus
 * its slice when with_slice. */
static unsigned need_of(const report_params_t *p, int with_slice)
{
    static const struct {
        const char *slice;
        unsigned dims;
    } SLICES[] = {
        {"program", DISC_BIT(DISC_PROGRAM)},
        {"employer", DISC_BIT(DISC_EMPLOYER)},
        {"cohort", DISC_BIT(DISC_COHORT)},
        {"job_family", DISC_BIT(DISC_JOB_FAMILY)},
        {"period", DISC_BIT(DISC_PERIOD)},
        {"provider", DISC_BIT(DISC_PROVIDER)},
        {REPORT_SLICE_PROGRAM_EMPLOYER_ROLE,
         DISC_BIT(DISC_PROGRAM) | DISC_BIT(DISC_EMPLOYER) | DISC_BIT(DISC_JOB_FAMILY)},
    };
    unsigned need =
        (p->program ? DISC_BIT(DISC_PROGRAM) : 0) | (p->employer ? DISC_BIT(DISC_EMPLOYER) : 0) |
        (p->cohort ? DISC_BIT(DISC_COHORT) : 0) | (p->job_family ? DISC_BIT(DISC_JOB_FAMILY) : 0) |
        (p->from || p->to ? DISC_BIT(DISC_PERIOD) : 0);
    for (size_t i = 0; with_slice && i < sizeof SLICES / sizeof SLICES[0]; i++)
        if (strcmp(p->slice, SLICES[i].slice) == 0)
            need |= SLICES[i].dims;
    return need;
}

/* ---- withholding ---- */

static void withhold_count(Pathways__V1__Count *c)
{
    if (c)
        c->value = 0, c->suppressed = 1;
}

static void withhold_figure(Pathways__V1__Figure *f)
{
    if (f)
        f->value = 0, f->suppressed = 1;
}

static void withhold_at(Pathways__V1__RetentionAt *a)
{
    a->suppressed = 1;
    a->retention = a->lower = a->upper = 0;
    withhold_count(a->at_risk);
}

static void drop_points(Pathways__V1__GroupRetention *g)
{
    for (size_t i = 0; i < g->n_points; i++)
        protobuf_c_message_free_unpacked(&g->points[i]->base, NULL);
    free(g->points);
    g->points = NULL;
    g->n_points = 0;
}

/* The curve of a published group: day 0 and its published time points, so
 * a chart shows nothing the table does not. */
static void points_from_at(report_msg_t *m, Pathways__V1__GroupRetention *g)
{
    int had = g->n_points > 0;
    drop_points(g);
    if (!had)
        return;
    Pathways__V1__SurvivalPoint *p0 = report_msg_new(m, &pathways__v1__survival_point__descriptor);
    if (p0)
        p0->retention = p0->lower = p0->upper = 1.0;
    report_msg_push(m, (void ***)&g->points, &g->n_points, p0);
    for (size_t i = 0; i < g->n_at; i++) {
        const Pathways__V1__RetentionAt *a = g->at[i];
        if (a->suppressed)
            continue;
        Pathways__V1__SurvivalPoint *pt =
            report_msg_new(m, &pathways__v1__survival_point__descriptor);
        if (pt) {
            pt->day = a->days;
            pt->retention = a->retention;
            pt->lower = a->lower;
            pt->upper = a->upper;
        }
        report_msg_push(m, (void ***)&g->points, &g->n_points, pt);
    }
}

static void withhold_group(Pathways__V1__GroupRetention *g)
{
    if (!g)
        return;
    g->suppressed = 1;
    withhold_count(g->people);
    withhold_count(g->separations);
    withhold_count(g->censored);
    for (size_t i = 0; i < g->n_at; i++)
        withhold_at(g->at[i]);
    drop_points(g);
}

/* ---- retention ---- */

/* Masks one group; returns 1 when its separation counts stay shown. */
static int mask_group(report_msg_t *m, disclosure_t *d, int grp, unsigned need,
                      Pathways__V1__GroupRetention *g)
{
    if (!g || g->suppressed || !disclosure_allows(disclosure_mask(d, grp, DISC_COUNT, 0), need)) {
        withhold_group(g);
        return 0;
    }
    int end = disclosure_allows(disclosure_mask(d, grp, DISC_END, 0), need);
    if (!end) {
        withhold_count(g->separations);
        withhold_count(g->censored);
    }
    for (size_t i = 0; i < g->n_at; i++) {
        Pathways__V1__RetentionAt *a = g->at[i];
        withhold_count(a->at_risk);
        if (!disclosure_allows(disclosure_mask(d, grp, DISC_AT, (int32_t)a->days), need))
            withhold_at(a);
    }
    points_from_at(m, g);
    return end && g->separations && !g->separations->suppressed;
}

static void mask_slice(report_msg_t *m, disclosure_t *d, unsigned need,
                       Pathways__V1__RetentionSlice *s)
{
    int p_end = mask_group(m, d, DISC_PARTICIPANTS, need, s->participants);
    int c_end = 0;
    /* A comparison group matched within a cohort and a year is not a union
     * of the plan's classes (see disclosure_sql.h): withheld. */
    int both = (need & DISC_BIT(DISC_COHORT)) && (need & DISC_BIT(DISC_PERIOD));
    if (s->participants && s->participants->suppressed)
        withhold_group(s->comparison);
    else if (both)
        withhold_group(s->comparison);
    else
        c_end = mask_group(m, d, DISC_COMPARISON, need, s->comparison);
    if (!p_end || !c_end || !s->comparison || s->comparison->suppressed) {
        s->compared = 0;
        s->logrank_chi2 = 0;
        s->logrank_p = 0;
    }
}

int publish_retention(pw_db_t *db, const report_params_t *p, Pathways__V1__RetentionReply *r)
{
    disclosure_t *d = disclosure_load(db, DISC_RETENTION, p->as_of, p->threshold);
    if (!d)
        return -1;
    report_msg_t m = {0};
    unsigned need = need_of(p, 1);
    for (size_t i = 0; i < r->n_slices; i++)
        mask_slice(&m, d, need, r->slices[i]);
    disclosure_destroy(&d);
    return m.failed ? -1 : 0;
}

/* ---- outcomes ---- */

static void mask_outcome_row(Pathways__V1__OutcomeRow *o, unsigned people, unsigned status,
                             unsigned need)
{
    if (!o)
        return;
    if (!disclosure_allows(people, need))
        withhold_count(o->enrolled);
    if (disclosure_allows(people, need) && disclosure_allows(status, need))
        return;
    Pathways__V1__Count *counts[] = {o->completed, o->certified, o->placed, o->withdrawn,
                                     o->exited};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
        withhold_count(counts[k]);
    withhold_figure(o->completion_rate);
    withhold_figure(o->certification_rate);
    withhold_figure(o->placement_rate);
    withhold_figure(o->median_days_to_placement);
    withhold_figure(o->median_days_to_certification);
    Pathways__V1__Count *progress[] = {o->sessions_present, o->sessions_absent, o->sessions_excused,
                                       o->at_risk};
    for (size_t k = 0; k < sizeof progress / sizeof progress[0]; k++)
        withhold_count(progress[k]);
}

int publish_outcomes(pw_db_t *db, const report_params_t *p, Pathways__V1__OutcomesReply *r)
{
    disclosure_t *d = disclosure_load(db, DISC_OUTCOMES, p->as_of, p->threshold);
    if (!d)
        return -1;
    unsigned people = disclosure_mask(d, DISC_PEOPLE, DISC_COUNT, 0);
    unsigned status = disclosure_mask(d, DISC_PEOPLE, DISC_STATUS, 0);
    disclosure_destroy(&d);
    for (size_t i = 0; i < r->n_rows; i++)
        mask_outcome_row(r->rows[i], people, status, need_of(p, 1));
    mask_outcome_row(r->total, people, status, need_of(p, 0));
    if (!disclosure_allows(status, need_of(p, 0)))
        for (size_t i = 0; i < r->n_exits; i++)
            withhold_count(r->exits[i]->people);
    return 0;
}

/* ---- cost ---- */

static void withhold_cost_row(Pathways__V1__CostRow *row)
{
    if (!row)
        return;
    row->suppressed = 1;
    withhold_count(row->participants);
    row->retention_difference = row->difference_low = row->difference_high = 0;
    row->separations_avoided = row->separations_avoided_low = row->separations_avoided_high = 0;
    row->cost_avoided = row->cost_avoided_low = row->cost_avoided_high = 0;
}

int publish_cost(pw_db_t *db, const report_params_t *p, unsigned horizon_months,
                 Pathways__V1__CostReply *r)
{
    disclosure_t *d = disclosure_load(db, DISC_RETENTION, p->as_of, p->threshold);
    if (!d)
        return -1;
    report_params_t q = *p;
    q.slice = REPORT_SLICE_PROGRAM_EMPLOYER_ROLE;
    unsigned need = need_of(&q, 1);
    int32_t h = km_months_days(horizon_months);
    int ok = 1;
    for (int g = DISC_PARTICIPANTS; g <= DISC_COMPARISON; g++)
        ok = ok && disclosure_allows(disclosure_mask(d, g, DISC_COUNT, 0), need) &&
             disclosure_allows(disclosure_mask(d, g, DISC_AT, h), need);
    disclosure_destroy(&d);
    if (ok)
        return 0;
    for (size_t i = 0; i < r->n_rows; i++)
        withhold_cost_row(r->rows[i]);
    withhold_cost_row(r->total);
    return 0;
}

/* ---- funnel ---- */

static void mask_funnel_row(Pathways__V1__FunnelRow *row, unsigned status, unsigned need)
{
    if (!row || disclosure_allows(status, need))
        return;
    Pathways__V1__Count *counts[FUNNEL_NCOUNTS];
    funnel_row_counts(row, counts);
    for (size_t k = 0; k < FUNNEL_NCOUNTS; k++)
        withhold_count(counts[k]);
}

/* The dimensions the funnel's people (and the equity report's) may be
 * shown by, for figures revealing a whole funnel row. Returns 0 or -1. */
static int funnel_status_mask(pw_db_t *db, const report_params_t *p, unsigned *status)
{
    disclosure_t *d = disclosure_load(db, DISC_FUNNEL, p->as_of, p->threshold);
    if (!d)
        return -1;
    *status = disclosure_mask(d, DISC_PEOPLE, DISC_STATUS, 0);
    disclosure_destroy(&d);
    return 0;
}

int publish_funnel(pw_db_t *db, const report_params_t *p, Pathways__V1__FunnelReply *r)
{
    unsigned status;
    if (funnel_status_mask(db, p, &status) != 0)
        return -1;
    for (size_t i = 0; i < r->n_rows; i++)
        mask_funnel_row(r->rows[i], status, need_of(p, 1));
    mask_funnel_row(r->total, status, need_of(p, 0));
    return 0;
}

/* ---- equity ---- */

/* A group is shown whole when the funnel's people, split by the field's
 * answers on top of the filters' dimensions and everything a row reveals,
 * pass; a field's total (the funnel's total) needs the filters only. */
static void mask_equity_row(Pathways__V1__EquityRow *row, unsigned status, unsigned need)
{
    int field = pw_selfid_field_index(row->field);
    if (strcmp(row->group, "total") != 0)
        need |= field >= 0 ? DISC_BIT(DISC_SELFID + field) : ~0u;
    if (disclosure_allows(status, need))
        return;
    Pathways__V1__Count *counts[EQUITY_NCOUNTS];
    Pathways__V1__Figure *figures[EQUITY_NFIGURES];
    equity_row_counts(row, counts);
    equity_row_figures(row, figures);
    for (size_t k = 0; k < EQUITY_NCOUNTS; k++)
        withhold_count(counts[k]);
    for (size_t k = 0; k < EQUITY_NFIGURES; k++)
        withhold_figure(figures[k]);
}

int publish_equity(pw_db_t *db, const report_params_t *p, Pathways__V1__EquityReply *r)
{
    unsigned status;
    if (funnel_status_mask(db, p, &status) != 0)
        return -1;
    for (size_t i = 0; i < r->n_rows; i++)
        mask_equity_row(r->rows[i], status, need_of(p, 0));
    return 0;
}
