/* Integration test of the reporting projections against the real
 * PostgreSQL (PATHWAYS_TEST_DATABASE_URL), in a fresh database of its own:
 * the shared history of crafted stream events (tests/lib/reporting_fixture)
 * goes through the apply handlers inside transactions, then the projected
 * rows are checked. Malformed payloads must be rejected without changing a
 * single row. The tests run in order and build on each other's rows; the
 * summary reply, replays and batches over the same history are in
 * test_reporting_summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"
#include "reporting/projection.h"
#include "reporting_fixture.h"

#define N(rows) (sizeof(rows) / sizeof(rows)[0])

static int32_t days(const char *date)
{
    int32_t d = 0;
    assert_int_equal(pw_date_parse(date, &d), 0);
    return d;
}

/* ---- projections ---- */

/* Hires and job changes; a late event never overwrites newer facts. */
static void test_employee_facts(void **state)
{
    pw_db_t *db = *state;
    rfx_history_hires(db);
    static const rfx_want_t want[] = {
        {EMPLOYEE_COL("job_family"), "acme", "e1", "transport"},
        {EMPLOYEE_COL("status"), "acme", "e1", "active"},
        {EMPLOYEE_COL("facts_effective_on"), "acme", "e1", "2024-03-01"},
        /* No identity beyond the employer's stable ids is ever stored. */
        {"SELECT count(*)::text AS v FROM (SELECT t::text AS x FROM reporting.employee t"
         " UNION ALL SELECT t::text FROM reporting.employee_status t) AS r"
         " WHERE x ILIKE '%alice%' OR x ILIKE '%zebrowski%' OR x ILIKE '%example.org%'",
         NULL, NULL, "0"},
    };
    rfx_expect_all(db, want, N(want));
}

/* Status changes: the current row and the dated history. A termination
 * applied twice leaves one history row; a rehire opens a new period and
 * clears the termination. */
static void test_employee_status(void **state)
{
    pw_db_t *db = *state;
    rfx_history_status(db);
    static const rfx_want_t want[] = {
        {EMPLOYEE_COL("status"), "acme", "e2", "terminated"},
        {EMPLOYEE_COL("terminated_on"), "acme", "e2", "2024-05-01"},
        {EMPLOYEE_COL("termination_reason"), "acme", "e2", "voluntary"},
        {EMPLOYEE_COL("job_family"), "acme", "e2", "transport"},
        {EMPLOYEE_COL("hire_date"), "acme", "e2", "2022-03-01"},
        {ROWS_OF("reporting.employee_status"), "acme", "e2", "2"},
        {EMPLOYEE_COL("status"), "acme", "e4", "active"},
        {EMPLOYEE_COL("period_start"), "acme", "e4", "2023-06-01"},
        {EMPLOYEE_COL("hire_date"), "acme", "e4", "2022-01-01"},
        {EMPLOYEE_COL("terminated_on"), "acme", "e4", "<null>"},
        {"SELECT string_agg(status || '@' || effective_on, ',' ORDER BY effective_on) AS v"
         " FROM reporting.employee_status WHERE employer = $1 AND employee = $2",
         "acme", "e4", "active@2022-01-01,terminated@2023-01-01,active@2023-06-01"},
    };
    rfx_expect_all(db, want, N(want));
}

/* An older determination applied late does not move the outcome back. */
static void test_determination_projection(void **state)
{
    pw_db_t *db = *state;
    rfx_history_determinations(db);
    char tenure[16];
    snprintf(tenure, sizeof tenure, "%d", (int)(days("2024-04-10") - days("2023-01-10")));
    const rfx_want_t want[] = {
        {ELIGIBILITY_COL("outcome"), "acme", "e1", "eligible"},
        {ELIGIBILITY_COL("outcome_as_of"), "acme", "e1", "2024-04-10"},
        {ELIGIBILITY_COL("first_eligible_on"), "acme", "e1", "2024-04-10"},
        {ELIGIBILITY_COL("tenure_days_at_eligibility"), "acme", "e1", tenure},
        {ELIGIBILITY_COL("job_family_at_eligibility"), "acme", "e1", "transport"},
        {ELIGIBILITY_COL("first_eligible_on"), "acme", "e2", "<null>"},
        {ELIGIBILITY_COL("outcome"), "acme", "e2", "not_eligible"},
        /* Someone determined but not seen on the employee stream has no
         * employee row (the summary counts employees seen there). */
        {ELIGIBILITY_COL("outcome"), "acme", "ghost", "eligible"},
        {ROWS_OF("reporting.employee"), "acme", "ghost", "0"},
        /* The determination did not disturb the employee facts. */
        {EMPLOYEE_COL("status"), "acme", "e2", "terminated"},
    };
    rfx_expect_all(db, want, N(want));
}

/* Replays (the same event again, and an old one late) change nothing. */
static void test_enrollment_projection(void **state)
{
    pw_db_t *db = *state;
    rfx_history_enrollments(db);
    static const rfx_want_t want[] = {
        {ENROLLMENT_COL("state"), "acme", "e1", "in_training"},
        {ENROLLMENT_COL("state_since"), "acme", "e1", "2024-06-01"},
        {ENROLLMENT_COL("ever_invited"), "acme", "e1", "true"},
        {ENROLLMENT_COL("invited_on"), "acme", "e1", "2024-04-11"},
        {ENROLLMENT_COL("enrolled_on"), "acme", "e1", "2024-05-01"},
        {ENROLLMENT_COL("training_on"), "acme", "e1", "2024-06-01"},
        {ENROLLMENT_COL("exited_on"), "acme", "e1", "<null>"},
        {ENROLLMENT_COL("last_seq"), "acme", "e1", "4"},
        {ENROLLMENT_COL("state"), "acme", "e4", "exited"},
        {ENROLLMENT_COL("exited_on"), "acme", "e4", "2023-10-01"},
        {ENROLLMENT_COL("exit_reason"), "acme", "e4", "declined"},
        {ENROLLMENT_COL("state"), "beta", "b1", "enrolled"},
    };
    rfx_expect_all(db, want, N(want));
}

