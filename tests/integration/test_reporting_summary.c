/* Integration test of the reporting service's summary endpoint, replays
 * and batches against the real PostgreSQL, in a fresh database of its own
 * holding the shared history of tests/lib/reporting_fixture (whose
 * projected rows test_reporting checks): the summary reply (a decoded
 * AdminReply) and its refusals, the whole history applied again, and the
 * log of every applied event applied again in batches of any size. The
 * tests run in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reporting/projection.h"
#include "reporting/request.h"
#include "reporting_fixture.h"

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
    reply = ask(db, REPORTING_REQUEST_TYPE, RFX_TRUNCATED, sizeof RFX_TRUNCATED);
    assert_string_equal(reply->error_code, REPORTING_ERR_MALFORMED);
    pw_free_admin_reply(&reply);
    reply = ask(db, REPORTING_REQUEST_TYPE, RFX_BAD_WIRE, sizeof RFX_BAD_WIRE);
    assert_string_equal(reply->error_code, REPORTING_ERR_MALFORMED);
    pw_free_admin_reply(&reply);
}

/* Applying the whole history again changes no row and no figure. */
static void test_replay_is_idempotent(void **state)
{
    char *before = rfx_digest(*state);
    rfx_history(*state);
    char *after = rfx_digest(*state);
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
    size_t applied_n;
    const rfx_logged_t *applied_log = rfx_log(&applied_n);
    pw_event_t *evs = calloc(RFX_LOG_MAX, sizeof *evs);
    assert_non_null(evs);
    for (size_t s = 0; s < sizeof streams / sizeof streams[0]; s++) {
        size_t n = 0;
        for (size_t i = 0; i <= applied_n; i++) {
            if (i < applied_n && strcmp(applied_log[i].stream, streams[s]) == 0) {
                const rfx_logged_t *l = &applied_log[i];
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
    return rfx_scalar(
        db,
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
    char *single = rfx_digest(db);
    static const size_t sizes[] = {RFX_LOG_MAX, 1, 2, 3, 7};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        truncate_projections(db);
        apply_log_in_batches(db, sizes[k]);
        char *batched = rfx_digest(db);
        if (strcmp(single, batched) != 0)
            fail_msg("batches of %zu: digest %s, one at a time %s", sizes[k], batched, single);
        free(batched);
    }
    char *before = versions(db);
    apply_log_in_batches(db, RFX_LOG_MAX);
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
    size_t applied_n;
    const rfx_logged_t *applied_log = rfx_log(&applied_n);
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

static int setup(void **state)
{
    if (rfx_setup(state, "pathways_it_report_summary") != 0)
        return -1;
    pw_db_t *db = *state;
    rfx_history(db);
    /* A type the handler does not know is skipped, and logged as applied
     * (test_reporting's malformed-payload case applies it too). */
    assert_int_equal(rfx_apply_bytes(db, reporting_apply_eligibility, "eligibility", 109,
                                     "org.pathways.eligibility.rules_changed.v1", RFX_BAD_WIRE,
                                     sizeof RFX_BAD_WIRE),
                     PW_APPLY_OK);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_every_employer),
        cmocka_unit_test(test_summary_one_employer),
        cmocka_unit_test(test_request_errors),
        cmocka_unit_test(test_replay_is_idempotent),
        cmocka_unit_test(test_batches_match_single_events),
        cmocka_unit_test(test_batch_with_a_bad_event_is_rejected),
    };
    return cmocka_run_group_tests(tests, setup, rfx_teardown);
}
