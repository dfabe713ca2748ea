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
#include <string.h>

#include "eligibility/spell.h"
#include "pathways/date.h"

#define ELIGIBLE     PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
#define NOT_ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE
#define GOOD         PATHWAYS__V1__STANDING__STANDING_GOOD
#define CORRECTIVE   PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION

static int32_t day(const char *s)
{
    int32_t d;
    assert_int_equal(pw_date_parse(s, &d), 0);
    return d;
}

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
    f->hire_date = f->period_start = day("2026-01-05");
    for (int g = 0; g < ELIG_GROUP_COUNT; g++)
        f->group_date[g] = day("2026-01-05");
}

typedef struct {
    elig_spell_t spell;
    int outcome;
    elig_result_t r;
} track_t;

/* Evaluates f as of `on` under rules, continuing t; checks the outcome,
 * eligible_since and eligible_until ("" for none). */
static void step_rules(track_t *t, const elig_rules_t *rules, const elig_facts_t *f, const char *on,
                       int outcome, const char *since, const char *until)
{
    char a[PW_DATE_LEN], b[PW_DATE_LEN];
    elig_rules_evaluate(rules, f, day(on), &t->r);
    elig_spell_update(&t->spell, rules, f, t->outcome, &t->r);
    t->outcome = t->r.outcome;
    assert_int_equal(t->r.outcome, outcome);
    assert_string_equal(text(t->r.eligible_since, a), since);
    assert_string_equal(text(t->r.eligible_until, b), until);
}

static void step(track_t *t, const elig_facts_t *f, const char *on, int outcome, const char *since,
                 const char *until)
{
    step_rules(t, elig_rules_mapp(), f, on, outcome, since, until);
}

static void fresh(track_t *t)
{
    elig_spell_init(&t->spell);
    t->outcome = 0;
}

static void test_tenure_day_is_the_start(void **state)
{
    track_t t;
    elig_facts_t f;
    (void)state;
    fresh(&t);
    hired(&f);
    step(&t, &f, "2026-04-04", NOT_ELIGIBLE, "", ""); /* 89 days */
    step(&t, &f, "2026-04-05", ELIGIBLE, "2026-04-05", "");
    step(&t, &f, "2026-11-30", ELIGIBLE, "2026-04-05", "");
    /* Nothing known before (first publish, or a row from before spells):
     * the same day, computed from the facts alone. */
    fresh(&t);
    step(&t, &f, "2026-11-30", ELIGIBLE, "2026-04-05", "");
}

static void test_later_fact_is_the_start(void **state)
{
    track_t t;
    elig_facts_t f;
    (void)state;
    fresh(&t);
    hired(&f);
    f.standing = CORRECTIVE;
    step(&t, &f, "2026-04-30", NOT_ELIGIBLE, "", "");
    f.standing = GOOD;
    f.group_date[ELIG_GROUP_STANDING] = day("2026-05-01");
    step(&t, &f, "2026-05-01", ELIGIBLE, "2026-05-01", "");
}

static void test_change_between_passing_values_keeps_the_run(void **state)
{
    track_t t;
    elig_facts_t f;
    (void)state;
    fresh(&t);
    hired(&f);
    step(&t, &f, "2026-06-01", ELIGIBLE, "2026-04-05", "");
    snprintf(f.job_family, sizeof f.job_family, "food_service");
    f.group_date[ELIG_GROUP_JOB] = day("2026-07-01");
    step(&t, &f, "2026-07-01", ELIGIBLE, "2026-04-05", "");
    snprintf(f.job_title, sizeof f.job_title, "cook"); /* title only */
    f.group_date[ELIG_GROUP_JOB] = day("2026-08-01");
    step(&t, &f, "2026-08-01", ELIGIBLE, "2026-04-05", "");
}

static void test_failing_change_ends_the_spell_on_its_date(void **state)
{
    track_t t;
    elig_facts_t f;
    (void)state;
    fresh(&t);
    hired(&f);
    step(&t, &f, "2026-06-01", ELIGIBLE, "2026-04-05", "");
    f.standing = CORRECTIVE;
    f.group_date[ELIG_GROUP_STANDING] = day("2026-07-10");
    step(&t, &f, "2026-07-20", NOT_ELIGIBLE, "", "2026-07-10");
    /* Kept while not eligible, whatever else changes. */
    f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE;
    f.group_date[ELIG_GROUP_STATUS] = day("2026-08-01");
    step(&t, &f, "2026-08-01", NOT_ELIGIBLE, "", "2026-07-10");
    f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    f.group_date[ELIG_GROUP_STATUS] = day("2026-08-15");
    f.standing = GOOD;
    f.group_date[ELIG_GROUP_STANDING] = day("2026-09-01");
    step(&t, &f, "2026-09-01", ELIGIBLE, "2026-09-01", "");
}

static void test_never_eligible_has_no_end(void **state)
{
    track_t t;
    elig_facts_t f;
    (void)state;
    fresh(&t);
    hired(&f);
    /* Standing lost on the tenure day itself: not a day eligible. */
    step(&t, &f, "2026-04-04", NOT_ELIGIBLE, "", "");
    f.standing = CORRECTIVE;
    f.group_date[ELIG_GROUP_STANDING] = day("2026-04-05");
    step(&t, &f, "2026-04-05", NOT_ELIGIBLE, "", "");
}

