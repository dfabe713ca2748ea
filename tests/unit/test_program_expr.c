/* Criteria as expressions (services/eligibility/criteria.c, expr.c,
 * vocab.c): MAPP in the expression format gives the same determinations as
 * the first format (and as the built-in rules) on random employees; every
 * operator's verdict and words; missing facts give needs-review; time
 * alone gives forecasts; unknown facts, operators and operands are refused
 * with FILE:LINE: reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elig_random.h"
#include "elig_mapp_v1.h"
#include "eligibility/program.h"
#include "eligibility/rules.h"
#include "eligibility/spell.h"
#include "pathways/date.h"

#define PASS         PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
#define FAIL         PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_FAIL
#define UNKNOWN      PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_UNKNOWN
#define ELIGIBLE     PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
#define NOT_ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE
#define NEEDS_REVIEW PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW

/* deploy/programs/mapp.yaml as it was in the first format. */
static const char MAPP_V1[] =
    ELIG_MAPP_V1_TEXT "employers:\n  acme: {min_tenure_days: 60, extra_job_families: [lab]}\n";

static char *read_text(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    assert_non_null(slash);
    snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "../../%s", rel);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, fp);
    text[n] = '\0';
    fclose(fp);
    return text;
}

static void parse(const char *text, elig_rules_t *out)
{
    char err[512];
    unsigned line;
    if (elig_program_parse(text, strlen(text), "test.yaml", out, err, sizeof err, &line) != 0)
        fail_msg("%s", err);
}

/* Everything a determination carries, words included. */
static void describe(const elig_rules_t *r, const elig_facts_t *f, int32_t on, char *out,
                     size_t len)
{
    static elig_result_t res;
    elig_spell_t spell;
    elig_spell_init(&spell);
    elig_rules_evaluate(r, f, on, &res);
    elig_spell_update(&spell, r, f, 0, &res);
    elig_result_signature(&res, out, len);
    for (size_t i = 0; i < res.n_criteria; i++) {
        size_t used = strlen(out);
        snprintf(out + used, len - used, "\n%s %d [%s] [%s] %s", res.criteria[i].name,
                 res.criteria[i].result, res.criteria[i].observed, res.criteria[i].required,
                 res.criteria[i].reason);
    }
}

static void test_mapp_formats_agree(void **state)
{
    (void)state;
    static elig_rules_t v1, v2, builtin;
    static char a[8192], b[8192];
    char *text = read_text("deploy/programs/mapp.yaml");
    /* The shipped file, with the same override as MAPP_V1. */
    static const char OVERRIDE[] =
        "employers:\n  acme: {min_tenure_days: 60, extra_job_families: [lab]}\n";
    static char with_override[65536 + sizeof OVERRIDE];
    size_t len = strlen(text);
    memcpy(with_override, text, len);
    memcpy(with_override + len, OVERRIDE, sizeof OVERRIDE);
    parse(MAPP_V1, &v1);
    parse(with_override, &v2);
    assert_int_equal(v1.n_criteria, 8);
    assert_int_equal(v2.n_criteria, 8);
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(v1.criteria[i].name, v2.criteria[i].name);
        assert_int_equal(v1.criteria[i].slot, v2.criteria[i].slot);
    }
    for (int e = 0; e < 20000; e++) {
        elig_facts_t f = {0};
        random_facts(&f);
        if (rnd(4) == 0)
            snprintf(f.program_state, sizeof f.program_state, "%s",
                     rnd(2) ? "enrolled" : "withdrawn");
        for (int g = 0; g < ELIG_GROUP_COUNT; g++)
            f.group_date[g] = TODAY - 400 + (int32_t)rnd(300);
        describe(&v1, &f, TODAY, a, sizeof a);
        describe(&v2, &f, TODAY, b, sizeof b);
        elig_facts_clear(&f);
        if (strcmp(a, b) != 0)
            fail_msg("employee %d differs:\n%s\n---\n%s", e, a, b);
    }
    /* The built-in rules are the first five criteria. */
    parse("program: mapp\ncriteria:\n  status: {in: [active]}\n"
          "  full_time: {employment_types: [full_time], min_hours: 36}\n"
          "  job_family: {in: [environmental_services, food_service, patient_access, transport,"
          " clerical]}\n  standing: {in: [good]}\n  tenure: {min_days: 90}\n",
          &builtin);
    for (int e = 0; e < 5000; e++) {
        elig_facts_t f = {0};
        random_facts(&f);
        describe(&builtin, &f, TODAY, a, sizeof a);
        describe(elig_rules_mapp(), &f, TODAY, b, sizeof b);
        elig_facts_clear(&f);
        if (strcmp(a, b) != 0)
            fail_msg("employee %d differs from the built-in rules:\n%s\n---\n%s", e, a, b);
    }
}