/* A late "queued" does not undo "sent"; an employer without employees
 * (zeta) has its rows. */
static void test_notification_projection(void **state)
{
    pw_db_t *db = *state;
    rfx_history_notifications(db);
    static const rfx_want_t want[] = {
        {"SELECT state AS v FROM reporting.notification WHERE notification_id = $1", "n1", NULL,
         "sent"},
        {"SELECT count(*)::text AS v FROM reporting.notification", NULL, NULL, "5"},
    };
    rfx_expect_all(db, want, N(want));
}

/* ---- rejections ---- */
static void test_malformed_payloads_change_nothing(void **state)
{
    pw_db_t *db = *state;
    char *before = rfx_digest(db);
    static const struct {
        pw_apply_fn fn;
        const char *stream, *type;
    } handlers[] = {
        {reporting_apply_employee, "employee", EMP("hired")},
        {reporting_apply_eligibility, "eligibility", REPORTING_TYPE_DETERMINED},
        {reporting_apply_enrollment, "enrollment", REPORTING_TYPE_ENROLLMENT},
        {reporting_apply_notification, "notification", REPORTING_TYPE_NOTIFICATION},
    };
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
        assert_int_equal(rfx_apply_bytes(db, handlers[i].fn, handlers[i].stream, 100,
                                         handlers[i].type, RFX_TRUNCATED, sizeof RFX_TRUNCATED),
                         PW_APPLY_REJECT);
        assert_int_equal(rfx_apply_bytes(db, handlers[i].fn, handlers[i].stream, 101,
                                         handlers[i].type, RFX_BAD_WIRE, sizeof RFX_BAD_WIRE),
                         PW_APPLY_REJECT);
        /* An empty payload decodes (all defaults) but names nobody. */
        assert_int_equal(
            rfx_apply_bytes(db, handlers[i].fn, handlers[i].stream, 102, handlers[i].type, NULL, 0),
            PW_APPLY_REJECT);
    }
    /* Decodable, but with facts that cannot be stored. */
    assert_int_equal(rfx_employee_event(db, 103, "a-x", "acme", "e1", EMP("terminated"),
                                        "2024-02-30", "", "", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(rfx_employee_event(db, 104, "a-y", "acme", "e1", EMP("job_changed"),
                                        "2024-07-01", "", "clerical\xff\xfe", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(rfx_determination(db, 105, "acme", "e1",
                                       PATHWAYS__V1__OUTCOME__OUTCOME_UNSPECIFIED, "2024-07-01",
                                       "2023-01-10", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(rfx_enrollment(db, 106, "acme", "e1", ST(UNSPECIFIED), "2024-07-01", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(rfx_enrollment(db, 107, "acme", "", ST(EXITED), "2024-07-01", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(rfx_notification(db, 108, "", "acme", "e1", "invitation",
                                      PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_SENT),
                     PW_APPLY_REJECT);
    /* Types a handler does not know are skipped, not rejected. */
    assert_int_equal(rfx_apply_bytes(db, reporting_apply_eligibility, "eligibility", 109,
                                     "org.pathways.eligibility.rules_changed.v1", RFX_BAD_WIRE,
                                     sizeof RFX_BAD_WIRE),
                     PW_APPLY_OK);
    char *after = rfx_digest(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* Texts that array literals must escape reach the rows unchanged. */
static void test_hostile_texts_round_trip(void **state)
{
    pw_db_t *db = *state;
    static const char *const texts[] = {"a\"b\\c{d},e", "NULL", " {}, ", "caf\xc3\xa9 \\\""};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char id[16];
        snprintf(id, sizeof id, "q-%zu", i);
        assert_int_equal(rfx_employee_event(db, 200 + (int64_t)i, id, "quote\"co", texts[i],
                                            EMP("hired"), "2024-01-01", "2024-01-01", texts[i], ""),
                         PW_APPLY_OK);
        rfx_expect(db, EMPLOYEE_COL("job_family"), "quote\"co", texts[i], texts[i]);
        rfx_expect(db,
                   "SELECT event_id AS v FROM reporting.employee_status"
                   " WHERE employer = $1 AND employee = $2",
                   "quote\"co", texts[i], id);
    }
    const char *employer[] = {"quote\"co"};
    assert_int_equal(
        pw_db_exec(db, "DELETE FROM reporting.employee WHERE employer = $1", 1, employer), 0);
    assert_int_equal(
        pw_db_exec(db, "DELETE FROM reporting.employee_status WHERE employer = $1", 1, employer),
        0);
}

static int setup(void **state)
{
    return rfx_setup(state, "pathways_it_report");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_employee_facts),
        cmocka_unit_test(test_employee_status),
        cmocka_unit_test(test_determination_projection),
        cmocka_unit_test(test_enrollment_projection),
        cmocka_unit_test(test_notification_projection),
        cmocka_unit_test(test_malformed_payloads_change_nothing),
        cmocka_unit_test(test_hostile_texts_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, rfx_teardown);
}
