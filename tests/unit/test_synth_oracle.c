/* The synthetic workforce's oracle (tools/synth/oracle.c): the MAPP rules on
 * small crafted histories, the once-per-employee invitation and exit, tenure
 * from the rehire date, and the generator's invariants (deterministic,
 * time-ordered, every employee counted once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "oracle.h"
#include "pathways/date.h"
#include "testdate.h"
#include "replay.h"
#include "workforce.h"

#define TODAY test_day("2025-06-30")

/* A hire that passes everything as of TODAY (hired 2024-01-02). */
static sy_event_t hired(const char *date)
{
    sy_event_t ev = {.type = SY_EV_HIRED, .effective = test_day(date)};
    ev.fields = SY_F_JOB | SY_F_STATUS | SY_F_TYPE | SY_F_HOURS | SY_F_STANDING | SY_F_HIRE_DATE |
                SY_F_PERSON;
    ev.facts = (sy_facts_t){.job_family = "clerical",
                            .job_title = "Unit Secretary",
                            .status = SY_STATUS_ACTIVE,
                            .status_raw = "A",
                            .type = SY_TYPE_FULL_TIME,
                            .type_raw = "FT",
                            .hours = 40,
                            .standing = SY_STANDING_GOOD,
                            .standing_raw = "Good",
                            .hire_date = test_day(date)};
    return ev;
}

static sy_event_t change(sy_event_type_t type, const char *date, unsigned fields, sy_facts_t f)
{
    return (sy_event_t){.type = type, .effective = test_day(date), .fields = fields, .facts = f};
}

static sy_event_t terminated(const char *date)
{
    return change(SY_EV_TERMINATED, date, SY_F_STATUS | SY_F_REASON,
                  (sy_facts_t){.status = SY_STATUS_TERMINATED, .reason_code = "voluntary"});
}

static sy_oracle_t replay(const sy_event_t *events, size_t n)
{
    sy_oracle_t s;
    sy_oracle_init(&s);
    for (size_t i = 0; i < n; i++)
        sy_oracle_apply(&s, &events[i], TODAY);
    return s;
}

static void test_eligible_hire_is_invited(void **state)
{
    sy_event_t ev = hired("2024-01-02");
    sy_oracle_t s = replay(&ev, 1);
    assert_int_equal(s.outcome, SY_OUTCOME_ELIGIBLE);
    assert_true(s.invited);
    assert_false(s.exited);
}

/* Each criterion failing alone makes the employee not eligible. */
static void test_each_criterion_fails_alone(void **state)
{
    sy_event_t ev;
    ev = hired("2024-01-02"), ev.facts.status = SY_STATUS_LEAVE;
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
    ev = hired("2024-01-02"), ev.facts.type = SY_TYPE_PART_TIME;
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
    ev = hired("2024-01-02"), ev.facts.type = SY_TYPE_PER_DIEM;
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
    ev = hired("2024-01-02"), ev.facts.job_family = "nursing";
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
    ev = hired("2024-01-02"), ev.facts.standing = SY_STANDING_CORRECTIVE_ACTION;
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
    ev = hired("2024-01-02"), ev.facts.standing = SY_STANDING_FINAL_WARNING;
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
    ev = hired("2025-06-01");
    sy_oracle_t s = replay(&ev, 1);
    assert_int_equal(s.outcome, SY_OUTCOME_NOT_ELIGIBLE);
    assert_false(s.invited);
}

/* No standing on file is unknown: needs review, unless something fails. */
static void test_missing_standing_needs_review(void **state)
{
    sy_event_t ev = hired("2024-01-02");
    ev.fields &= ~SY_F_STANDING;
    ev.facts.standing = SY_STANDING_UNSPECIFIED;
    sy_oracle_t s = replay(&ev, 1);
    assert_int_equal(s.outcome, SY_OUTCOME_NEEDS_REVIEW);
    assert_false(s.invited);
    ev.facts.job_family = "lab";
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
}

static void test_tenure_boundary(void **state)
{
    sy_event_t ev = hired("2025-04-01"); /* 90 days before 2025-06-30 */
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_ELIGIBLE);
    ev = hired("2025-04-02"); /* 89 days */
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
}

/* With the type unspecified, scheduled hours >= 36 count as full time. */
static void test_hours_fallback(void **state)
{
    sy_event_t ev = hired("2024-01-02");
    ev.facts.type = SY_TYPE_UNSPECIFIED;
    ev.facts.hours = 36;
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_ELIGIBLE);
    ev.facts.hours = 35.5;
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NOT_ELIGIBLE);
    ev.fields &= ~SY_F_HOURS;
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_NEEDS_REVIEW);
    ev.facts.type = SY_TYPE_FULL_TIME; /* the type wins over hours */
    assert_int_equal(replay(&ev, 1).outcome, SY_OUTCOME_ELIGIBLE);
}

