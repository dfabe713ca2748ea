/* MAPP rules over merged facts: each criterion failing alone with its
 * reason, needs-review when standing is not on file, eligible_from when
 * only tenure stands in the way, the scheduled-hours fallback; and the
 * merge of events into facts (effective dating, rehire) the rules read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "eligibility/facts.h"
#include "eligibility/rules.h"
#include "pathways/date.h"
#include "testdate.h"

#define PASS         PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
#define FAIL         PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_FAIL
#define UNKNOWN      PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_UNKNOWN
#define ELIGIBLE     PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
#define NOT_ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE
#define NEEDS_REVIEW PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW

/* An employee who passes everything on 2026-06-01 (hired 2026-01-05). */
static void eligible_facts(elig_facts_t *f)
{
    elig_facts_init(f, "acme", "E1");
    snprintf(f->job_family, sizeof f->job_family, "clerical");
    f->status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    f->employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    f->standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    f->hire_date = f->period_start = test_day("2026-01-05");
}

static const elig_criterion_t *criterion(const elig_result_t *r, const char *name)
{
    for (size_t i = 0; i < r->n_criteria; i++)
        if (strcmp(r->criteria[i].name, name) == 0)
            return &r->criteria[i];
    fail_msg("no criterion %s", name);
    return NULL;
}

/* Evaluates f and checks that exactly `name` is not PASS, with result and
 * reason, and the overall outcome. */
static void expect_alone(const elig_facts_t *f, const char *name, int result, const char *reason,
                         int outcome)
{
    elig_result_t r;
    elig_rules_evaluate(elig_rules_mapp(), f, test_day("2026-06-01"), &r);
    assert_int_equal(r.n_criteria, 5);
    for (size_t i = 0; i < r.n_criteria; i++) {
        const elig_criterion_t *c = &r.criteria[i];
        if (strcmp(c->name, name) == 0) {
            assert_int_equal(c->result, result);
            assert_string_equal(c->reason, reason);
        } else if (c->result != PASS) {
            fail_msg("criterion %s should pass: %s", c->name, c->reason);
        }
    }
    assert_int_equal(r.outcome, outcome);
}

static void test_all_pass_is_eligible(void **state)
{
    elig_facts_t f;
    elig_result_t r;
    eligible_facts(&f);
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-01"), &r);
    assert_int_equal(r.outcome, ELIGIBLE);
    assert_int_equal(r.eligible_from, ELIG_NO_DATE);
    assert_string_equal(criterion(&r, "tenure")->reason, "tenure 147 days, needs 90");
    assert_string_equal(criterion(&r, "tenure")->observed, "147 days");
    assert_string_equal(criterion(&r, "job_family")->reason, "job family clerical");
}

static void test_each_criterion_failing_alone(void **state)
{
    elig_facts_t f;
    eligible_facts(&f);
    f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE;
    expect_alone(&f, "status", FAIL, "status leave, needs active", NOT_ELIGIBLE);
    eligible_facts(&f);
    f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED;
    expect_alone(&f, "status", FAIL, "status terminated, needs active", NOT_ELIGIBLE);
    eligible_facts(&f);
    f.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_PART_TIME;
    f.has_hours = 1, f.scheduled_hours = 40; /* the type decides, not the hours */
    expect_alone(&f, "full_time", FAIL, "employment type part_time, needs full_time", NOT_ELIGIBLE);
    eligible_facts(&f);
    snprintf(f.job_family, sizeof f.job_family, "nursing");
    expect_alone(&f, "job_family", FAIL,
                 "job family nursing, needs one of environmental_services, food_service, "
                 "patient_access, transport, clerical",
                 NOT_ELIGIBLE);
    eligible_facts(&f);
    f.standing = PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION;
    expect_alone(&f, "standing", FAIL, "standing corrective_action, needs good", NOT_ELIGIBLE);
    f.standing = PATHWAYS__V1__STANDING__STANDING_FINAL_WARNING;
    expect_alone(&f, "standing", FAIL, "standing final_warning, needs good", NOT_ELIGIBLE);
    eligible_facts(&f);
    f.hire_date = f.period_start = test_day("2026-04-21");
    expect_alone(&f, "tenure", FAIL, "tenure 41 days, needs 90", NOT_ELIGIBLE);
}

