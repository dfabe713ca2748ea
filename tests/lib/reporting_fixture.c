/* Test helper: the reporting fixture (see reporting_fixture.h). */
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
#include "testdb.h"

const uint8_t RFX_TRUNCATED[4] = {0x0a, 0x05, 'a', 'b'};
const uint8_t RFX_BAD_WIRE[5] = {0xff, 0xff, 0xff, 0xff, 0x0f};

/* Every event applied successfully, in order, to apply again in batches. */
static rfx_logged_t applied_log[RFX_LOG_MAX];
static size_t applied_n;

const rfx_logged_t *rfx_log(size_t *n)
{
    *n = applied_n;
    return applied_log;
}

int rfx_setup(void **state, const char *db_name)
{
    pw_db_t *db = pw_testdb_fresh(db_name, "reporting", NULL, 0);
    *state = db;
    return db ? 0 : -1;
}

int rfx_teardown(void **state)
{
    pw_db_t *db = *state;
    for (size_t i = 0; i < applied_n; i++)
        free(applied_log[i].bytes);
    applied_n = 0;
    pw_db_destroy(&db);
    return 0;
}

/* ---- applying events ---- */

static void log_event(const pw_event_t *ev)
{
    assert_true(applied_n < RFX_LOG_MAX);
    rfx_logged_t *l = &applied_log[applied_n++];
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

pw_apply_t rfx_apply_bytes(pw_db_t *db, pw_apply_fn fn, const char *stream, int64_t seq,
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
    pw_apply_t rc = rfx_apply_bytes(db, fn, stream, seq, type, bytes, len);
    free(bytes);
    return rc;
}

pw_apply_t rfx_employee_event(pw_db_t *db, int64_t seq, const char *id, const char *employer,
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

pw_apply_t rfx_determination(pw_db_t *db, int64_t seq, const char *employer, const char *employee,
                             Pathways__V1__Outcome outcome, const char *as_of,
                             const char *hire_date, const char *job_family)
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

pw_apply_t rfx_enrollment(pw_db_t *db, int64_t seq, const char *employer, const char *employee,
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

pw_apply_t rfx_notification(pw_db_t *db, int64_t seq, const char *id, const char *employer,
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

/* ---- the shared history ---- */

/* One employee event: its verb (hired, job_changed, ...) and facts. */
typedef struct {
    int64_t seq;
    const char *id, *employer, *employee, *verb, *effective, *hire_date, *job_family, *reason;
} employee_row_t;

static void employee_rows(pw_db_t *db, const employee_row_t *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const employee_row_t *r = &rows[i];
        char type[96];
        snprintf(type, sizeof type, "org.pathways.employee.%s.v1", r->verb);
        if (rfx_employee_event(db, r->seq, r->id, r->employer, r->employee, type, r->effective,
                               r->hire_date, r->job_family, r->reason) != PW_APPLY_OK)
            fail_msg("employee event %s (seq %lld) not applied", r->id, (long long)r->seq);
    }
}

/* The employee stream's history: hires and job changes first, then status
 * changes. */
static const employee_row_t EMPLOYEE_ROWS[] = {
    {1, "a-1", "acme", "e1", "hired", "2023-01-10", "2023-01-10", "clerical", ""},
    {2, "a-2", "acme", "e2", "hired", "2022-03-01", "2022-03-01", "transport", ""},
    {3, "a-3", "acme", "e3", "hired", "2024-01-02", "2024-01-02", "food_service", ""},
    {4, "a-4", "acme", "e4", "hired", "2022-01-01", "2022-01-01", "clerical", ""},
    {5, "b-1", "beta", "b1", "hired", "2021-05-05", "2021-05-05", "patient_access", ""},
    /* A job change, then a late one dated before it: the late one loses. */
    {6, "a-5", "acme", "e1", "job_changed", "2024-03-01", "", "transport", ""},
    {7, "a-6", "acme", "e1", "job_changed", "2023-06-01", "", "food_service", ""},
    /* Status: a termination, applied twice. */
    {8, "a-7", "acme", "e2", "terminated", "2024-05-01", "", "", "voluntary"},
    {8, "a-7", "acme", "e2", "terminated", "2024-05-01", "", "", "voluntary"},
    /* Terminated, then rehired. */
    {9, "a-8", "acme", "e4", "terminated", "2023-01-01", "", "", "involuntary"},
    {10, "a-9", "acme", "e4", "rehired", "2023-06-01", "2022-01-01", "clerical", ""},
};
#define HIRES 7 /* the rows before the status changes */

void rfx_history_hires(pw_db_t *db)
{
    employee_rows(db, EMPLOYEE_ROWS, HIRES);
}

void rfx_history_status(pw_db_t *db)
{
    employee_rows(db, EMPLOYEE_ROWS + HIRES,
                  sizeof EMPLOYEE_ROWS / sizeof EMPLOYEE_ROWS[0] - HIRES);
}

void rfx_history_determinations(pw_db_t *db)
{
    const Pathways__V1__Outcome ok = PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    const Pathways__V1__Outcome no = PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE;
    const Pathways__V1__Outcome review = PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW;
    const struct {
        int64_t seq;
        const char *employer, *employee;
        Pathways__V1__Outcome outcome;
        const char *as_of, *hire_date, *job_family;
    } rows[] = {
        {1, "acme", "e1", review, "2024-01-01", "2023-01-10", ""},
        {2, "acme", "e1", ok, "2024-04-10", "2023-01-10", "transport"},
        {3, "acme", "e2", no, "2024-05-01", "2022-03-01", ""},
        {4, "acme", "e3", review, "2024-05-01", "2024-01-02", ""},
        {5, "acme", "e4", ok, "2023-09-01", "2022-01-01", "clerical"},
        {6, "beta", "b1", ok, "2024-01-01", "2021-05-05", "patient_access"},
        /* Someone not (yet) seen on the employee stream. */
        {7, "acme", "ghost", ok, "2024-01-01", "2020-01-01", ""},
        /* An older determination applied late. */
        {1, "acme", "e1", review, "2024-01-01", "2023-01-10", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rfx_determination(db, rows[i].seq, rows[i].employer, rows[i].employee, rows[i].outcome,
                              rows[i].as_of, rows[i].hire_date, rows[i].job_family) != PW_APPLY_OK)
            fail_msg("determination seq %lld not applied", (long long)rows[i].seq);
}

void rfx_history_enrollments(pw_db_t *db)
{
    static const struct {
        int64_t seq;
        const char *employer, *employee;
        Pathways__V1__EnrollmentState to;
        const char *date, *reason_code;
    } rows[] = {
        {1, "acme", "e1", ST(INVITED), "2024-04-11", ""},
        {2, "acme", "e1", ST(APPLIED), "2024-04-20", ""},
        {3, "acme", "e1", ST(ENROLLED), "2024-05-01", ""},
        {4, "acme", "e1", ST(IN_TRAINING), "2024-06-01", ""},
        {5, "acme", "e4", ST(INVITED), "2023-09-02", ""},
        {6, "acme", "e4", ST(EXITED), "2023-10-01", "declined"},
        {7, "beta", "b1", ST(INVITED), "2024-01-02", ""},
        {8, "beta", "b1", ST(ENROLLED), "2024-02-01", ""},
        /* Replays: the same event again, and an old one late. */
        {8, "beta", "b1", ST(ENROLLED), "2024-02-01", ""},
        {1, "acme", "e1", ST(INVITED), "2024-04-11", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rfx_enrollment(db, rows[i].seq, rows[i].employer, rows[i].employee, rows[i].to,
                           rows[i].date, rows[i].reason_code) != PW_APPLY_OK)
            fail_msg("enrollment seq %lld not applied", (long long)rows[i].seq);
}

void rfx_history_notifications(pw_db_t *db)
{
    const Pathways__V1__DeliveryState queued = PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_QUEUED;
    const Pathways__V1__DeliveryState sent = PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_SENT;
    const struct {
        int64_t seq;
        const char *id, *employer, *employee, *trigger;
        Pathways__V1__DeliveryState state;
    } rows[] = {
        {1, "n1", "acme", "e1", "invitation", queued},
        {2, "n1", "acme", "e1", "invitation", sent},
        {3, "n2", "acme", "e4", "invitation", sent},
        {4, "n3", "acme", "e4", "exited", queued},
        {5, "n4", "beta", "b1", "invitation", sent},
        /* An employer without employees: its rows exist, its summary row not. */
        {6, "n5", "zeta", "z1", "invitation", sent},
        {1, "n1", "acme", "e1", "invitation", queued},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rfx_notification(db, rows[i].seq, rows[i].id, rows[i].employer, rows[i].employee,
                             rows[i].trigger, rows[i].state) != PW_APPLY_OK)
            fail_msg("notification seq %lld not applied", (long long)rows[i].seq);
}

void rfx_history(pw_db_t *db)
{
    rfx_history_hires(db);
    rfx_history_status(db);
    rfx_history_determinations(db);
    rfx_history_enrollments(db);
    rfx_history_notifications(db);
}

/* ---- checks ---- */

char *rfx_scalar(pw_db_t *db, const char *sql, const char *p1, const char *p2)
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

void rfx_expect(pw_db_t *db, const char *sql, const char *p1, const char *p2, const char *want)
{
    char *got = rfx_scalar(db, sql, p1, p2);
    if (strcmp(got, want) != 0)
        fail_msg("%s [%s, %s]: expected %s, got %s", sql, p1 ? p1 : "", p2 ? p2 : "", want, got);
    free(got);
}

void rfx_expect_all(pw_db_t *db, const rfx_want_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rfx_expect(db, w[i].sql, w[i].p1, w[i].p2, w[i].want);
}

char *rfx_digest(pw_db_t *db)
{
    return rfx_scalar(
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
