/* The queue-health rules (ok / stalled / stopped), each branch and its
 * edges: caught up, moving, missing, retrying, backing off under a lease,
 * leased but still, nothing alive; the snapshot judgement against the
 * window; names both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pathways/queue_health.h"

static pw_queue_status_t judge(pw_queue_obs_t o, const char *want_detail)
{
    pw_queue_verdict_t v = pw_queue_judge(&o);
    if (want_detail && !strstr(v.detail, want_detail))
        fail_msg("detail \"%s\" lacks \"%s\"", v.detail, want_detail);
    return v.status;
}

static void test_rules(void **state)
{
    (void)state;
    /* Caught up: ok whatever else is true (even no lease, no movement). */
    assert_int_equal(judge((pw_queue_obs_t){.lag = 0}, "caught up"), PW_QUEUE_OK);
    assert_int_equal(judge((pw_queue_obs_t){.lag = -3}, "caught up"), PW_QUEUE_OK);
    /* Behind but moving: ok. */
    assert_int_equal(judge((pw_queue_obs_t){.lag = 9, .moved = 1, .span_seconds = 2}, "advanced 1"),
                     PW_QUEUE_OK);
    /* Behind, still, retrying in the window: stalled with the error. */
    assert_int_equal(
        judge(
            (pw_queue_obs_t){
                .lag = 1, .offset = 41, .retry_attempts = 3, .retried = 1, .last_error = "boom"},
            "retrying seq 42 (attempt 3): boom"),
        PW_QUEUE_STALLED);
    /* Attempts on record, none in the window, a live lease: backing off. */
    assert_int_equal(
        judge((pw_queue_obs_t){.lag = 1, .retry_attempts = 2, .owner = "h-1"}, "backing off"),
        PW_QUEUE_STALLED);
    /* Still with a live lease and no attempts: stalled, names the holder. */
    assert_int_equal(
        judge((pw_queue_obs_t){.lag = 1, .owner = "h-1", .span_seconds = 5}, "h-1 holds"),
        PW_QUEUE_STALLED);
    /* Still, no lease, no retries: stopped; attempts on record but no lease
     * and none in the window: stopped too. */
    assert_int_equal(
        judge((pw_queue_obs_t){.lag = 1, .owner = "", .span_seconds = 5}, "no live instance"),
        PW_QUEUE_STOPPED);
    assert_int_equal(judge((pw_queue_obs_t){.lag = 1, .retry_attempts = 4}, "no live instance"),
                     PW_QUEUE_STOPPED);
    /* Listed but never ran: stopped even when "moved" or lag is 0. */
    assert_int_equal(judge((pw_queue_obs_t){.lag = 5, .missing = 1, .moved = 1}, "never ran"),
                     PW_QUEUE_STOPPED);
    assert_int_equal(judge((pw_queue_obs_t){.lag = 0, .missing = 1}, "never ran"),
                     PW_QUEUE_STOPPED);
    /* NULL strings are safe. */
    assert_int_equal(judge((pw_queue_obs_t){.lag = 1, .retried = 1, .retry_attempts = 1}, NULL),
                     PW_QUEUE_STALLED);
}

static void test_snapshot(void **state)
{
    (void)state;
    pw_queue_row_t r = {.offset = 3, .head = 5, .idle_seconds = 10};
    /* Moved 10 s ago, window 60 s: ok. */
    assert_int_equal(pw_queue_judge_row(&r, 60).status, PW_QUEUE_OK);
    /* Still for 600 s, no lease: stopped; with a lease: stalled. */
    r.idle_seconds = 600;
    assert_int_equal(pw_queue_judge_row(&r, 60).status, PW_QUEUE_STOPPED);
    strcpy(r.owner, "h-1");
    assert_int_equal(pw_queue_judge_row(&r, 60).status, PW_QUEUE_STALLED);
    /* Retrying recently, no lease: stalled; the last attempt long ago and
     * no lease: stopped. */
    r.owner[0] = '\0';
    r.retry_attempts = 2;
    r.retry_age_seconds = 5;
    assert_int_equal(pw_queue_judge_row(&r, 60).status, PW_QUEUE_STALLED);
    r.retry_age_seconds = 500;
    assert_int_equal(pw_queue_judge_row(&r, 60).status, PW_QUEUE_STOPPED);
    /* Exactly at the window's edge counts as moved. */
    r = (pw_queue_row_t){.offset = 3, .head = 5, .idle_seconds = 60};
    assert_int_equal(pw_queue_judge_row(&r, 60).status, PW_QUEUE_OK);
    /* Caught up and idle for a day: ok. */
    r = (pw_queue_row_t){.offset = 5, .head = 5, .idle_seconds = 86400};
    assert_int_equal(pw_queue_judge_row(&r, 60).status, PW_QUEUE_OK);
    /* A missing row: stopped. */
    r = (pw_queue_row_t){.head = 5, .missing = 1};
    assert_int_equal(pw_queue_judge_row(&r, 60).status, PW_QUEUE_STOPPED);
}

static void test_names(void **state)
{
    (void)state;
    const char *names[] = {"ok", "stalled", "stopped"};
    for (int i = 0; i < 3; i++) {
        pw_queue_status_t s;
        assert_string_equal(pw_queue_status_name((pw_queue_status_t)i), names[i]);
        assert_int_equal(pw_queue_status_parse(names[i], &s), 0);
        assert_int_equal(s, i);
    }
    pw_queue_status_t s = PW_QUEUE_OK;
    assert_int_equal(pw_queue_status_parse("behind", &s), -1);
    assert_int_equal(pw_queue_status_parse("", &s), -1);
    assert_int_equal(pw_queue_status_parse(NULL, &s), -1);
    assert_string_equal(pw_queue_status_name((pw_queue_status_t)7), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
