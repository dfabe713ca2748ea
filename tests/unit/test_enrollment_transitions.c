/* Unit tests for the enrollment transition table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "enrollment/transitions.h"

static const enr_state_t ALL[] = {
    ENR_STATE_NONE,       ENR_STATE_INVITED,     ENR_STATE_APPLIED,   ENR_STATE_ENROLLED,
    ENR_STATE_WAITLISTED, ENR_STATE_IN_TRAINING, ENR_STATE_COMPLETED, ENR_STATE_CERTIFIED,
    ENR_STATE_PLACED,     ENR_STATE_WITHDRAWN,   ENR_STATE_EXITED,    ENR_STATE_PAUSED,
};
#define N_ALL (sizeof ALL / sizeof ALL[0])

static void test_happy_path(void **state)
{
    (void)state;
    const enr_state_t path[] = {ENR_STATE_NONE,      ENR_STATE_INVITED,     ENR_STATE_APPLIED,
                                ENR_STATE_ENROLLED,  ENR_STATE_IN_TRAINING, ENR_STATE_COMPLETED,
                                ENR_STATE_CERTIFIED, ENR_STATE_PLACED};
    for (size_t i = 0; i + 1 < sizeof path / sizeof path[0]; i++)
        assert_true(enr_transition_allowed(path[i], path[i + 1]));
    assert_true(enr_transition_allowed(ENR_STATE_APPLIED, ENR_STATE_WAITLISTED));
    assert_true(enr_transition_allowed(ENR_STATE_WAITLISTED, ENR_STATE_ENROLLED));
}

static void test_leaving_from_every_active_state(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ALL; i++) {
        enr_state_t s = ALL[i];
        int active = enr_state_is_active(s);
        assert_int_equal(enr_transition_allowed(s, ENR_STATE_EXITED), active);
        assert_int_equal(enr_transition_allowed(s, ENR_STATE_WITHDRAWN), active);
    }
    assert_true(enr_state_is_active(ENR_STATE_PAUSED));
    assert_false(enr_state_is_active(ENR_STATE_COMPLETED));
    assert_false(enr_state_is_active(ENR_STATE_NONE));
}

static void test_pause_and_resume(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ALL; i++) {
        enr_state_t s = ALL[i];
        int active = enr_state_is_active(s) && s != ENR_STATE_PAUSED;
        assert_int_equal(enr_transition_allowed(s, ENR_STATE_PAUSED), active);
        int leaving = s == ENR_STATE_EXITED || s == ENR_STATE_WITHDRAWN;
        assert_int_equal(enr_transition_allowed(ENR_STATE_PAUSED, s), active || leaving);
    }
}

static void test_illegal_moves_refused_with_reason(void **state)
{
    (void)state;
    char err[128] = "";
    assert_int_equal(enr_transition_check(ENR_STATE_PLACED, ENR_STATE_INVITED, err, sizeof err),
                     -1);
    assert_string_equal(err, "illegal transition placed -> invited");
    assert_int_equal(enr_transition_check(ENR_STATE_EXITED, ENR_STATE_ENROLLED, err, sizeof err),
                     -1);
    assert_string_equal(err, "illegal transition exited -> enrolled");
    /* Skipping steps, going back, staying put, creating in a late state. */
    assert_false(enr_transition_allowed(ENR_STATE_INVITED, ENR_STATE_ENROLLED));
    assert_false(enr_transition_allowed(ENR_STATE_ENROLLED, ENR_STATE_APPLIED));
    assert_false(enr_transition_allowed(ENR_STATE_INVITED, ENR_STATE_INVITED));
    assert_false(enr_transition_allowed(ENR_STATE_NONE, ENR_STATE_ENROLLED));
    assert_false(enr_transition_allowed(ENR_STATE_NONE, ENR_STATE_EXITED));
    assert_false(enr_transition_allowed(ENR_STATE_COMPLETED, ENR_STATE_EXITED));
    assert_false(enr_transition_allowed(ENR_STATE_WITHDRAWN, ENR_STATE_EXITED));
    assert_false(enr_transition_allowed(ENR_STATE_EXITED, ENR_STATE_PAUSED));
    assert_false(enr_transition_allowed((enr_state_t)99, ENR_STATE_EXITED));
    assert_false(enr_transition_allowed(ENR_STATE_INVITED, (enr_state_t)-5));
    assert_int_equal(enr_transition_check(ENR_STATE_INVITED, ENR_STATE_APPLIED, err, sizeof err),
                     0);
}

static void test_names_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ALL; i++) {
        enr_state_t back;
        assert_int_equal(enr_state_parse(enr_state_name(ALL[i]), &back), 0);
        assert_int_equal(back, ALL[i]);
    }
    enr_state_t out;
    assert_int_equal(enr_state_parse("INVITED", &out), -1);
    assert_int_equal(enr_state_parse("", &out), -1);
    assert_int_equal(enr_state_parse(NULL, &out), -1);
    assert_string_equal(enr_state_name((enr_state_t)42), "unknown");
    assert_string_equal(enr_state_name(ENR_STATE_IN_TRAINING), "in_training");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_happy_path),
        cmocka_unit_test(test_leaving_from_every_active_state),
        cmocka_unit_test(test_pause_and_resume),
        cmocka_unit_test(test_illegal_moves_refused_with_reason),
        cmocka_unit_test(test_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
