/* Array literals: hostile elements (quotes, backslashes, braces, commas,
 * the word NULL, empty, UTF-8) survive a round trip through a parser that
 * follows PostgreSQL's array_in rules for quoted elements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pathways/pgarray.h"

#define MAX_ITEMS 16

/* Parses a one-dimensional literal into items (malloc'd; NULL for SQL
 * NULL). Returns the count, or -1 when the text is not a literal. */
static int parse(const char *s, char **items)
{
    int n = 0;
    if (*s++ != '{')
        return -1;
    if (*s == '}')
        return s[1] ? -1 : 0;
    for (;;) {
        if (n == MAX_ITEMS)
            return -1;
        if (strncmp(s, "NULL", 4) == 0 && (s[4] == ',' || s[4] == '}')) {
            items[n++] = NULL;
            s += 4;
        } else if (*s == '"') {
            char *out = calloc(strlen(s) + 1, 1), *o = out;
            for (s++; *s && *s != '"'; s++)
                *o++ = *s == '\\' ? *++s : *s;
            if (*s++ != '"')
                return -1;
            items[n++] = out;
        } else {
            return -1; /* every element the builder writes is quoted */
        }
        if (*s == '}')
            return s[1] ? -1 : n;
        if (*s++ != ',')
            return -1;
    }
}

static void test_empty_array(void **state)
{
    (void)state;
    pw_pgarray_t *a = pw_pgarray_new();
    assert_non_null(a);
    assert_string_equal(pw_pgarray_text(a), "{}");
    pw_pgarray_destroy(&a);
    assert_null(a);
    pw_pgarray_destroy(&a); /* safe twice */
    pw_pgarray_destroy(NULL);
}

static void test_exact_text(void **state)
{
    (void)state;
    pw_pgarray_t *a = pw_pgarray_new();
    assert_int_equal(pw_pgarray_add(a, "a"), 0);
    assert_int_equal(pw_pgarray_add(a, NULL), 0);
    assert_int_equal(pw_pgarray_add(a, "NULL"), 0);
    assert_int_equal(pw_pgarray_add(a, ""), 0);
    assert_int_equal(pw_pgarray_add(a, "say \"hi\" \\o/"), 0);
    assert_string_equal(pw_pgarray_text(a), "{\"a\",NULL,\"NULL\",\"\",\"say \\\"hi\\\" \\\\o/\"}");
    pw_pgarray_reset(a);
    assert_string_equal(pw_pgarray_text(a), "{}");
    assert_int_equal(pw_pgarray_add_i64(a, INT64_MIN), 0);
    assert_int_equal(pw_pgarray_add_i64(a, 0), 0);
    assert_int_equal(pw_pgarray_add_i64(a, 42), 0);
    assert_string_equal(pw_pgarray_text(a), "{-9223372036854775808,0,42}");
    pw_pgarray_destroy(&a);
}

static void test_hostile_round_trip(void **state)
{
    (void)state;
    const char *hostile[] = {"\"",   "\\",   "{",     "}",        ",",      "{a,b}",
                             "NULL", "null", "",      " spaced ", "\\\"\\", "María ñ €",
                             "\t\n", NULL,   "end\\", "\"NULL\""};
    size_t n = sizeof hostile / sizeof hostile[0];
    pw_pgarray_t *a = pw_pgarray_new();
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pw_pgarray_add(a, hostile[i]), 0);
    char *items[MAX_ITEMS] = {0};
    assert_int_equal(parse(pw_pgarray_text(a), items), (int)n);
    for (size_t i = 0; i < n; i++) {
        if (!hostile[i])
            assert_null(items[i]);
        else
            assert_string_equal(items[i], hostile[i]);
        free(items[i]);
    }
    pw_pgarray_destroy(&a);
}

static void test_reset_reuses(void **state)
{
    (void)state;
    pw_pgarray_t *a = pw_pgarray_new();
    for (int round = 0; round < 3; round++) {
        pw_pgarray_reset(a);
        for (int i = 0; i < 1000; i++)
            assert_int_equal(pw_pgarray_add(a, "x,y"), 0);
        const char *t = pw_pgarray_text(a);
        assert_int_equal(strlen(t), 2 + 1000 * 5 + 999);
    }
    pw_pgarray_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_array),
        cmocka_unit_test(test_exact_text),
        cmocka_unit_test(test_hostile_round_trip),
        cmocka_unit_test(test_reset_reuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
