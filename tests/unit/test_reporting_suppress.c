/* Unit tests for small-cell suppression (services/reporting/suppress.c):
 * primary suppression of 1..10, complementary suppression along rows and
 * columns with totals, zeros published, bad groups refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "reporting/suppress.h"

/*          c0   c1  total
 *   r0     20    5     25      cells 0 1 2
 *   r1     30   40     70      cells 3 4 5
 *   total  50   45     95      cells 6 7 8
 * 5 is primary. Row r0 then gives it away (25 - 20), so 20 goes too; column
 * c1 (45 - 40) costs 40, column c0 (50 - 20) costs 30: the 2x2 block
 * {20, 5, 30, 40} is withheld and no published total recovers any of it. */
static void test_two_by_two_with_totals(void **state)
{
    (void)state;
    static const uint64_t v[] = {20, 5, 25, 30, 40, 70, 50, 45, 95};
    static const size_t r0[] = {0, 1, 2}, r1[] = {3, 4, 5}, rt[] = {6, 7, 8};
    static const size_t c0[] = {0, 3, 6}, c1[] = {1, 4, 7}, ct[] = {2, 5, 8};
    const suppress_group_t g[] = {{r0, 3}, {r1, 3}, {rt, 3}, {c0, 3}, {c1, 3}, {ct, 3}};
    uint8_t s[9] = {0};
    assert_int_equal(suppress_apply(v, 9, g, 6, SUPPRESS_THRESHOLD, s), 4);
    static const uint8_t want[] = {1, 1, 0, 1, 1, 0, 0, 0, 0};
    assert_memory_equal(s, want, sizeof want);
}

/* Parts 0, 12, 3 of total 15: the 3 is primary; the complement is the 12
 * (smallest non-zero), never the published zero. */
static void test_zero_is_published_and_not_a_complement(void **state)
{
    (void)state;
    static const uint64_t v[] = {0, 12, 3, 15};
    static const size_t all[] = {0, 1, 2, 3};
    const suppress_group_t g[] = {{all, 4}};
    uint8_t s[4] = {0};
    assert_int_equal(suppress_apply(v, 4, g, 1, SUPPRESS_THRESHOLD, s), 2);
    static const uint8_t want[] = {0, 1, 1, 0};
    assert_memory_equal(s, want, sizeof want);
}

static void test_threshold_edges_and_forced_cells(void **state)
{
    (void)state;
    assert_false(suppress_small(0, 11));
    assert_true(suppress_small(1, 11));
    assert_true(suppress_small(10, 11));
    assert_false(suppress_small(11, 11));
    /* A forced cell (e.g. a comparison group shown only with its partner)
     * takes a complement like a primary one. */
    static const uint64_t v[] = {40, 50, 90};
    static const size_t all[] = {0, 1, 2};
    const suppress_group_t g[] = {{all, 3}};
    uint8_t s[3] = {0, 1, 0};
    assert_int_equal(suppress_apply(v, 3, g, 1, SUPPRESS_THRESHOLD, s), 2);
    assert_int_equal(s[0], 1);
    assert_int_equal(s[2], 0);
}

static void test_bad_group(void **state)
{
    (void)state;
    static const uint64_t v[] = {1, 2};
    static const size_t bad[] = {0, 5};
    const suppress_group_t g[] = {{bad, 2}};
    uint8_t s[2] = {0};
    assert_int_equal(suppress_apply(v, 2, g, 1, SUPPRESS_THRESHOLD, s), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_by_two_with_totals),
        cmocka_unit_test(test_zero_is_published_and_not_a_complement),
        cmocka_unit_test(test_threshold_edges_and_forced_cells),
        cmocka_unit_test(test_bad_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
