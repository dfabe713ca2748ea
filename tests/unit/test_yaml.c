/* The common YAML reader, fed hostile documents in libssh's manner:
 * embedded NULs (raw and escaped), invalid UTF-8, an alias bomb, deep
 * nesting, a huge flat document, duplicate and non-scalar keys, empty
 * input; line numbers; the integer and number readers at and past their
 * edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/yaml.h"

/* Parses text expecting failure with a reason containing want. */
static void refused(const char *text, size_t len, const char *want)
{
    char err[256] = "";
    json_t *v = pw_yaml_parse(text, len, "t", err, sizeof err);
    if (v) {
        json_decref(v);
        fail_msg("accepted, wanted refusal \"%s\"", want);
    }
    if (!strstr(err, want))
        fail_msg("reason \"%s\" lacks \"%s\"", err, want);
}

static void test_plain(void **state)
{
    (void)state;
    char err[256];
    const char text[] = "a: 1\nb: [x, \"y\"]\nc:\n  d: true\n";
    pw_yaml_t *y = pw_yaml_open_text(text, sizeof text - 1, "plain", err, sizeof err);
    assert_non_null(y);
    json_t *root = pw_yaml_root(y);
    assert_string_equal(json_string_value(json_object_get(root, "a")), "1");
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "b"), 1)), "y");
    const json_t *c = json_object_get(root, "c");
    assert_int_equal(pw_yaml_line(y, json_object_get(root, "a")), 1);
    assert_int_equal(pw_yaml_line(y, c), 4);
    assert_int_equal(pw_yaml_line(y, json_object_get(c, "d")), 4);
    assert_int_equal(pw_yaml_line(y, NULL), 0);
    json_t *other = json_string("x");
    assert_int_equal(pw_yaml_line(y, other), 0);
    json_decref(other);
    assert_string_equal(pw_yaml_name(y), "plain");
    pw_yaml_destroy(&y);
    pw_yaml_destroy(&y);
    assert_null(y);
    /* Empty input and an empty document are an empty mapping. */
    json_t *e = pw_yaml_parse("", 0, "t", err, sizeof err);
    assert_true(json_is_object(e) && json_object_size(e) == 0);
    json_decref(e);
    e = pw_yaml_parse("---\n", 4, "t", err, sizeof err);
    assert_true(json_is_object(e));
    json_decref(e);
}

/* Keys have lines of their own (a block value starts below its key), an
 * alias's copy keeps the key it is written under, and mapping keys iterate
 * in the order the file writes them (readers rely on both). */
