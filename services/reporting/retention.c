/* Retention report: load the per-day observations, fit both groups per
 * slice, decide what may be shown, fill the reply. */
#include "retention.h"

#include <stdlib.h>
#include <string.h>

#include "pathways/log.h"
#include "retention_sql.h"
#include "suppress.h"

/* The time points the report always shows. */
static const unsigned RETENTION_MONTHS[] = {6, 12, 24};
#define NMONTHS (sizeof RETENTION_MONTHS / sizeof RETENTION_MONTHS[0])

static int add_obs(retention_slice_t *s, int g, const PGresult *res, int r)
{
    if (s->nobs[g] == s->cap[g]) {
        size_t cap = s->cap[g] ? 2 * s->cap[g] : 64;
        km_obs_t *grown = realloc(s->obs[g], cap * sizeof *grown);
        if (!grown)
            return -1;
        s->obs[g] = grown;
        s->cap[g] = cap;
    }
    s->obs[g][s->nobs[g]++] = (km_obs_t){
        .time = (int32_t)pw_db_get_i64(res, r, "day"),
        .events = (uint32_t)pw_db_get_i64(res, r, "events"),
        .censored = (uint32_t)pw_db_get_i64(res, r, "censored"),
    };
    return 0;
}

/* The slice a row belongs to: the last one when the name matches, else a
 * new one (rows arrive ordered by slice). */
static retention_slice_t *slice_for(retention_data_t *d, const char *name)
{
    if (d->count && strcmp(d->slices[d->count - 1].slice, name) == 0)
        return &d->slices[d->count - 1];
    retention_slice_t *grown = realloc(d->slices, (d->count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    d->slices = grown;
    retention_slice_t *s = &d->slices[d->count];
    memset(s, 0, sizeof *s);
    s->slice = strdup(name);
    if (!s->slice)
        return NULL;
    d->count++;
    return s;
}

int retention_load(pw_db_t *db, const report_params_t *p, retention_data_t *out)
{
    memset(out, 0, sizeof *out);
    const char *params[REPORT_NPARAMS];
    report_params_sql(p, params);
    PGresult *res = pw_db_prepared(db, "reporting_retention_subjects", SQL_RETENTION_SUBJECTS,
                                   REPORT_NPARAMS, params);
    if (!res) {
        pw_warn("retention query failed: %s", pw_db_error(db));
        return -1;
    }
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        const char *name = pw_db_isnull(res, r, "slice") ? "(none)" : pw_db_get(res, r, "slice");
        retention_slice_t *s = slice_for(out, name);
        int g = strcmp(pw_db_get(res, r, "grp"), "p") == 0 ? RETENTION_PARTICIPANTS
                                                           : RETENTION_COMPARISON;
        rc = s ? add_obs(s, g, res, r) : -1;
    }
    PQclear(res);
    if (rc != 0)
        retention_data_clear(out);
    return rc;
}

void retention_data_clear(retention_data_t *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->slices[i].slice);
        for (int g = 0; g < RETENTION_GROUPS; g++)
            free(d->slices[i].obs[g]);
    }
    free(d->slices);
    memset(d, 0, sizeof *d);
}

static Pathways__V1__RetentionAt *retention_at(report_msg_t *m, const km_curve_t *c,
                                               unsigned months, unsigned threshold)
{
    Pathways__V1__RetentionAt *at = report_msg_new(m, &pathways__v1__retention_at__descriptor);
    if (!at)
        return NULL;
    km_estimate_t e;
    int32_t days = km_months_days(months);
    km_at(c, days, &e);
    at->months = months;
    at->days = (uint32_t)days;
    at->suppressed = e.at_risk < threshold;
    at->at_risk = report_msg_count(m, e.at_risk, suppress_small(e.at_risk, threshold));
    if (!at->suppressed) {
        at->retention = e.survival;
        at->lower = e.lower;
        at->upper = e.upper;
    }
    return at;
}

/* The curve's points while at least threshold people are at risk: day 0,
 * then every day with separations. */