static void test_missing_facts_need_review(void **state)
{
    elig_facts_t f;
    eligible_facts(&f);
    f.standing = PATHWAYS__V1__STANDING__STANDING_UNSPECIFIED;
    expect_alone(&f, "standing", UNKNOWN, "standing not on file, needs good", NEEDS_REVIEW);
    eligible_facts(&f);
    f.status = 0;
    expect_alone(&f, "status", UNKNOWN, "status not on file, needs active", NEEDS_REVIEW);
    eligible_facts(&f);
    f.job_family[0] = '\0';
    expect_alone(&f, "job_family", UNKNOWN, "job family not on file", NEEDS_REVIEW);
    eligible_facts(&f);
    f.employment_type = 0;
    expect_alone(&f, "full_time", UNKNOWN, "employment type and scheduled hours not on file",
                 NEEDS_REVIEW);
    eligible_facts(&f);
    f.hire_date = f.period_start = ELIG_NO_DATE;
    expect_alone(&f, "tenure", UNKNOWN, "hire date not on file", NEEDS_REVIEW);
    /* A failure outranks an unknown. */
    f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE;
    elig_result_t r;
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-01"), &r);
    assert_int_equal(r.outcome, NOT_ELIGIBLE);
}

static void test_hours_fallback(void **state)
{
    elig_facts_t f;
    eligible_facts(&f);
    f.employment_type = 0;
    f.has_hours = 1;
    f.scheduled_hours = 36;
    expect_alone(&f, "full_time", PASS, "36 scheduled hours, needs 36", ELIGIBLE);
    f.scheduled_hours = 35.5;
    expect_alone(&f, "full_time", FAIL, "35.5 scheduled hours, needs 36", NOT_ELIGIBLE);
    f.scheduled_hours = 0; /* stated zero is not "unknown" */
    expect_alone(&f, "full_time", FAIL, "0 scheduled hours, needs 36", NOT_ELIGIBLE);
}

static void test_eligible_from_when_only_tenure_fails(void **state)
{
    elig_facts_t f;
    elig_result_t r;
    eligible_facts(&f);
    f.hire_date = f.period_start = test_day("2026-04-21");
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-01"), &r);
    assert_int_equal(r.outcome, NOT_ELIGIBLE);
    assert_int_equal(r.eligible_from, test_day("2026-07-20"));
    /* The day it passes. */
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-07-20"), &r);
    assert_int_equal(r.outcome, ELIGIBLE);
    assert_string_equal(criterion(&r, "tenure")->reason, "tenure 90 days, needs 90");
    /* Not when something else fails or is unknown too. */
    f.standing = 0;
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-01"), &r);
    assert_int_equal(r.eligible_from, ELIG_NO_DATE);
    f.standing = PATHWAYS__V1__STANDING__STANDING_FINAL_WARNING;
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-01"), &r);
    assert_int_equal(r.eligible_from, ELIG_NO_DATE);
}

static void test_job_family_spelling(void **state)
{
    elig_facts_t f;
    eligible_facts(&f);
    snprintf(f.job_family, sizeof f.job_family, "Environmental Services");
    expect_alone(&f, "job_family", PASS, "job family Environmental Services", ELIGIBLE);
    snprintf(f.job_family, sizeof f.job_family, "patient-access");
    expect_alone(&f, "job_family", PASS, "job family patient-access", ELIGIBLE);
    snprintf(f.job_family, sizeof f.job_family, "clerical_extra");
    expect_alone(&f, "job_family", FAIL,
                 "job family clerical_extra, needs one of environmental_services, food_service, "
                 "patient_access, transport, clerical",
                 NOT_ELIGIBLE);
}

static void test_signature_ignores_growing_tenure(void **state)
{
    elig_facts_t f;
    elig_result_t a, b;
    char sa[256], sb[256];
    eligible_facts(&f);
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-01"), &a);
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-02"), &b);
    elig_result_signature(&a, sa, sizeof sa);
    elig_result_signature(&b, sb, sizeof sb);
    assert_string_equal(sa, sb);
    f.standing = 0;
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-02"), &b);
    elig_result_signature(&b, sb, sizeof sb);
    assert_string_not_equal(sa, sb);
}