static void test_key_lines_and_order(void **state)
{
    (void)state;
    char err[256];
    const char text[] = "zeta: 1\n"           /* 1 */
                        "alpha:\n"            /* 2 */
                        "  - &w word\n"       /* 3 */
                        "mid:\n"              /* 4 */
                        "  inner:\n"          /* 5 */
                        "    deep: x\n"       /* 6 */
                        "  again: *w\n"       /* 7 */
                        "\"quoted key\": 2\n" /* 8 */
                        "? long\n"            /* 9 */
                        ": 3\n";              /* 10 */
    pw_yaml_t *y = pw_yaml_open_text(text, sizeof text - 1, "keys", err, sizeof err);
    if (!y)
        fail_msg("%s", err);
    const json_t *root = pw_yaml_root(y), *mid = json_object_get(root, "mid");
    assert_int_equal(pw_yaml_key_line(y, root, "zeta"), 1);
    assert_int_equal(pw_yaml_key_line(y, root, "alpha"), 2);
    assert_int_equal(pw_yaml_line(y, json_object_get(root, "alpha")), 3);
    assert_int_equal(pw_yaml_key_line(y, root, "mid"), 4);
    assert_int_equal(pw_yaml_key_line(y, mid, "inner"), 5);
    assert_int_equal(pw_yaml_line(y, json_object_get(mid, "inner")), 6);
    assert_int_equal(pw_yaml_key_line(y, json_object_get(mid, "inner"), "deep"), 6);
    /* the alias's value is the anchor's node (line 3), its key is here */
    assert_int_equal(pw_yaml_key_line(y, mid, "again"), 7);
    assert_int_equal(pw_yaml_line(y, json_object_get(mid, "again")), 3);
    assert_int_equal(pw_yaml_key_line(y, root, "quoted key"), 8);
    assert_int_equal(pw_yaml_key_line(y, root, "long"), 9);
    assert_int_equal(pw_yaml_line(y, json_object_get(root, "long")), 10);
    /* not a key, not a mapping, not this document's */
    assert_int_equal(pw_yaml_key_line(y, root, "nope"), 0);
    assert_int_equal(pw_yaml_key_line(y, root, NULL), 0);
    assert_int_equal(pw_yaml_key_line(y, json_object_get(root, "alpha"), "0"), 0);
    assert_int_equal(pw_yaml_key_line(y, NULL, "zeta"), 0);
    json_t *other = json_pack("{s:s}", "zeta", "1");
    assert_int_equal(pw_yaml_key_line(y, other, "zeta"), 0);
    json_decref(other);
    /* the file's order, not the alphabet's or the hash's */
    const char *want[] = {"zeta", "alpha", "mid", "quoted key", "long"};
    const char *key;
    json_t *v;
    size_t i = 0;
    json_object_foreach((json_t *)root, key, v)
    {
        assert_true(i < 5);
        assert_string_equal(key, want[i++]);
    }
    assert_int_equal(i, 5);
    pw_yaml_destroy(&y);
    /* many keys keep their order too (past any small-table special case) */
    char many[4096];
    size_t len = 0;
    for (int k = 99; k >= 0; k--)
        len += (size_t)snprintf(many + len, sizeof many - len, "k%d: %d\n", k, k);
    y = pw_yaml_open_text(many, len, "many", err, sizeof err);
    assert_non_null(y);
    int expect = 99;
    json_object_foreach(pw_yaml_root(y), key, v)
    {
        char name[16];
        snprintf(name, sizeof name, "k%d", expect);
        assert_string_equal(key, name);
        assert_int_equal(pw_yaml_key_line(y, pw_yaml_root(y), key), (size_t)(100 - expect));
        expect--;
    }
    assert_int_equal(expect, -1);
    pw_yaml_destroy(&y);
}

static void test_hostile_bytes(void **state)
{
    (void)state;
    /* A raw NUL in the input, invalid UTF-8, a lone continuation byte. */
    refused("a: b\0c\n", 7, "t:");
    refused("a: \xff\xfe\n", 7, "t:");
    refused("a: \xc3\x28\n", 6, "t:");
    refused("a: \xed\xa0\x80\n", 7, "t:");
    /* An escaped NUL in a key is refused; in a value it is kept, and the
     * integer reader refuses it. */
    refused("\"a\\0b\": 1\n", 10, "NUL");
    char err[256];
    json_t *v = pw_yaml_parse("a: \"1\\02\"\n", 10, "t", err, sizeof err);
    assert_non_null(v);
    long n;
    assert_int_equal(pw_yaml_int(json_object_get(v, "a"), 0, 100, &n), -1);
    json_decref(v);
    /* Syntax errors name the line. */
    refused("a: 1\nb: [\n", 10, "t:");
    /* with libyaml's context: what it was reading when it stopped */
    refused("a: 1\n b: 2\n", 11, "t:2: mapping values are not allowed in this context");
    refused("a:\n  - x\n  y: 1\n", 16,
            "t:3: did not find expected '-' indicator while parsing a block collection");
    refused("a: 1\na: 2\n", 10, "t:2: duplicate key \"a\"");
    refused("[a]: 1\n", 7, "mapping keys must be plain words");
    refused("? {x: 1}\n: 2\n", 13, "mapping keys must be plain words");
}

