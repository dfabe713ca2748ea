/* Unit tests for the survival statistics (services/reporting/km.c) against
 * values worked out by hand for two small groups with ties and censoring.
 *
 * Group A (7 people): separations at days 2, 3, 3, 5, 8; censored at 3, 6.
 * Group B (6 people): separations at days 4, 4, 6; censored at 1, 7, 9.
 *
 * Kaplan-Meier for A (censored at t still at risk at t):
 *   t=2: n=7 d=1  S = 6/7                 = 0.857143  gw = 1/(7*6)   = 1/42
 *   t=3: n=6 d=2  S = 6/7 * 4/6 = 4/7     = 0.571429  gw += 2/(6*4)  -> 3/28
 *        (one censored at 3 leaves after the events)
 *   t=5: n=3 d=1  S = 4/7 * 2/3 = 8/21    = 0.380952  gw += 1/(3*2)  -> 23/84
 *   t=6: censored, S unchanged; t=8: n=1 d=1, S = 0.
 * Greenwood variance at t=5: (8/21)^2 * 23/84 = 0.0397365.
 * Log-log CI at t=5: s = sqrt(23/84)/|ln(8/21)| = 0.523269/0.965081 = 0.542201;
 *   lower = (8/21)^exp(1.959964*0.542201) = (8/21)^2.894 = 0.061231,
 *   upper = (8/21)^exp(-1.062695)        = (8/21)^0.3456 = 0.716442.
 * At t=3: s = sqrt(3/28)/|ln(4/7)| = 0.327327/0.559616; CI 0.171866 .. 0.837083.
 *
 * Log-rank A vs B, at each time with events (n1, n2 at risk before it):
 *   t  n1 n2  d1 d2   E1 = d*n1/n      V = d*(n1/n)*(n2/n)*(n-d)/(n-1)
 *   2   7  5   1  0   7/12             35/144
 *   3   6  5   2  0   12/11            2*(6/11)*(5/11)*(9/10) = 54/121
 *   4   3  5   0  2   3/4              2*(3/8)*(5/8)*(6/7)    = 45/112
 *   5   3  3   1  0   1/2              1/4
 *   6   2  3   0  1   2/5              6/25
 *   8   1  1   1  0   1/2              1/4
 *   (B's censoring at 1 leaves n2 = 5 at t=2; at 7 leaves n2 = 1 at t=8.)
 * O1 = 5, E1 = 631/165 = 3.824242, V = 1.831122,
 * chi2 = (5 - 3.824242)^2 / 1.831122 = 0.754950, p = erfc(sqrt(chi2/2)) = 0.384914. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reporting/km.h"

static const km_obs_t A[] = {{2, 1, 0}, {3, 2, 1}, {5, 1, 0}, {6, 0, 1}, {8, 1, 0}};
static const km_obs_t B[] = {{1, 0, 1}, {4, 2, 0}, {6, 1, 0}, {7, 0, 1}, {9, 0, 1}};
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define EPS  1e-6

static void test_km_steps(void **state)
{
    (void)state;
    km_curve_t c;
    assert_int_equal(km_fit(A, N(A), &c), 0);
    assert_int_equal(c.subjects, 7);
    assert_int_equal(c.events, 5);
    assert_int_equal(c.censored, 2);
    assert_int_equal(c.nsteps, 5);
    assert_true(fabs(c.steps[0].survival - 6.0 / 7.0) < EPS);
    assert_true(fabs(c.steps[1].survival - 4.0 / 7.0) < EPS);
    assert_int_equal(c.steps[1].at_risk, 6);
    assert_true(fabs(c.steps[1].greenwood - 3.0 / 28.0) < EPS);
    assert_true(fabs(c.steps[2].survival - 8.0 / 21.0) < EPS);
    assert_int_equal(c.steps[2].at_risk, 3);
    assert_true(fabs(c.steps[2].greenwood - 23.0 / 84.0) < EPS);
    assert_true(fabs(c.steps[3].survival - 8.0 / 21.0) < EPS); /* censoring only */
    assert_true(c.steps[4].survival == 0.0);
    km_curve_clear(&c);
    assert_null(c.steps);
}

static void test_km_estimates_and_intervals(void **state)
{
    (void)state;
    km_curve_t c;
    km_estimate_t e;
    assert_int_equal(km_fit(A, N(A), &c), 0);
    km_at(&c, 1, &e); /* before any event */
    assert_true(e.survival == 1.0 && e.lower == 1.0 && e.upper == 1.0);
    assert_int_equal(e.at_risk, 7);
    km_at(&c, 4, &e); /* between 3 and 5: S(3) */
    assert_true(fabs(e.survival - 4.0 / 7.0) < EPS);
    assert_true(fabs(e.lower - 0.171866) < EPS);
    assert_true(fabs(e.upper - 0.837083) < EPS);
    assert_int_equal(e.at_risk, 3);
    km_at(&c, 5, &e);
    assert_true(fabs(e.survival - 8.0 / 21.0) < EPS);
    assert_true(fabs(e.variance - 0.0397365) < EPS);
    assert_true(fabs(e.lower - 0.061231) < EPS);
    assert_true(fabs(e.upper - 0.716442) < EPS);
    km_at(&c, 100, &e);
    assert_true(e.survival == 0.0 && e.lower == 0.0 && e.upper == 0.0);
    assert_int_equal(e.at_risk, 0);
    km_curve_clear(&c);
}

static void test_logrank(void **state)
{
    (void)state;
    km_logrank_t lr;
    assert_int_equal(km_logrank(A, N(A), B, N(B), &lr), 0);
    assert_true(fabs(lr.observed - 5.0) < EPS);
    assert_true(fabs(lr.expected - 631.0 / 165.0) < EPS);
    assert_true(fabs(lr.variance - 1.831122) < EPS);
    assert_true(fabs(lr.chi2 - 0.754950) < EPS);
    assert_true(fabs(lr.p - 0.384914) < EPS);
    /* Symmetric: B against A gives the same statistic. */
    km_logrank_t rev;
    assert_int_equal(km_logrank(B, N(B), A, N(A), &rev), 0);
    assert_true(fabs(rev.chi2 - lr.chi2) < EPS);
}

static void test_bad_and_empty_input(void **state)
{
    (void)state;
    static const km_obs_t unordered[] = {{3, 1, 0}, {3, 0, 1}};
    static const km_obs_t negative[] = {{-1, 1, 0}};
    static const km_obs_t censored_only[] = {{5, 0, 4}};
    km_curve_t c;
    km_logrank_t lr;
    assert_int_equal(km_fit(unordered, 2, &c), -1);
    assert_int_equal(km_fit(negative, 1, &c), -1);
    assert_int_equal(km_logrank(unordered, 2, A, N(A), &lr), -1);
    assert_int_equal(km_fit(NULL, 0, &c), 0);
    assert_int_equal(c.subjects, 0);
    km_curve_clear(&c);
    assert_int_equal(km_logrank(censored_only, 1, censored_only, 1, &lr), 0);
    assert_true(lr.chi2 == 0.0 && lr.p == 1.0);
    assert_int_equal(km_months_days(6), 182);
    assert_int_equal(km_months_days(12), 365);
    assert_int_equal(km_months_days(24), 730);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km_steps),
        cmocka_unit_test(test_km_estimates_and_intervals),
        cmocka_unit_test(test_logrank),
        cmocka_unit_test(test_bad_and_empty_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
