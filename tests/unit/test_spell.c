/* Eligible spells: eligible_since is the latest first day of the criteria's
 * passing runs (tenure threshold or a fact's effective date), a change
 * between two passing values does not restart a run, a failing change ends
 * the spell on its effective date (a rule change on the evaluation's date),
 * a rehire or a corrected hire date moves the tenure day, context criteria
 * do not bound it; and the stored text form survives hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eligibility/program.h"
#include "eligibility/spell.h"
#include "pathways/date.h"
#include "testdate.h"

#define ELIGIBLE     PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
#define NOT_ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE
#define GOOD         PATHWAYS__V1__STANDING__STANDING_GOOD
#define CORRECTIVE   PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION

static const char *text(int32_t d, char buf[PW_DATE_LEN])
{
    if (d == ELIG_NO_DATE)
        return "";
    pw_date_format(d, buf);
    return buf;
}

/* Hired 2026-01-05 into clerical, full time, good standing: every group
 * set that day. */
static void hired(elig_facts_t *f)
{
    elig_facts_init(f, "acme", "E1");
    snprintf(f->job_family, sizeof f->job_family, "clerical");
    f->status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    f->employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    f->standing = GOOD;
    f->hire_date = f->period_start = test_day("2026-01-05");
    for (int g = 0; g < ELIG_GROUP_COUNT; g++)
        f->group_date[g] = test_day("2026-01-05");
}

/* One employee followed through evaluations, under rules that a test may
 * change. */
typedef struct {
    elig_spell_t spell;
    int outcome;
    elig_result_t r;
    elig_facts_t f;
    elig_rules_t rules;
} fx_t;

/* MAPP's job family list (the criterion's operand), to change in place. */
static elig_list_t *job_families(elig_rules_t *r)
{
    const elig_criterion_def_t *d = elig_rules_criterion(r, "job_family");
    assert_non_null(d);
    return &r->lists[r->nodes[d->root].list];
}

