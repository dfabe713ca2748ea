/* Unit tests for the reporting vocabulary: the stored names (which the
 * summary SQL compares against), the status an employee event implies, the
 * "enrolled" state set, and date fields fed hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "reporting/vocab.h"

#define T(verb) "org.pathways.employee." verb ".v1"

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(
        reporting_status_name(PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE), "active");
    assert_string_equal(
        reporting_status_name(PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED),
        "terminated");
    assert_null(
        reporting_status_name(PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_UNSPECIFIED));
    assert_null(reporting_status_name((Pathways__V1__EmploymentStatus)99));
    assert_null(reporting_status_name((Pathways__V1__EmploymentStatus)-1));
}

static void test_outcome_and_type_names(void **state)
{
    (void)state;
    assert_string_equal(reporting_outcome_name(PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE),
                        "eligible");
    assert_string_equal(reporting_outcome_name(PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE),
                        "not_eligible");
    assert_string_equal(reporting_outcome_name(PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW),
                        "needs_review");
    assert_null(reporting_outcome_name(PATHWAYS__V1__OUTCOME__OUTCOME_UNSPECIFIED));
    assert_string_equal(
        reporting_employment_type_name(PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME),
        "full_time");
    assert_null(reporting_employment_type_name((Pathways__V1__EmploymentType)42));
    assert_string_equal(reporting_channel_name(PATHWAYS__V1__CHANNEL__CHANNEL_EMAIL), "email");
    assert_string_equal(
        reporting_delivery_name(PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_CANCELLED),
        "cancelled");
    assert_null(reporting_delivery_name((Pathways__V1__DeliveryState)7));
}

/* Every state has a name, in protobuf order; the summary SQL lists these. */
static void test_state_names_and_enrolled_set(void **state)
{
    (void)state;
    static const char *const names[] = {
        NULL,        "invited",   "applied", "enrolled",  "waitlisted", "in_training",
        "completed", "certified", "placed",  "withdrawn", "exited",     "paused",
    };
    int enrolled = 0;
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
        Pathways__V1__EnrollmentState s = (Pathways__V1__EnrollmentState)i;
        if (names[i])
            assert_string_equal(reporting_state_name(s), names[i]);
        else
            assert_null(reporting_state_name(s));
        enrolled += reporting_state_is_enrolled(s);
    }
    assert_int_equal(enrolled, 5);
    assert_true(
        reporting_state_is_enrolled(PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_PLACED));
    assert_false(
        reporting_state_is_enrolled(PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_EXITED));
    assert_false(
        reporting_state_is_enrolled(PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_PAUSED));
    assert_null(reporting_state_name((Pathways__V1__EnrollmentState)12));
    assert_null(reporting_state_name((Pathways__V1__EnrollmentState)-3));
}

static void test_status_after_event(void **state)
{
    (void)state;
    const Pathways__V1__EmploymentStatus none =
        PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_UNSPECIFIED;
    assert_string_equal(reporting_status_after(T("hired"), none), "active");
    assert_string_equal(reporting_status_after(T("rehired"), none), "active");
    assert_string_equal(reporting_status_after(T("leave_ended"), none), "active");
    assert_string_equal(reporting_status_after(T("leave_started"), none), "leave");
    assert_string_equal(reporting_status_after(T("terminated"), none), "terminated");
    assert_null(reporting_status_after(T("job_changed"), none));
    assert_null(reporting_status_after(T("hours_changed"), none));
    /* The stated status wins over the type. */
    assert_string_equal(reporting_status_after(
                            T("hired"), PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_PREHIRE),
                        "prehire");
    /* Near misses are not the event. */
    assert_null(reporting_status_after("org.pathways.employee.terminated.v2", none));
    assert_null(reporting_status_after("org.pathways.employee.terminated", none));
    assert_null(reporting_status_after("org.pathways.employee.terminatedX.v1", none));
    assert_null(reporting_status_after("com.other.employee.terminated.v1", none));
    assert_null(reporting_status_after("", none));
    assert_null(reporting_status_after(NULL, none));
}

static void test_period_start(void **state)
{
    (void)state;
    assert_int_equal(reporting_period_start(T("hired")), REPORTING_PERIOD_HIRE);
    assert_int_equal(reporting_period_start(T("rehired")), REPORTING_PERIOD_REHIRE);
    assert_int_equal(reporting_period_start(T("terminated")), REPORTING_PERIOD_NONE);
    assert_int_equal(reporting_period_start("org.pathways.employee.hired"), REPORTING_PERIOD_NONE);
    assert_int_equal(reporting_period_start(NULL), REPORTING_PERIOD_NONE);
}

static void test_date_field(void **state)
{
    (void)state;
    const char *out = "sentinel";
    int32_t days = -1;
    assert_int_equal(reporting_date_field("", &out, &days), 0);
    assert_null(out);
    assert_int_equal(days, -1);
    assert_int_equal(reporting_date_field(NULL, &out, &days), 0);
    assert_null(out);
    const char *ok = "2024-02-29";
    assert_int_equal(reporting_date_field(ok, &out, &days), 0);
    assert_ptr_equal(out, ok);
    assert_int_equal(days, 19782);
    static const char *const bad[] = {
        "2023-02-29", "2024-13-01", "2024-1-01",   "2024-01-01 ", " 2024-01-01", "20240101",
        "1899-12-31", "2201-01-01", "2024-01-01'", "abcd-ef-gh",  "2024-00-10",  "2024-04-31",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = "sentinel";
        assert_int_equal(reporting_date_field(bad[i], &out, &days), -1);
        assert_null(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_outcome_and_type_names),
        cmocka_unit_test(test_state_names_and_enrolled_set),
        cmocka_unit_test(test_status_after_event),
        cmocka_unit_test(test_period_start),
        cmocka_unit_test(test_date_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
