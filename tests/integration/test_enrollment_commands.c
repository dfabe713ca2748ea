/* Integration tests for the enrollment service's command contract against
 * the real PostgreSQL (database pathways_it_enroll_cmds): a replayed command
 * returns the stored result, dated commands and historical sequences (issue
 * 16) are checked and all-or-nothing, and action teams. Commands and
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
    return efx_setup(state, "pathways_it_enroll_cmds", TODAY);
}

static void test_replay_returns_the_same_result(void **state)
{
    (void)state;
    eligible("r1");
    size_t len1, len2;
    uint8_t *first = send_raw(apply("r1"), "k-replay", &len1);
    long events = count_of("SELECT count(*) FROM stream.event");
    long audit = count_of("SELECT count(*) FROM enrollment.transition");
    uint8_t *again = send_raw(apply("r1"), "k-replay", &len2);
    /* The stored bytes, and the replayed flag (field 8 = true) after them. */
    assert_int_equal(len1 + 2, len2);
    assert_memory_equal(first, again, len1);
    result_t *r1 =
        (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, first, len1, 0);
    result_t *r2 =
        (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, again, len2, 0);
    assert_false(r1->replayed);
    assert_true(r2->replayed);
    assert_int_equal(r2->n_enrollments, 1);
    assert_int_equal(r2->enrollments[0]->state, ENR_STATE_APPLIED);
    done(r1);
    done(r2);
    free(first);
    free(again);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event"), events);
    assert_int_equal(count_of("SELECT count(*) FROM enrollment.transition"), audit);
    /* The same key for something else is refused, not replayed. */
    refused(withdraw("r1", "personal"), "k-replay", ENR_E_KEY_REUSED);
    expect(STATE, "r1", "applied");
}

/* ---- history: dated commands and sequences (issue 16) ---- */

static cmd_t *dated_apply(const char *employee, const char *date, const char *exception)
{
    cmd_t *c = apply(employee);
    c->apply->effective_date = (char *)date;
    c->apply->eligibility_exception = (char *)exception;
    return c;
}

/* A sequence of the given steps (each a copy of a one-step command). */
static cmd_t g_seq_root;
static Pathways__V1__CommandSequence g_seq;
static cmd_t g_steps[4];
static cmd_t *g_step_ptrs[4];
static Pathways__V1__ApplyCommand g_s_apply;
static Pathways__V1__EnrollCommand g_s_enroll;
static Pathways__V1__ProgressCommand g_s_start;
static Pathways__V1__EnrollmentRef g_s_ref;

static cmd_t *history_of(const char *employee, const char *cohort, const char *start)
{
    pathways__v1__enrollment_ref__init(&g_s_ref);
    g_s_ref.employer = "acme";
    g_s_ref.employee = (char *)employee;
    pathways__v1__apply_command__init(&g_s_apply);
    g_s_apply.ref = &g_s_ref;
    g_s_apply.effective_date = "2026-03-10";
    pathways__v1__enroll_command__init(&g_s_enroll);
    g_s_enroll.ref = &g_s_ref;
    g_s_enroll.cohort_id = (char *)cohort;
    g_s_enroll.effective_date = "2026-03-20";
    pathways__v1__progress_command__init(&g_s_start);
    g_s_start.ref = &g_s_ref;
    g_s_start.to_state = ENR_STATE_IN_TRAINING;
    g_s_start.effective_date = (char *)start;
    for (int i = 0; i < 3; i++) {
        pathways__v1__enrollment_command__init(&g_steps[i]);
        g_step_ptrs[i] = &g_steps[i];
    }
    g_steps[0].command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_APPLY;
    g_steps[0].apply = &g_s_apply;
    g_steps[1].command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ENROLL;
    g_steps[1].enroll = &g_s_enroll;
    g_steps[2].command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_PROGRESS;
    g_steps[2].progress = &g_s_start;
    pathways__v1__command_sequence__init(&g_seq);
    g_seq.n_steps = 3;
    g_seq.steps = g_step_ptrs;
    g_seq.historical = 1;
    pathways__v1__enrollment_command__init(&g_seq_root);
    g_seq_root.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_SEQUENCE;
    g_seq_root.sequence = &g_seq;
    return &g_seq_root;
}

static void test_dated_commands(void **state)
{
    (void)state;
    eligible("h1"); /* first eligible 2026-03-01 (the determination's as_of) */
    expect("SELECT first_eligible::text FROM enrollment.determination WHERE employee = $1", "h1",
           "2026-03-01");
    /* No milestone after today, in any command. */
    refused(dated_apply("h1", "2026-07-01", ""), "k-h1-future", ENR_E_FUTURE);
    cmd_t *w = withdraw("h1", "personal");
    w->withdraw->effective_date = "2026-07-01";
    refused(w, "k-h1-wd-future", ENR_E_FUTURE);
    /* Before first eligibility: refused, unless an exception says why. */
    refused(dated_apply("h1", "2026-02-01", ""), "k-h1-early", ENR_E_BEFORE_ELIG);
    done(ok(dated_apply("h1", "2026-02-01", "pilot group, hired before the rule"), "k-h1-exc"));
    expect("SELECT t.effective_date || '|' || (t.facts->>'eligibility_exception')"
           " FROM enrollment.transition t JOIN enrollment.enrollment e ON e.id = t.enrollment_id"
           " WHERE e.employee = $1 AND t.to_state = 'applied'",
           "h1", "2026-02-01|pilot group, hired before the rule");
    /* Not before the latest milestone on record. */
    done(ok(cohort(0, "hist-1", 5, OPEN), "c-hist-1"));
    cmd_t *e = enroll("h1", "hist-1", 0);
    e->enroll->effective_date = "2026-01-15";
    refused(e, "k-h1-en-early", ENR_E_OUT_OF_ORDER);
    /* A cohort is not in progress before its start date. */
    cmd_t *c = cohort(0, "hist-later", 5, OPEN);
    c->cohort_create->cohort->start_date = "2026-08-03";
    c->cohort_create->cohort->end_date = "2026-12-18";
    done(ok(c, "c-hist-later"));
    refused(cohort(1, "hist-later", 0, IN_PROGRESS), "c-hist-later-start", ENR_E_NOT_STARTED);
}

