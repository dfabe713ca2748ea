/* Integration test of the reporting service's modules against the real
 * PostgreSQL (PATHWAYS_TEST_DATABASE_URL), in a fresh database of its own:
 * crafted stream events (real protobuf payloads) go through the apply
 * handlers inside transactions, then the projections and the summary reply
 * (a decoded AdminReply) are checked. Malformed payloads must be rejected
 * without changing a single row. The tests run in order and build on each
 * other's rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "reporting/projection.h"
#include "reporting/request.h"
#include "testdb.h"

#define DB_NAME   "pathways_it_report"
#define EMP(verb) "org.pathways.employee." verb ".v1"
#define ST(name)  PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_##name

/* ---- helpers ---- */

/* Every event applied successfully, in order, to apply again in batches. */
typedef struct {
    char stream[16], type[64], event_id[64];
    int64_t seq;
    uint8_t *bytes;
    size_t len;
} logged_t;

#define LOG_MAX 256
static logged_t applied_log[LOG_MAX];
static size_t applied_n;

static void log_event(const pw_event_t *ev)
{
    assert_true(applied_n < LOG_MAX);
    logged_t *l = &applied_log[applied_n++];
    snprintf(l->stream, sizeof l->stream, "%s", ev->stream);
    snprintf(l->type, sizeof l->type, "%s", ev->type);
    snprintf(l->event_id, sizeof l->event_id, "%s", ev->event_id);
    l->seq = ev->seq;
    l->len = ev->payload_len;
    l->bytes = malloc(ev->payload_len ? ev->payload_len : 1);
    assert_non_null(l->bytes);
    if (ev->payload_len)
        memcpy(l->bytes, ev->payload, ev->payload_len);
}

/* Applies raw payload bytes as one event of stream, in its own committed
 * transaction (committed even on rejection, to prove nothing was written). */
static pw_apply_t apply_bytes(pw_db_t *db, pw_apply_fn fn, const char *stream, int64_t seq,
                              const char *type, const uint8_t *bytes, size_t len)
{
    char event_id[64], err[256] = "";
    snprintf(event_id, sizeof event_id, "%s-%lld", stream, (long long)seq);
    pw_event_t ev = {.stream = stream,
                     .partition = 0,
                     .seq = seq,
                     .type = type,
                     .key = "k",
                     .event_id = event_id,
                     .occurred_at_us = pw_now_us(),
                     .payload = bytes,
                     .payload_len = len};
    assert_int_equal(pw_db_begin(db), 0);
    pw_apply_t rc = fn(NULL, db, &ev, err, sizeof err);
    if (rc == PW_APPLY_RETRY)
        fprintf(stderr, "apply %s seq %lld: %s\n", stream, (long long)seq, err);
    if (rc != PW_APPLY_OK)
        assert_true(err[0] != '\0'); /* a failure always says why */
    assert_int_equal(pw_db_commit(db), 0);
    if (rc == PW_APPLY_OK)
        log_event(&ev);
    return rc;
}

static pw_apply_t apply_msg(pw_db_t *db, pw_apply_fn fn, const char *stream, int64_t seq,
                            const char *type, const ProtobufCMessage *m)
{
    size_t len = 0;
    uint8_t *bytes = pw_msg_encode(m, 0, &len);
    assert_non_null(bytes);
    pw_apply_t rc = apply_bytes(db, fn, stream, seq, type, bytes, len);
    free(bytes);
    return rc;
}

/* Publishes one employee event; names and email are set on purpose, to
 * check that reporting never stores them. */
static pw_apply_t employee_event(pw_db_t *db, int64_t seq, const char *id, const char *employer,
                                 const char *employee, const char *type, const char *effective,
                                 const char *hire_date, const char *job_family,
                                 const char *reason_code)
{
    Pathways__V1__EmployeeFacts f = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    f.job_family = (char *)job_family;
    f.hire_date = (char *)hire_date;
    f.reason_code = (char *)reason_code;
    f.given_name = "Alice";
    f.family_name = "Zebrowski";
    f.email = "alice.zebrowski@example.org";
    f.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    Pathways__V1__EmployeeEvent e = PATHWAYS__V1__EMPLOYEE_EVENT__INIT;
    e.id = (char *)id;
    e.source = (char *)employer;
    e.subject = (char *)employee;
    e.type = (char *)type;
    e.spec_version = "1.0";
    e.effective_date = (char *)effective;
    e.data = &f;
    return apply_msg(db, reporting_apply_employee, "employee", seq, type, &e.base);
}