/* A change event states only what changes; the rest is kept. */
static void test_change_events_merge(void **state)
{
    sy_event_t h[] = {
        hired("2024-01-02"),
        change(SY_EV_JOB_CHANGED, "2024-05-01", SY_F_JOB,
               (sy_facts_t){.job_family = "nursing", .job_title = "CNA"}),
        change(SY_EV_JOB_CHANGED, "2024-07-01", SY_F_JOB,
               (sy_facts_t){.job_family = "transport", .job_title = "Courier"}),
    };
    sy_oracle_t s = replay(h, 2);
    assert_int_equal(s.outcome, SY_OUTCOME_NOT_ELIGIBLE);
    assert_int_equal(s.facts.type, SY_TYPE_FULL_TIME);
    s = replay(h, 3);
    assert_int_equal(s.outcome, SY_OUTCOME_ELIGIBLE);
    assert_string_equal(s.facts.job_family, "transport");
    assert_string_equal(s.facts.status_raw, "A");
}

/* Invited, then terminated: one exit. Rehired and terminated again: still
 * one invitation and one exit. */
static void test_exit_once_per_employee(void **state)
{
    sy_event_t rehire = hired("2024-03-01");
    rehire.type = SY_EV_REHIRED;
    rehire.facts.hire_date = test_day("2022-01-03"); /* the original hire date */
    sy_event_t h[] = {hired("2022-01-03"), terminated("2023-06-30"), rehire,
                      terminated("2025-01-15")};
    sy_oracle_t s = replay(h, 2);
    assert_true(s.invited);
    assert_true(s.exited);
    s = replay(h, 3);
    assert_int_equal(s.outcome, SY_OUTCOME_ELIGIBLE);
    s = replay(h, 4);
    assert_int_equal(s.outcome, SY_OUTCOME_NOT_ELIGIBLE);
    sy_tally_t t = {0};
    sy_tally_add(&t, &s);
    assert_int_equal(t.invited, 1);
    assert_int_equal(t.exited, 1);
    assert_int_equal(t.terminated, 1);
    assert_int_equal(t.notifications, 2);
}

/* A rehire's tenure counts from the rehire's effective date, although
 * data.hire_date keeps the original hire date. */
static void test_rehire_tenure_from_rehire_date(void **state)
{
    sy_event_t rehire = hired("2025-06-01");
    rehire.type = SY_EV_REHIRED;
    rehire.facts.hire_date = test_day("2020-02-03");
    sy_event_t h[] = {hired("2020-02-03"), terminated("2024-12-31"), rehire};
    sy_oracle_t s = replay(h, 3);
    assert_int_equal(s.outcome, SY_OUTCOME_NOT_ELIGIBLE);
    assert_int_equal(sy_rule_tenure(&s, TODAY), SY_CRIT_FAIL);
    assert_int_equal(s.facts.hire_date, test_day("2020-02-03"));
}

/* Never eligible, then terminated: no invitation, so no exit. Leave ends
 * eligibility without an exit: the open invitation is withdrawn, and the
 * end of the leave invites again (issue 16). */
static void test_no_exit_without_invitation(void **state)
{
    sy_event_t a[] = {hired("2025-06-01"), terminated("2025-06-20")};
    sy_oracle_t s = replay(a, 2);
    assert_false(s.invited);
    assert_false(s.exited);
    sy_event_t b[] = {
        hired("2023-01-02"),
        change(SY_EV_LEAVE_STARTED, "2024-01-02", SY_F_STATUS | SY_F_REASON,
               (sy_facts_t){.status = SY_STATUS_LEAVE, .reason_code = "medical"}),
        change(SY_EV_LEAVE_ENDED, "2024-03-02", SY_F_STATUS,
               (sy_facts_t){.status = SY_STATUS_ACTIVE}),
    };
    s = replay(b, 2);
    assert_int_equal(s.outcome, SY_OUTCOME_NOT_ELIGIBLE);
    assert_true(s.invited);
    assert_false(s.exited);
    s = replay(b, 3);
    assert_int_equal(s.outcome, SY_OUTCOME_ELIGIBLE);
    sy_tally_t t = {0};
    sy_tally_add(&t, &s);
    assert_int_equal(t.invited, 1);
    /* Invited, withdrawn on leave (no longer eligible), invited again. */
    assert_int_equal(t.notifications, 3);
}

