/* The feed's JSON line -> EmployeeEvent conversion (tools/publish/
 * event_json.c): a well-formed line round-trips every field; hostile lines
 * (not JSON, wrong types, missing id, invalid UTF-8, NUL, duplicates,
 * unknown data fields and enum words, bad timestamps) are refused with a
 * reason naming the field; what the server validates (dates, lengths)
 * passes through unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_json.h"

#define GOOD                                                                                       \
    "{\"specversion\":\"1.0\",\"id\":\"s1-000001\",\"source\":\"emp-001\","                        \
    "\"type\":\"org.pathways.employee.hired.v1\",\"time\":\"2025-06-30T09:00:01Z\","               \
    "\"subject\":\"e000001\",\"effective_date\":\"2025-06-30\",\"data\":{"                         \
    "\"job_family\":\"clerical\",\"job_title\":\"Unit Secretary\",\"status\":\"active\","          \
    "\"status_raw\":\"A\",\"employment_type\":\"full_time\",\"employment_type_raw\":\"FT\","       \
    "\"scheduled_hours\":40.0,\"standing\":\"good\",\"standing_raw\":\"Good\","                    \
    "\"hire_date\":\"2025-06-30\",\"given_name\":\"Jos\xc3\xa9\",\"family_name\":\"Nowak\","       \
    "\"email\":\"jose.nowak.1@example.org\",\"phone\":\"+1-312-555-0101\",\"language\":\"es\","    \
    "\"reason_code\":\"\"}}"

static Pathways__V1__EmployeeEvent *parse(const char *text, char *err, size_t errlen)
{
    err[0] = '\0';
    return event_json_parse(text, strlen(text), err, errlen);
}

/* Parses text, expects a refusal whose reason contains `want`. */
static void expect_refused(const char *text, const char *want)
{
    char err[256];
    Pathways__V1__EmployeeEvent *ev = parse(text, err, sizeof err);
    if (ev)
        fail_msg("accepted: %s", text);
    if (!strstr(err, want))
        fail_msg("reason '%s' does not mention '%s'", err, want);
}

static void test_good_line_round_trips(void **state)
{
    char err[256];
    Pathways__V1__EmployeeEvent *ev = parse(GOOD, err, sizeof err);
    assert_non_null(ev);
    assert_string_equal(ev->id, "s1-000001");
    assert_string_equal(ev->source, "emp-001");
    assert_string_equal(ev->subject, "e000001");
    assert_string_equal(ev->spec_version, "1.0");
    assert_string_equal(ev->effective_date, "2025-06-30");
    assert_int_equal(ev->time_us, 1751274001LL * 1000000LL);
    Pathways__V1__EmployeeFacts *f = ev->data;
    assert_string_equal(f->job_family, "clerical");
    assert_int_equal(f->status, PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE);
    assert_int_equal(f->employment_type, PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME);
    assert_int_equal(f->standing, PATHWAYS__V1__STANDING__STANDING_GOOD);
    assert_non_null(f->scheduled_hours);
    assert_true(f->scheduled_hours->per_week == 40.0);
    assert_string_equal(f->given_name, "Jos\xc3\xa9");
    assert_string_equal(f->language, "es");
    /* The converted event encodes and decodes through the codec. */
    size_t len = 0;
    uint8_t *bytes = pw_msg_encode(&ev->base, 0, &len);
    assert_non_null(bytes);
    Pathways__V1__EmployeeEvent *back = pw_decode_employee_event(bytes, len);
    assert_non_null(back);
    assert_string_equal(back->data->email, "jose.nowak.1@example.org");
    pw_free_employee_event(&back);
    free(bytes);
    event_json_free(&ev);
    assert_null(ev);
    event_json_free(&ev); /* safe twice */
}

/* A change event carries only what changes: the rest stays absent. */
static void test_sparse_event(void **state)
{
    char err[256];
    Pathways__V1__EmployeeEvent *ev =
        parse("{\"id\":\"x\",\"type\":\"org.pathways.employee.terminated.v1\","
              "\"data\":{\"status\":\"terminated\",\"reason_code\":\"voluntary\","
              "\"scheduled_hours\":null,\"standing\":null}}",
              err, sizeof err);
    assert_non_null(ev);
    assert_int_equal(ev->data->status,
                     PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED);
    assert_null(ev->data->scheduled_hours);
    assert_int_equal(ev->data->standing, PATHWAYS__V1__STANDING__STANDING_UNSPECIFIED);
    assert_string_equal(ev->data->job_family, "");
    assert_int_equal(ev->time_us, 0);
    event_json_free(&ev);
    /* No data at all, and an extension attribute, are fine too. */
    ev = parse("{\"id\":\"y\",\"partnerext\":[1,2]}", err, sizeof err);
    assert_non_null(ev);
    event_json_free(&ev);
}

static void test_not_json(void **state)
{
    expect_refused("", "invalid JSON");
    expect_refused("{\"id\":\"x\"", "invalid JSON");
    expect_refused("{\"id\":\"x\"} trailing", "invalid JSON");
    expect_refused("[1,2,3]", "expected a JSON object");
    expect_refused("\"just a string\"", "invalid JSON");
    expect_refused("{\"id\":\"x\",\"id\":\"y\"}", "duplicate");
}

