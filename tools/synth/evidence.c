/* Expected outcomes, retention and cost of the synthetic history; see
 * evidence.h. Mirrors services/reporting/README.md's definitions. */
#include "evidence.h"

#include "selfid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reporting/km.h"
#include "replay.h"

#define N_POINTS 3
static const unsigned MONTHS[N_POINTS] = {6, 12, 24};

/* One subject of the retention comparison. */
typedef struct {
    int participant;
    size_t employer;
    const char *family;
    int band;
    int32_t time;
    int event;
} subject_t;

static int band_of(int32_t days)
{
    return days < 365 ? 0 : days < 730 ? 1 : days < 1826 ? 2 : 3;
}

/* First termination on or after origin, or 0. */
static int32_t separation(const sy_employee_t *e, int32_t origin)
{
    for (size_t k = 0; k < e->nevents; k++)
        if (e->events[k].type == SY_EV_TERMINATED && e->events[k].effective >= origin)
            return e->events[k].effective;
    return 0;
}

static void observe(subject_t *s, const sy_employee_t *e, int32_t origin, int32_t crossover,
                    int32_t today)
{
    int32_t sep = separation(e, origin);
    int32_t censor = crossover && crossover < today ? crossover : today;
    s->event = sep && sep <= today && (!crossover || sep < crossover);
    s->time = (s->event ? sep : censor) - origin;
}

/* Every participant and every comparison candidate; *n set. Caller frees. */
static subject_t *subjects(const sy_workforce_t *w, size_t *n)
{
    int32_t today = w->params.today;
    subject_t *out = calloc(2 * w->params.employees + 1, sizeof *out);
    *n = 0;
    for (size_t i = 0; out && i < w->params.employees; i++) {
        const sy_employee_t *e = &w->employee[i];
        const sy_participation_t *p = &w->part[i];
        sy_replay_t r;
        sy_replay(e->events, e->nevents, today, sy_participation_closed(p), &r);
        const char *family = r.family_at_eligible ? r.family_at_eligible : "unknown";
        if (p->participant) {
            subject_t *s = &out[(*n)++];
            *s = (subject_t){1, e->employer, family, band_of(p->enrolled - e->hire_date), 0, 0};
            observe(s, e, p->enrolled, 0, today);
        }
        if (r.first_eligible && (!p->participant || p->enrolled > r.first_eligible)) {
            subject_t *s = &out[(*n)++];
            *s =
                (subject_t){0, e->employer, family, band_of(r.first_eligible - e->hire_date), 0, 0};
            observe(s, e, r.first_eligible, p->participant ? p->enrolled : 0, today);
        }
    }
    return out;
}

static int same_stratum(const subject_t *a, const subject_t *b)
{
    return a->employer == b->employer && strcmp(a->family, b->family) == 0 && a->band == b->band;
}

/* Drops comparison subjects in strata without participants. */
static size_t match(subject_t *s, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        int keep = s[i].participant;
        for (size_t j = 0; j < n && !keep; j++)
            keep = s[j].participant && same_stratum(&s[i], &s[j]);
        if (keep)
            s[kept++] = s[i];
    }
    return kept;
}

static int time_cmp(const void *a, const void *b)
{
    const subject_t *x = a, *y = b;
    return (x->time > y->time) - (x->time < y->time);
}

/* The observations of one group among s (sorted by time) that pass keep;
 * *nobs set. Caller frees. */
typedef int (*keep_fn)(const subject_t *s, const subject_t *like);

static km_obs_t *observations(const subject_t *s, size_t n, int participant, keep_fn keep,
                              const subject_t *like, size_t *nobs)
{
    km_obs_t *obs = calloc(n + 1, sizeof *obs);
    *nobs = 0;
    for (size_t i = 0; obs && i < n; i++) {
        if (s[i].participant != participant || (keep && !keep(&s[i], like)))
            continue;
        if (!*nobs || obs[*nobs - 1].time != s[i].time)
            obs[(*nobs)++] = (km_obs_t){.time = s[i].time};
        obs[*nobs - 1].events += s[i].event ? 1 : 0;
        obs[*nobs - 1].censored += s[i].event ? 0 : 1;
    }
    return obs;
}

static json_t *group_json(const km_curve_t *c)
{
    json_t *g = json_pack("{s:I, s:I}", "people", (json_int_t)c->subjects, "separations",
                          (json_int_t)c->events);
    for (size_t k = 0; k < N_POINTS; k++) {
        km_estimate_t e;
        char key[32];
        km_at(c, km_months_days(MONTHS[k]), &e);
        snprintf(key, sizeof key, "retention_%um", MONTHS[k]);
        json_object_set_new(g, key, json_real(e.survival));
        snprintf(key, sizeof key, "lower_%um", MONTHS[k]);
        json_object_set_new(g, key, json_real(e.lower));
        snprintf(key, sizeof key, "upper_%um", MONTHS[k]);
        json_object_set_new(g, key, json_real(e.upper));
    }
    return g;
}