static void test_bombs(void **state)
{
    (void)state;
    /* Billion laughs: each level references the previous nine times. */
    char bomb[2048];
    size_t len = (size_t)snprintf(bomb, sizeof bomb, "a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'j'; c++)
        len += (size_t)snprintf(bomb + len, sizeof bomb - len,
                                "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", c, c,
                                c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
    refused(bomb, len, "too many nodes");
    /* Nesting past the bound. */
    char deep[512];
    size_t d = 0;
    for (int i = 0; i < 100; i++)
        deep[d++] = '[';
    for (int i = 0; i < 100; i++)
        deep[d++] = ']';
    refused(deep, d, "nested too deeply");
    /* A huge flat list under the node bound is read whole. */
    size_t items = 100000, cap = items * 4 + 16;
    char *big = malloc(cap), *p = big;
    assert_non_null(big);
    p += sprintf(p, "- ");
    for (size_t i = 0; i < items; i++)
        p += sprintf(p, "%s", i ? "\n- 7" : "7");
    char err[256];
    json_t *v = pw_yaml_parse(big, (size_t)(p - big), "t", err, sizeof err);
    if (!v)
        fail_msg("%s", err);
    assert_int_equal(json_array_size(v), items);
    json_decref(v);
    free(big);
}

static void test_int(void **state)
{
    (void)state;
    long n = 0;
    json_t *v;
#define INT_OK(text, lo, hi, want)                                                                 \
    v = json_string(text);                                                                         \
    assert_int_equal(pw_yaml_int(v, lo, hi, &n), 0);                                               \
    assert_int_equal(n, want);                                                                     \
    json_decref(v)
#define INT_BAD(text, lo, hi)                                                                      \
    v = json_string(text);                                                                         \
    assert_int_equal(pw_yaml_int(v, lo, hi, &n), -1);                                              \
    json_decref(v)
    INT_OK("7", 0, 10, 7);
    INT_OK("-3", -5, 5, -3);
    INT_OK("+3", 0, 5, 3);
    INT_OK("0", 0, 0, 0);
    INT_BAD("", 0, 10);
    INT_BAD(" 7", 0, 10);
    INT_BAD("7 ", 0, 10);
    INT_BAD("7x", 0, 10);
    INT_BAD("0x10", 0, 100);
    INT_BAD("11", 0, 10);
    INT_BAD("-1", 0, 10);
    INT_BAD("99999999999999999999999", 0, LONG_MAX);
    INT_BAD("-99999999999999999999999", LONG_MIN, 0);
    INT_BAD("1.5", 0, 10);
    v = json_integer(5);
    assert_int_equal(pw_yaml_int(v, 0, 10, &n), 0);
    assert_int_equal(n, 5);
    json_decref(v);
    v = json_integer(11);
    assert_int_equal(pw_yaml_int(v, 0, 10, &n), -1);
    json_decref(v);
    assert_int_equal(pw_yaml_int(NULL, 0, 10, &n), -1);
    v = json_array();
    assert_int_equal(pw_yaml_int(v, 0, 10, &n), -1);
    json_decref(v);
}

static void test_number(void **state)
{
    (void)state;
    double d = 0;
    json_t *v;
    const char *good[] = {"0", "14200", "14200.50", ".5", "1e3"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        v = json_string(good[i]);
        assert_int_equal(pw_yaml_number(v, 0, 1e7, &d), 0);
        json_decref(v);
    }
    const char *bad[] = {"", " 1", "1 ", "nan", "inf", "-inf", "0x10", "1e400", "-1", "1e8", "$5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = json_string(bad[i]);
        if (pw_yaml_number(v, 0, 1e7, &d) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        json_decref(v);
    }
}

static void test_file(void **state)
{
    (void)state;
    char err[256];
    assert_null(pw_yaml_load("/nonexistent/x.yaml", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/x.yaml"));
    char path[] = "/tmp/pw-yaml-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("a: 1\n\nb: [\n", f);
    fclose(f);
    assert_null(pw_yaml_load(path, err, sizeof err));
    assert_non_null(strstr(err, path));
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),         cmocka_unit_test(test_key_lines_and_order),
        cmocka_unit_test(test_hostile_bytes), cmocka_unit_test(test_bombs),
        cmocka_unit_test(test_int),           cmocka_unit_test(test_number),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