/* One criterion `expr` over f as of TODAY: its verdict and words. */
static const elig_criterion_t *one(const char *expr, const elig_facts_t *f)
{
    static char text[4096];
    static elig_rules_t r;
    static elig_result_t res;
    snprintf(text, sizeof text,
             "program: pct\ntarget_role: {name: PCT, job_families: [patient_care_technician]}\n"
             "criteria:\n  - name: c\n    %s\n",
             expr);
    parse(text, &r);
    elig_rules_evaluate(&r, f, TODAY, &res);
    assert_int_equal(res.n_criteria, 1);
    return &res.criteria[0];
}

static void expect(const char *expr, const elig_facts_t *f, int result, const char *reason)
{
    const elig_criterion_t *c = one(expr, f);
    if (c->result != result || strcmp(c->reason, reason) != 0)
        fail_msg("%s: expected %d '%s', got %d '%s'", expr, result, reason, c->result, c->reason);
}

static void set_text(elig_facts_t *f, elig_text_t t, const char *v)
{
    assert_int_equal(elig_facts_set_text(f, t, v), 0);
}

/* f holds no texts before; elig_facts_clear() it after. */
static void someone(elig_facts_t *f)
{
    elig_facts_init(f, "acme", "E1");
    f->status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    f->employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_PART_TIME;
    f->has_hours = 1;
    f->scheduled_hours = 24;
    snprintf(f->job_family, sizeof f->job_family, "Food Service");
    snprintf(f->job_title, sizeof f->job_title, "Dietary Aide");
    set_text(f, ELIG_TEXT_SITE, "north");
    set_text(f, ELIG_TEXT_CREDENTIALS, "cna,bls");
    set_text(f, ELIG_TEXT_PROGRAMS, "mapp=completed,sterile=withdrawn");
    f->hire_date = f->period_start = TODAY - 200;
    f->employer_participates = 1;
}

static void test_operators(void **state)
{
    (void)state;
    elig_facts_t f;
    someone(&f);
    expect("status: {in: [active, leave]}", &f, PASS, "status active");
    expect("status: {not_in: [active]}", &f, FAIL, "status active, must not be one of active");
    expect("employment_type: {in: [full_time]}", &f, FAIL,
           "employment type part_time, needs full_time");
    expect("job_family: {in: [food_service, clerical]}", &f, PASS, "job family Food Service");
    expect("job_family: {in: [clerical, transport]}", &f, FAIL,
           "job family Food Service, needs one of clerical, transport");
    expect("job_family: {not_in: target_role}", &f, PASS, "not in the target role");
    expect("job_title: {in: [dietary aide]}", &f, PASS, "job title Dietary Aide");
    expect("site: {in: [south]}", &f, FAIL, "site north, needs south");
    expect("shift: {in: [night]}", &f, UNKNOWN, "shift not on file, needs night");
    expect("shift: {exists: false}", &f, PASS, "shift not on file");
    expect("scheduled_hours: {at_least: 20}", &f, PASS, "24 scheduled hours, needs 20");
    expect("scheduled_hours: {between: [20, 30]}", &f, PASS, "24 scheduled hours, needs 20 to 30");
    expect("scheduled_hours: {more_than: 24}", &f, FAIL, "24 scheduled hours, needs more than 24");
    expect("scheduled_hours: {less_than: 24.5}", &f, PASS,
           "24 scheduled hours, needs less than 24.5");
    expect("tenure_days: {at_most: 180}", &f, FAIL, "tenure 200 days, needs at most 180");
    expect("credentials: {any_of: [cna, cma]}", &f, PASS, "credentials cna,bls");
    expect("credentials: {all_of: [cna, cpr]}", &f, FAIL,
           "credentials cna,bls, needs all of cna, cpr");
    expect("credentials: {none_of: [BLS]}", &f, FAIL, "credentials cna,bls, must not include BLS");
    expect("languages: {any_of: [es]}", &f, UNKNOWN, "languages not on file");
    expect("employer_participates: {is: true}", &f, PASS, "employer acme takes part in pct");
    expect("program_state: {not_in: [enrolled]}", &f, PASS, "not yet in pct");
    expect("program.mapp: {in: [completed, certified, placed]}", &f, PASS, "completed in mapp");
    expect("program.sterile: {not_in: [enrolled, in_training]}", &f, PASS, "withdrawn in sterile");
    expect("program.other: {in: [completed]}", &f, FAIL, "never in, needs completed in other");
    expect("employer: {in: [acme]}", &f, PASS, "employer acme");
    /* Combinators, three-valued. */
    expect("all: [{status: {in: [active]}}, {shift: {in: [day]}}]", &f, UNKNOWN,
           "shift not on file, needs day");
    expect("all: [{status: {in: [leave]}}, {shift: {in: [day]}}]", &f, FAIL,
           "status active, needs leave");
    expect("any: [{status: {in: [leave]}}, {site: {in: [north]}}]", &f, PASS, "site north");
    expect("any: [{status: {in: [leave]}}, {shift: {in: [day]}}]", &f, UNKNOWN,
           "shift not on file, needs day");
    expect("first_known: [{shift: {in: [day]}}, {site: {in: [south]}}]", &f, FAIL,
           "site north, needs south");
    expect("first_known: [{shift: {in: [day]}}, {languages: {any_of: [en]}}]", &f, UNKNOWN,
           "shift and languages not on file");
    elig_facts_clear(&f);
}