static void test_sequence_all_or_nothing(void **state)
{
    (void)state;
    eligible("h2");
    done(ok(cohort(1, "hist-1", 0, IN_PROGRESS), "c-hist-1-start")); /* starts 2026-04-01 */
    /* Step 3 starts training before the cohort's start: nothing of the
     * row is stored, and the reply names the step. */
    long events = count_of("SELECT count(*) FROM stream.event");
    result_t *r = send_cmd(history_of("h2", "hist-1", "2026-03-25"), "k-h2-seq-bad");
    assert_string_equal(r->error_code, ENR_E_NOT_STARTED);
    assert_int_equal(r->failed_step, 3);
    assert_non_null(strstr(r->error, "step 3 (progress): cohort hist-1 starts on 2026-04-01"));
    done(r);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event"), events);
    expect(STATE, "h2", "invited");
    /* The same row, corrected: every step stored, dated, marked historical. */
    r = ok(history_of("h2", "hist-1", "2026-04-01"), "k-h2-seq");
    assert_false(r->replayed);
    done(r);
    expect("SELECT string_agg(t.to_state || ':' || t.effective_date, ' ' ORDER BY t.id)"
           " FROM enrollment.transition t JOIN enrollment.enrollment e ON e.id = t.enrollment_id"
           " WHERE e.employee = $1",
           "h2",
           "invited:2026-03-01 applied:2026-03-10 enrolled:2026-03-20 in_training:2026-04-01");
    Pathways__V1__EnrollmentChanged *evs[4];
    assert_int_equal(events_of("h2", evs, 4), 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(evs[i]->historical, i > 0); /* the invitation is not history */
        pw_free_enrollment_changed(&evs[i]);
    }
    /* Again: the stored result, flagged as a replay, nothing new. */
    events = count_of("SELECT count(*) FROM stream.event");
    r = ok(history_of("h2", "hist-1", "2026-04-01"), "k-h2-seq");
    assert_true(r->replayed);
    done(r);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event"), events);
}

static cmd_t *join(const char *team, const char *org, const char *person)
{
    cmd_t *c = team_join_cmd();
    c->team_join->team_id = (char *)team;
    c->team_join->organization = (char *)org;
    c->team_join->person = (char *)person;
    c->team_join->display_name = "Ana Diaz";
    return c;
}

static void test_action_teams(void **state)
{
    (void)state;
    cmd_t *c = organization_upsert_cmd();
    c->organization_upsert->organization = "acme";
    c->organization_upsert->name = "Acme Health";
    c->organization_upsert->kind = "employer";
    done(ok(c, "o-acme"));
    refused(join("retention_career_pathways", "unknown-org", "ana@acme.org"), "t-0",
            ENR_E_UNKNOWN_ORG);
    refused(join("no_such_team", "acme", "ana@acme.org"), "t-00", ENR_E_UNKNOWN_TEAM);
    result_t *r = ok(join("retention_career_pathways", "acme", "ana@acme.org"), "t-1");
    assert_int_equal(r->n_teams, 1);
    assert_int_equal(r->teams[0]->n_members, 1);
    assert_string_equal(r->teams[0]->name, "Retention & Career Pathways");
    pw_msg_free((ProtobufCMessage **)&r);
    done(ok(join("data_evaluation", "acme", "ana@acme.org"), "t-2"));
    refused(join("data_evaluation", "acme", "ana@acme.org"), "t-3", ENR_E_MEMBER);
    r = ok(list_teams_cmd(), NULL);
    assert_true(r->n_teams >= 5);
    int found = 0;
    for (size_t i = 0; i < r->n_teams; i++)
        for (size_t k = 0; k < r->teams[i]->n_members; k++)
            found += strcmp(r->teams[i]->members[k]->person, "ana@acme.org") == 0;
    assert_int_equal(found, 2);
    pw_msg_free((ProtobufCMessage **)&r);
    c = team_leave_cmd();
    c->team_leave->team_id = "data_evaluation";
    c->team_leave->organization = "acme";
    c->team_leave->person = "ana@acme.org";
    r = ok(c, "t-4");
    assert_int_equal(r->teams[0]->n_members, 0);
    pw_msg_free((ProtobufCMessage **)&r);
    c = team_leave_cmd();
    c->team_leave->team_id = "data_evaluation";
    c->team_leave->organization = "acme";
    c->team_leave->person = "ana@acme.org";
    refused(c, "t-5", ENR_E_NOT_MEMBER);
}
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_returns_the_same_result),
        cmocka_unit_test(test_action_teams),
        cmocka_unit_test(test_dated_commands),
        cmocka_unit_test(test_sequence_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, setup, efx_teardown);
}