/* The generator: same seed, same workforce; histories start with a hire,
 * dates strictly increase up to today; every employee counted once. */
static void test_workforce_invariants(void **state)
{
    sy_params_t p = {.employers = 3, .employees = 500, .seed = 7, .today = TODAY};
    sy_workforce_t *a = sy_workforce_new(&p), *b = sy_workforce_new(&p);
    assert_non_null(a);
    assert_non_null(b);
    for (size_t i = 0; i < p.employees; i++) {
        const sy_employee_t *e = &a->employee[i];
        assert_int_equal(e->nevents, b->employee[i].nevents);
        assert_memory_equal(e->events, b->employee[i].events, e->nevents * sizeof e->events[0]);
        assert_true(e->nevents >= 1);
        assert_int_equal(e->events[0].type, SY_EV_HIRED);
        for (size_t k = 0; k < e->nevents; k++) {
            assert_true(e->events[k].effective <= TODAY);
            if (k > 0)
                assert_true(e->events[k].effective > e->events[k - 1].effective);
        }
    }
    sy_tally_t t[3];
    sy_workforce_tally(a, t);
    uint64_t total = 0;
    for (int i = 0; i < 3; i++) {
        total += t[i].employees;
        assert_true(t[i].employees > 0);
        assert_int_equal(t[i].employees, t[i].eligible + t[i].not_eligible + t[i].needs_review);
        assert_true(t[i].exited <= t[i].invited);
        /* Beside one invitation and at most one exit each: withdrawals
         * when eligibility is lost and invitations when it returns. */
        assert_true(t[i].notifications >= t[i].invited + t[i].exited);
    }
    assert_int_equal(total, p.employees);
    sy_workforce_destroy(&a);
    sy_workforce_destroy(&b);
    assert_null(a);
}

/* With a replay grid every date falls on today - k * step (so the stepped
 * local run dates each determination on its true day); participants have
 * nothing but maybe a termination after first eligibility, are eligible
 * then, and enroll after it; a re-check comes before a same-day event. */
static void test_replay_grid(void **state)
{
    (void)state;
    sy_params_t p = {.employers = 2,
                     .employees = 2000,
                     .seed = 42,
                     .today = TODAY,
                     .step = 30,
                     .history_days = 3 * 365};
    sy_workforce_t *w = sy_workforce_new(&p);
    assert_non_null(w);
    size_t participants = 0;
    for (size_t i = 0; i < p.employees; i++) {
        const sy_employee_t *e = &w->employee[i];
        const sy_participation_t *part = &w->part[i];
        for (size_t k = 0; k < e->nevents; k++)
            assert_int_equal((TODAY - e->events[k].effective) % 30, 0);
        sy_replay_t r;
        sy_replay(e->events, e->nevents, TODAY, 0, &r);
        assert_int_equal(r.first_eligible, part->first_eligible);
        if (!part->participant)
            continue;
        participants++;
        assert_true(part->enrolled > part->first_eligible);
        for (size_t k = 0; k < e->nevents; k++)
            if (e->events[k].effective > part->first_eligible)
                assert_int_equal(e->events[k].type, SY_EV_TERMINATED);
    }
    assert_true(participants > 20);
    sy_workforce_destroy(&w);

    /* Hired with tenure passing on the day standing is lost: the re-check
     * (eligible, invited) comes first, then the loss withdraws it. */
    sy_event_t ev[2] = {hired("2025-01-01"),
                        change(SY_EV_STANDING_CHANGED, "2025-04-01", SY_F_STANDING,
                               (sy_facts_t){.standing = SY_STANDING_FINAL_WARNING})};
    sy_replay_t r;
    sy_replay(ev, 2, TODAY, 0, &r);
    assert_int_equal(r.first_eligible, test_day("2025-04-01"));
    assert_int_equal(r.state.outcome, SY_OUTCOME_NOT_ELIGIBLE);
    assert_int_equal(r.state.notices, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eligible_hire_is_invited),
        cmocka_unit_test(test_each_criterion_fails_alone),
        cmocka_unit_test(test_missing_standing_needs_review),
        cmocka_unit_test(test_tenure_boundary),
        cmocka_unit_test(test_hours_fallback),
        cmocka_unit_test(test_change_events_merge),
        cmocka_unit_test(test_exit_once_per_employee),
        cmocka_unit_test(test_rehire_tenure_from_rehire_date),
        cmocka_unit_test(test_no_exit_without_invitation),
        cmocka_unit_test(test_workforce_invariants),
        cmocka_unit_test(test_replay_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
