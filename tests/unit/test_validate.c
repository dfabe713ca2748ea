/* Partner event validation: each rejection reason, hostile lengths and bytes,
 * unknown enum numbers, far past and future dates; plus the wire-level check
 * that catches NUL bytes and invalid UTF-8 protobuf-c lets through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eligibility/facts.h"
#include "eligibility/validate.h"
#include "pathways/partner.h"
#include "pathways/date.h"

#define HIRED "org.pathways.employee.hired.v1"

/* A valid hire, rebuilt for every test; tests then break one thing. */
typedef struct {
    Pathways__V1__EmployeeEvent ev;
    Pathways__V1__EmployeeFacts data;
    Pathways__V1__ScheduledHours hours;
    int32_t today;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    pathways__v1__employee_event__init(&f->ev);
    pathways__v1__employee_facts__init(&f->data);
    pathways__v1__scheduled_hours__init(&f->hours);
    f->ev.id = "evt-1";
    f->ev.source = "acme-health";
    f->ev.type = HIRED;
    f->ev.subject = "E1001";
    f->ev.spec_version = "1.0";
    f->ev.effective_date = "2026-01-05";
    f->ev.data = &f->data;
    f->data.job_family = "clerical";
    f->data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    f->data.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    f->data.standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    f->data.hire_date = "2026-01-05";
    f->data.email = "pat@example.org";
    f->hours.per_week = 40;
    f->data.scheduled_hours = &f->hours;
    assert_int_equal(pw_date_parse("2026-06-01", &f->today), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* Asserts the event is rejected with code. */
static void expect_reject(fixture_t *f, const char *code)
{
    elig_reason_t why;
    if (elig_validate_event(&f->ev, f->today, 366, &why) == 0)
        fail_msg("accepted an event that should fail with %s", code);
    if (strcmp(why.code, code) != 0)
        fail_msg("expected %s, got %s (%s)", code, why.code, why.text);
    assert_true(why.text[0] != '\0');
}

static void test_valid_event_passes(void **state)
{
    fixture_t *f = *state;
    elig_reason_t why;
    assert_int_equal(elig_validate_event(&f->ev, f->today, 366, &why), 0);
    f->ev.spec_version = ""; /* empty spec_version is allowed */
    f->ev.data = NULL;
    f->ev.type = "org.pathways.employee.terminated.v1"; /* needs only the date */
    assert_int_equal(elig_validate_event(&f->ev, f->today, 366, &why), 0);
}

static void test_identity_attributes(void **state)
{
    fixture_t *f = *state;
    char long_id[200];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    f->ev.id = "";
    expect_reject(f, "missing_id");
    f->ev.id = long_id;
    expect_reject(f, "field_too_long");
    f->ev.id = "evt\x01";
    expect_reject(f, "invalid_id");
    f->ev.id = "\xc3\xa9vt"; /* valid UTF-8, not ASCII */
    expect_reject(f, "invalid_id");
    f->ev.id = "evt-1";
    f->ev.source = "";
    expect_reject(f, "missing_source");
    f->ev.source = "acme health";
    expect_reject(f, "invalid_source");
    f->ev.source = "acme-health";
    f->ev.subject = "";
    expect_reject(f, "missing_subject");
    f->ev.subject = "E/1001";
    expect_reject(f, "invalid_subject");
    f->ev.subject = long_id + 100; /* 99 bytes */
    expect_reject(f, "field_too_long");
    f->ev.subject = "E1001";
    f->ev.spec_version = "0.3";
    expect_reject(f, "invalid_spec_version");
}

static void test_types(void **state)
{
    fixture_t *f = *state;
    const char *bad[] = {"",
                         "hired",
                         "org.pathways.employee.hired",
                         "org.pathways.employee.hired.v2",
                         "org.pathways.employee.fired.v1",
                         "org.pathways.employee..v1",
                         "org.pathways.employee.v1",
                         "ORG.PATHWAYS.EMPLOYEE.HIRED.V1",
                         "org.pathways.employee.hired.v1 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f->ev.type = (char *)bad[i];
        expect_reject(f, "invalid_type");
    }
    const char *good[] = {"hired",         "rehired",          "job_changed",
                          "hours_changed", "standing_changed", "leave_started",
                          "leave_ended",   "terminated"};
    for (size_t i = 0; i < 8; i++) {
        char type[96];
        snprintf(type, sizeof type, "org.pathways.employee.%s.v1", good[i]);
        assert_int_equal(elig_event_type_parse(type), (int)i);
    }
}

static void test_dates(void **state)
{
    fixture_t *f = *state;
    f->ev.effective_date = "";
    expect_reject(f, "missing_field");
    const char *bad[] = {"2026-02-30", "2026-1-05",  "05/01/2026",
                         "1899-12-31", "9999-01-01", "2026-01-05T00:00:00Z",
                         "2027-06-03" /* > 1 year ahead */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f->ev.effective_date = (char *)bad[i];
        expect_reject(f, "invalid_date");
    }
    elig_reason_t why;
    f->ev.effective_date = "2027-06-01"; /* within a year (+366 days) */
    assert_int_equal(elig_validate_event(&f->ev, f->today, 366, &why), 0);
    f->ev.effective_date = "1900-01-01"; /* far past but a real date */
    assert_int_equal(elig_validate_event(&f->ev, f->today, 366, &why), 0);
    f->ev.effective_date = "2026-01-05";
    f->data.hire_date = "2026-02-29";
    expect_reject(f, "invalid_date");
}

static void test_unknown_enums(void **state)
{
    fixture_t *f = *state;
    f->data.status = (Pathways__V1__EmploymentStatus)99;
    expect_reject(f, "unknown_enum");
    f->data.status = (Pathways__V1__EmploymentStatus)-1;
    expect_reject(f, "unknown_enum");
    f->data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    f->data.employment_type = (Pathways__V1__EmploymentType)6;
    expect_reject(f, "unknown_enum");
    f->data.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    f->data.standing = (Pathways__V1__Standing)4;
    expect_reject(f, "unknown_enum");
}

static void test_text_fields(void **state)
{
    fixture_t *f = *state;
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    f->data.given_name = big;
    expect_reject(f, "field_too_long");
    f->data.given_name = "Ren\xc3\xa9"; /* fine */
    f->data.family_name = "\xc3\x28";   /* invalid 2-byte sequence */
    expect_reject(f, "invalid_utf8");
    f->data.family_name = "\xed\xa0\x80"; /* UTF-16 surrogate */
    expect_reject(f, "invalid_utf8");
    f->data.family_name = "\xc0\xaf"; /* overlong */
    expect_reject(f, "invalid_utf8");
    f->data.family_name = "Okafor";
    f->data.job_title = big;
    expect_reject(f, "field_too_long");
    f->data.job_title = "";
    f->data.email = "no-at-sign";
    expect_reject(f, "invalid_email");
    f->data.email = "a@b@c";
    expect_reject(f, "invalid_email");
    char email[300];
    memset(email, 'a', sizeof email - 1);
    email[sizeof email - 1] = '\0';
    email[10] = '@';
    f->data.email = email;
    expect_reject(f, "field_too_long");
}

static void test_hours_bounds(void **state)
{
    fixture_t *f = *state;
    elig_reason_t why;
    f->hours.per_week = 80;
    assert_int_equal(elig_validate_event(&f->ev, f->today, 366, &why), 0);
    f->hours.per_week = 80.5;
    expect_reject(f, "invalid_hours");
    f->hours.per_week = -1;
    expect_reject(f, "invalid_hours");
    f->hours.per_week = 0.0 / 0.0; /* NaN */
    expect_reject(f, "invalid_hours");
    f->data.scheduled_hours = NULL; /* not stated: fine */
    assert_int_equal(elig_validate_event(&f->ev, f->today, 366, &why), 0);
}

static void test_hires_need_their_facts(void **state)
{
    fixture_t *f = *state;
    f->data.job_family = "";
    expect_reject(f, "missing_field");
    f->data.job_family = "clerical";
    f->data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_UNSPECIFIED;
    expect_reject(f, "missing_field");
    f->data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    f->data.hire_date = "";
    expect_reject(f, "missing_field");
    f->ev.type = "org.pathways.employee.rehired.v1";
    expect_reject(f, "missing_field");
    f->ev.data = NULL;
    expect_reject(f, "missing_field");
    f->ev.type = "org.pathways.employee.job_changed.v1"; /* no such need */
    elig_reason_t why;
    assert_int_equal(elig_validate_event(&f->ev, f->today, 366, &why), 0);
}

/* ---- wire-level checks ---- */

/* Encodes a batch of n copies of f's event. */
static uint8_t *encode_batch(fixture_t *f, size_t n, size_t *len)
{
    Pathways__V1__PublishBatch b = PATHWAYS__V1__PUBLISH_BATCH__INIT;
    Pathways__V1__EmployeeEvent *evs[4];
    for (size_t i = 0; i < n; i++)
        evs[i] = &f->ev;
    b.batch_id = "b1";
    b.n_events = n;
    b.events = evs;
    *len = protobuf_c_message_get_packed_size(&b.base);
    uint8_t *buf = malloc(*len);
    protobuf_c_message_pack(&b.base, buf);
    return buf;
}

/* Finds needle in the encoded bytes (to corrupt one string in place). */
static uint8_t *find(uint8_t *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return buf + i;
    return NULL;
}

static void test_wire_flags_nul_and_bad_utf8(void **state)
{
    fixture_t *f = *state;
    size_t len;
    uint8_t bad[3];
    f->data.family_name = "Zyxw";
    f->ev.id = "evt-1";
    uint8_t *buf = encode_batch(f, 3, &len);
    assert_int_equal(
        pw_wire_check_batch(&pathways__v1__employee_event__descriptor, buf, len, bad, 3), 0);
    assert_int_equal(bad[0] + bad[1] + bad[2], 0);
    /* A NUL inside the second event's nested family_name. */
    uint8_t *p = find(buf, len, "Zyxw");
    p = find(p + 1, len - (size_t)(p + 1 - buf), "Zyxw");
    p[1] = 0;
    /* Invalid UTF-8 in the third event's id. */
    uint8_t *q = find(p, len - (size_t)(p - buf), "evt-1");
    q[0] = 0xff;
    assert_int_equal(
        pw_wire_check_batch(&pathways__v1__employee_event__descriptor, buf, len, bad, 3), 0);
    assert_int_equal(bad[0], 0);
    assert_int_equal(bad[1], 1);
    assert_int_equal(bad[2], 1);
    /* Truncated bytes are malformed, never read past the end. */
    int truncated_rejected = 0;
    for (size_t cut = 1; cut < len; cut += 7)
        truncated_rejected += pw_wire_check_batch(&pathways__v1__employee_event__descriptor, buf,
                                                  len - cut, bad, 3) != 0;
    assert_true(truncated_rejected > 0);
    uint8_t junk[] = {0x12, 0xff, 0xff, 0xff, 0xff, 0x0f};
    assert_int_equal(
        pw_wire_check_batch(&pathways__v1__employee_event__descriptor, junk, sizeof junk, bad, 3),
        -1);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_event_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_enums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hours_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hires_need_their_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wire_flags_nul_and_bad_utf8, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
