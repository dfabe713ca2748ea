/* Integration tests for the enrollment lifecycle (issue 4) against the real
 * PostgreSQL (database pathways_it_enroll_life): an employee's way from
 * invitation to placement, the waitlist, exits, pauses and reviews driven by
 * determinations, and refusals that change nothing. Commands and
 * determinations go through tests/lib/enrollment_fixture. The tests share
 * one database and run in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrollment_fixture.h"

static int setup(void **state)
{
    return efx_setup(state, "pathways_it_enroll_life", TODAY);
}

/* ---- the tests ---- */

static void test_invitation_to_placement(void **state)
{
    (void)state;
    eligible("e1");
    result_t *r = ok(cohort(0, "ccma-1", 2, OPEN), "c-ccma-1");
    assert_int_equal(r->n_cohorts, 1);
    assert_int_equal(r->cohorts[0]->capacity, 2);
    pw_msg_free((ProtobufCMessage **)&r);
    r = ok(apply("e1"), "k-apply-e1");
    assert_int_equal(r->n_enrollments, 1);
    assert_int_equal(r->enrollments[0]->state, ENR_STATE_APPLIED);
    pw_msg_free((ProtobufCMessage **)&r);
    expect("SELECT t.facts->>'outcome' FROM enrollment.transition t JOIN enrollment.enrollment e"
           " ON e.id = t.enrollment_id WHERE e.employee = $1 AND t.to_state = 'applied'",
           "e1", "OUTCOME_ELIGIBLE");
    done(ok(enroll("e1", "ccma-1", 0), "k-enroll-e1"));
    expect(STATE, "e1", "enrolled");
    /* Training starts with the cohort, not before. */
    refused(progress("e1", ENR_STATE_IN_TRAINING, "", ""), "k-start-e1", ENR_E_NOT_STARTED);
    done(ok(cohort(1, "ccma-1", 0, IN_PROGRESS), "c-start-1"));
    expect(STATE, "e1", "in_training");
    expect(LAST_REASON, "e1", "in_training/cohort_started/staff@acme");
    done(ok(progress("e1", ENR_STATE_COMPLETED, "", ""), "k-complete-e1"));
    done(ok(progress("e1", ENR_STATE_CERTIFIED, "CCMA", ""), "k-certify-e1"));
    r = ok(progress("e1", ENR_STATE_PLACED, "", "Medical Assistant"), "k-place-e1");
    assert_int_equal(r->enrollments[0]->state, ENR_STATE_PLACED);
    assert_string_equal(r->enrollments[0]->credential, "CCMA");
    assert_string_equal(r->enrollments[0]->credential_date, "2026-06-30");
    assert_string_equal(r->enrollments[0]->new_role, "Medical Assistant");
    assert_string_equal(r->enrollments[0]->placed_date, "2026-06-30");
    pw_msg_free((ProtobufCMessage **)&r);
    /* The audit, through the history query. */
    cmd_t *h = history_cmd();
    h->history->employer = "acme";
    h->history->employee = "e1";
    r = ok(h, NULL);
    const enr_state_t path[] = {ENR_STATE_INVITED,     ENR_STATE_APPLIED,   ENR_STATE_ENROLLED,
                                ENR_STATE_IN_TRAINING, ENR_STATE_COMPLETED, ENR_STATE_CERTIFIED,
                                ENR_STATE_PLACED};
    assert_int_equal(r->n_history, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(r->history[i]->to_state, path[i]);
        assert_true(strlen(r->history[i]->at) > 10);
        assert_string_equal(r->history[i]->actor, i == 0 ? "system" : "staff@acme");
    }
    assert_string_equal(r->history[1]->cause_event_id, "command:k-apply-e1");
    assert_string_equal(r->history[6]->effective_date, "2026-06-30");
    pw_msg_free((ProtobufCMessage **)&r);
    expect("SELECT count(*) FROM stream.event WHERE stream = 'enrollment' AND key = 'acme/e1'",
           NULL, "7");
    /* Every event after admission names the cohort (notification routes by it). */
    Pathways__V1__EnrollmentChanged *evs[7];
    size_t n = events_of("e1", evs, 7);
    for (size_t i = 0; i < n; i++) {
        if (i >= 2) {
            assert_string_equal(evs[i]->cohort_id, "ccma-1");
            if (evs[i]->to_state == ENR_STATE_PLACED)
                assert_string_equal(evs[i]->new_role, "Medical Assistant");
        }
        pw_free_enrollment_changed(&evs[i]);
    }
}