static int setup(void **state)
{
    fx_t *x = calloc(1, sizeof *x);
    if (!x)
        return -1;
    elig_spell_init(&x->spell);
    hired(&x->f);
    x->rules = *elig_rules_mapp();
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* The group's fact took effect on `on`. */
static void changed(fx_t *x, elig_group_t g, const char *on)
{
    x->f.group_date[g] = test_day(on);
}

/* Evaluates the facts as of `on`, continuing the spell; checks the
 * outcome, eligible_since and eligible_until ("" for none). */
static void step(fx_t *x, const char *on, int outcome, const char *since, const char *until)
{
    char a[PW_DATE_LEN], b[PW_DATE_LEN];
    elig_rules_evaluate(&x->rules, &x->f, test_day(on), &x->r);
    elig_spell_update(&x->spell, &x->rules, &x->f, x->outcome, &x->r);
    x->outcome = x->r.outcome;
    assert_int_equal(x->r.outcome, outcome);
    assert_string_equal(text(x->r.eligible_since, a), since);
    assert_string_equal(text(x->r.eligible_until, b), until);
}

static void test_tenure_day_is_the_start(void **state)
{
    fx_t *x = *state;
    step(x, "2026-04-04", NOT_ELIGIBLE, "", ""); /* 89 days */
    step(x, "2026-04-05", ELIGIBLE, "2026-04-05", "");
    step(x, "2026-11-30", ELIGIBLE, "2026-04-05", "");
    /* Nothing known before (first publish, or a row from before spells):
     * the same day, computed from the facts alone. */
    elig_spell_init(&x->spell);
    x->outcome = 0;
    step(x, "2026-11-30", ELIGIBLE, "2026-04-05", "");
}

static void test_later_fact_is_the_start(void **state)
{
    fx_t *x = *state;
    x->f.standing = CORRECTIVE;
    step(x, "2026-04-30", NOT_ELIGIBLE, "", "");
    x->f.standing = GOOD;
    changed(x, ELIG_GROUP_STANDING, "2026-05-01");
    step(x, "2026-05-01", ELIGIBLE, "2026-05-01", "");
}

static void test_change_between_passing_values_keeps_the_run(void **state)
{
    fx_t *x = *state;
    step(x, "2026-06-01", ELIGIBLE, "2026-04-05", "");
    snprintf(x->f.job_family, sizeof x->f.job_family, "food_service");
    changed(x, ELIG_GROUP_JOB, "2026-07-01");
    step(x, "2026-07-01", ELIGIBLE, "2026-04-05", "");
    snprintf(x->f.job_title, sizeof x->f.job_title, "cook"); /* title only */
    changed(x, ELIG_GROUP_JOB, "2026-08-01");
    step(x, "2026-08-01", ELIGIBLE, "2026-04-05", "");
}

static void test_failing_change_ends_the_spell_on_its_date(void **state)
{
    fx_t *x = *state;
    step(x, "2026-06-01", ELIGIBLE, "2026-04-05", "");
    x->f.standing = CORRECTIVE;
    changed(x, ELIG_GROUP_STANDING, "2026-07-10");
    step(x, "2026-07-20", NOT_ELIGIBLE, "", "2026-07-10");
    /* Kept while not eligible, whatever else changes. */
    x->f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE;
    changed(x, ELIG_GROUP_STATUS, "2026-08-01");
    step(x, "2026-08-01", NOT_ELIGIBLE, "", "2026-07-10");
    x->f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    changed(x, ELIG_GROUP_STATUS, "2026-08-15");
    x->f.standing = GOOD;
    changed(x, ELIG_GROUP_STANDING, "2026-09-01");
    step(x, "2026-09-01", ELIGIBLE, "2026-09-01", "");
}

static void test_never_eligible_has_no_end(void **state)
{
    fx_t *x = *state;
    /* Standing lost on the tenure day itself: not a day eligible. */
    step(x, "2026-04-04", NOT_ELIGIBLE, "", "");
    x->f.standing = CORRECTIVE;
    changed(x, ELIG_GROUP_STANDING, "2026-04-05");
    step(x, "2026-04-05", NOT_ELIGIBLE, "", "");
}

static void test_rehire_and_corrected_hire_date_move_tenure(void **state)
{
    fx_t *x = *state;
    step(x, "2026-06-01", ELIGIBLE, "2026-04-05", "");
    /* A hire date corrected (effective in the past) to 2025-12-01. */
    x->f.hire_date = x->f.period_start = test_day("2025-12-01");
    changed(x, ELIG_GROUP_HIRE, "2026-06-10");
    step(x, "2026-06-10", ELIGIBLE, "2026-03-01", "");
    /* Terminated, then rehired on 2027-01-04: tenure counts again. */
    x->f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED;
    changed(x, ELIG_GROUP_STATUS, "2026-09-30");
    step(x, "2026-09-30", NOT_ELIGIBLE, "", "2026-09-30");
    x->f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    x->f.period_start = test_day("2027-01-04");
    changed(x, ELIG_GROUP_STATUS, "2027-01-04");
    changed(x, ELIG_GROUP_HIRE, "2027-01-04");
    step(x, "2027-01-04", NOT_ELIGIBLE, "", "2026-09-30");
    step(x, "2027-04-04", ELIGIBLE, "2027-04-04", "");
    /* A rehire straight after an eligible spell ends it on the rehire. */
    x->f.period_start = test_day("2027-06-01");
    changed(x, ELIG_GROUP_HIRE, "2027-06-01");
    step(x, "2027-06-01", NOT_ELIGIBLE, "", "2027-06-01");
}

static void test_rule_change_dates(void **state)
{
    fx_t *x = *state;
    snprintf(x->f.job_family, sizeof x->f.job_family, "pharmacy");
    changed(x, ELIG_GROUP_JOB, "2026-02-01");
    step(x, "2026-06-01", NOT_ELIGIBLE, "", "");
    /* The list grows: the rule applies to the fact as it stood. */
    elig_list_t *families = job_families(&x->rules);
    snprintf(families->items[families->n++], ELIG_WORD_MAX, "pharmacy");
    step(x, "2026-07-01", ELIGIBLE, "2026-04-05", "");
    /* It shrinks again: no fact changed, the spell ends on the evaluation. */
    families->n--;
    step(x, "2026-08-01", NOT_ELIGIBLE, "", "2026-08-01");
}

static void test_context_criteria_do_not_bound(void **state)
{
    fx_t *x = *state;
    static const char TEXT[] =
        "program: mapp\ncriteria:\n  status: {in: [active]}\n"
        "  full_time: {employment_types: [full_time], min_hours: 36}\n"
        "  job_family: {in: [environmental_services, food_service, patient_access, transport,"
        " clerical]}\n  standing: {in: [good]}\n  tenure: {min_days: 90}\n"
        "  employer_participates: true\n  not_in_program: {states: [enrolled]}\n";
    char err[256];
    unsigned line;
    assert_int_equal(elig_program_parse(TEXT, strlen(TEXT), "t", &x->rules, err, sizeof err, &line),
                     0);
    x->f.employer_participates = 1;
    step(x, "2026-11-30", ELIGIBLE, "2026-04-05", "");
    x->f.employer_participates = 0;
    step(x, "2026-12-01", NOT_ELIGIBLE, "", "2026-12-01");
}

static void test_text_round_trip(void **state)
{
    elig_spell_t s, back;
    char buf[ELIG_SPELL_TEXT_MAX];
    (void)state;
    elig_spell_init(&s);
    s.held[0] = test_day("2026-01-05"); /* the first format's slots: status ... */
    s.held[7] = test_day("2200-12-31"); /* ... not_in_target_role */
    elig_spell_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "{2026-01-05,NULL,NULL,NULL,NULL,NULL,NULL,2200-12-31}");
    assert_int_equal(elig_spell_parse(buf, &back), 0);
    assert_memory_equal(back.held, s.held, sizeof s.held);
    /* Fewer elements (criteria added later) read as not known. */
    assert_int_equal(elig_spell_parse("{NULL,2026-02-01}", &back), 0);
    assert_int_equal(back.held[1], test_day("2026-02-01"));
    assert_int_equal(back.held[4], ELIG_NO_DATE);
    /* Slots past the eighth are written when they hold a day. */
    s.held[11] = test_day("2026-03-01");
    elig_spell_format(&s, buf, sizeof buf);
    assert_string_equal(
        buf, "{2026-01-05,NULL,NULL,NULL,NULL,NULL,NULL,2200-12-31,NULL,NULL,NULL,2026-03-01}");
    assert_int_equal(elig_spell_parse(buf, &back), 0);
    assert_int_equal(back.held[11], test_day("2026-03-01"));
}

static void test_parse_refuses_hostile_text(void **state)
{
    static const char *const bad[] = {
        "",
        "{",
        "{}",
        "}",
        "NULL",
        "{,}",
        "{NULL,}",
        "{NULL}x",
        "{2026-01-05,bad}",
        "{2026-13-01}",
        "{2026-01-05 }",
        "{\"2026-01-05\"}",
        "{NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL}",
        "{2026-01-05-2026-01-05-2026}",
        "{2026-01-05",
    };
    elig_spell_t s;
    (void)state;
    assert_int_equal(elig_spell_parse(NULL, &s), -1);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s.held[0] = 1;
        if (elig_spell_parse(bad[i], &s) != -1)
            fail_msg("accepted '%s'", bad[i]);
        for (int k = 0; k < ELIG_MAX_CRITERIA; k++)
            assert_int_equal(s.held[k], ELIG_NO_DATE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tenure_day_is_the_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_later_fact_is_the_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_between_passing_values_keeps_the_run, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failing_change_ends_the_spell_on_its_date, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_never_eligible_has_no_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rehire_and_corrected_hire_date_move_tenure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rule_change_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_context_criteria_do_not_bound, setup, teardown),
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_parse_refuses_hostile_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
