/* The codec: bounded decode/encode, hostile bytes, UTF-8 validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"

static void test_round_trip(void **state)
{
    Pathways__V1__Envelope e = PATHWAYS__V1__ENVELOPE__INIT;
    e.stream = "employee";
    e.seq = 42;
    e.key = "emp-001/e1";
    e.payload.data = (uint8_t *)"abc";
    e.payload.len = 3;
    size_t len;
    uint8_t *bytes = pw_msg_encode(&e.base, 0, &len);
    assert_non_null(bytes);
    Pathways__V1__Envelope *d = pw_decode_envelope(bytes, len);
    assert_non_null(d);
    assert_string_equal(d->stream, "employee");
    assert_int_equal(d->seq, 42);
    assert_memory_equal(d->payload.data, "abc", 3);
    pw_free_envelope(&d);
    assert_null(d);
    pw_free_envelope(&d); /* safe twice */
    free(bytes);
}

static void test_truncated_and_random_bytes_are_rejected_or_safe(void **state)
{
    Pathways__V1__PublishBatch b = PATHWAYS__V1__PUBLISH_BATCH__INIT;
    Pathways__V1__EmployeeEvent ev = PATHWAYS__V1__EMPLOYEE_EVENT__INIT;
    Pathways__V1__EmployeeEvent *evs[] = {&ev};
    ev.id = "evt-1";
    ev.source = "emp-001";
    b.batch_id = "b1";
    b.n_events = 1;
    b.events = evs;
    size_t len;
    uint8_t *bytes = pw_msg_encode(&b.base, 0, &len);
    assert_non_null(bytes);
    for (size_t cut = 1; cut < len; cut++) {
        Pathways__V1__PublishBatch *d = pw_decode_publish_batch(bytes, cut);
        pw_free_publish_batch(&d); /* NULL or a valid partial parse: never a crash */
    }
    srand(7);
    uint8_t junk[512];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rand() % (int)sizeof junk);
        for (size_t i = 0; i < n; i++)
            junk[i] = (uint8_t)rand();
        Pathways__V1__PublishBatch *d = pw_decode_publish_batch(junk, n);
        pw_free_publish_batch(&d);
    }
    free(bytes);
}

static void test_size_bounds(void **state)
{
    uint8_t *big = calloc(1, PW_MAX_MESSAGE_BYTES + 1);
    assert_null(pw_decode_envelope(big, PW_MAX_MESSAGE_BYTES + 1));
    free(big);
    Pathways__V1__Envelope e = PATHWAYS__V1__ENVELOPE__INIT;
    e.stream = "s";
    size_t len;
    assert_null(pw_msg_encode(&e.base, 1, &len)); /* over the caller's bound */
    assert_null(pw_msg_decode(&pathways__v1__envelope__descriptor, NULL, 5, 0));
}

static void test_utf8(void **state)
{
    assert_true(pw_utf8_valid("plain", 5));
    assert_true(pw_utf8_valid("Pe\xc3\xb1"
                              "a",
                              5));                      /* Peña */
    assert_true(pw_utf8_valid("\xe2\x82\xac", 3));      /* euro */
    assert_true(pw_utf8_valid("\xf0\x9f\x98\x80", 4));  /* emoji */
    assert_false(pw_utf8_valid("a\0b", 3));             /* NUL */
    assert_false(pw_utf8_valid("\xc3", 1));             /* truncated */
    assert_false(pw_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(pw_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(pw_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(pw_utf8_valid("\xff", 1));
    assert_false(pw_utf8_valid("\xe2\x28\xa1", 3)); /* bad continuation */
}

static void test_unknown_fields_are_dropped_and_tag_zero_refused(void **state)
{
    /* Envelope: stream "s", then unknown field 15 (length-delimited "abc"). */
    static const uint8_t with_unknown[] = {0x0a, 0x01, 's', 0x7a, 0x03, 'a', 'b', 'c'};
    Pathways__V1__Envelope *e = pw_decode_envelope(with_unknown, sizeof with_unknown);
    assert_non_null(e);
    assert_int_equal(e->base.n_unknown_fields, 0);
    size_t len;
    uint8_t *again = pw_msg_encode(&e->base, 0, &len);
    assert_int_equal(len, 3); /* only the known field survives */
    free(again);
    pw_free_envelope(&e);
    /* Field number 0 from an overlong tag (found by the fuzzer). */
    static const uint8_t tag_zero[] = {0x80, 0x00, 0x00};
    assert_null(pw_decode_envelope(tag_zero, sizeof tag_zero));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_truncated_and_random_bytes_are_rejected_or_safe),
        cmocka_unit_test(test_size_bounds),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_unknown_fields_are_dropped_and_tag_zero_refused),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
