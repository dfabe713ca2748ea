/* Integration tests for the notification service against the real
 * PostgreSQL (database pathways_it_notify) and a real SMTP server on
 * loopback (tests/lib/smtp_sink.py, Debian's python3-aiosmtpd): the
 * recipient directory merge, one outbox row per trigger event even when
 * the event is replayed, delivery through the file sink and over SMTP
 * (exactly one message per notification), retries with backoff, dead
 * rows, waiting for an unknown address, and reclaiming stuck claims. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "notification/catalog.h"
#include "notification/channel.h"
#include "notification/delivery.h"
#include "notification/outbox.h"
#include "notification/recipient.h"
#include "notification/triggers.h"
#include "pathways/codec.h"
#include "pathways/migrate.h"
#include "pathways/stream.h"
#include "testdb.h"

typedef struct {
    pw_db_t *db;
    pw_appender_t *appender;
    ntf_publisher_t pub;
    ntf_triggers_t triggers; /* the enrollment consumer's context */
    ntf_catalog_t *catalog;
    char dir[256];
    pid_t sink; /* the SMTP sink while a test runs it; killed in teardown */
} fixture_t;

/* ---- a publisher over a plain appender, as the runtime does it ---- */

static int t_append(void *ctx, const char *stream, const char *type, const char *key,
                    const char *event_id, const ProtobufCMessage *payload)
{
    return pw_appender_add_msg(ctx, stream, type, key, event_id, payload);
}

static void t_rollback(void *ctx, pw_db_t *db)
{
    pw_db_rollback(db);
    pw_appender_discard(ctx);
}

