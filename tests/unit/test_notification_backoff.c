/* Unit tests for the notification retry policy: exponential backoff with
 * jitter, capped; delivery failures end "dead", missing addresses end
 * "cancelled", never "dead". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "notification/backoff.h"

static void test_backoff_doubles_with_jitter_and_caps(void **state)
{
    (void)state;
    uint32_t rng = 42;
    for (int k = 0; k < 1000; k++) {
        uint32_t r = ntf_backoff_random(&rng);
        int64_t d1 = ntf_backoff_ms(1, 1000, 300000, r);
        int64_t d3 = ntf_backoff_ms(3, 1000, 300000, r);
        int64_t d30 = ntf_backoff_ms(30, 1000, 300000, r);
        assert_in_range(d1, 500, 1000);
        assert_in_range(d3, 2000, 4000);
        assert_in_range(d30, 150000, 300000);
    }
    assert_int_equal(ntf_backoff_ms(1, 1000, 300000, 0), 500);
    assert_int_equal(ntf_backoff_ms(2, 1000, 300000, 1000), 2000);
    assert_int_equal(ntf_backoff_ms(1000000, 1000, 300000, 150000), 300000);
    assert_true(ntf_backoff_ms(0, 0, 0, 0) >= 1);
    assert_true(ntf_backoff_ms(-5, 1000, 300000, 7) >= 500);
}

static void test_jitter_spreads(void **state)
{
    (void)state;
    uint32_t rng = 1;
    int64_t lo = INT64_MAX, hi = 0;
    for (int k = 0; k < 1000; k++) {
        int64_t d = ntf_backoff_ms(4, 1000, 300000, ntf_backoff_random(&rng));
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_true(hi - lo > 3000); /* range is [4000, 8000] */
}

/* The default policy with max_attempts, as a row with the given history. */
static ntf_decision_t decide(ntf_outcome_t o, int attempts, int waits, int max_attempts,
                             uint32_t rnd)
{
    ntf_retry_policy_t p = {.max_attempts = max_attempts};
    ntf_tries_t t = {attempts, waits, 0};
    return ntf_retry_decide(o, &t, &p, rnd);
}

static void test_temporary_failures_then_dead(void **state)
{
    (void)state;
    ntf_decision_t d = decide(NTF_OUTCOME_TEMPORARY, 0, 0, 3, 0);
    assert_string_equal(d.state, "retrying");
    assert_int_equal(d.attempts, 1);
    assert_int_equal(d.delay_ms, 500);
    d = decide(NTF_OUTCOME_TEMPORARY, 1, 0, 3, 0);
    assert_string_equal(d.state, "retrying");
    assert_int_equal(d.delay_ms, 1000);
    d = decide(NTF_OUTCOME_TEMPORARY, 2, 0, 3, 0);
    assert_string_equal(d.state, "dead");
    assert_int_equal(d.attempts, 3);
}

static void test_sent_and_permanent(void **state)
{
    (void)state;
    ntf_decision_t d = decide(NTF_OUTCOME_SENT, 2, 1, 5, 0);
    assert_string_equal(d.state, "sent");
    assert_int_equal(d.attempts, 3);
    assert_int_equal(d.address_waits, 1);
    d = decide(NTF_OUTCOME_PERMANENT, 0, 0, 5, 0);
    assert_string_equal(d.state, "dead");
    assert_int_equal(d.attempts, 1);
}

static void test_missing_address_waits_never_dies(void **state)
{
    (void)state;
    ntf_decision_t d = decide(NTF_OUTCOME_NO_ADDRESS, 0, 0, 3, 0);
    assert_string_equal(d.state, "retrying");
    assert_int_equal(d.attempts, 0);
    assert_int_equal(d.address_waits, 1);
    /* Waiting is not a delivery attempt: far more checks than max_attempts
     * keep it waiting while the wait lasts. */
    d = decide(NTF_OUTCOME_NO_ADDRESS, 0, 20, 3, 0);
    assert_string_equal(d.state, "retrying");
    assert_int_equal(d.attempts, 0);
    /* A bogus limit still ends somewhere. */
    d = decide(NTF_OUTCOME_TEMPORARY, 0, 0, 0, 0);
    assert_string_equal(d.state, "dead");
}

static void test_address_wait_is_bounded_by_time(void **state)
{
    (void)state;
    ntf_retry_policy_t p = {.max_attempts = 3, .address_wait_ms = 60000};
    ntf_tries_t t = {0, 5, 59000};
    ntf_decision_t d = ntf_retry_decide(NTF_OUTCOME_NO_ADDRESS, &t, &p, 0);
    assert_string_equal(d.state, "retrying");
    assert_int_equal(d.address_waits, 6);
    assert_int_equal(d.delay_ms, 1000); /* the last check falls on the end of the wait */
    t.address_waited_ms = 60000;
    d = ntf_retry_decide(NTF_OUTCOME_NO_ADDRESS, &t, &p, 0);
    assert_string_equal(d.state, "cancelled");
    assert_int_equal(d.attempts, 0);
    /* The first check never cancels, whatever the clock says. */
    t = (ntf_tries_t){0, 0, 0};
    p.address_wait_ms = 1;
    d = ntf_retry_decide(NTF_OUTCOME_NO_ADDRESS, &t, &p, 0);
    assert_string_equal(d.state, "retrying");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_doubles_with_jitter_and_caps),
        cmocka_unit_test(test_jitter_spreads),
        cmocka_unit_test(test_temporary_failures_then_dead),
        cmocka_unit_test(test_sent_and_permanent),
        cmocka_unit_test(test_missing_address_waits_never_dies),
        cmocka_unit_test(test_address_wait_is_bounded_by_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