/* Time alone: a failing tenure window gives the day it passes; one that
 * other criteria would fail by then gives none. */
static void test_forecasts(void **state)
{
    (void)state;
    static elig_rules_t r;
    static elig_result_t res;
    elig_facts_t f;
    someone(&f);
    f.hire_date = f.period_start = TODAY - 10;
    set_text(&f, ELIG_TEXT_SHIFT, "night");
    parse("program: p\ncriteria:\n  - name: a\n    tenure_days: {between: [30, 400]}\n"
          "  - name: b\n    any: [{tenure_days: {at_least: 60}}, {shift: {in: [day]}}]\n",
          &r);
    elig_rules_evaluate(&r, &f, TODAY, &res);
    assert_int_equal(res.outcome, NOT_ELIGIBLE);
    assert_int_equal(res.eligible_from, TODAY + 50);
    /* A cap that time would pass first: no forecast. */
    parse("program: p\ncriteria:\n  - name: a\n    tenure_days: {at_least: 30}\n"
          "  - name: b\n    tenure_days: {at_most: 20}\n",
          &r);
    elig_rules_evaluate(&r, &f, TODAY, &res);
    assert_int_equal(res.outcome, NOT_ELIGIBLE);
    assert_int_equal(res.eligible_from, ELIG_NO_DATE);
    /* Another failing fact: none either. */
    parse("program: p\ncriteria:\n  - name: a\n    tenure_days: {at_least: 30}\n"
          "  - name: b\n    site: {in: [south]}\n",
          &r);
    elig_rules_evaluate(&r, &f, TODAY, &res);
    assert_int_equal(res.eligible_from, ELIG_NO_DATE);
    elig_facts_clear(&f);
}

static void expect_refused(const char *text, unsigned want_line, const char *want)
{
    static elig_rules_t r;
    char err[512];
    unsigned line;
    if (elig_program_parse(text, strlen(text), "pct.yaml", &r, err, sizeof err, &line) == 0)
        fail_msg("accepted:\n%s", text);
    if (line != want_line || !strstr(err, want))
        fail_msg("expected line %u '%s', got line %u: %s", want_line, want, line, err);
}

#define P "program: pct\ncriteria:\n"