/* Both groups' curves among s (optionally only those like `like`). */
static int fit_pair(const subject_t *s, size_t n, keep_fn keep, const subject_t *like,
                    km_curve_t c[2], km_logrank_t *lr)
{
    size_t np, nc;
    km_obs_t *p = observations(s, n, 1, keep, like, &np);
    km_obs_t *q = observations(s, n, 0, keep, like, &nc);
    int rc = p && q && km_fit(p, np, &c[0]) == 0 && km_fit(q, nc, &c[1]) == 0 &&
                     (!lr || km_logrank(p, np, q, nc, lr) == 0)
                 ? 0
                 : -1;
    free(p);
    free(q);
    return rc;
}

static json_t *retention_json(const subject_t *s, size_t n)
{
    km_curve_t c[2] = {{0}};
    km_logrank_t lr = {0};
    json_t *out = NULL;
    if (fit_pair(s, n, NULL, NULL, c, &lr) == 0)
        out = json_pack("{s:o, s:o, s:f}", "participants", group_json(&c[0]), "comparison",
                        group_json(&c[1]), "logrank_p", lr.p);
    km_curve_clear(&c[0]);
    km_curve_clear(&c[1]);
    return out;
}

static int same_role(const subject_t *s, const subject_t *like)
{
    return s->employer == like->employer && strcmp(s->family, like->family) == 0;
}

/* Adds the cost row of like's employer and role to the totals (t: people,
 * then avoided, low, high separations), as cost.c does for the exact
 * report (an administrator's, which withholds nothing: threshold 1): a row
 * without participants or comparison people, or with none at risk at 12
 * months in either group, adds nothing. */
static int cost_row(const subject_t *s, size_t n, const subject_t *like, double t[4])
{
    const size_t threshold = 1; /* report_request.c: exact figures */
    km_curve_t c[2] = {{0}};
    if (fit_pair(s, n, same_role, like, c, NULL) != 0)
        return -1;
    km_estimate_t e[2];
    int32_t h = km_months_days(12);
    km_at(&c[0], h, &e[0]);
    km_at(&c[1], h, &e[1]);
    double people = (double)c[0].subjects;
    if (c[0].subjects >= threshold && c[1].subjects >= threshold && e[0].at_risk >= threshold &&
        e[1].at_risk >= threshold) {
        double diff = e[0].survival - e[1].survival;
        double se = sqrt(e[0].variance + e[1].variance);
        t[0] += people;
        t[1] += diff * people;
        t[2] += (diff - KM_Z95 * se) * people;
        t[3] += (diff + KM_Z95 * se) * people;
    }
    km_curve_clear(&c[0]);
    km_curve_clear(&c[1]);
    return 0;
}

static json_t *cost_json(const subject_t *s, size_t n)
{
    double t[4] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!s[i].participant)
            continue;
        size_t first = i;
        for (size_t j = 0; j < i; j++)
            if (s[j].participant && same_role(&s[j], &s[i]))
                first = j;
        if (first == i && cost_row(s, n, &s[i], t) != 0)
            return NULL;
    }
    return json_pack("{s:I, s:f, s:f, s:f, s:f}", "participants", (json_int_t)t[0],
                     "separations_avoided", t[1], "cost_avoided", t[1] * SY_REPLACEMENT_COST,
                     "cost_avoided_low", t[2] * SY_REPLACEMENT_COST, "cost_avoided_high",
                     t[3] * SY_REPLACEMENT_COST);
}

/* Outcome counts of one cohort ("total": every participant). */
static json_t *outcome_row(const sy_workforce_t *w, const char *cohort)
{
    json_int_t c[6] = {0};
    for (size_t i = 0; i < w->params.employees; i++) {
        const sy_participation_t *p = &w->part[i];
        if (!p->participant || (strcmp(cohort, "total") != 0 && strcmp(cohort, p->cohort) != 0))
            continue;
        c[0]++;
        c[1] += p->completed != 0;
        c[2] += p->certified != 0;
        c[3] += p->placed != 0;
        c[4] += p->withdrawn != 0;
        c[5] += p->exited != 0;
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "enrolled", c[0], "completed", c[1],
                     "certified", c[2], "placed", c[3], "withdrawn", c[4], "exited", c[5]);
}

static json_t *outcomes_json(const sy_workforce_t *w)
{
    json_t *o = json_object();
    json_object_set_new(o, "total", outcome_row(w, "total"));
    for (size_t i = 0; i < w->params.employees; i++) {
        const char *cohort = w->part[i].cohort;
        if (w->part[i].participant && !json_object_get(o, cohort))
            json_object_set_new(o, cohort, outcome_row(w, cohort));
    }
    return o;
}

json_t *sy_evidence_json(const sy_workforce_t *w)
{
    size_t n;
    subject_t *s = subjects(w, &n);
    if (!s)
        return NULL;
    n = match(s, n);
    qsort(s, n, sizeof *s, time_cmp);
    json_t *out =
        json_pack("{s:o*, s:o*, s:o*, s:o*}", "outcomes", outcomes_json(w), "retention",
                  retention_json(s, n), "cost", cost_json(s, n), "equity", sy_equity_json(w));
    free(s);
    return out;
}