static void test_wrong_types(void **state)
{
    expect_refused("{\"id\":17}", "id: expected a string, got number");
    expect_refused("{\"id\":\"x\",\"source\":[\"a\"]}", "source: expected a string, got array");
    expect_refused("{\"id\":\"x\",\"data\":\"hired\"}", "data: expected an object, got string");
    expect_refused("{\"id\":\"x\",\"data\":{\"scheduled_hours\":\"40\"}}",
                   "data.scheduled_hours: expected a number, got string");
    expect_refused("{\"id\":\"x\",\"data\":{\"status\":1}}", "data.status: expected a string");
    expect_refused("{\"id\":\"x\",\"data\":{\"job_family\":true}}",
                   "data.job_family: expected a string, got boolean");
    expect_refused("{\"id\":\"x\",\"time\":1751274001}", "time: expected a string");
}

static void test_missing_id(void **state)
{
    expect_refused("{\"source\":\"emp-001\"}", "id: missing");
    expect_refused("{\"id\":\"\"}", "id: missing");
    expect_refused("{\"id\":null}", "id: missing");
}

static void test_unknown_words_and_fields(void **state)
{
    expect_refused("{\"id\":\"x\",\"data\":{\"status\":\"retired\"}}",
                   "data.status: unknown value 'retired'");
    expect_refused("{\"id\":\"x\",\"data\":{\"employment_type\":\"FT\"}}",
                   "data.employment_type: unknown value");
    expect_refused("{\"id\":\"x\",\"data\":{\"standing\":\"GOOD\"}}", "data.standing: unknown");
    expect_refused("{\"id\":\"x\",\"data\":{\"hire_dte\":\"2020-01-01\"}}",
                   "data.hire_dte: unknown field");
}

/* Invalid UTF-8 and NUL are refused by the parser, before any protobuf
 * string could carry them. */
static void test_bad_text(void **state)
{
    expect_refused("{\"id\":\"x\",\"subject\":\"\xff\xfe\"}", "invalid JSON");
    expect_refused("{\"id\":\"x\",\"subject\":\"\xc3\"}", "invalid JSON");
    expect_refused("{\"id\":\"x\",\"subject\":\"\xed\xa0\x80\"}", "invalid JSON");
    expect_refused("{\"id\":\"x\",\"subject\":\"a\\u0000b\"}", "invalid JSON");
    expect_refused("{\"id\":\"x\",\"subject\":\"\\ud800\"}", "invalid JSON");
    char err[256];
    static const char nul_inside[] = "{\"id\":\"x\"}\0{\"id\":\"y\"}";
    assert_null(event_json_parse(nul_inside, sizeof nul_inside - 1, err, sizeof err));
}

/* Dates and lengths are the server's to judge: passed through unchanged. */
static void test_passed_through(void **state)
{
    char err[256];
    Pathways__V1__EmployeeEvent *ev = parse(
        "{\"id\":\"x\",\"effective_date\":\"2025-02-30\",\"data\":{\"hire_date\":\"yesterday\","
        "\"scheduled_hours\":-5}}",
        err, sizeof err);
    assert_non_null(ev);
    assert_string_equal(ev->effective_date, "2025-02-30");
    assert_string_equal(ev->data->hire_date, "yesterday");
    assert_true(ev->data->scheduled_hours->per_week == -5.0);
    event_json_free(&ev);

    size_t n = 1u << 20;
    char *big = malloc(n + 64);
    assert_non_null(big);
    int head = snprintf(big, 64, "{\"id\":\"x\",\"subject\":\"");
    memset(big + head, 'a', n);
    strcpy(big + head + n, "\"}");
    ev = parse(big, err, sizeof err);
    assert_non_null(ev);
    assert_int_equal(strlen(ev->subject), n);
    event_json_free(&ev);
    free(big);
}

static void test_time(void **state)
{
    int64_t us;
    assert_int_equal(event_json_parse_time("1970-01-01T00:00:00Z", &us), 0);
    assert_int_equal(us, 0);
    assert_int_equal(event_json_parse_time("2025-06-30T09:00:01.250Z", &us), 0);
    assert_int_equal(us, 1751274001250000LL);
    assert_int_equal(event_json_parse_time("2025-06-30T11:00:01+02:00", &us), 0);
    assert_int_equal(us, 1751274001000000LL);
    assert_int_equal(event_json_parse_time("2025-06-30t04:00:01-05:00", &us), 0);
    assert_int_equal(us, 1751274001000000LL);
    const char *bad[] = {
        "2025-06-30",           "2025-06-30T09:00:01",      "2025-06-30T25:00:00Z",
        "2025-02-30T09:00:00Z", "2025-06-30T09:00:01.Z",    "2025-06-30T09:00:01+2",
        "2025-06-30 09:00:01Z", "2025-06-30T09:00:01Zjunk", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (event_json_parse_time(bad[i], &us) == 0)
            fail_msg("accepted time '%s'", bad[i]);
    expect_refused("{\"id\":\"x\",\"time\":\"noon\"}", "time: not an RFC 3339 timestamp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_line_round_trips),
        cmocka_unit_test(test_sparse_event),
        cmocka_unit_test(test_not_json),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_missing_id),
        cmocka_unit_test(test_unknown_words_and_fields),
        cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_passed_through),
        cmocka_unit_test(test_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
