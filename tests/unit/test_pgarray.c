/* PostgreSQL array literals: exact output, hostile elements (quotes,
 * backslashes, braces, commas, the word NULL, empty, spaces, UTF-8) read
 * back by PostgreSQL's rules for quoted elements, reuse after text(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pathways/pgarray.h"

static void test_empty_and_simple(void **state)
{
    (void)state;
    pw_pgarray_t *a = pw_pgarray_new();
    assert_non_null(a);
    assert_string_equal(pw_pgarray_text(a), "{}");
    assert_string_equal(pw_pgarray_text(a), "{}");
    assert_int_equal(pw_pgarray_add(a, "a"), 0);
    assert_int_equal(pw_pgarray_add(a, NULL), 0);
    assert_int_equal(pw_pgarray_add_i64(a, -9223372036854775807LL - 1), 0);
    assert_string_equal(pw_pgarray_text(a), "{\"a\",NULL,\"-9223372036854775808\"}");
    /* Adding after text() goes on with the same array. */
    assert_int_equal(pw_pgarray_add(a, ""), 0);
    assert_string_equal(pw_pgarray_text(a), "{\"a\",NULL,\"-9223372036854775808\",\"\"}");
    pw_pgarray_destroy(&a);
    assert_null(a);
    a = pw_pgarray_new();
    assert_int_equal(pw_pgarray_add(a, "a\"b\\c,{}"), 0);
    assert_string_equal(pw_pgarray_text(a), "{\"a\\\"b\\\\c,{}\"}");
    pw_pgarray_destroy(&a);
    pw_pgarray_destroy(&a);
    pw_pgarray_destroy(NULL);
}

/* Reads a literal made of quoted elements and NULLs the way PostgreSQL's
 * array_in does: inside quotes a backslash takes the next byte as is.
 * Returns the number of elements, each malloc'd (NULL for SQL NULL). */
static size_t parse(const char *s, char **out, size_t max)
{
    size_t n = 0;
    assert_true(*s++ == '{');
    while (*s != '}') {
        assert_true(n < max);
        if (strncmp(s, "NULL", 4) == 0) {
            out[n++] = NULL;
            s += 4;
        } else {
            assert_true(*s++ == '"');
            char *e = malloc(strlen(s) + 1), *w = e;
            assert_non_null(e);
            while (*s != '"') {
                assert_true(*s != '\0');
                if (*s == '\\')
                    s++;
                *w++ = *s++;
            }
            *w = '\0';
            s++;
            out[n++] = e;
        }
        if (*s == ',')
            s++;
        else
            assert_true(*s == '}');
    }
    assert_true(s[1] == '\0');
    return n;
}

static void test_hostile_elements_read_back(void **state)
{
    (void)state;
    static const char *const in[] = {
        "",
        "NULL",
        "null",
        " lead and trail ",
        "a,b",
        "{x}",
        "}",
        "{",
        "\"",
        "\\",
        "\\\"",
        "a\"b\\c{d},e",
        "\"NULL\"",
        "tab\there",
        "new\nline",
        "caf\xc3\xa9 \xe2\x82\xac",
        "\xf0\x9f\x98\x80",
        "'; DROP--",
        NULL,
        "\\\\\"\"\\",
    };
    const size_t n = sizeof in / sizeof in[0];
    pw_pgarray_t *a = pw_pgarray_new();
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pw_pgarray_add(a, in[i]), 0);
    char *got[32];
    assert_int_equal(parse(pw_pgarray_text(a), got, 32), n);
    for (size_t i = 0; i < n; i++) {
        if (!in[i])
            assert_null(got[i]);
        else
            assert_string_equal(got[i], in[i]);
        free(got[i]);
    }
    pw_pgarray_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_simple),
        cmocka_unit_test(test_hostile_elements_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
