/* pw_buf (text, JSON strings, array literals) and the JSON escaper, fed
 * hostile bytes in libssh's manner: embedded NULs, invalid and truncated
 * UTF-8, overlongs, surrogates, control characters, huge inputs, empty
 * and NULL strings, and the sticky failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pathways/buf.h"
#include "pathways/json.h"

/* The quoted JSON string of len bytes at s. Caller frees. */
static char *json_of(const char *s, size_t len)
{
    pw_buf_t b = {0};
    pw_buf_json_strn(&b, s, len);
    assert_true(pw_buf_ok(&b));
    char *out = strdup(pw_buf_str(&b));
    pw_buf_release(&b);
    return out;
}

/* Parses a JSON string literal with jansson (which insists on valid UTF-8
 * and JSON escapes) and returns its decoded length, or -1. */
static long decoded_len(const char *quoted, char *out, size_t cap)
{
    json_error_t e;
    json_t *v = json_loads(quoted, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!json_is_string(v)) {
        json_decref(v);
        return -1;
    }
    size_t n = json_string_length(v);
    if (out && n < cap) {
        memcpy(out, json_string_value(v), n);
        out[n] = '\0';
    }
    json_decref(v);
    return (long)n;
}

static void test_text_basics(void **state)
{
    (void)state;
    pw_buf_t b;
    pw_buf_init(&b);
    assert_string_equal(pw_buf_str(&b), "");
    assert_true(pw_buf_ok(&b));
    pw_buf_puts(&b, "");
    pw_buf_append(&b, "ab\0cd", 5); /* embedded NUL kept, counted */
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, "ab\0cd", 6);
    pw_buf_printf(&b, "%d-%s", -7, "x");
    assert_int_equal(b.len, 9);
    assert_memory_equal(b.data + 5, "-7-x", 5);
    assert_int_equal(pw_buf_add(&b, "", 0), 0);
    pw_buf_clear(&b);
    assert_string_equal(pw_buf_str(&b), "");
    assert_int_equal(b.len, 0);
    pw_buf_release(&b);
    pw_buf_release(&b); /* twice is safe */
    assert_null(b.data);
}

static void test_huge_and_sticky_failure(void **state)
{
    (void)state;
    /* 8 MiB through printf and append: the buffer grows, stays exact. */
    size_t n = 8u << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    pw_buf_t b = {0};
    pw_buf_printf(&b, "%s", big);
    pw_buf_append(&b, big, n);
    assert_true(pw_buf_ok(&b));
    assert_int_equal(b.len, 2 * n);
    assert_int_equal(strlen(pw_buf_str(&b)), 2 * n);
    /* A length no allocator can meet fails, sticks, and later appends do
     * nothing; the text reads as "" and pw_buf_add reports it. */
    pw_buf_append(&b, big, SIZE_MAX - 8);
    assert_false(pw_buf_ok(&b));
    assert_string_equal(pw_buf_str(&b), "");
    pw_buf_puts(&b, "more");
    assert_int_equal(pw_buf_add(&b, "x", 1), -1);
    pw_buf_arr_add(&b, "a");
    assert_string_equal(pw_buf_array(&b), "");
    assert_false(pw_buf_ok(&b));
    pw_buf_clear(&b); /* forgets the failure */
    pw_buf_puts(&b, "ok");
    assert_string_equal(pw_buf_str(&b), "ok");
    pw_buf_release(&b);
    free(big);
}

static void test_json_exact(void **state)
{
    (void)state;
    char *s = json_of("a\"b\\c\n\x01\x7f/", 9);
    assert_string_equal(s, "\"a\\\"b\\\\c\\u000a\\u0001\\u007f/\"");
    free(s);
    s = json_of("", 0);
    assert_string_equal(s, "\"\"");
    free(s);
    pw_buf_t b = {0};
    pw_buf_json_str(&b, NULL);
    pw_buf_json_kv(&b, 1, "k", "v");
    pw_buf_json_kv(&b, 0, "k\"2", NULL);
    assert_string_equal(pw_buf_str(&b), "\"\"\"k\":\"v\",\"k\\\"2\":\"\"");
    pw_buf_release(&b);
    /* Embedded NUL: written as \u0000, not a cut. */
    s = json_of("a\0b", 3);
    assert_string_equal(s, "\"a\\u0000b\"");
    free(s);
}

