/* FNV-1a: the published test vectors, embedded NULs, continuation in
 * pieces, a huge input, and the stream partition of a key unchanged from
 * the hash the appender used before it moved here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pathways/hash.h"
#include "../../common/src/stream_internal.h"

static void test_vectors(void **state)
{
    (void)state;
    assert_int_equal(pw_fnv1a32(PW_FNV32_BASIS, "", 0), 0x811c9dc5u);
    assert_int_equal(pw_fnv1a32(PW_FNV32_BASIS, "a", 1), 0xe40c292cu);
    assert_int_equal(pw_fnv1a32(PW_FNV32_BASIS, "foobar", 6), 0xbf9cf968u);
    assert_true(pw_fnv1a64(PW_FNV64_BASIS, "", 0) == 0xcbf29ce484222325ull);
    assert_true(pw_fnv1a64(PW_FNV64_BASIS, "a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(pw_fnv1a64_str(PW_FNV64_BASIS, "foobar") == 0x85944171f73967e8ull);
    assert_true(pw_fnv1a64_str(PW_FNV64_BASIS, NULL) == PW_FNV64_BASIS);
}

static void test_pieces_and_nuls(void **state)
{
    (void)state;
    /* Hashing in pieces equals hashing the whole. */
    uint64_t h = pw_fnv1a64(pw_fnv1a64(PW_FNV64_BASIS, "foo", 3), "bar", 3);
    assert_true(h == pw_fnv1a64_str(PW_FNV64_BASIS, "foobar"));
    /* An embedded NUL is a byte like any other. */
    assert_true(pw_fnv1a64(PW_FNV64_BASIS, "a\0b", 3) != pw_fnv1a64(PW_FNV64_BASIS, "ab", 2));
    assert_true(pw_fnv1a32(PW_FNV32_BASIS, "\0", 1) != pw_fnv1a32(PW_FNV32_BASIS, "", 0));
    /* Bytes above 0x7f are hashed unsigned (0xff differs from 0x7f). */
    assert_true(pw_fnv1a32(PW_FNV32_BASIS, "\xff", 1) == ((0x811c9dc5u ^ 0xffu) * 16777619u));
}

static void test_huge(void **state)
{
    (void)state;
    size_t n = 32u << 20;
    unsigned char *p = calloc(n, 1);
    assert_non_null(p);
    uint64_t a = pw_fnv1a64(PW_FNV64_BASIS, p, n);
    uint64_t b = pw_fnv1a64(pw_fnv1a64(PW_FNV64_BASIS, p, n / 2), p + n / 2, n - n / 2);
    assert_true(a == b);
    free(p);
}

static void test_partition_stable(void **state)
{
    (void)state;
    /* Existing rows were placed with this hash: it must not move. */
    assert_int_equal(pw_stream_partition_of("", 8), 0x811c9dc5u % 8);
    assert_int_equal(pw_stream_partition_of("foobar", 7), 0xbf9cf968u % 7);
    assert_int_equal(pw_stream_partition_of("foobar", 1), 0);
    assert_int_equal(pw_stream_partition_of("foobar", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_pieces_and_nuls),
        cmocka_unit_test(test_huge),
        cmocka_unit_test(test_partition_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