static void test_waitlist_order_and_promotion(void **state)
{
    (void)state;
    const char *who[] = {"w1", "w2", "w3", "w4", "w5"};
    done(ok(cohort(0, "ccma-2", 2, OPEN), "c-ccma-2"));
    for (int i = 0; i < 5; i++) {
        char key[32];
        eligible(who[i]);
        snprintf(key, sizeof key, "k-apply-%s", who[i]);
        done(ok(apply(who[i]), key));
    }
    done(ok(enroll("w1", "ccma-2", 0), "k-en-w1"));
    done(ok(enroll("w2", "ccma-2", 0), "k-en-w2"));
    refused(enroll("w3", "ccma-2", 0), "k-en-w3-nowait", ENR_E_COHORT_FULL);
    expect(STATE, "w3", "applied");
    result_t *r = ok(enroll("w3", "ccma-2", 1), "k-en-w3");
    assert_int_equal(r->enrollments[0]->state, ENR_STATE_WAITLISTED);
    assert_int_equal(r->enrollments[0]->waitlist_position, 1);
    pw_msg_free((ProtobufCMessage **)&r);
    done(ok(enroll("w4", "ccma-2", 1), "k-en-w4"));
    r = ok(enroll("w5", "ccma-2", 1), "k-en-w5");
    assert_int_equal(r->enrollments[0]->waitlist_position, 3);
    pw_msg_free((ProtobufCMessage **)&r);
    /* w1 withdraws: w3, first in line, takes the seat in the same command. */
    r = ok(withdraw("w1", "personal"), "k-wd-w1");
    assert_int_equal(r->n_enrollments, 2);
    assert_string_equal(r->enrollments[0]->employee, "w1");
    assert_int_equal(r->enrollments[0]->state, ENR_STATE_WITHDRAWN);
    assert_string_equal(r->enrollments[1]->employee, "w3");
    assert_int_equal(r->enrollments[1]->state, ENR_STATE_ENROLLED);
    assert_string_equal(r->enrollments[1]->reason_code, "promoted_from_waitlist");
    pw_msg_free((ProtobufCMessage **)&r);
    expect(LAST_REASON, "w3", "enrolled/promoted_from_waitlist/system");
    /* The event that tells w3 a seat opened. */
    expect("SELECT count(*) FROM stream.event WHERE stream = 'enrollment' AND key = 'acme/w3'",
           NULL, "4"); /* invited, applied, waitlisted, enrolled */
    /* The waitlist moved up: w4 first, w5 second. */
    cmd_t *l = list_enrollments_cmd();
    l->list_enrollments->cohort_id = "ccma-2";
    r = ok(l, NULL);
    assert_int_equal(r->n_enrollments, 5); /* w1 (withdrawn) stays on the roster */
    assert_string_equal(r->enrollments[3]->employee, "w4");
    assert_int_equal(r->enrollments[3]->waitlist_position, 1);
    assert_string_equal(r->enrollments[4]->employee, "w5");
    assert_int_equal(r->enrollments[4]->waitlist_position, 2);
    pw_msg_free((ProtobufCMessage **)&r);
    /* A waiter who withdraws frees no seat: nobody is promoted. */
    done(ok(withdraw("w5", "personal"), "k-wd-w5"));
    expect(STATE, "w4", "waitlisted");
}

