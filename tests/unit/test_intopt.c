/* The tools' integer-option parser, fed hostile text in libssh's manner:
 * empty, NULL, signs alone, spaces, trailing bytes, embedded NUL (the
 * parser sees the text up to it), hexadecimal and octal-looking forms,
 * overflow past 64 bits, huge runs of digits, and each range edge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "intopt.h"

static void test_int_edges(void **state)
{
    (void)state;
    int v = 42;
    assert_int_equal(pwt_parse_int("0", 0, 10, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(pwt_parse_int("10", 0, 10, &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(pwt_parse_int("-5", -5, 5, &v), 0);
    assert_int_equal(v, -5);
    assert_int_equal(pwt_parse_int("+5", -5, 5, &v), 0);
    assert_int_equal(pwt_parse_int("007", 0, 10, &v), 0); /* decimal, not octal */
    assert_int_equal(v, 7);
    v = 42;
    const char *bad[] = {"",    "-",   "+",   " 1", "1 ", "1\n", "\t1", "0x10", "1e3",
                         "1.0", "--1", "+-1", "11", "-6", "abc", "1a",  "١",    "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pwt_parse_int(bad[i], -5, 10, &v) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
    assert_int_equal(v, 42); /* untouched on failure */
    assert_int_equal(pwt_parse_int(NULL, 0, 10, &v), -1);
    /* The full int range, and one past each end. */
    assert_int_equal(pwt_parse_int("2147483647", INT_MIN, INT_MAX, &v), 0);
    assert_int_equal(v, INT_MAX);
    assert_int_equal(pwt_parse_int("-2147483648", INT_MIN, INT_MAX, &v), 0);
    assert_int_equal(v, INT_MIN);
    assert_int_equal(pwt_parse_int("2147483648", INT_MIN, INT_MAX, &v), -1);
    assert_int_equal(pwt_parse_int("-2147483649", INT_MIN, INT_MAX, &v), -1);
}

static void test_embedded_nul(void **state)
{
    (void)state;
    /* A C string ends at its first NUL: "12\0junk" is "12". */
    const char text[] = "12\0junk";
    int v;
    assert_int_equal(pwt_parse_int(text, 0, 100, &v), 0);
    assert_int_equal(v, 12);
    assert_int_equal(pwt_parse_int("\0"
                                   "12",
                                   0, 100, &v),
                     -1);
}

static void test_64_bits(void **state)
{
    (void)state;
    int64_t s;
    uint64_t u;
    assert_int_equal(pwt_parse_i64("9223372036854775807", 0, INT64_MAX, &s), 0);
    assert_true(s == INT64_MAX);
    assert_int_equal(pwt_parse_i64("-9223372036854775808", INT64_MIN, 0, &s), 0);
    assert_true(s == INT64_MIN);
    assert_int_equal(pwt_parse_i64("9223372036854775808", 0, INT64_MAX, &s), -1);
    assert_int_equal(pwt_parse_i64("-9223372036854775809", INT64_MIN, 0, &s), -1);
    assert_int_equal(pwt_parse_u64("18446744073709551615", 0, UINT64_MAX, &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(pwt_parse_u64("18446744073709551616", 0, UINT64_MAX, &u), -1);
    /* strtoull would take "-1" as UINT64_MAX: refused. */
    assert_int_equal(pwt_parse_u64("-1", 0, UINT64_MAX, &u), -1);
    assert_int_equal(pwt_parse_u64("+1", 0, UINT64_MAX, &u), -1);
    assert_int_equal(pwt_parse_u64("5", 6, 9, &u), -1);
    assert_int_equal(pwt_parse_u64(NULL, 0, 9, &u), -1);
}

static void test_huge(void **state)
{
    (void)state;
    /* A megabyte of digits overflows; a megabyte of zeros then 7 is 7. */
    size_t n = 1u << 20;
    char *s = malloc(n + 2);
    assert_non_null(s);
    memset(s, '9', n);
    s[n] = '\0';
    int64_t v;
    assert_int_equal(pwt_parse_i64(s, INT64_MIN, INT64_MAX, &v), -1);
    memset(s, '0', n);
    s[n] = '7';
    s[n + 1] = '\0';
    assert_int_equal(pwt_parse_i64(s, 0, 10, &v), 0);
    assert_true(v == 7);
    free(s);
}

static void test_option_message(void **state)
{
    (void)state;
    int v = 3;
    assert_int_equal(pwt_int_option("tool", "--n", "4", 1, 9, &v), 0);
    assert_int_equal(v, 4);
    assert_int_equal(pwt_int_option("tool", "--n", "40", 1, 9, &v), -1);
    assert_int_equal(pwt_int_option("tool", "--n", NULL, 1, 9, &v), -1);
    assert_int_equal(v, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_edges),      cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_64_bits),        cmocka_unit_test(test_huge),
        cmocka_unit_test(test_option_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