static pw_apply_t determination(pw_db_t *db, int64_t seq, const char *employer,
                                const char *employee, Pathways__V1__Outcome outcome,
                                const char *as_of, const char *hire_date, const char *job_family)
{
    Pathways__V1__EmployeeFacts f = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    f.hire_date = (char *)hire_date;
    f.job_family = (char *)job_family;
    Pathways__V1__Determination d = PATHWAYS__V1__DETERMINATION__INIT;
    d.employer = (char *)employer;
    d.employee = (char *)employee;
    d.program = "mapp";
    d.outcome = outcome;
    d.as_of = (char *)as_of;
    d.facts = &f;
    return apply_msg(db, reporting_apply_eligibility, "eligibility", seq, REPORTING_TYPE_DETERMINED,
                     &d.base);
}

static pw_apply_t enrollment(pw_db_t *db, int64_t seq, const char *employer, const char *employee,
                             Pathways__V1__EnrollmentState to, const char *date,
                             const char *reason_code)
{
    Pathways__V1__EnrollmentChanged c = PATHWAYS__V1__ENROLLMENT_CHANGED__INIT;
    c.employer = (char *)employer;
    c.employee = (char *)employee;
    c.program = "mapp";
    c.to_state = to;
    c.effective_date = (char *)date;
    c.reason_code = (char *)reason_code;
    c.actor = "system";
    return apply_msg(db, reporting_apply_enrollment, "enrollment", seq, REPORTING_TYPE_ENROLLMENT,
                     &c.base);
}

static pw_apply_t notification(pw_db_t *db, int64_t seq, const char *id, const char *employer,
                               const char *employee, const char *trigger,
                               Pathways__V1__DeliveryState state)
{
    Pathways__V1__NotificationChanged n = PATHWAYS__V1__NOTIFICATION_CHANGED__INIT;
    n.notification_id = (char *)id;
    n.employer = (char *)employer;
    n.employee = (char *)employee;
    n.trigger = (char *)trigger;
    n.channel = PATHWAYS__V1__CHANNEL__CHANNEL_EMAIL;
    n.state = state;
    return apply_msg(db, reporting_apply_notification, "notification", seq,
                     REPORTING_TYPE_NOTIFICATION, &n.base);
}

/* Reads one text value (caller frees; "" for SQL NULL shown as "<null>"). */
static char *scalar(pw_db_t *db, const char *sql, const char *p1, const char *p2)
{
    const char *params[] = {p1, p2};
    PGresult *res = pw_db_query(db, sql, p2 ? 2 : (p1 ? 1 : 0), params);
    if (!res)
        fail_msg("query failed: %s: %s", sql, pw_db_error(db));
    assert_int_equal(PQntuples(res), 1);
    char *v = strdup(pw_db_isnull(res, 0, "v") ? "<null>" : pw_db_get(res, 0, "v"));
    PQclear(res);
    return v;
}

static void expect(pw_db_t *db, const char *sql, const char *p1, const char *p2, const char *want)
{
    char *got = scalar(db, sql, p1, p2);
    if (strcmp(got, want) != 0)
        fail_msg("%s [%s, %s]: expected %s, got %s", sql, p1 ? p1 : "", p2 ? p2 : "", want, got);
    free(got);
}

#define EMPLOYEE_COL(col)                                                                          \
    "SELECT " col "::text AS v FROM reporting.employee WHERE employer = $1 AND employee = $2"
#define ELIGIBILITY_COL(col)                                                                       \
    "SELECT " col "::text AS v FROM reporting.eligibility"                                         \
    " WHERE employer = $1 AND employee = $2 AND program = 'mapp'"
#define ROWS_OF(table)                                                                             \
    "SELECT count(*)::text AS v FROM " table " WHERE employer = $1 AND employee = $2"
#define ENROLLMENT_COL(col)                                                                        \
    "SELECT " col "::text AS v FROM reporting.enrollment"                                          \
    " WHERE employer = $1 AND employee = $2 AND program = 'mapp'"

/* md5 over every row of every reporting table, bookkeeping time left out:
 * equal digests, equal data. */