static void test_rehire_and_corrected_hire_date_move_tenure(void **state)
{
    track_t t;
    elig_facts_t f;
    (void)state;
    fresh(&t);
    hired(&f);
    step(&t, &f, "2026-06-01", ELIGIBLE, "2026-04-05", "");
    /* A hire date corrected (effective in the past) to 2025-12-01. */
    f.hire_date = f.period_start = day("2025-12-01");
    f.group_date[ELIG_GROUP_HIRE] = day("2026-06-10");
    step(&t, &f, "2026-06-10", ELIGIBLE, "2026-03-01", "");
    /* Terminated, then rehired on 2027-01-04: tenure counts again. */
    f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED;
    f.group_date[ELIG_GROUP_STATUS] = day("2026-09-30");
    step(&t, &f, "2026-09-30", NOT_ELIGIBLE, "", "2026-09-30");
    f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    f.period_start = day("2027-01-04");
    f.group_date[ELIG_GROUP_STATUS] = f.group_date[ELIG_GROUP_HIRE] = day("2027-01-04");
    step(&t, &f, "2027-01-04", NOT_ELIGIBLE, "", "2026-09-30");
    step(&t, &f, "2027-04-04", ELIGIBLE, "2027-04-04", "");
    /* A rehire straight after an eligible spell ends it on the rehire. */
    f.period_start = f.group_date[ELIG_GROUP_HIRE] = day("2027-06-01");
    step(&t, &f, "2027-06-01", NOT_ELIGIBLE, "", "2027-06-01");
}

static void test_rule_change_dates(void **state)
{
    track_t t;
    elig_facts_t f;
    elig_rules_t rules = *elig_rules_mapp();
    (void)state;
    fresh(&t);
    hired(&f);
    snprintf(f.job_family, sizeof f.job_family, "pharmacy");
    f.group_date[ELIG_GROUP_JOB] = day("2026-02-01");
    step_rules(&t, &rules, &f, "2026-06-01", NOT_ELIGIBLE, "", "");
    /* The list grows: the rule applies to the fact as it stood. */
    snprintf(rules.job_families.items[rules.job_families.n++], ELIG_WORD_MAX, "pharmacy");
    step_rules(&t, &rules, &f, "2026-07-01", ELIGIBLE, "2026-04-05", "");
    /* It shrinks again: no fact changed, the spell ends on the evaluation. */
    rules.job_families.n--;
    step_rules(&t, &rules, &f, "2026-08-01", NOT_ELIGIBLE, "", "2026-08-01");
}

static void test_context_criteria_do_not_bound(void **state)
{
    track_t t;
    elig_facts_t f;
    elig_rules_t rules = *elig_rules_mapp();
    (void)state;
    rules.enabled |= 1u << ELIG_CRIT_EMPLOYER | 1u << ELIG_CRIT_NOT_IN_PROGRAM;
    fresh(&t);
    hired(&f);
    f.employer_participates = 1;
    step_rules(&t, &rules, &f, "2026-11-30", ELIGIBLE, "2026-04-05", "");
    f.employer_participates = 0;
    step_rules(&t, &rules, &f, "2026-12-01", NOT_ELIGIBLE, "", "2026-12-01");
}

static void test_text_round_trip(void **state)
{
    elig_spell_t s, back;
    char buf[ELIG_SPELL_TEXT_MAX];
    (void)state;
    elig_spell_init(&s);
    s.held[ELIG_CRIT_STATUS] = day("2026-01-05");
    s.held[ELIG_CRIT_NOT_IN_ROLE] = day("2200-12-31");
    elig_spell_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "{2026-01-05,NULL,NULL,NULL,NULL,NULL,NULL,2200-12-31}");
    assert_int_equal(elig_spell_parse(buf, &back), 0);
    assert_memory_equal(back.held, s.held, sizeof s.held);
    /* Fewer elements (criteria added later) read as not known. */
    assert_int_equal(elig_spell_parse("{NULL,2026-02-01}", &back), 0);
    assert_int_equal(back.held[ELIG_CRIT_FULL_TIME], day("2026-02-01"));
    assert_int_equal(back.held[ELIG_CRIT_TENURE], ELIG_NO_DATE);
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
        "{NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL}",
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
        for (int k = 0; k < ELIG_CRIT_COUNT; k++)
            assert_int_equal(s.held[k], ELIG_NO_DATE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tenure_day_is_the_start),
        cmocka_unit_test(test_later_fact_is_the_start),
        cmocka_unit_test(test_change_between_passing_values_keeps_the_run),
        cmocka_unit_test(test_failing_change_ends_the_spell_on_its_date),
        cmocka_unit_test(test_never_eligible_has_no_end),
        cmocka_unit_test(test_rehire_and_corrected_hire_date_move_tenure),
        cmocka_unit_test(test_rule_change_dates),
        cmocka_unit_test(test_context_criteria_do_not_bound),
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_parse_refuses_hostile_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
