/* Unit tests for the cohort rules that need no database: status names,
 * allowed status changes, and which leavers give up a seat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "enrollment/cohort.h"

static void test_status_names_round_trip(void **state)
{
    (void)state;
    for (int s = 1; s <= 5; s++) {
        const char *name = enr_cohort_status_name((Pathways__V1__CohortStatus)s);
        assert_non_null(name);
        assert_int_equal(enr_cohort_status_parse(name), s);
    }
    assert_string_equal(
        enr_cohort_status_name(PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_IN_PROGRESS),
        "in_progress");
    assert_null(enr_cohort_status_name(PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_UNSPECIFIED));
    assert_null(enr_cohort_status_name((Pathways__V1__CohortStatus)42));
    assert_int_equal(enr_cohort_status_parse("running"), 0);
    assert_int_equal(enr_cohort_status_parse(NULL), 0);
}

static void test_status_changes(void **state)
{
    (void)state;
    assert_true(enr_cohort_status_allowed("planned", "open"));
    assert_true(enr_cohort_status_allowed("open", "in_progress"));
    assert_true(enr_cohort_status_allowed("in_progress", "finished"));
    assert_true(enr_cohort_status_allowed("open", "cancelled"));
    /* Back in time, out of the terminal states, or staying put: refused. */
    assert_false(enr_cohort_status_allowed("in_progress", "open"));
    assert_false(enr_cohort_status_allowed("finished", "open"));
    assert_false(enr_cohort_status_allowed("cancelled", "planned"));
    assert_false(enr_cohort_status_allowed("open", "finished"));
    assert_false(enr_cohort_status_allowed("open", "open"));
}

static void test_who_holds_a_seat(void **state)
{
    (void)state;
    assert_true(enr_cohort_held_seat(ENR_STATE_ENROLLED, ""));
    assert_true(enr_cohort_held_seat(ENR_STATE_IN_TRAINING, NULL));
    assert_true(enr_cohort_held_seat(ENR_STATE_PAUSED, "enrolled"));
    assert_true(enr_cohort_held_seat(ENR_STATE_PAUSED, "in_training"));
    assert_false(enr_cohort_held_seat(ENR_STATE_PAUSED, "waitlisted"));
    assert_false(enr_cohort_held_seat(ENR_STATE_PAUSED, ""));
    assert_false(enr_cohort_held_seat(ENR_STATE_PAUSED, NULL));
    assert_false(enr_cohort_held_seat(ENR_STATE_WAITLISTED, ""));
    assert_false(enr_cohort_held_seat(ENR_STATE_APPLIED, ""));
    assert_false(enr_cohort_held_seat(ENR_STATE_INVITED, ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names_round_trip),
        cmocka_unit_test(test_status_changes),
        cmocka_unit_test(test_who_holds_a_seat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