static char *digest(pw_db_t *db)
{
    return scalar(
        db,
        "SELECT coalesce(md5(string_agg(x, '|' ORDER BY x)), 'empty') AS v FROM ("
        " SELECT (to_jsonb(t) - 'updated_at')::text AS x FROM reporting.employee t"
        " UNION ALL SELECT to_jsonb(t)::text FROM reporting.employee_status t"
        " UNION ALL SELECT (to_jsonb(t) - 'updated_at')::text FROM reporting.eligibility t"
        " UNION ALL SELECT (to_jsonb(t) - 'updated_at')::text FROM reporting.enrollment t"
        " UNION ALL SELECT (to_jsonb(t) - 'updated_at')::text"
        "   FROM reporting.notification t) AS r",
        NULL, NULL);
}

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
    const char *hired = EMP("hired");
    assert_int_equal(employee_event(db, 1, "a-1", "acme", "e1", hired, "2023-01-10", "2023-01-10",
                                    "clerical", ""),
                     PW_APPLY_OK);
    assert_int_equal(employee_event(db, 2, "a-2", "acme", "e2", hired, "2022-03-01", "2022-03-01",
                                    "transport", ""),
                     PW_APPLY_OK);
    assert_int_equal(employee_event(db, 3, "a-3", "acme", "e3", hired, "2024-01-02", "2024-01-02",
                                    "food_service", ""),
                     PW_APPLY_OK);
    assert_int_equal(employee_event(db, 4, "a-4", "acme", "e4", hired, "2022-01-01", "2022-01-01",
                                    "clerical", ""),
                     PW_APPLY_OK);
    assert_int_equal(employee_event(db, 5, "b-1", "beta", "b1", hired, "2021-05-05", "2021-05-05",
                                    "patient_access", ""),
                     PW_APPLY_OK);
    /* A job change, then a late one dated before it: the late one loses. */
    assert_int_equal(employee_event(db, 6, "a-5", "acme", "e1", EMP("job_changed"), "2024-03-01",
                                    "", "transport", ""),
                     PW_APPLY_OK);
    assert_int_equal(employee_event(db, 7, "a-6", "acme", "e1", EMP("job_changed"), "2023-06-01",
                                    "", "food_service", ""),
                     PW_APPLY_OK);
    expect(db, EMPLOYEE_COL("job_family"), "acme", "e1", "transport");
    expect(db, EMPLOYEE_COL("status"), "acme", "e1", "active");
    expect(db, EMPLOYEE_COL("facts_effective_on"), "acme", "e1", "2024-03-01");

    /* No identity beyond the employer's stable ids is ever stored. */
    expect(db,
           "SELECT count(*)::text AS v FROM (SELECT t::text AS x FROM reporting.employee t"
           " UNION ALL SELECT t::text FROM reporting.employee_status t) AS r"
           " WHERE x ILIKE '%alice%' OR x ILIKE '%zebrowski%' OR x ILIKE '%example.org%'",
           NULL, NULL, "0");
}

/* Status changes: the current row and the dated history. */
static void test_employee_status(void **state)
{
    pw_db_t *db = *state;
    /* Termination, applied twice: one history row, same current row. */
    for (int i = 0; i < 2; i++)
        assert_int_equal(employee_event(db, 8, "a-7", "acme", "e2", EMP("terminated"), "2024-05-01",
                                        "", "", "voluntary"),
                         PW_APPLY_OK);
    expect(db, EMPLOYEE_COL("status"), "acme", "e2", "terminated");
    expect(db, EMPLOYEE_COL("terminated_on"), "acme", "e2", "2024-05-01");
    expect(db, EMPLOYEE_COL("termination_reason"), "acme", "e2", "voluntary");
    expect(db, EMPLOYEE_COL("job_family"), "acme", "e2", "transport");
    expect(db, EMPLOYEE_COL("hire_date"), "acme", "e2", "2022-03-01");
    expect(db, ROWS_OF("reporting.employee_status"), "acme", "e2", "2");

    /* Terminated, then rehired: a new period, the termination cleared. */
    assert_int_equal(employee_event(db, 9, "a-8", "acme", "e4", EMP("terminated"), "2023-01-01", "",
                                    "", "involuntary"),
                     PW_APPLY_OK);
    assert_int_equal(employee_event(db, 10, "a-9", "acme", "e4", EMP("rehired"), "2023-06-01",
                                    "2022-01-01", "clerical", ""),
                     PW_APPLY_OK);
    expect(db, EMPLOYEE_COL("status"), "acme", "e4", "active");
    expect(db, EMPLOYEE_COL("period_start"), "acme", "e4", "2023-06-01");
    expect(db, EMPLOYEE_COL("hire_date"), "acme", "e4", "2022-01-01");
    expect(db, EMPLOYEE_COL("terminated_on"), "acme", "e4", "<null>");
    expect(db,
           "SELECT string_agg(status || '@' || effective_on, ',' ORDER BY effective_on) AS v"
           " FROM reporting.employee_status WHERE employer = $1 AND employee = $2",
           "acme", "e4", "active@2022-01-01,terminated@2023-01-01,active@2023-06-01");
}