static void test_refusals(void **state)
{
    (void)state;
    expect_refused(P "  - name: a\n    colour: {in: [red]}\n", 4,
                   "pct.yaml:4: criterion 'a': unknown fact 'colour' (known: status,");
    expect_refused(P "  - name: a\n    status: {above: [active]}\n", 4,
                   "pct.yaml:4: criterion 'a': unknown operator 'above' for status (expected in,"
                   " not_in, exists)");
    expect_refused(P "  - name: a\n    tenure_days: {in: [90]}\n", 4,
                   "unknown operator 'in' for tenure_days (expected at_least,");
    expect_refused(P "  - name: a\n    status: {in: [active, retired]}\n", 4,
                   "status.in: unknown value 'retired' (expected active, leave,");
    expect_refused(P "  - name: a\n    scheduled_hours: {between: [40, 20]}\n", 4,
                   "the low bound 40 is above the high bound 20");
    expect_refused(P "  - name: a\n    status: {in: [active]}\n    site: {in: [x]}\n", 5,
                   "'site' is a second expression; combine them with all: [...]");
    expect_refused(P "  - name: a\n    status: {in: [active]}\n  - name: a\n    site: {in: [x]}\n",
                   5, "criterion 'a' is given twice");
    expect_refused(P "  - name: A b\n    status: {in: [active]}\n", 3, "name: expected an id");
    expect_refused(P "  - name: a\n    all: []\n", 4, "all expects a list of expressions");
    expect_refused(P "  - name: a\n    job_family: {not_in: target_role}\n", 1,
                   "'target_role' is used but the file has no target_role");
    expect_refused(P "  - name: a\n    program.X: {in: [enrolled]}\n", 4,
                   "unknown fact 'program.X'");
    expect_refused(P "  - name: a\n    any: [{any: [{any: [{any: [{any: [{any: [{any: [{status:"
                     " {in: [active]}}]}]}]}]}]}]}]\n",
                   4, "expressions nest at most 6 deep");
    expect_refused(
        "program: pct\nintake: maybe\ncriteria:\n  - name: a\n    status: {in: [active]}\n", 2,
        "intake: expected open, paused or closed");
    /* A key given twice in any mapping is refused by the YAML reader, on
     * the second one's line (the first format's criteria, an employer's
     * override and a criterion's name included). */
    expect_refused("program: pct\nprogram: pct\n", 2, "pct.yaml:2: duplicate key \"program\"");
    expect_refused(P "  - name: a\n    name: b\n    status: {in: [active]}\n", 4,
                   "duplicate key \"name\"");
    expect_refused(P "  status: {in: [active]}\n  status: {in: [leave]}\n", 4,
                   "duplicate key \"status\"");
    expect_refused(P "  - name: a\n    status: {in: [active]}\nemployers:\n  acme:\n"
                     "    min_tenure_days: 30\n    min_tenure_days: 60\n",
                   8, "duplicate key \"min_tenure_days\"");
    /* A key's problem is on the key's line, also when its value is a
     * block below it. */
    expect_refused(P "  - name: a\n    colour:\n      in: [red]\n", 4,
                   "pct.yaml:4: criterion 'a': unknown fact 'colour'");
    expect_refused(P "  - name: a\n    status:\n      above:\n        - active\n", 5,
                   "pct.yaml:5: criterion 'a': unknown operator 'above'");
    expect_refused(P "  - name: a\n    any:\n      - status:\n          in: [x]\n", 6,
                   "pct.yaml:6: criterion 'a': status.in: unknown value 'x'");
    expect_refused(P "  - name: a\n    all:\n      - colour:\n          in: [x]\n", 5,
                   "pct.yaml:5: criterion 'a': unknown fact 'colour'");
    expect_refused("program: pct\ncriteria:\n  - name: a\n    status: {in: [active]}\n"
                   "employers:\n  acme:\n    colour:\n      - red\n",
                   7, "pct.yaml:7: employer acme: unknown key 'colour'");
    expect_refused("program: pct\ncohorts:\n  - x\n", 2, "pct.yaml:2: unknown key 'cohorts'");
    /* YAML syntax: libyaml's problem and context, on its line. */
    expect_refused("program: pct\ncriteria:\n  - name: a\n   status: x\n", 4, "pct.yaml:4: ");
    expect_refused("", 0, "pct.yaml: the file is empty");
    expect_refused("program: pct\ncohorts: x\n", 2, "unknown key 'cohorts'");
    /* Settings that live in other files are refused, with where they live
     * (they used to be accepted and ignored). */
    expect_refused(P "  - name: a\n    status: {in: [active]}\ntemplates:\n  en: {}\n", 5,
                   "pct.yaml:5: 'templates' is not read from a program file: a program's "
                   "templates live in deploy/templates/<program>/");
    expect_refused(P "  - name: a\n    status: {in: [active]}\ncosts: {cost: 1}\n", 5,
                   "pct.yaml:5: 'costs' is not read from a program file: a program's target-role"
                   " cost lives in deploy/costs.yaml, programs.<program>");
}

/* The shipped example program loads, and decides a part-time aide with
 * MAPP in her past as the file says. */
static void test_pct_example(void **state)
{
    (void)state;
    static elig_rules_t r;
    static elig_result_t res;
    elig_facts_t f;
    parse(read_text("deploy/programs/pct.yaml"), &r);
    assert_string_equal(r.program, "pct");
    assert_int_equal(r.n_criteria, 10);
    someone(&f);
    set_text(&f, ELIG_TEXT_EDUCATION, "ged");
    f.standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    elig_rules_evaluate(&r, &f, TODAY, &res); /* 24 hours, part time, 200 days */
    assert_int_equal(res.outcome, ELIGIBLE);
    set_text(&f, ELIG_TEXT_PROGRAMS, "mapp=in_training");
    elig_rules_evaluate(&r, &f, TODAY, &res);
    assert_int_equal(res.outcome, NOT_ELIGIBLE);
    assert_string_equal(res.criteria[9].reason, "already in_training in mapp");
    set_text(&f, ELIG_TEXT_PROGRAMS, "");
    set_text(&f, ELIG_TEXT_EDUCATION, "");
    f.hire_date = f.period_start = TODAY - 100;
    elig_rules_evaluate(&r, &f, TODAY, &res);
    assert_int_equal(res.outcome, NOT_ELIGIBLE); /* tenure; education not on file: */
    assert_int_equal(res.eligible_from, ELIG_NO_DATE);
    set_text(&f, ELIG_TEXT_EDUCATION, "high_school");
    elig_rules_evaluate(&r, &f, TODAY, &res);
    assert_int_equal(res.eligible_from, TODAY + 80);
    elig_facts_clear(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapp_formats_agree), cmocka_unit_test(test_operators),
        cmocka_unit_test(test_forecasts),          cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_pct_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