static void test_exit_on_termination(void **state)
{
    (void)state;
    det("w2", NOT_ELIGIBLE, TERMINATED, GOOD);
    expect(STATE, "w2", "exited");
    expect(LAST_REASON, "w2", "exited/terminated/system");
    /* Her seat went to the next in line. */
    expect(STATE, "w4", "enrolled");
    expect(LAST_REASON, "w4", "enrolled/promoted_from_waitlist/system");
    refused(apply("w2"), "k-apply-w2-again", ENR_E_ILLEGAL);
}

static void test_pause_and_resume_on_leave(void **state)
{
    (void)state;
    done(ok(cohort(0, "ccma-3", 5, OPEN), "c-ccma-3"));
    eligible("p1");
    done(ok(apply("p1"), "k-apply-p1"));
    done(ok(enroll("p1", "ccma-3", 0), "k-en-p1"));
    det("p1", NOT_ELIGIBLE, LEAVE, GOOD);
    expect(STATE, "p1", "paused");
    expect("SELECT paused_from FROM enrollment.enrollment WHERE employee = $1", "p1", "enrolled");
    expect("SELECT reason FROM enrollment.transition ORDER BY id DESC LIMIT 1", NULL,
           "on leave (medical)");
    /* Paused holds the seat; commands cannot move it on. */
    refused(progress("p1", ENR_STATE_IN_TRAINING, "", ""), "k-start-p1", ENR_E_ILLEGAL);
    det("p1", NOT_ELIGIBLE, LEAVE, GOOD); /* still on leave: nothing new */
    expect(LAST_REASON, "p1", "paused/leave/system");
    det("p1", ELIGIBLE, ACTIVE, GOOD);
    expect(STATE, "p1", "enrolled");
    expect(LAST_REASON, "p1", "enrolled/leave_ended/system");
    expect("SELECT COALESCE(paused_from, '-') FROM enrollment.enrollment WHERE employee = $1", "p1",
           "-");
}

static void test_standing_lost_flags_for_review(void **state)
{
    (void)state;
    long events = count_of("SELECT count(*) FROM stream.event WHERE stream = 'enrollment'");
    det("p1", NOT_ELIGIBLE, ACTIVE, CORRECTIVE);
    expect(STATE, "p1", "enrolled"); /* not dropped */
    expect("SELECT review_flag::text || '/' || review_reason FROM enrollment.enrollment"
           " WHERE employee = $1",
           "p1", "true/lost good standing; staff to review (STANDING_CORRECTIVE_ACTION)");
    expect("SELECT type FROM stream.event WHERE stream = 'enrollment' ORDER BY seq DESC LIMIT 1",
           NULL, ENR_EVENT_REVIEW_FLAGGED);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event WHERE stream = 'enrollment'"),
                     events + 1);
    det("p1", NOT_ELIGIBLE, ACTIVE, CORRECTIVE); /* the same standing again: no new flag */
    assert_int_equal(count_of("SELECT count(*) FROM stream.event WHERE stream = 'enrollment'"),
                     events + 1);
    cmd_t *c = review_clear_cmd();
    c->review_clear->ref = ref("p1");
    c->review_clear->reason = "talked to the manager";
    done(ok(c, "k-clear-p1"));
    expect("SELECT review_flag::text FROM enrollment.enrollment WHERE employee = $1", "p1",
           "false");
    c = review_clear_cmd();
    c->review_clear->ref = ref("p1");
    refused(c, "k-clear-p1-again", ENR_E_NOT_FLAGGED);
}