static void test_json_utf8(void **state)
{
    (void)state;
    /* Valid sequences of every length pass through unchanged. */
    const char ok[] = "\x41\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    char *s = json_of(ok, sizeof ok - 1);
    char dec[64];
    assert_int_equal(decoded_len(s, dec, sizeof dec), (long)(sizeof ok - 1));
    assert_string_equal(dec, ok);
    free(s);
    /* Each invalid form becomes U+FFFD per bad byte; the output is always
     * valid JSON and valid UTF-8 (jansson refuses anything else). */
    static const struct {
        const char *in;
        size_t len, bad;
    } bad[] = {
        {"\x80", 1, 1},             /* stray continuation */
        {"\xc0\xaf", 2, 2},         /* overlong '/' */
        {"\xe0\x80\xaf", 3, 3},     /* overlong, 3 bytes */
        {"\xed\xa0\x80", 3, 3},     /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", 4, 4}, /* above U+10FFFF */
        {"\xf5\x80\x80\x80", 4, 4}, /* never valid lead */
        {"\xe2\x82", 2, 2},         /* truncated at the end */
        {"\xe2\x82"
         "A",
         3, 2}, /* truncated before ASCII */
        {"\xff\xfe", 2, 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s = json_of(bad[i].in, bad[i].len);
        long n = decoded_len(s, dec, sizeof dec);
        assert_true(n >= 0);
        size_t fffd = 0;
        for (const char *p = dec; (p = strstr(p, "\xef\xbf\xbd")) != NULL; p += 3)
            fffd++;
        assert_int_equal(fffd, bad[i].bad);
        free(s);
    }
    /* The character escaper never reads past len. */
    char out[PW_JSON_ESC_MAX];
    size_t used;
    assert_int_equal(pw_json_escape_char("\xf0\x9f\x98\x80", 3, out, &used), 6);
    assert_int_equal(used, 1);
    assert_int_equal(pw_json_escape_char("\xf0\x9f\x98\x80", 4, out, &used), 4);
    assert_int_equal(used, 4);
}

static void test_json_random_bytes(void **state)
{
    (void)state;
    /* 64 KiB of every byte value in pseudo-random order: still one valid
     * JSON string. */
    size_t n = 1u << 16;
    char *in = malloc(n);
    assert_non_null(in);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        in[i] = (char)(x & 0xff);
    }
    char *s = json_of(in, n);
    assert_true(decoded_len(s, NULL, 0) > 0);
    free(s);
    free(in);
}

static void test_array_literals(void **state)
{
    (void)state;
    pw_buf_t b = {0};
    assert_string_equal(pw_buf_array(&b), "{}");
    assert_string_equal(pw_buf_array(&b), "{}");
    pw_buf_arr_add(&b, "a");
    pw_buf_arr_add(&b, NULL);
    pw_buf_arr_add_i64(&b, INT64_MIN);
    pw_buf_arr_add_date(&b, 0);
    pw_buf_arr_add_date(&b, INT32_MIN);
    assert_string_equal(pw_buf_array(&b), "{\"a\",NULL,-9223372036854775808,\"1970-01-01\",NULL}");
    pw_buf_arr_add(&b, "a\"b\\c,{}NULL");
    pw_buf_arr_add(&b, "");
    assert_string_equal(pw_buf_array(&b), "{\"a\",NULL,-9223372036854775808,\"1970-01-01\",NULL,"
                                          "\"a\\\"b\\\\c,{}NULL\",\"\"}");
    pw_buf_clear(&b);
    pw_buf_arr_add(&b, "x");
    assert_string_equal(pw_buf_array(&b), "{\"x\"}");
    pw_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_basics),       cmocka_unit_test(test_huge_and_sticky_failure),
        cmocka_unit_test(test_json_exact),        cmocka_unit_test(test_json_utf8),
        cmocka_unit_test(test_json_random_bytes), cmocka_unit_test(test_array_literals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