/* ---- merging events into facts ---- */

typedef struct {
    Pathways__V1__EmployeeEvent ev;
    Pathways__V1__EmployeeFacts data;
    Pathways__V1__ScheduledHours hours;
} event_t;

static void make_event(event_t *e, const char *kind, const char *effective)
{
    static char type[96];
    pathways__v1__employee_event__init(&e->ev);
    pathways__v1__employee_facts__init(&e->data);
    pathways__v1__scheduled_hours__init(&e->hours);
    snprintf(type, sizeof type, "org.pathways.employee.%s.v1", kind);
    e->ev.type = type;
    e->ev.id = "x";
    e->ev.source = "acme";
    e->ev.subject = "E1";
    e->ev.effective_date = (char *)effective;
    e->ev.data = &e->data;
}

static void test_merge_hire_then_changes(void **state)
{
    elig_facts_t f;
    event_t e;
    elig_facts_init(&f, "acme", "E1");
    make_event(&e, "hired", "2026-01-05");
    e.data.job_family = "clerical";
    e.data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    e.data.hire_date = "2026-01-05";
    e.data.given_name = "Pat";
    assert_int_equal(elig_facts_apply(&f, &e.ev), 0);
    assert_string_equal(f.job_family, "clerical");
    assert_int_equal(f.hire_date, test_day("2026-01-05"));
    assert_int_equal(f.period_start, test_day("2026-01-05"));
    assert_int_equal(f.has_hours, 0);
    make_event(&e, "hours_changed", "2026-02-01");
    e.hours.per_week = 0;
    e.data.scheduled_hours = &e.hours;
    assert_int_equal(elig_facts_apply(&f, &e.ev), 0);
    assert_int_equal(f.has_hours, 1);
    assert_true(f.scheduled_hours == 0.0);
    assert_string_equal(f.job_family, "clerical"); /* untouched */
    make_event(&e, "leave_started", "2026-03-01");
    e.data.reason_code = "medical";
    assert_int_equal(elig_facts_apply(&f, &e.ev), 0);
    assert_int_equal(f.status, PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE);
    assert_string_equal(f.reason_code, "medical");
    make_event(&e, "leave_ended", "2026-04-01");
    assert_int_equal(elig_facts_apply(&f, &e.ev), 0);
    assert_int_equal(f.status, PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE);
    assert_string_equal(f.given_name, "Pat");
}

static void test_merge_late_event_never_overwrites_newer(void **state)
{
    elig_facts_t f;
    event_t e;
    elig_facts_init(&f, "acme", "E1");
    make_event(&e, "job_changed", "2026-05-01");
    e.data.job_family = "transport";
    assert_int_equal(elig_facts_apply(&f, &e.ev), 0);
    /* The hire arrives late: its job is older, its other facts are new. */
    make_event(&e, "hired", "2026-01-05");
    e.data.job_family = "clerical";
    e.data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    e.data.hire_date = "2026-01-05";
    e.data.standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    assert_int_equal(elig_facts_apply(&f, &e.ev), 1u << ELIG_GROUP_JOB);
    assert_string_equal(f.job_family, "transport");
    assert_int_equal(f.standing, PATHWAYS__V1__STANDING__STANDING_GOOD);
    assert_int_equal(f.hire_date, test_day("2026-01-05"));
    /* A late termination (dated before the hire's status) changes nothing. */
    make_event(&e, "terminated", "2026-01-01");
    assert_int_equal(elig_facts_apply(&f, &e.ev), 1u << ELIG_GROUP_STATUS);
    assert_int_equal(f.status, PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE);
}

/* The heap-held text facts: present only when stated, kept while later
 * events say nothing of them, replaced when restated, cut at their bound,
 * freed by clear (the sanitizer build checks nothing leaks). */