static void test_determination_projection(void **state)
{
    pw_db_t *db = *state;
    const Pathways__V1__Outcome ok = PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    const Pathways__V1__Outcome no = PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE;
    const Pathways__V1__Outcome review = PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW;
    assert_int_equal(determination(db, 1, "acme", "e1", review, "2024-01-01", "2023-01-10", ""),
                     PW_APPLY_OK);
    assert_int_equal(
        determination(db, 2, "acme", "e1", ok, "2024-04-10", "2023-01-10", "transport"),
        PW_APPLY_OK);
    assert_int_equal(determination(db, 3, "acme", "e2", no, "2024-05-01", "2022-03-01", ""),
                     PW_APPLY_OK);
    assert_int_equal(determination(db, 4, "acme", "e3", review, "2024-05-01", "2024-01-02", ""),
                     PW_APPLY_OK);
    assert_int_equal(determination(db, 5, "acme", "e4", ok, "2023-09-01", "2022-01-01", "clerical"),
                     PW_APPLY_OK);
    assert_int_equal(
        determination(db, 6, "beta", "b1", ok, "2024-01-01", "2021-05-05", "patient_access"),
        PW_APPLY_OK);
    /* A determination for someone not (yet) seen on the employee stream. */
    assert_int_equal(determination(db, 7, "acme", "ghost", ok, "2024-01-01", "2020-01-01", ""),
                     PW_APPLY_OK);
    /* An older determination applied late does not move the outcome back. */
    assert_int_equal(determination(db, 1, "acme", "e1", review, "2024-01-01", "2023-01-10", ""),
                     PW_APPLY_OK);

    expect(db, ELIGIBILITY_COL("outcome"), "acme", "e1", "eligible");
    expect(db, ELIGIBILITY_COL("outcome_as_of"), "acme", "e1", "2024-04-10");
    expect(db, ELIGIBILITY_COL("first_eligible_on"), "acme", "e1", "2024-04-10");
    char tenure[16];
    snprintf(tenure, sizeof tenure, "%d", (int)(days("2024-04-10") - days("2023-01-10")));
    expect(db, ELIGIBILITY_COL("tenure_days_at_eligibility"), "acme", "e1", tenure);
    expect(db, ELIGIBILITY_COL("job_family_at_eligibility"), "acme", "e1", "transport");
    expect(db, ELIGIBILITY_COL("first_eligible_on"), "acme", "e2", "<null>");
    expect(db, ELIGIBILITY_COL("outcome"), "acme", "e2", "not_eligible");
    /* Someone determined but not seen on the employee stream has no
     * employee row (the summary counts employees seen there). */
    expect(db, ELIGIBILITY_COL("outcome"), "acme", "ghost", "eligible");
    expect(db, ROWS_OF("reporting.employee"), "acme", "ghost", "0");
    /* The determination did not disturb the employee facts. */
    expect(db, EMPLOYEE_COL("status"), "acme", "e2", "terminated");
}

static void test_enrollment_projection(void **state)
{
    pw_db_t *db = *state;
    assert_int_equal(enrollment(db, 1, "acme", "e1", ST(INVITED), "2024-04-11", ""), PW_APPLY_OK);
    assert_int_equal(enrollment(db, 2, "acme", "e1", ST(APPLIED), "2024-04-20", ""), PW_APPLY_OK);
    assert_int_equal(enrollment(db, 3, "acme", "e1", ST(ENROLLED), "2024-05-01", ""), PW_APPLY_OK);
    assert_int_equal(enrollment(db, 4, "acme", "e1", ST(IN_TRAINING), "2024-06-01", ""),
                     PW_APPLY_OK);
    assert_int_equal(enrollment(db, 5, "acme", "e4", ST(INVITED), "2023-09-02", ""), PW_APPLY_OK);
    assert_int_equal(enrollment(db, 6, "acme", "e4", ST(EXITED), "2023-10-01", "declined"),
                     PW_APPLY_OK);
    assert_int_equal(enrollment(db, 7, "beta", "b1", ST(INVITED), "2024-01-02", ""), PW_APPLY_OK);
    assert_int_equal(enrollment(db, 8, "beta", "b1", ST(ENROLLED), "2024-02-01", ""), PW_APPLY_OK);
    /* Replays: the same event again, and an old one late. */
    assert_int_equal(enrollment(db, 8, "beta", "b1", ST(ENROLLED), "2024-02-01", ""), PW_APPLY_OK);
    assert_int_equal(enrollment(db, 1, "acme", "e1", ST(INVITED), "2024-04-11", ""), PW_APPLY_OK);

    expect(db, ENROLLMENT_COL("state"), "acme", "e1", "in_training");
    expect(db, ENROLLMENT_COL("state_since"), "acme", "e1", "2024-06-01");
    expect(db, ENROLLMENT_COL("ever_invited"), "acme", "e1", "true");
    expect(db, ENROLLMENT_COL("invited_on"), "acme", "e1", "2024-04-11");
    expect(db, ENROLLMENT_COL("enrolled_on"), "acme", "e1", "2024-05-01");
    expect(db, ENROLLMENT_COL("training_on"), "acme", "e1", "2024-06-01");
    expect(db, ENROLLMENT_COL("exited_on"), "acme", "e1", "<null>");
    expect(db, ENROLLMENT_COL("last_seq"), "acme", "e1", "4");
    expect(db, ENROLLMENT_COL("state"), "acme", "e4", "exited");
    expect(db, ENROLLMENT_COL("exited_on"), "acme", "e4", "2023-10-01");
    expect(db, ENROLLMENT_COL("exit_reason"), "acme", "e4", "declined");
    expect(db, ENROLLMENT_COL("state"), "beta", "b1", "enrolled");
}