static void add_points(report_msg_t *m, Pathways__V1__GroupRetention *g, const km_curve_t *c,
                       unsigned threshold)
{
    Pathways__V1__SurvivalPoint *p0 = report_msg_new(m, &pathways__v1__survival_point__descriptor);
    if (p0)
        p0->retention = p0->lower = p0->upper = 1.0;
    report_msg_push(m, (void ***)&g->points, &g->n_points, p0);
    for (size_t i = 0; i < c->nsteps; i++) {
        const km_step_t *st = &c->steps[i];
        if (st->at_risk < threshold)
            break;
        if (st->events == 0)
            continue;
        Pathways__V1__SurvivalPoint *pt =
            report_msg_new(m, &pathways__v1__survival_point__descriptor);
        if (pt) {
            pt->day = (uint32_t)st->time;
            pt->retention = st->survival;
            km_interval(st->survival, st->greenwood, &pt->lower, &pt->upper);
        }
        report_msg_push(m, (void ***)&g->points, &g->n_points, pt);
    }
}

Pathways__V1__GroupRetention *retention_group(report_msg_t *m, const km_curve_t *c, int withheld,
                                              unsigned threshold, int curves)
{
    Pathways__V1__GroupRetention *g = report_msg_new(m, &pathways__v1__group_retention__descriptor);
    if (!g)
        return NULL;
    /* people = separations + censored: withholding one part withholds
     * another, so none can be worked out. */
    uint64_t v[3] = {c->subjects, c->events, c->censored};
    uint8_t s[3] = {0};
    static const size_t parts[] = {0, 1, 2};
    const suppress_group_t rel[] = {{parts, 3}};
    g->suppressed = withheld || suppress_small(c->subjects, threshold);
    if (g->suppressed)
        s[0] = s[1] = s[2] = 1;
    else if (suppress_apply(v, 3, rel, 1, threshold, s) < 0)
        m->failed = 1;
    g->people = report_msg_count(m, v[0], s[0]);
    g->separations = report_msg_count(m, v[1], s[1]);
    g->censored = report_msg_count(m, v[2], s[2]);
    if (g->suppressed || c->subjects == 0)
        return g;
    for (size_t k = 0; k < NMONTHS; k++)
        report_msg_push(m, (void ***)&g->at, &g->n_at,
                        retention_at(m, c, RETENTION_MONTHS[k], threshold));
    if (curves)
        add_points(m, g, c, threshold);
    return g;
}

static Pathways__V1__RetentionSlice *build_slice(report_msg_t *m, const retention_slice_t *s,
                                                 const report_params_t *p, int curves)
{
    km_curve_t c[RETENTION_GROUPS];
    memset(c, 0, sizeof c);
    Pathways__V1__RetentionSlice *out =
        report_msg_new(m, &pathways__v1__retention_slice__descriptor);
    for (int g = 0; g < RETENTION_GROUPS; g++)
        if (km_fit(s->obs[g], s->nobs[g], &c[g]) != 0)
            m->failed = 1;
    if (out && !m->failed) {
        int part_small = c[RETENTION_PARTICIPANTS].subjects < p->threshold;
        int comp_small = c[RETENTION_COMPARISON].subjects < p->threshold;
        out->slice = report_msg_str(m, s->slice);
        out->participants =
            retention_group(m, &c[RETENTION_PARTICIPANTS], part_small, p->threshold, curves);
        out->comparison = retention_group(m, &c[RETENTION_COMPARISON], part_small || comp_small,
                                          p->threshold, curves);
        out->compared = !part_small && !comp_small;
        km_logrank_t lr;
        if (out->compared &&
            km_logrank(s->obs[RETENTION_PARTICIPANTS], s->nobs[RETENTION_PARTICIPANTS],
                       s->obs[RETENTION_COMPARISON], s->nobs[RETENTION_COMPARISON], &lr) == 0) {
            out->logrank_chi2 = lr.chi2;
            out->logrank_p = lr.p;
        }
    }
    for (int g = 0; g < RETENTION_GROUPS; g++)
        km_curve_clear(&c[g]);
    return out;
}

Pathways__V1__RetentionReply *retention_report(pw_db_t *db, const report_params_t *p, int curves)
{
    retention_data_t d;
    if (retention_load(db, p, &d) != 0)
        return NULL;
    report_msg_t m = {0};
    Pathways__V1__RetentionReply *r =
        report_msg_new(&m, &pathways__v1__retention_reply__descriptor);
    if (r) {
        r->as_of = report_msg_str(&m, p->as_of);
        r->slice_by = report_msg_str(&m, p->slice);
        r->ci_method = report_msg_str(&m, "log-log");
        r->threshold = p->threshold;
        for (size_t i = 0; i < d.count && !m.failed; i++)
            report_msg_push(&m, (void ***)&r->slices, &r->n_slices,
                            build_slice(&m, &d.slices[i], p, curves));
    }
    retention_data_clear(&d);
    return report_msg_finish(&m, r);
}
