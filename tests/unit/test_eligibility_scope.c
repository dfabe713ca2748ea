/* The scope of a rule change (services/eligibility/scope.h), as a
 * property: for random pairs of rules that differ in one or two ways and
 * random employees, every employee outside the scope gets the same
 * signature (outcome, verdicts, eligible_from) under both rules. Also the
 * scope's size in simple cases (a tenure change names only the short
 * tenures; identical rules name nobody; switching a criterion names
 * everyone), and the normalization rules.c's comparison implies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eligibility/program.h"
#include "eligibility/rules.h"
#include "eligibility/scope.h"
#include "eligibility/spell.h"
#include "elig_random.h"
#include "pathways/date.h"

/* The signature elig_eval_employee compares: the evaluation under r, the
 * eligible spell advanced from the stored one (held days, end), the
 * employment status. */
static void signature(const elig_rules_t *r, const elig_facts_t *f, const elig_spell_t *stored,
                      int previous, char *out, size_t len)
{
    elig_result_t res;
    elig_spell_t spell = *stored;
    elig_rules_evaluate(r, f, TODAY, &res);
    elig_spell_update(&spell, r, f, previous, &res);
    elig_result_signature(&res, out, len);
    size_t used = strlen(out);
    snprintf(out + used, len - used, "|status=%d", f->status);
}

/* What the store holds for f under r: the spell and outcome of one
 * evaluation from nothing known. */
static int stored_under(const elig_rules_t *r, const elig_facts_t *f, elig_spell_t *spell)
{
    elig_result_t res;
    elig_spell_init(spell);
    elig_rules_evaluate(r, f, TODAY, &res);
    elig_spell_update(spell, r, f, 0, &res);
    return res.outcome;
}

static void test_outside_the_scope_nothing_changes(void **state)
{
    (void)state;
    static elig_rules_t old, new;
    size_t outside = 0, inside = 0;
    for (int pair = 0; pair < 2000; pair++) {
        random_pair(&old, &new);
        elig_scope_t scope;
        elig_scope_diff(&old, &new, &scope);
        assert_false(scope.all); /* no switch, exclusion mode or role changed */
        for (int e = 0; e < 200; e++) {
            elig_facts_t f = {0};
            char a[256], b[256];
            random_facts(&f);
            elig_spell_t stored;
            int outcome = stored_under(&old, &f, &stored);
            if (elig_scope_covers(&scope, &f, outcome, TODAY)) {
                inside++;
                elig_facts_clear(&f);
                continue;
            }
            outside++;
            signature(&old, &f, &stored, outcome, a, sizeof a);
            signature(&new, &f, &stored, outcome, b, sizeof b);
            elig_facts_clear(&f);
            if (strcmp(a, b) != 0)
                fail_msg("pair %d: employee outside the scope changed: %s -> %s", pair, a, b);
        }
    }
    /* The property was exercised on both sides. */
    assert_true(outside > 10000);
    assert_true(inside > 10000);
}

/* Parses a program text (aborting on an error). */
static void parse(const char *text, elig_rules_t *out)
{
    char err[512];
    unsigned line;
    if (elig_program_parse(text, strlen(text), "test", out, err, sizeof err, &line) != 0)
        fail_msg("%s", err);
}

#define HEAD "program: mapp\ncriteria:\n  - name: status\n    status: {in: [active]}\n"

static void test_scope_sizes(void **state)
{
    (void)state;
    static elig_rules_t old, new;
    elig_scope_t scope;
    elig_facts_t f = {0};
    memcpy(&old, elig_rules_mapp(), sizeof old);
    memcpy(&new, &old, sizeof new);
    elig_scope_diff(&old, &new, &scope);
    random_facts(&f);
    assert_false(scope.all);
    for (int i = 0; i < 500; i++) { /* identical rules: nobody */
        random_facts(&f);
        assert_false(elig_scope_covers(&scope, &f, 0, TODAY));
    }
    /* 90 -> 60: started in the last 90 days */
    parse(HEAD "  - name: tenure\n    tenure_days: {at_least: 90}\n", &old);
    parse(HEAD "  - name: tenure\n    tenure_days: {at_least: 60}\n", &new);
    elig_scope_diff(&old, &new, &scope);
    assert_false(scope.all);
    assert_int_equal(scope.tenure_days, 90);
    elig_facts_reset(&f, "acme", "E1");
    f.hire_date = TODAY - 90;
    assert_false(elig_scope_covers(&scope, &f, 0, TODAY));
    f.hire_date = TODAY - 89;
    assert_true(elig_scope_covers(&scope, &f, 0, TODAY));
    f.hire_date = ELIG_NO_DATE;
    assert_false(elig_scope_covers(&scope, &f, 0, TODAY));
    /* an hours bound 36 -> 32: those with 32..36 hours */
    parse(HEAD "  - name: hours\n    scheduled_hours: {at_least: 36}\n", &old);
    parse(HEAD "  - name: hours\n    scheduled_hours: {at_least: 32}\n", &new);
    elig_scope_diff(&old, &new, &scope);
    f.has_hours = 1;
    f.scheduled_hours = 33;
    assert_true(elig_scope_covers(&scope, &f, 0, TODAY));
    f.scheduled_hours = 40;
    assert_false(elig_scope_covers(&scope, &f, 0, TODAY));
    /* a criterion switched off, an operator changed, a tree reshaped: everyone */
    memcpy(&new, elig_rules_mapp(), sizeof new);
    new.n_criteria--;
    elig_scope_diff(elig_rules_mapp(), &new, &scope);
    assert_true(scope.all);
    parse(HEAD "  - name: hours\n    scheduled_hours: {at_most: 36}\n", &new);
    elig_scope_diff(&old, &new, &scope);
    assert_true(scope.all);
    parse(HEAD "  - name: hours\n    any: [{scheduled_hours: {at_least: 36}}]\n", &new);
    elig_scope_diff(&old, &new, &scope);
    assert_true(scope.all);
    /* a fact the scope cannot name: everyone */
    parse(HEAD "  - name: site\n    site: {in: [north]}\n", &old);
    parse(HEAD "  - name: site\n    site: {in: [south]}\n", &new);
    elig_scope_diff(&old, &new, &scope);
    assert_true(scope.all);
    elig_scope_diff(NULL, &new, &scope);
    assert_true(scope.all);
}

static void test_normalize_and_arrays(void **state)
{
    (void)state;
    char out[64];
    elig_scope_normalize("Food Service-Ünit", out, sizeof out);
    assert_string_equal(out, "food_service_Ünit"); /* ASCII only, as rules.c */
    elig_scope_t scope;
    static elig_rules_t old, new;
    parse(HEAD "  - name: job\n    job_family: {in: [clerical]}\n", &old);
    parse(HEAD "  - name: job\n    job_family: {in: [Food Service]}\n", &new);
    elig_scope_diff(&old, &new, &scope);
    pw_pgarray_t *a = elig_scope_array(&scope, ELIG_SCOPE_FAMILY);
    assert_non_null(a);
    assert_string_equal(pw_pgarray_text(a), "{\"clerical\",\"food_service\"}");
    pw_pgarray_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outside_the_scope_nothing_changes),
        cmocka_unit_test(test_scope_sizes),
        cmocka_unit_test(test_normalize_and_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