static void test_notification_projection(void **state)
{
    pw_db_t *db = *state;
    const Pathways__V1__DeliveryState queued = PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_QUEUED;
    const Pathways__V1__DeliveryState sent = PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_SENT;
    assert_int_equal(notification(db, 1, "n1", "acme", "e1", "invitation", queued), PW_APPLY_OK);
    assert_int_equal(notification(db, 2, "n1", "acme", "e1", "invitation", sent), PW_APPLY_OK);
    assert_int_equal(notification(db, 3, "n2", "acme", "e4", "invitation", sent), PW_APPLY_OK);
    assert_int_equal(notification(db, 4, "n3", "acme", "e4", "exited", queued), PW_APPLY_OK);
    assert_int_equal(notification(db, 5, "n4", "beta", "b1", "invitation", sent), PW_APPLY_OK);
    /* An employer without employees: its rows exist, its summary row not. */
    assert_int_equal(notification(db, 6, "n5", "zeta", "z1", "invitation", sent), PW_APPLY_OK);
    assert_int_equal(notification(db, 1, "n1", "acme", "e1", "invitation", queued), PW_APPLY_OK);
    expect(db, "SELECT state AS v FROM reporting.notification WHERE notification_id = $1", "n1",
           NULL, "sent");
    expect(db, "SELECT count(*)::text AS v FROM reporting.notification", NULL, NULL, "5");
}

/* ---- rejections ---- */

/* Bytes that are no protobuf message at all: a length running past the
 * end, and an invalid wire type. */
static const uint8_t TRUNCATED[] = {0x0a, 0x05, 'a', 'b'};
static const uint8_t BAD_WIRE[] = {0xff, 0xff, 0xff, 0xff, 0x0f};

