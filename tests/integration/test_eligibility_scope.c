/* The scope of a rule change in SQL (the registry's page query) against
 * the same scope in C (elig_scope_covers), on a real PostgreSQL: a random
 * roster stored through the registry, then for random rule changes the
 * employees the page query returns are exactly those elig_scope_covers
 * names, page boundaries included. Together with the unit property
 * (outside the scope nothing changes) this makes a scoped re-evaluation
 * equal to a full one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elig_random.h"
#include "eligibility/registry.h"
#include "eligibility/scope.h"
#include "testdb.h"

#define ROSTER 3000
#define PAGE   700 /* several pages, the last one partial */

static elig_employee_t roster[ROSTER], page[PAGE];

static void store_roster(pw_db_t *db)
{
    for (size_t i = 0; i < ROSTER; i++) {
        memset(&roster[i], 0, sizeof roster[i]);
        random_facts(&roster[i].facts);
        snprintf(roster[i].facts.employee, sizeof roster[i].facts.employee, "E%05zu", i);
        roster[i].dirty = 1;
    }
    assert_int_equal(pw_db_begin(db), 0);
    assert_int_equal(elig_registry_save(db, roster, ROSTER), 0);
    assert_int_equal(pw_db_commit(db), 0);
    /* Every third employee has a current determination, eligible or not. */
    assert_int_equal(
        pw_db_exec(db,
                   "INSERT INTO eligibility.current_determination (employer, employee,"
                   " program, outcome, criteria, signature, rule_version, as_of)"
                   " SELECT employer, employee, 'mapp', CASE WHEN employee < 'E01500'"
                   " THEN 'eligible' ELSE 'not_eligible' END, '[]', '', 1, now()::date"
                   " FROM eligibility.employee WHERE right(employee, 1) IN ('0', '3', '6')",
                   0, NULL),
        0);
}

/* The outcome the store holds for employee i (0: none), as above. */
static int stored_outcome(size_t i)
{
    if (i % 10 != 0 && i % 10 != 3 && i % 10 != 6)
        return 0;
    return i < 1500 ? PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
                    : PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE;
}

/* How many employees the page query returns under scope; each must be
 * covered in C, and their number must equal the C count. */
static size_t sql_count(pw_db_t *db, const elig_scope_t *scope)
{
    char employer[ELIG_SUBJECT_MAX + 1] = "", employee[ELIG_SUBJECT_MAX + 1] = "";
    size_t total = 0, n;
    do {
        assert_int_equal(elig_registry_page(db, elig_rules_mapp(), scope, TODAY, employer, employee,
                                            page, PAGE, &n),
                         0);
        for (size_t i = 0; i < n; i++)
            if (!elig_scope_covers(scope, &page[i].facts, page[i].outcome, TODAY))
                fail_msg("SQL returned %s/%s, which the C scope leaves out", page[i].facts.employer,
                         page[i].facts.employee);
        total += n;
        if (n) {
            snprintf(employer, sizeof employer, "%s", page[n - 1].facts.employer);
            snprintf(employee, sizeof employee, "%s", page[n - 1].facts.employee);
        }
    } while (n == PAGE);
    return total;
}

static void test_sql_scope_equals_c_scope(void **state)
{
    (void)state;
    pw_db_t *db = pw_testdb_fresh("pathways_it_elig_scope", "all", NULL, 0);
    store_roster(db);
    static elig_rules_t old, new;
    elig_scope_t everyone;
    elig_scope_everyone(&everyone);
    assert_int_equal(sql_count(db, &everyone), ROSTER);
    size_t some = 0, eligible_branch = 0;
    for (int pair = 0; pair < 60; pair++) {
        random_pair(&old, &new);
        elig_scope_t scope;
        elig_scope_diff(&old, &new, &scope);
        size_t c = 0;
        for (size_t i = 0; i < ROSTER; i++)
            c += (size_t)elig_scope_covers(&scope, &roster[i].facts, stored_outcome(i), TODAY);
        assert_int_equal(sql_count(db, &scope), c);
        eligible_branch += (size_t)scope.eligible;
        some += c > 0 && c < ROSTER;
    }
    assert_true(some > 30);           /* most changes name some employees, not all */
    assert_true(eligible_branch > 5); /* tenure changes named the eligible ones */
    pw_db_destroy(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sql_scope_equals_c_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
