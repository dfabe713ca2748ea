/* Kaplan-Meier, Greenwood and log-rank; see km.h for the conventions. The
 * inputs are already aggregated per day, so every function is one pass. */
#include "km.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int ordered(const km_obs_t *obs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (obs[i].time < 0 || (i > 0 && obs[i].time <= obs[i - 1].time))
            return 0;
    return 1;
}

int km_fit(const km_obs_t *obs, size_t n, km_curve_t *out)
{
    memset(out, 0, sizeof *out);
    if (!ordered(obs, n))
        return -1;
    for (size_t i = 0; i < n; i++)
        out->subjects += (uint64_t)obs[i].events + obs[i].censored;
    if (n == 0)
        return 0;
    out->steps = calloc(n, sizeof *out->steps);
    if (!out->steps)
        return -1;
    uint64_t at_risk = out->subjects;
    double s = 1.0, gw = 0.0;
    for (size_t i = 0; i < n; i++) {
        uint32_t d = obs[i].events;
        if (d > 0) {
            double ni = (double)at_risk;
            s *= 1.0 - (double)d / ni;
            gw = at_risk > d ? gw + (double)d / (ni * (ni - (double)d)) : INFINITY;
        }
        out->steps[i] = (km_step_t){.time = obs[i].time,
                                    .at_risk = at_risk,
                                    .events = d,
                                    .censored = obs[i].censored,
                                    .survival = s,
                                    .greenwood = gw};
        out->events += d;
        out->censored += obs[i].censored;
        at_risk -= (uint64_t)d + obs[i].censored;
    }
    out->nsteps = n;
    return 0;
}

void km_curve_clear(km_curve_t *c)
{
    if (!c)
        return;
    free(c->steps);
    memset(c, 0, sizeof *c);
}

void km_interval(double s, double greenwood, double *lower, double *upper)
{
    if (s <= 0.0 || s >= 1.0) {
        *lower = *upper = s <= 0.0 ? 0.0 : 1.0;
        return;
    }
    if (!isfinite(greenwood)) { /* no information left */
        *lower = 0.0;
        *upper = 1.0;
        return;
    }
    double sd = sqrt(greenwood) / fabs(log(s));
    *lower = pow(s, exp(KM_Z95 * sd));
    *upper = pow(s, exp(-KM_Z95 * sd));
}

void km_at(const km_curve_t *c, int32_t t, km_estimate_t *out)
{
    double s = 1.0, gw = 0.0;
    uint64_t at_risk = 0;
    int found = 0;
    for (size_t i = 0; i < c->nsteps; i++) {
        const km_step_t *st = &c->steps[i];
        if (st->time <= t) {
            s = st->survival;
            gw = st->greenwood;
        }
        if (!found && st->time >= t) {
            at_risk = st->at_risk;
            found = 1;
        }
    }
    out->survival = s;
    out->at_risk = at_risk;
    out->variance = isfinite(gw) ? s * s * gw : 0.0;
    km_interval(s, gw, &out->lower, &out->upper);
}

/* Totals of one group, to start the at-risk counts. */
static uint64_t subjects_of(const km_obs_t *o, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (uint64_t)o[i].events + o[i].censored;
    return total;
}

/* Merges the two ordered arrays time by time; at every time with events
 * adds the group-a contribution to observed, expected and variance. */
int km_logrank(const km_obs_t *a, size_t na, const km_obs_t *b, size_t nb, km_logrank_t *out)
{
    memset(out, 0, sizeof *out);
    out->p = 1.0;
    if (!ordered(a, na) || !ordered(b, nb))
        return -1;
    double n1 = (double)subjects_of(a, na), n2 = (double)subjects_of(b, nb);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int32_t t = (j >= nb || (i < na && a[i].time <= b[j].time)) ? a[i].time : b[j].time;
        const km_obs_t *x = (i < na && a[i].time == t) ? &a[i++] : NULL;
        const km_obs_t *y = (j < nb && b[j].time == t) ? &b[j++] : NULL;
        double d1 = x ? x->events : 0, d2 = y ? y->events : 0;
        double d = d1 + d2, n = n1 + n2;
        if (d > 0 && n > 0) {
            out->observed += d1;
            out->expected += d * n1 / n;
            if (n > 1)
                out->variance += d * (n1 / n) * (n2 / n) * (n - d) / (n - 1);
        }
        n1 -= x ? (double)x->events + x->censored : 0;
        n2 -= y ? (double)y->events + y->censored : 0;
    }
    if (out->variance > 0) {
        double diff = out->observed - out->expected;
        out->chi2 = diff * diff / out->variance;
        out->p = erfc(sqrt(out->chi2 / 2.0));
    }
    return 0;
}

int32_t km_months_days(unsigned months)
{
    return (int32_t)floor((double)months * 365.25 / 12.0);
}