static void test_malformed_payloads_change_nothing(void **state)
{
    pw_db_t *db = *state;
    char *before = digest(db);
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
        assert_int_equal(apply_bytes(db, handlers[i].fn, handlers[i].stream, 100, handlers[i].type,
                                     TRUNCATED, sizeof TRUNCATED),
                         PW_APPLY_REJECT);
        assert_int_equal(apply_bytes(db, handlers[i].fn, handlers[i].stream, 101, handlers[i].type,
                                     BAD_WIRE, sizeof BAD_WIRE),
                         PW_APPLY_REJECT);
        /* An empty payload decodes (all defaults) but names nobody. */
        assert_int_equal(
            apply_bytes(db, handlers[i].fn, handlers[i].stream, 102, handlers[i].type, NULL, 0),
            PW_APPLY_REJECT);
    }
    /* Decodable, but with facts that cannot be stored. */
    assert_int_equal(
        employee_event(db, 103, "a-x", "acme", "e1", EMP("terminated"), "2024-02-30", "", "", ""),
        PW_APPLY_REJECT);
    assert_int_equal(employee_event(db, 104, "a-y", "acme", "e1", EMP("job_changed"), "2024-07-01",
                                    "", "clerical\xff\xfe", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(determination(db, 105, "acme", "e1",
                                   PATHWAYS__V1__OUTCOME__OUTCOME_UNSPECIFIED, "2024-07-01",
                                   "2023-01-10", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(enrollment(db, 106, "acme", "e1", ST(UNSPECIFIED), "2024-07-01", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(enrollment(db, 107, "acme", "", ST(EXITED), "2024-07-01", ""),
                     PW_APPLY_REJECT);
    assert_int_equal(notification(db, 108, "", "acme", "e1", "invitation",
                                  PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_SENT),
                     PW_APPLY_REJECT);
    /* Types a handler does not know are skipped, not rejected. */
    assert_int_equal(apply_bytes(db, reporting_apply_eligibility, "eligibility", 109,
                                 "org.pathways.eligibility.rules_changed.v1", BAD_WIRE,
                                 sizeof BAD_WIRE),
                     PW_APPLY_OK);
    char *after = digest(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* ---- the command endpoint ---- */

/* Sends req through the request module and decodes the reply (caller
 * frees with pw_free_admin_reply). */
static Pathways__V1__AdminReply *ask(pw_db_t *db, const char *type, const uint8_t *bytes,
                                     size_t len)
{
    size_t reply_len = 0;
    uint8_t *out = reporting_request_answer(db, REPORT_VIEW_EXACT, type, bytes, len, &reply_len);
    assert_non_null(out);
    Pathways__V1__AdminReply *reply = pw_decode_admin_reply(out, reply_len);
    free(out);
    assert_non_null(reply);
    return reply;
}

static Pathways__V1__AdminReply *ask_summary(pw_db_t *db, const char *request_id,
                                             const char *employer)
{
    Pathways__V1__SummaryQuery q = PATHWAYS__V1__SUMMARY_QUERY__INIT;
    q.employer = (char *)employer;
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    req.request_id = (char *)request_id;
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_SUMMARY;
    req.summary = &q;
    size_t len = 0;
    uint8_t *bytes = pw_msg_encode(&req.base, 0, &len);
    assert_non_null(bytes);
    Pathways__V1__AdminReply *reply = ask(db, REPORTING_REQUEST_TYPE, bytes, len);
    free(bytes);
    return reply;
}

typedef struct {
    const char *employer;
    uint64_t employees, eligible, not_eligible, needs_review, invited, enrolled, exited, terminated,
        notifications;
} want_row_t;

static void check_row(const Pathways__V1__SummaryRow *got, const want_row_t *w)
{
    assert_string_equal(got->employer, w->employer);
    assert_int_equal(got->employees, w->employees);
    assert_int_equal(got->eligible, w->eligible);
    assert_int_equal(got->not_eligible, w->not_eligible);
    assert_int_equal(got->needs_review, w->needs_review);
    assert_int_equal(got->invited, w->invited);
    assert_int_equal(got->enrolled, w->enrolled);
    assert_int_equal(got->exited, w->exited);
    assert_int_equal(got->terminated, w->terminated);
    assert_int_equal(got->notifications, w->notifications);
}

/* acme: e1 eligible, invited, in training; e2 not eligible, terminated;
 * e3 needs review; e4 eligible, invited, exited; "ghost" was determined but
 * never seen on the employee stream. beta: b1 eligible and enrolled. zeta
 * has a notification but no employees. */
static const want_row_t ACME = {"acme", 4, 2, 1, 1, 2, 1, 1, 1, 3};
static const want_row_t BETA = {"beta", 1, 1, 0, 0, 1, 1, 0, 0, 1};

static void test_summary_every_employer(void **state)
{
    Pathways__V1__AdminReply *reply = ask_summary(*state, "req-1", "");
    assert_string_equal(reply->error_code, "");
    assert_string_equal(reply->request_id, "req-1");
    assert_int_equal(reply->reply_case, PATHWAYS__V1__ADMIN_REPLY__REPLY_SUMMARY);
    assert_non_null(reply->summary);
    assert_int_equal(reply->summary->n_rows, 2);
    check_row(reply->summary->rows[0], &ACME);
    check_row(reply->summary->rows[1], &BETA);
    pw_free_admin_reply(&reply);
}

static void test_summary_one_employer(void **state)
{
    Pathways__V1__AdminReply *reply = ask_summary(*state, "req-2", "beta");
    assert_string_equal(reply->error_code, "");
    assert_int_equal(reply->summary->n_rows, 1);
    check_row(reply->summary->rows[0], &BETA);
    pw_free_admin_reply(&reply);
    static const char *const absent[] = {"zeta", "nobody", "acme' OR '1'='1"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        reply = ask_summary(*state, "req-3", absent[i]);
        assert_string_equal(reply->error_code, "");
        assert_int_equal(reply->reply_case, PATHWAYS__V1__ADMIN_REPLY__REPLY_SUMMARY);
        assert_int_equal(reply->summary->n_rows, 0);
        pw_free_admin_reply(&reply);
    }
}

static void test_request_errors(void **state)
{
    pw_db_t *db = *state;
    /* Another message type. */
    Pathways__V1__AdminReply *reply = ask(db, "pathways.v1.PublishBatch", (const uint8_t *)"", 0);
    assert_string_equal(reply->error_code, REPORTING_ERR_UNSUPPORTED);
    assert_true(strlen(reply->error) > 0);
    pw_free_admin_reply(&reply);
    /* A request reporting does not serve (employer_upsert), and none at all. */
    Pathways__V1__EmployerUpsert up = PATHWAYS__V1__EMPLOYER_UPSERT__INIT;
    up.employer = "acme";
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    req.request_id = "req-up";
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_EMPLOYER_UPSERT;
    req.employer_upsert = &up;
    for (int i = 0; i < 2; i++) {
        if (i == 1)
            req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST__NOT_SET;
        size_t len = 0;
        uint8_t *bytes = pw_msg_encode(&req.base, 0, &len);
        reply = ask(db, REPORTING_REQUEST_TYPE, bytes, len);
        free(bytes);
        assert_string_equal(reply->error_code, REPORTING_ERR_UNSUPPORTED);
        assert_string_equal(reply->request_id, "req-up");
        assert_int_equal(reply->reply_case, PATHWAYS__V1__ADMIN_REPLY__REPLY__NOT_SET);
        pw_free_admin_reply(&reply);
    }
    /* Bytes that are no AdminRequest. */
    reply = ask(db, REPORTING_REQUEST_TYPE, TRUNCATED, sizeof TRUNCATED);
    assert_string_equal(reply->error_code, REPORTING_ERR_MALFORMED);
    pw_free_admin_reply(&reply);
    reply = ask(db, REPORTING_REQUEST_TYPE, BAD_WIRE, sizeof BAD_WIRE);
    assert_string_equal(reply->error_code, REPORTING_ERR_MALFORMED);
    pw_free_admin_reply(&reply);
}

/* Applying the whole history again changes no row and no figure. */
static void test_replay_is_idempotent(void **state)
{
    char *before = digest(*state);
    test_employee_facts(state);
    test_employee_status(state);
    test_determination_projection(state);
    test_enrollment_projection(state);
    test_notification_projection(state);
    char *after = digest(*state);
    assert_string_equal(before, after);
    free(before);
    free(after);
    Pathways__V1__AdminReply *reply = ask_summary(*state, "req-4", NULL);
    assert_int_equal(reply->summary->n_rows, 2);
    check_row(reply->summary->rows[0], &ACME);
    check_row(reply->summary->rows[1], &BETA);
    pw_free_admin_reply(&reply);
}

/* ---- batches ---- */

static pw_apply_batch_fn batch_handler(const char *stream)
{
    if (strcmp(stream, "employee") == 0)
        return reporting_apply_employee_batch;
    if (strcmp(stream, "eligibility") == 0)
        return reporting_apply_eligibility_batch;
    if (strcmp(stream, "enrollment") == 0)
        return reporting_apply_enrollment_batch;
    return reporting_apply_notification_batch;
}

/* Applies every logged event of each stream again, in batches of up to
 * size events (in log order), each batch in its own transaction. */
static void apply_log_in_batches(pw_db_t *db, size_t size)
{
    static const char *const streams[] = {"employee", "eligibility", "enrollment", "notification"};
    pw_event_t *evs = calloc(LOG_MAX, sizeof *evs);
    assert_non_null(evs);
    for (size_t s = 0; s < sizeof streams / sizeof streams[0]; s++) {
        size_t n = 0;
        for (size_t i = 0; i <= applied_n; i++) {
            if (i < applied_n && strcmp(applied_log[i].stream, streams[s]) == 0) {
                const logged_t *l = &applied_log[i];
                evs[n++] = (pw_event_t){.stream = l->stream,
                                        .seq = l->seq,
                                        .type = l->type,
                                        .key = "k",
                                        .event_id = l->event_id,
                                        .payload = l->bytes,
                                        .payload_len = l->len};
            }
            if (n > 0 && (n == size || i == applied_n)) {
                char err[256] = "";
                assert_int_equal(pw_db_begin(db), 0);
                pw_apply_t rc = batch_handler(streams[s])(NULL, db, evs, n, err, sizeof err);
                if (rc != PW_APPLY_OK)
                    fail_msg("batch of %zu on %s: %s", n, streams[s], err);
                assert_int_equal(pw_db_commit(db), 0);
                n = 0;
            }
        }
    }
    free(evs);
}

static void truncate_projections(pw_db_t *db)
{
    assert_int_equal(pw_db_exec(db,
                                "TRUNCATE reporting.employee, reporting.employee_status,"
                                " reporting.enrollment, reporting.notification",
                                0, NULL),
                     0);
}

/* The row versions of every reporting table: unchanged when nothing was
 * written. */
static char *versions(pw_db_t *db)
{
    return scalar(db,
                  "SELECT coalesce(md5(string_agg(x, '|' ORDER BY x)), 'empty') AS v FROM ("
                  " SELECT ctid::text || xmin::text AS x FROM reporting.employee"
                  " UNION ALL SELECT ctid::text || xmin::text FROM reporting.employee_status"
                  " UNION ALL SELECT ctid::text || xmin::text FROM reporting.enrollment"
                  " UNION ALL SELECT ctid::text || xmin::text FROM reporting.notification) AS r",
                  NULL, NULL);
}

/* The whole history (replays and late events included) applied in batches
 * of any size gives the rows it gave one event at a time; applying it once
 * more writes no row at all. */
static void test_batches_match_single_events(void **state)
{
    pw_db_t *db = *state;
    char *single = digest(db);
    static const size_t sizes[] = {LOG_MAX, 1, 2, 3, 7};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        truncate_projections(db);
        apply_log_in_batches(db, sizes[k]);
        char *batched = digest(db);
        if (strcmp(single, batched) != 0)
            fail_msg("batches of %zu: digest %s, one at a time %s", sizes[k], batched, single);
        free(batched);
    }
    char *before = versions(db);
    apply_log_in_batches(db, LOG_MAX);
    apply_log_in_batches(db, 2);
    char *after = versions(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(single);
}

/* One bad event rejects its whole batch, with the reason. */
static void test_batch_with_a_bad_event_is_rejected(void **state)
{
    pw_db_t *db = *state;
    static const uint8_t BAD[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    assert_true(applied_n >= 2);
    pw_event_t evs[3];
    size_t n = 0;
    for (size_t i = 0; i < applied_n && n < 2; i++)
        if (strcmp(applied_log[i].stream, "notification") == 0)
            evs[n++] = (pw_event_t){.stream = "notification",
                                    .seq = applied_log[i].seq,
                                    .type = REPORTING_TYPE_NOTIFICATION,
                                    .event_id = applied_log[i].event_id,
                                    .payload = applied_log[i].bytes,
                                    .payload_len = applied_log[i].len};
    assert_int_equal(n, 2);
    evs[2] = evs[1];
    evs[1] = (pw_event_t){.stream = "notification",
                          .seq = 999,
                          .type = REPORTING_TYPE_NOTIFICATION,
                          .event_id = "bad",
                          .payload = BAD,
                          .payload_len = sizeof BAD};
    char err[256] = "";
    assert_int_equal(pw_db_begin(db), 0);
    assert_int_equal(reporting_apply_notification_batch(NULL, db, evs, 3, err, sizeof err),
                     PW_APPLY_REJECT);
    pw_db_rollback(db);
    assert_non_null(strstr(err, "seq 999"));
}

/* Texts that array literals must escape reach the rows unchanged. */
static void test_hostile_texts_round_trip(void **state)
{
    pw_db_t *db = *state;
    static const char *const texts[] = {"a\"b\\c{d},e", "NULL", " {}, ", "caf\xc3\xa9 \\\""};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char id[16];
        snprintf(id, sizeof id, "q-%zu", i);
        assert_int_equal(employee_event(db, 200 + (int64_t)i, id, "quote\"co", texts[i],
                                        EMP("hired"), "2024-01-01", "2024-01-01", texts[i], ""),
                         PW_APPLY_OK);
        expect(db, EMPLOYEE_COL("job_family"), "quote\"co", texts[i], texts[i]);
        expect(db,
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
    pw_db_t *db = pw_testdb_fresh(DB_NAME, "reporting", NULL, 0);
    *state = db;
    return db ? 0 : -1;
}

static int teardown(void **state)
{
    pw_db_t *db = *state;
    for (size_t i = 0; i < applied_n; i++)
        free(applied_log[i].bytes);
    pw_db_destroy(&db);
    return 0;
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
        cmocka_unit_test(test_summary_every_employer),
        cmocka_unit_test(test_summary_one_employer),
        cmocka_unit_test(test_request_errors),
        cmocka_unit_test(test_replay_is_idempotent),
        cmocka_unit_test(test_batches_match_single_events),
        cmocka_unit_test(test_batch_with_a_bad_event_is_rejected),
        cmocka_unit_test(test_hostile_texts_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
