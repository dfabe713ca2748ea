/* Survival statistics for the retention report: the Kaplan-Meier estimator
 * with Greenwood's variance and log-log ("exponential Greenwood") 95%
 * confidence intervals, and the two-group log-rank test. Pure functions over
 * aggregated observations; no database, no allocation beyond the curve.
 *
 * Conventions (the usual ones, as in R's survival package):
 * - time is in whole days from the origin; an observation is an event
 *   (separation) or a censoring at that time;
 * - subjects censored at t are still at risk at t (events come first);
 * - S(t) = prod over event times t_i <= t of (1 - d_i / n_i);
 * - Greenwood: Var S(t) = S(t)^2 * sum d_i / (n_i (n_i - d_i));
 * - CI (log-log): S^exp(+z*s) .. S^exp(-z*s), s = sqrt(sum)/|log S|,
 *   which stays inside [0, 1]; at S = 1 or S = 0 the interval is [S, S]. */
#ifndef PATHWAYS_REPORTING_KM_H
#define PATHWAYS_REPORTING_KM_H

#include <stddef.h>
#include <stdint.h>

/* The normal quantile for a two-sided 95% interval. */
#define KM_Z95 1.959963984540054

/* Observations at one time: times strictly increasing across an array. */
typedef struct {
    int32_t time;
    uint32_t events;
    uint32_t censored;
} km_obs_t;

/* The curve at one observed time (event or censoring). */
typedef struct {
    int32_t time;
    uint64_t at_risk; /* subjects with time >= this time */
    uint32_t events;
    uint32_t censored;
    double survival;  /* S just after this time */
    double greenwood; /* sum d/(n(n-d)) up to this time; INFINITY once S = 0 */
} km_step_t;

typedef struct {
    km_step_t *steps;
    size_t nsteps;
    uint64_t subjects;
    uint64_t events;
    uint64_t censored;
} km_curve_t;

/* An estimate at a time point with its 95% interval. */
typedef struct {
    double survival;
    double lower;
    double upper;
    double variance;  /* Greenwood variance of S */
    uint64_t at_risk; /* subjects still observed at that time */
} km_estimate_t;

typedef struct {
    double observed; /* events in the first group */
    double expected; /* expected events in the first group under H0 */
    double variance; /* hypergeometric variance of observed - expected */
    double chi2;     /* (O - E)^2 / V, one degree of freedom */
    double p;        /* upper tail of chi-square(1) */
} km_logrank_t;

/* Fits the curve of n observations (times strictly increasing, no negative
 * times). Returns 0, or -1 on unordered input or out of memory (out is then
 * empty). Release with km_curve_clear. */
int km_fit(const km_obs_t *obs, size_t n, km_curve_t *out) __attribute__((warn_unused_result));
void km_curve_clear(km_curve_t *c);

/* The estimate at time t (S of the last event time <= t; 1 before any). */
void km_at(const km_curve_t *c, int32_t t, km_estimate_t *out);

/* Log-log 95% interval of s given its Greenwood sum; writes lower/upper. */
void km_interval(double s, double greenwood, double *lower, double *upper);

/* Log-rank test of group a against group b. Returns 0, or -1 on unordered
 * input. With no events at all, chi2 = 0 and p = 1. */
int km_logrank(const km_obs_t *a, size_t na, const km_obs_t *b, size_t nb, km_logrank_t *out)
    __attribute__((warn_unused_result));

/* Months to days for the report's time points: floor(months * 365.25 / 12)
 * (6 -> 182, 12 -> 365, 24 -> 730). */
int32_t km_months_days(unsigned months);

#endif