static void test_cohort_start_checks_eligibility(void **state)
{
    (void)state;
    /* p1 is enrolled in ccma-3 but no longer eligible; s1 is. */
    eligible("s1");
    done(ok(apply("s1"), "k-apply-s1"));
    done(ok(enroll("s1", "ccma-3", 0), "k-en-s1"));
    done(ok(cohort(1, "ccma-3", 0, IN_PROGRESS), "c-s3"));
    expect(STATE, "s1", "in_training");
    expect(STATE, "p1", "enrolled");
    expect("SELECT review_flag::text FROM enrollment.enrollment WHERE employee = $1", "p1", "true");
    refused(progress("p1", ENR_STATE_IN_TRAINING, "", ""), "k-start-p1-b", ENR_E_NOT_ELIGIBLE);
}

static void test_illegal_and_bad_input_change_nothing(void **state)
{
    (void)state;
    eligible("b1");
    det("n1", NOT_ELIGIBLE, ACTIVE, GOOD);
    refused(apply("nobody"), "k-b-1", ENR_E_UNKNOWN_EMP);
    refused(apply("n1"), "k-b-2", ENR_E_NOT_ELIGIBLE);
    refused(enroll("b1", "ccma-1", 0), "k-b-3", ENR_E_ILLEGAL); /* invited, not applied */
    done(ok(apply("b1"), "k-apply-b1"));
    refused(apply("b1"), "k-b-4", ENR_E_ILLEGAL); /* duplicate */
    refused(enroll("b1", "no-such", 0), "k-b-5", ENR_E_UNKNOWN_COH);
    refused(enroll("b1", "ccma-1", 0), "k-b-6", ENR_E_COHORT_CLOSED); /* in progress */
    refused(progress("b1", ENR_STATE_CERTIFIED, "CCMA", ""), "k-b-7", ENR_E_ILLEGAL);
    refused(progress("b1", ENR_STATE_PLACED, "", ""), "k-b-8", ENR_E_INVALID);
    refused(progress("e1", ENR_STATE_COMPLETED, "", ""), "k-b-9", ENR_E_ILLEGAL); /* placed */
    refused(withdraw("e1", "personal"), "k-b-10", ENR_E_ILLEGAL);
    refused(withdraw("b1", "Bad Code!"), "k-b-11", ENR_E_INVALID);
    refused(withdraw("nobody", "personal"), "k-b-12", ENR_E_UNKNOWN_ENR);
    refused(apply("b1"), NULL, ENR_E_NO_KEY);
    refused(cohort(0, "ccma-1", 3, OPEN), "c-dup", ENR_E_COHORT_EXISTS);
    refused(cohort(1, "ccma-1", 0, OPEN), "c-back", ENR_E_COHORT_STATUS);
    refused(cohort(1, "ccma-2", 1, KEEP), "c-shrink", ENR_E_INVALID);
    refused(cohort(1, "nope", 3, KEEP), "c-none", ENR_E_UNKNOWN_COH);
    cohort_serves("other-employer");
    done(ok(cohort(0, "ccma-x", 3, OPEN), "c-x"));
    cohort_serves("acme");
    refused(enroll("b1", "ccma-x", 0), "k-b-13", ENR_E_NOT_SERVED);
    expect(STATE, "b1", "applied");
    /* Not an EnrollmentCommand at all. */
    size_t len;
    uint8_t junk[] = {0xff, 0xff, 0xff};
    uint8_t *out = enr_command_answer(efx_session(), ENR_COMMAND_TYPE, junk, sizeof junk, &len);
    result_t *r =
        (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, out, len, 0);
    assert_string_equal(r->error_code, ENR_E_MALFORMED);
    pw_msg_free((ProtobufCMessage **)&r);
    free(out);
}
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invitation_to_placement),
        cmocka_unit_test(test_waitlist_order_and_promotion),
        cmocka_unit_test(test_exit_on_termination),
        cmocka_unit_test(test_pause_and_resume_on_leave),
        cmocka_unit_test(test_standing_lost_flags_for_review),
        cmocka_unit_test(test_cohort_start_checks_eligibility),
        cmocka_unit_test(test_illegal_and_bad_input_change_nothing),
    };
    return cmocka_run_group_tests(tests, setup, efx_teardown);
}