static void test_merge_text_facts(void **state)
{
    elig_facts_t f;
    event_t e;
    char long_site[ELIG_SHORT_MAX + 20];
    (void)state;
    elig_facts_init(&f, "acme", "E1");
    for (int t = 0; t < ELIG_TEXT_COUNT; t++)
        assert_null(f.text[t]);
    make_event(&e, "job_changed", "2026-02-01");
    e.data.site = "north";
    e.data.shift = "night";
    assert_int_equal(elig_facts_apply(&f, &e.ev), 0);
    assert_string_equal(elig_facts_text(&f, ELIG_TEXT_SITE), "north");
    assert_string_equal(elig_facts_text(&f, ELIG_TEXT_SHIFT), "night");
    assert_null(f.text[ELIG_TEXT_CREDENTIALS]);
    assert_string_equal(elig_facts_text(&f, ELIG_TEXT_CREDENTIALS), "");
    make_event(&e, "job_changed", "2026-03-01"); /* states no site: kept */
    e.data.job_family = "clerical";
    assert_int_equal(elig_facts_apply(&f, &e.ev), 0);
    assert_string_equal(elig_facts_text(&f, ELIG_TEXT_SITE), "north");
    make_event(&e, "job_changed", "2026-04-01");
    e.data.site = "south";
    assert_int_equal(elig_facts_apply(&f, &e.ev), 0);
    assert_string_equal(elig_facts_text(&f, ELIG_TEXT_SITE), "south");
    memset(long_site, 'x', sizeof long_site - 1);
    long_site[sizeof long_site - 1] = '\0';
    assert_int_equal(elig_facts_set_text(&f, ELIG_TEXT_SITE, long_site), 0);
    assert_int_equal(strlen(elig_facts_text(&f, ELIG_TEXT_SITE)), ELIG_SHORT_MAX);
    assert_int_equal(elig_facts_set_text(&f, ELIG_TEXT_SITE, ""), 0);
    assert_null(f.text[ELIG_TEXT_SITE]);
    elig_facts_reset(&f, "acme", "E2"); /* frees, starts over */
    assert_null(f.text[ELIG_TEXT_SHIFT]);
    assert_string_equal(f.employee, "E2");
    assert_int_equal(elig_facts_set_text(&f, ELIG_TEXT_PROGRAMS, "mapp=enrolled"), 0);
    elig_facts_clear(&f);
    assert_null(f.text[ELIG_TEXT_PROGRAMS]);
}

static void test_merge_rehire_starts_new_period(void **state)
{
    elig_facts_t f;
    event_t e;
    elig_result_t r;
    elig_facts_init(&f, "acme", "E1");
    make_event(&e, "hired", "2024-01-05");
    e.data.job_family = "clerical";
    e.data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    e.data.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    e.data.standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    e.data.hire_date = "2024-01-05";
    (void)elig_facts_apply(&f, &e.ev);
    make_event(&e, "terminated", "2025-03-01");
    (void)elig_facts_apply(&f, &e.ev);
    assert_int_equal(f.status, PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED);
    make_event(&e, "rehired", "2026-05-01");
    e.data.job_family = "clerical";
    e.data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    e.data.hire_date = "2026-05-01";
    (void)elig_facts_apply(&f, &e.ev);
    assert_int_equal(f.hire_date, test_day("2024-01-05")); /* original kept */
    assert_int_equal(f.period_start, test_day("2026-05-01"));
    elig_rules_evaluate(elig_rules_mapp(), &f, test_day("2026-06-01"), &r);
    assert_int_equal(r.outcome, NOT_ELIGIBLE);
    assert_string_equal(criterion(&r, "tenure")->reason, "tenure 31 days, needs 90");
    assert_int_equal(r.eligible_from, test_day("2026-07-30"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_pass_is_eligible),
        cmocka_unit_test(test_each_criterion_failing_alone),
        cmocka_unit_test(test_missing_facts_need_review),
        cmocka_unit_test(test_hours_fallback),
        cmocka_unit_test(test_eligible_from_when_only_tenure_fails),
        cmocka_unit_test(test_job_family_spelling),
        cmocka_unit_test(test_signature_ignores_growing_tenure),
        cmocka_unit_test(test_merge_hire_then_changes),
        cmocka_unit_test(test_merge_late_event_never_overwrites_newer),
        cmocka_unit_test(test_merge_rehire_starts_new_period),
        cmocka_unit_test(test_merge_text_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