static int t_commit(void *ctx, pw_db_t *db)
{
    if (pw_appender_flush(ctx, db) != 0 || pw_db_commit(db) != 0) {
        t_rollback(ctx, db);
        return -1;
    }
    pw_appender_publish(ctx, NULL);
    return 0;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->db = pw_testdb_fresh("pathways_it_notify", "common", NULL, 0);
    char err[512];
    if (pw_migrate(f->db, "notification", err, sizeof err) < 0) {
        fprintf(stderr, "migrate notification: %s\n", err);
        return -1;
    }
    f->appender = pw_appender_new();
    f->pub = (ntf_publisher_t){t_append, t_commit, t_rollback, f->appender};
    f->catalog = ntf_catalog_builtin(err, sizeof err);
    snprintf(f->dir, sizeof f->dir, "/tmp/pw-it-notify-XXXXXX");
    if (!f->catalog || !mkdtemp(f->dir))
        return -1;
    f->triggers = (ntf_triggers_t){&f->pub, ntf_catalog_routes(f->catalog), NULL};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    if (f->sink > 0) {
        kill(f->sink, SIGTERM);
        waitpid(f->sink, NULL, 0);
    }
    ntf_catalog_destroy(&f->catalog);
    pw_appender_destroy(&f->appender);
    pw_db_destroy(&f->db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

/* ---- helpers ---- */

static pw_apply_t apply(fixture_t *f, pw_apply_batch_fn fn, const char *stream,
                        const char *event_id, const ProtobufCMessage *m)
{
    size_t len;
    uint8_t *bytes = pw_msg_encode(m, 0, &len);
    pw_event_t ev = {.stream = stream,
                     .seq = 1,
                     .type = "t",
                     .key = "k",
                     .event_id = event_id,
                     .payload = bytes,
                     .payload_len = len};
    char err[256] = "";
    assert_int_equal(pw_db_begin(f->db), 0);
    pw_apply_t r = fn(&f->triggers, f->db, &ev, 1, err, sizeof err);
    if (r == PW_APPLY_OK)
        assert_int_equal(t_commit(f->appender, f->db), 0);
    else
        t_rollback(f->appender, f->db);
    free(bytes);
    return r;
}

static pw_apply_t employee_event(fixture_t *f, const char *employee, const char *effective,
                                 const char *email, const char *given, const char *lang)
{
    Pathways__V1__EmployeeFacts facts = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    facts.email = (char *)email;
    facts.given_name = (char *)given;
    facts.language = (char *)lang;
    Pathways__V1__EmployeeEvent e = PATHWAYS__V1__EMPLOYEE_EVENT__INIT;
    e.id = "p-1";
    e.source = "acme";
    e.subject = (char *)employee;
    e.type = "org.pathways.employee.hired.v1";
    e.effective_date = (char *)effective;
    e.data = &facts;
    return apply(f, ntf_apply_employee, "employee", "emp-ev", &e.base);
}

static pw_apply_t enrollment_event(fixture_t *f, const char *event_id, const char *employee,
                                   Pathways__V1__EnrollmentState to)
{
    Pathways__V1__EnrollmentChanged e = PATHWAYS__V1__ENROLLMENT_CHANGED__INIT;
    e.employer = "acme";
    e.employee = (char *)employee;
    e.program = "mapp";
    e.to_state = to;
    return apply(f, ntf_apply_enrollment, "enrollment", event_id, &e.base);
}

static void assert_query(fixture_t *f, const char *sql, const char *param, const char *expect)
{
    const char *p[1] = {param};
    PGresult *res = pw_db_query(f->db, sql, param ? 1 : 0, param ? p : NULL);
    assert_non_null(res);
    const char *got = PQntuples(res) ? PQgetvalue(res, 0, 0) : "<none>";
    if (strcmp(got, expect) != 0)
        fail_msg("%s [%s]: expected \"%s\", got \"%s\"", sql, param ? param : "", expect, got);
    PQclear(res);
}

static void exec_sql(fixture_t *f, const char *sql)
{
    assert_int_equal(pw_db_exec(f->db, sql, 0, NULL), 0);
}

static int count_lines(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    int n = 0, c;
    while ((c = fgetc(fp)) != EOF)
        n += c == '\n';
    fclose(fp);
    return n;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static ntf_delivery_t *file_delivery(fixture_t *f, const char *file, int max_attempts)
{
    ntf_channel_t *ch = ntf_channel_file_new(file);
    ntf_delivery_opts_t o = {.max_attempts = max_attempts, .from = "pathways@test.example"};
    ntf_delivery_t *d = ntf_delivery_new(&o, &ch, f->catalog, &f->pub);
    assert_non_null(d);
    assert_null(ch);
    return d;
}

#define INVITED   PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_INVITED
#define EXITED    PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_EXITED
#define COMPLETED PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_COMPLETED

static const char *ROW_OF = "SELECT state || '/' || attempts || '/' || address_waits"
                            " FROM notification.outbox WHERE employee = $1"
                            " AND recipient = 'employee' ORDER BY created_at DESC LIMIT 1";
static const char *N_EVENTS = "SELECT count(*) FROM stream.event WHERE stream = 'notification'";

/* Makes every retrying row due now. */
static void make_due(fixture_t *f)
{
    exec_sql(f, "UPDATE notification.outbox SET next_attempt_at = now()"
                " WHERE state IN ('queued', 'retrying')");
}

/* ---- tests ---- */

static void test_recipient_directory_merges_by_effective_date(void **state)
{
    fixture_t *f = *state;
    const char *SQL = "SELECT email || '|' || given_name || '|' || language"
                      " FROM notification.recipient WHERE employee = $1";
    assert_int_equal(employee_event(f, "r1", "2026-01-10", "ana@old.example", "Ana", "es"),
                     PW_APPLY_OK);
    assert_query(f, SQL, "r1", "ana@old.example|Ana|es");
    /* A newer event that states only the email. */
    assert_int_equal(employee_event(f, "r1", "2026-02-01", "ana@new.example", "", ""), PW_APPLY_OK);
    assert_query(f, SQL, "r1", "ana@new.example|Ana|es");
    /* A late event: older than both; its email is stale, its name too. */
    assert_int_equal(employee_event(f, "r1", "2026-01-05", "stale@x.example", "Anita", "en"),
                     PW_APPLY_OK);
    assert_query(f, SQL, "r1", "ana@new.example|Ana|es");
    /* Same day as the name on file: the later event wins. */
    assert_int_equal(employee_event(f, "r1", "2026-01-10", "", "Ana María", ""), PW_APPLY_OK);
    assert_query(f, SQL, "r1", "ana@new.example|Ana María|es");
    /* Junk and bad dates are rejected, not half-applied. */
    assert_int_equal(employee_event(f, "r1", "2026-13-40", "z@z.example", "", ""), PW_APPLY_REJECT);
    assert_query(f, SQL, "r1", "ana@new.example|Ana María|es");
}

static void test_trigger_queues_once_even_when_replayed(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(enrollment_event(f, "enr-1", "r1", INVITED), PW_APPLY_OK);
    assert_int_equal(enrollment_event(f, "enr-1", "r1", INVITED), PW_APPLY_OK);
    assert_query(f, "SELECT count(*) FROM notification.outbox WHERE trigger_event_id = $1", "enr-1",
                 "1");
    assert_query(f,
                 "SELECT trigger || '/' || channel || '/' || state || '/' || attempts || '/' ||"
                 " (next_attempt_at <= now()) FROM notification.outbox WHERE trigger_event_id = $1",
                 "enr-1", "invitation/email/queued/0/true");
    assert_query(f, N_EVENTS, NULL, "1");
    PGresult *res = pw_db_query(f->db,
                                "SELECT payload FROM stream.event"
                                " WHERE stream = 'notification'",
                                0, NULL);
    size_t len;
    uint8_t *bytes = pw_db_get_bytea(res, 0, "payload", &len);
    PQclear(res);
    Pathways__V1__NotificationChanged *n = pw_decode_notification_changed(bytes, len);
    free(bytes);
    assert_non_null(n);
    assert_int_equal(n->state, PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_QUEUED);
    assert_string_equal(n->trigger, "invitation");
    assert_int_equal(n->channel, PATHWAYS__V1__CHANNEL__CHANNEL_EMAIL);
    assert_int_equal(strlen(n->notification_id), 36); /* a uuid */
    pw_free_notification_changed(&n);
    /* States without routes notify nobody; junk is rejected. */
    assert_int_equal(enrollment_event(f, "enr-2", "r1", COMPLETED), PW_APPLY_OK);
    assert_query(f, N_EVENTS, NULL, "1");
    const uint8_t junk[] = {0x0a, 0xff, 0x01};
    pw_event_t ev = {.stream = "enrollment",
                     .event_id = "enr-junk",
                     .payload = junk,
                     .payload_len = sizeof junk};
    char err[128];
    assert_int_equal(ntf_apply_enrollment(&f->triggers, f->db, &ev, 1, err, sizeof err),
                     PW_APPLY_REJECT);
}

static void test_file_sink_delivery(void **state)
{
    fixture_t *f = *state;
    char file[300];
    snprintf(file, sizeof file, "%s/outbox.jsonl", f->dir);
    ntf_delivery_t *d = file_delivery(f, file, 5);
    assert_int_equal(ntf_delivery_tick(d, f->db), 1);
    assert_int_equal(ntf_delivery_tick(d, f->db), 0);
    assert_int_equal(count_lines(file), 1);
    const char *text = slurp(file);
    assert_non_null(strstr(text, "\"to\":\"ana@new.example\""));
    assert_non_null(strstr(text, "\"subject\":\"Invitación al Programa"));
    assert_query(f, ROW_OF, "r1", "sent/1/0");
    assert_query(f, "SELECT count(*) FROM notification.outbox WHERE sent_at IS NOT NULL", NULL,
                 "1");
    assert_query(f, "SELECT attempt || '/' || result FROM notification.attempt", NULL, "1/sent");
    assert_query(f, N_EVENTS, NULL, "2");
    ntf_delivery_destroy(&d);
}

static void test_unknown_address_waits_then_sends(void **state)
{
    fixture_t *f = *state;
    char file[300];
    snprintf(file, sizeof file, "%s/wait.jsonl", f->dir);
    assert_int_equal(enrollment_event(f, "enr-3", "r2", EXITED), PW_APPLY_OK);
    ntf_delivery_t *d = file_delivery(f, file, 3);
    /* Exits also go to HR and the provider, but no contacts are configured. */
    assert_int_equal(ntf_delivery_tick(d, f->db), 1);
    assert_query(f, "SELECT count(*) FROM notification.outbox WHERE trigger_event_id = $1", "enr-3",
                 "1");
    assert_query(f, ROW_OF, "r2", "retrying/0/1");
    assert_query(f,
                 "SELECT next_attempt_at > now() FROM notification.outbox WHERE employee = $1"
                 " AND recipient = 'employee'",
                 "r2", "t");
    assert_int_equal(ntf_delivery_tick(d, f->db), 0); /* not due yet */
    /* The address arriving makes the waiting row due at once. */
    assert_int_equal(employee_event(f, "r2", "2026-01-01", "bo@x.example", "Bo", "en"),
                     PW_APPLY_OK);
    assert_int_equal(ntf_delivery_tick(d, f->db), 1);
    assert_query(f, ROW_OF, "r2", "sent/1/1");
    assert_query(f, "SELECT count(*) FROM notification.outbox WHERE address_wait_since IS NOT NULL",
                 NULL, "0");
    assert_non_null(strstr(slurp(file), "\"subject\":\"Your enrollment in the Medical Assistant"));
    /* An address that never comes: waits past max_attempts checks without
     * spending attempts, and is cancelled only when the wait is over. */
    assert_int_equal(enrollment_event(f, "enr-4", "nobody", INVITED), PW_APPLY_OK);
    for (int i = 0; i < 5; i++) {
        make_due(f);
        assert_int_equal(ntf_delivery_tick(d, f->db), 1);
    }
    assert_query(f, ROW_OF, "nobody", "retrying/0/5");
    exec_sql(f, "UPDATE notification.outbox SET address_wait_since = now() - interval '25 hours'"
                " WHERE employee = 'nobody'");
    make_due(f);
    assert_int_equal(ntf_delivery_tick(d, f->db), 1);
    assert_query(f, ROW_OF, "nobody", "cancelled/0/6");
    ntf_delivery_destroy(&d);
}

/* A channel that always fails temporarily. */
static ntf_send_t flaky_send(void *impl, const ntf_message_t *m, char *err, size_t errlen)
{
    (*(int *)impl)++;
    snprintf(err, errlen, "peer unavailable");
    return NTF_SEND_TEMPORARY;
}
static void flaky_destroy(void *impl)
{
    (void)impl;
}
static const ntf_channel_ops_t FLAKY = {"flaky", flaky_send, flaky_destroy};

static void test_temporary_failures_back_off_then_die(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(enrollment_event(f, "enr-5", "r1", EXITED), PW_APPLY_OK);
    static int calls;
    ntf_channel_t *ch = ntf_channel_wrap(&FLAKY, &calls);
    ntf_delivery_opts_t o = {.max_attempts = 3, .from = "p@test.example"};
    ntf_delivery_t *d = ntf_delivery_new(&o, &ch, f->catalog, &f->pub);
    assert_int_equal(ntf_delivery_tick(d, f->db), 1);
    assert_query(f, ROW_OF, "r1", "retrying/1/0");
    /* First retry: base 1 s with jitter -> between 0.5 s and 1 s. */
    assert_query(f,
                 "SELECT next_attempt_at - updated_at BETWEEN interval '0.49 s' AND"
                 " interval '1.01 s' FROM notification.outbox WHERE trigger_event_id = $1"
                 " AND recipient = 'employee'",
                 "enr-5", "t");
    make_due(f);
    assert_int_equal(ntf_delivery_tick(d, f->db), 1);
    assert_query(f,
                 "SELECT next_attempt_at - updated_at BETWEEN interval '0.99 s' AND"
                 " interval '2.01 s' FROM notification.outbox WHERE trigger_event_id = $1"
                 " AND recipient = 'employee'",
                 "enr-5", "t");
    make_due(f);
    assert_int_equal(ntf_delivery_tick(d, f->db), 1);
    assert_query(f, ROW_OF, "r1", "dead/3/0");
    assert_query(f,
                 "SELECT last_error FROM notification.outbox WHERE trigger_event_id = $1"
                 " AND recipient = 'employee'",
                 "enr-5", "peer unavailable");
    assert_query(f,
                 "SELECT string_agg(result, ',' ORDER BY id) FROM notification.attempt a JOIN"
                 " notification.outbox o USING (notification_id) WHERE trigger_event_id = $1"
                 " AND recipient = 'employee'",
                 "enr-5", "temporary,temporary,temporary");
    assert_int_equal(calls, 3);
    ntf_delivery_destroy(&d);
}

static void test_stuck_sending_is_reclaimed_at_startup(void **state)
{
    fixture_t *f = *state;
    char file[300];
    snprintf(file, sizeof file, "%s/reclaim.jsonl", f->dir);
    assert_int_equal(enrollment_event(f, "enr-6", "r2", INVITED), PW_APPLY_OK);
    /* As if a previous process claimed it and died before recording. */
    exec_sql(f, "UPDATE notification.outbox SET state = 'sending', claimed_at = now()"
                " WHERE trigger_event_id = 'enr-6'");
    /* Not stuck: its send is no re-send. */
    assert_int_equal(enrollment_event(f, "enr-6b", "r1", INVITED), PW_APPLY_OK);
    pw_metrics_t *m = pw_metrics_new();
    ntf_channel_t *ch = ntf_channel_file_new(file);
    ntf_delivery_opts_t o = {.max_attempts = 5, .from = "pathways@test.example", .metrics = m};
    ntf_delivery_t *d = ntf_delivery_new(&o, &ch, f->catalog, &f->pub);
    assert_non_null(d);
    assert_int_equal(ntf_delivery_tick(d, f->db), 2);
    assert_query(f, "SELECT state FROM notification.outbox WHERE trigger_event_id = $1", "enr-6",
                 "sent");
    assert_int_equal(count_lines(file), 2);
    assert_true(pw_metrics_get(m, "pathways_notification_resends_total", "channel=\"email\"") ==
                1.0);
    assert_true(pw_metrics_get(m, "pathways_notification_deliveries_total",
                               "channel=\"email\",result=\"sent\"") == 2.0);
    ntf_delivery_destroy(&d);
    pw_metrics_destroy(&m);
}

/* ---- SMTP: a real server on loopback ---- */

static pid_t start_sink(const char *dir, const char *out, int tempfail, int *port)
{
    char script[512], ready[300], tf[16];
    snprintf(script, sizeof script, "%s", __FILE__);
    char *slash = strrchr(script, '/');
    assert_non_null(slash);
    snprintf(slash, sizeof script - (size_t)(slash - script), "/../lib/smtp_sink.py");
    snprintf(ready, sizeof ready, "%s/sink.ready", dir);
    snprintf(tf, sizeof tf, "%d", tempfail);
    unlink(ready);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Never outlive the test, never hold its stdout open. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execl("/usr/bin/python3", "python3", script, "--out", out, "--ready", ready, "--tempfail",
              tf, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        FILE *fp = fopen(ready, "r");
        if (fp) {
            int ok = fscanf(fp, "%d", port) == 1;
            fclose(fp);
            if (ok)
                return pid;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            fail_msg("smtp_sink.py exited early (is python3-aiosmtpd installed?)");
        usleep(50 * 1000);
    }
    kill(pid, SIGTERM);
    fail_msg("smtp_sink.py did not become ready");
    return -1;
}

static void stop_sink(fixture_t *f)
{
    kill(f->sink, SIGTERM);
    waitpid(f->sink, NULL, 0);
    f->sink = 0;
}

static void test_smtp_exactly_one_message_per_notification(void **state)
{
    fixture_t *f = *state;
    char out[300];
    snprintf(out, sizeof out, "%s/smtp.jsonl", f->dir);
    int port = 0;
    f->sink = start_sink(f->dir, out, 1, &port); /* the first DATA gets a 451 */
    char url[64];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
    ntf_channel_t *ch = ntf_channel_smtp_new(url, "Pathways <noreply@pathways.test>");
    assert_non_null(ch);
    ntf_delivery_opts_t o = {.max_attempts = 5, .from = "Pathways <noreply@pathways.test>"};
    ntf_delivery_t *d = ntf_delivery_new(&o, &ch, f->catalog, &f->pub);
    assert_int_equal(employee_event(f, "s1", "2026-01-01", "sam@x.example", "Sam", "en"),
                     PW_APPLY_OK);
    assert_int_equal(employee_event(f, "s2", "2026-01-01", "sol@x.example", "Sol", "es"),
                     PW_APPLY_OK);
    assert_int_equal(enrollment_event(f, "smtp-1", "s1", INVITED), PW_APPLY_OK);
    assert_int_equal(enrollment_event(f, "smtp-2", "s2", INVITED), PW_APPLY_OK);
    assert_int_equal(enrollment_event(f, "smtp-1", "s1", INVITED), PW_APPLY_OK); /* replay */
    for (int i = 0; i < 4; i++) {
        assert_true(ntf_delivery_tick(d, f->db) >= 0);
        make_due(f);
    }
    /* Both sent; one of them (whichever went first) needed a second try. */
    assert_query(f,
                 "SELECT count(*) FILTER (WHERE state = 'sent') || '/' || sum(attempts)"
                 " FROM notification.outbox WHERE trigger_event_id LIKE 'smtp-%'",
                 NULL, "2/3");
    stop_sink(f);
    assert_int_equal(count_lines(out), 2);
    const char *text = slurp(out);
    assert_non_null(strstr(text, "\"rcpt_tos\": [\"sam@x.example\"]"));
    assert_non_null(strstr(text, "\"rcpt_tos\": [\"sol@x.example\"]"));
    assert_non_null(strstr(text, "\"mail_from\": \"noreply@pathways.test\""));
    assert_non_null(strstr(text, "Subject: You are invited to the Medical Assistant Pathway"));
    assert_non_null(strstr(text, "Subject: =?UTF-8?B?"));
    PGresult *res = pw_db_query(f->db,
                                "SELECT notification_id FROM notification.outbox"
                                " WHERE trigger_event_id LIKE 'smtp-%'",
                                0, NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        char hdr[128];
        snprintf(hdr, sizeof hdr, "X-Pathways-Notification-Id: %s",
                 pw_db_get(res, i, "notification_id"));
        assert_non_null(strstr(text, hdr));
        snprintf(hdr, sizeof hdr, "Message-ID: <%s@pathways.test>",
                 pw_db_get(res, i, "notification_id"));
        assert_non_null(strstr(text, hdr));
    }
    PQclear(res);
    ntf_delivery_destroy(&d);
}

/* ---- set-based batches: the same effects as one event at a time ---- */

#define ENROLLED  PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_ENROLLED
#define BATCH_MAX 8

typedef struct {
    pw_event_t ev[BATCH_MAX];
    uint8_t *bytes[BATCH_MAX];
    size_t n;
} batch_t;

static void batch_add(batch_t *b, const char *event_id, const ProtobufCMessage *m)
{
    size_t len;
    assert_true(b->n < BATCH_MAX);
    b->bytes[b->n] = pw_msg_encode(m, 0, &len);
    b->ev[b->n] = (pw_event_t){.stream = "s",
                               .seq = (int64_t)b->n + 1,
                               .type = "t",
                               .key = "k",
                               .event_id = event_id,
                               .payload = b->bytes[b->n],
                               .payload_len = len};
    b->n++;
}

/* Applies the whole batch in one transaction and frees it. */
static pw_apply_t batch_apply(fixture_t *f, pw_apply_batch_fn fn, batch_t *b)
{
    char err[256] = "";
    assert_int_equal(pw_db_begin(f->db), 0);
    pw_apply_t r = fn(&f->triggers, f->db, b->ev, b->n, err, sizeof err);
    if (r == PW_APPLY_OK)
        assert_int_equal(t_commit(f->appender, f->db), 0);
    else
        t_rollback(f->appender, f->db);
    for (size_t i = 0; i < b->n; i++)
        free(b->bytes[i]);
    b->n = 0;
    return r;
}

static void add_employee(batch_t *b, const char *employee, const char *effective, const char *email,
                         const char *given)
{
    Pathways__V1__EmployeeFacts facts = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    facts.email = (char *)email;
    facts.given_name = (char *)given;
    Pathways__V1__EmployeeEvent e = PATHWAYS__V1__EMPLOYEE_EVENT__INIT;
    e.source = "acme";
    e.subject = (char *)employee;
    e.effective_date = (char *)effective;
    e.data = &facts;
    batch_add(b, "emp-ev", &e.base);
}

static void test_employee_batch_folds_like_one_at_a_time(void **state)
{
    fixture_t *f = *state;
    const char *SQL = "SELECT email || '|' || given_name FROM notification.recipient"
                      " WHERE employee = $1";
    batch_t b = {0};
    add_employee(&b, "b1", "2026-03-01", "new@b.example", "Bea");
    add_employee(&b, "b1", "2026-02-01", "late@b.example", ""); /* older: ignored */
    add_employee(&b, "b1", "2026-03-01", "", "Beatriz");        /* same day, later: wins */
    add_employee(&b, "b2", "2026-01-01", "b2@b.example", "Ben");
    assert_int_equal(batch_apply(f, ntf_apply_employee, &b), PW_APPLY_OK);
    assert_query(f, SQL, "b1", "new@b.example|Beatriz");
    assert_query(f, SQL, "b2", "b2@b.example|Ben");
    /* Facts already on file (or older) write no new row version. */
    PGresult *res = pw_db_query(f->db,
                                "SELECT xmin::text AS x FROM notification.recipient"
                                " WHERE employee = 'b1'",
                                0, NULL);
    char xmin[32];
    snprintf(xmin, sizeof xmin, "%s", pw_db_get(res, 0, "x"));
    PQclear(res);
    add_employee(&b, "b1", "2026-03-01", "new@b.example", "Beatriz");
    add_employee(&b, "b1", "2026-01-01", "old@b.example", "");
    assert_int_equal(batch_apply(f, ntf_apply_employee, &b), PW_APPLY_OK);
    assert_query(f, "SELECT xmin::text FROM notification.recipient WHERE employee = $1", "b1",
                 xmin);
    /* One bad event rejects the batch (the consumer then isolates it). */
    add_employee(&b, "b2", "2026-05-01", "changed@b.example", "");
    add_employee(&b, "b2", "2026-99-01", "bad@b.example", "");
    assert_int_equal(batch_apply(f, ntf_apply_employee, &b), PW_APPLY_REJECT);
    assert_query(f, SQL, "b2", "b2@b.example|Ben");
}

static void add_enrollment(batch_t *b, const char *event_id, const char *employee,
                           Pathways__V1__EnrollmentState to, const char *cohort)
{
    Pathways__V1__EnrollmentChanged e = PATHWAYS__V1__ENROLLMENT_CHANGED__INIT;
    e.employer = "acme";
    e.employee = (char *)employee;
    e.program = "mapp";
    e.to_state = to;
    e.cohort_id = (char *)cohort;
    e.cohort_start_date = "2199-06-01";
    batch_add(b, event_id, &e.base);
}

static void test_enrollment_batch_matches_one_at_a_time(void **state)
{
    fixture_t *f = *state;
    PGresult *res = pw_db_query(f->db, N_EVENTS, 0, NULL);
    long before = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    batch_t b = {0};
    add_enrollment(&b, "bt-1", "b1", INVITED, "");
    add_enrollment(&b, "bt-1", "b1", INVITED, ""); /* replayed within the batch */
    add_enrollment(&b, "bt-2", "b1", ENROLLED, "c1");
    add_enrollment(&b, "bt-3", "b2", ENROLLED, "c2");
    add_enrollment(&b, "bt-4", "b1", EXITED, "c1");
    assert_int_equal(batch_apply(f, ntf_apply_enrollment, &b), PW_APPLY_OK);
    /* invitation, enrolled (employee; HR has no contact), enrolled, exited. */
    assert_query(f,
                 "SELECT string_agg(trigger_event_id || ':' || trigger, ','"
                 " ORDER BY trigger_event_id) FROM notification.outbox"
                 " WHERE trigger_event_id LIKE 'bt-%'",
                 NULL, "bt-1:invitation,bt-2:enrolled,bt-3:enrolled,bt-4:exited");
    res = pw_db_query(f->db, N_EVENTS, 0, NULL);
    assert_int_equal(atol(PQgetvalue(res, 0, 0)) - before, 4);
    PQclear(res);
    /* b1's reminders were cancelled by the exit later in the batch: stored
     * cancelled at once; b2's stay pending. */
    assert_query(f,
                 "SELECT string_agg(employee || ':' || days_before || ':' || state, ','"
                 " ORDER BY employee, days_before) FROM notification.reminder"
                 " WHERE source_event_id LIKE 'bt-%'",
                 NULL, "b1:1:cancelled,b1:7:cancelled,b2:1:pending,b2:7:pending");
    /* The next batch: a replay changes nothing; b2 moving cohort cancels. */
    add_enrollment(&b, "bt-3", "b2", ENROLLED, "c2");
    add_enrollment(&b, "bt-5", "b2", ENROLLED, "c3");
    assert_int_equal(batch_apply(f, ntf_apply_enrollment, &b), PW_APPLY_OK);
    assert_query(f,
                 "SELECT string_agg(source_event_id || ':' || days_before || ':' || state, ','"
                 " ORDER BY source_event_id, days_before) FROM notification.reminder"
                 " WHERE employee = 'b2'",
                 NULL, "bt-3:1:cancelled,bt-3:7:cancelled,bt-5:1:pending,bt-5:7:pending");
    /* Junk anywhere rejects the whole batch; nothing is half-applied. */
    const uint8_t junk[] = {0x0a, 0xff, 0x01};
    add_enrollment(&b, "bt-6", "b1", INVITED, "");
    b.ev[b.n] = (pw_event_t){
        .stream = "s", .event_id = "bt-7", .payload = junk, .payload_len = sizeof junk};
    b.bytes[b.n++] = NULL;
    assert_int_equal(batch_apply(f, ntf_apply_enrollment, &b), PW_APPLY_REJECT);
    assert_query(f, "SELECT count(*) FROM notification.outbox WHERE trigger_event_id = $1", "bt-6",
                 "0");
}

int main(void)
{
    /* Order matters: later tests build on the directory and rows of earlier ones. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recipient_directory_merges_by_effective_date),
        cmocka_unit_test(test_trigger_queues_once_even_when_replayed),
        cmocka_unit_test(test_file_sink_delivery),
        cmocka_unit_test(test_unknown_address_waits_then_sends),
        cmocka_unit_test(test_temporary_failures_back_off_then_die),
        cmocka_unit_test(test_stuck_sending_is_reclaimed_at_startup),
        cmocka_unit_test(test_smtp_exactly_one_message_per_notification),
        cmocka_unit_test(test_employee_batch_folds_like_one_at_a_time),
        cmocka_unit_test(test_enrollment_batch_matches_one_at_a_time),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
