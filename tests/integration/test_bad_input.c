/* The bad-input corpus: every case of the JSON files in tests/corpus/partner/ is sent to
 * the real eligibility service (started in-process on its own thread, real
 * ROUTER) from a fresh DEALER, as [type][bytes] frames. For each case the
 * test checks the reply (batch error code, or per-event result and
 * reason_code), that nothing partial was stored (row counts of
 * eligibility.partner_event, eligibility.employee, eligibility.determination
 * and stream.event unchanged when nothing is accepted; exactly the accepted
 * events stored otherwise), that every echoed string is valid UTF-8, and
 * that a second, long-lived client still gets a good batch accepted
 * afterwards. The case format is described in tests/corpus/README.md.
 *
 * All cases run even when one fails; the report lists each case's outcome
 * and the test fails at the end when any case did. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eligibility/eligibility.h"
#include "pathways/auth.h"
#include "pathways/codec.h"
#include "pathways/config.h"
#include "pathways/service.h"
#include "testdb.h"
#include "testports.h"

#define TODAY            "2026-06-01"
#define PORT_SEARCH_FROM 8800
#define MAX_MSG          "1048576" /* ZMQ_MAXMSGSIZE for this test: 1 MiB */
#define REPLY_WAIT_MS    5000
#define SILENCE_MS       1000 /* how long "no reply" is waited for */
#define DEFAULT_TYPE     "pathways.v1.PublishBatch"

typedef struct {
    pw_db_t *db;
    pw_service_t *svc;
    elig_service_t *elig;
    pw_config_t cfg;
    pthread_t loop;
    char endpoint[PW_ENDPOINT_MAX];
    zsock_t *probe; /* a long-lived second client that must keep being served */
    char keys[256]; /* key files: service, admin, read_only, partner-acme */
    int probes;
    int failed;
    char failures[4096];
} fixture_t;

static fixture_t *the_fixture;

#include "test_bad_input_case.h"

/* ---- what is stored ---- */

typedef struct {
    long partner_event, employee, determination, stream, stream_employee, selfid;
} counts_t;

static counts_t snapshot(fixture_t *f)
{
    PGresult *r = pw_db_query(
        f->db,
        "SELECT (SELECT count(*) FROM eligibility.partner_event) AS partner_event,"
        " (SELECT count(*) FROM eligibility.employee) AS employee,"
        " (SELECT count(*) FROM eligibility.determination) AS determination,"
        " (SELECT count(*) FROM stream.event) AS stream,"
        " (SELECT count(*) FROM stream.event WHERE stream = 'employee') AS stream_employee,"
        " (SELECT count(*) FROM selfid.answer) AS selfid",
        0, NULL);
    if (!r)
        fail_msg("snapshot failed: %s", pw_db_error(f->db));
    counts_t c = {pw_db_get_i64(r, 0, "partner_event"),   pw_db_get_i64(r, 0, "employee"),
                  pw_db_get_i64(r, 0, "determination"),   pw_db_get_i64(r, 0, "stream"),
                  pw_db_get_i64(r, 0, "stream_employee"), pw_db_get_i64(r, 0, "selfid")};
    PQclear(r);
    return c;
}

static long stored(fixture_t *f, const char *employer, const char *event_id)
{
    const char *params[2] = {employer, event_id};
    PGresult *r = pw_db_query(f->db,
                              "SELECT count(*) AS n FROM eligibility.partner_event"
                              " WHERE employer = $1 AND event_id = $2",
                              2, params);
    assert_non_null(r);
    long n = pw_db_get_i64(r, 0, "n");
    PQclear(r);
    return n;
}

/* ---- the wire ---- */

/* A DEALER connected with the key of sender: "admin", "read_only", or an
 * employer (its partner key). */
static zsock_t *curve_dealer(fixture_t *f, const char *sender)
{
    char secret[512], server[512], err[256];
    int role = strcmp(sender, "admin") == 0 || strcmp(sender, "read_only") == 0;
    snprintf(secret, sizeof secret, "%s/%s%s_secret", f->keys, role ? "" : "partner-", sender);
    snprintf(server, sizeof server, "%s/service", f->keys);
    zsock_t *dealer = zsock_new(ZMQ_DEALER);
    assert_non_null(dealer);
    if (pw_auth_client_setup(dealer, secret, server, err, sizeof err) != 0)
        fail_msg("sender %s: %s", sender, err);
    assert_int_equal(zsock_connect(dealer, "%s", f->endpoint), 0);
    return dealer;
}

/* Sends the case's frames from a fresh DEALER; returns the reply (NULL when
 * none came within wait_ms). */
static zmsg_t *exchange(fixture_t *f, json_t *c, const buf_t *body, int wait_ms)
{
    const char *sender = json_string_value(json_object_get(c, "sender"));
    zsock_t *dealer = curve_dealer(f, sender ? sender : "admin");
    zsock_set_rcvtimeo(dealer, wait_ms);
    zsock_set_linger(dealer, 0);
    json_t *type = json_object_get(c, "type");
    json_t *nframes = json_object_get(c, "frames");
    int frames = nframes ? (int)json_integer_value(nframes) : 2;
    zmsg_t *msg = zmsg_new();
    if (json_is_object(type)) {
        buf_t raw = {0};
        put_hex(&raw, json_string_value(json_object_get(type, "hex")));
        zmsg_addmem(msg, raw.p, raw.len);
        free(raw.p);
    } else {
        zmsg_addstr(msg, type ? json_string_value(type) : DEFAULT_TYPE);
    }
    if (frames >= 2)
        zmsg_addmem(msg, body->p, body->len);
    if (frames >= 3)
        zmsg_addstr(msg, "an extra frame");
    assert_int_equal(zmsg_send(&msg, dealer), 0);
    zmsg_t *reply = zmsg_recv(dealer);
    zsock_destroy(&dealer);
    return reply;
}

/* ---- checking one case ---- */

typedef struct {
    char why[512];
    int accepted;
} verdict_t;

static int failf(verdict_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(verdict_t *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!v->why[0])
        vsnprintf(v->why, sizeof v->why, fmt, ap);
    va_end(ap);
    return -1;
}

static int result_of(const char *word)
{
    if (strcmp(word, "accepted") == 0)
        return PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED;
    if (strcmp(word, "duplicate") == 0)
        return PATHWAYS__V1__ACK_RESULT__ACK_RESULT_DUPLICATE;
    if (strcmp(word, "rejected") == 0)
        return PATHWAYS__V1__ACK_RESULT__ACK_RESULT_REJECTED;
    fail_msg("unknown result word %s", word);
    return -1;
}

/* "acks": [[result, code], ...] one per event, or "acks_all": [result,
 * code] with "count" events. */
static int check_acks(const Pathways__V1__PublishAck *ack, json_t *expect, build_t *b, fixture_t *f,
                      verdict_t *v)
{
    json_t *acks = json_object_get(expect, "acks");
    json_t *all = json_object_get(expect, "acks_all");
    size_t n =
        all ? (size_t)json_integer_value(json_object_get(expect, "count")) : json_array_size(acks);
    if (ack->n_acks != n)
        return failf(v, "%zu acks, expected %zu", ack->n_acks, n);
    for (size_t i = 0; i < ack->n_acks; i++) {
        const Pathways__V1__EventAck *a = ack->acks[i];
        json_t *want = all ? all : json_array_get(acks, i);
        const char *word = json_string_value(json_array_get(want, 0));
        const char *code = json_string_value(json_array_get(want, 1));
        if ((int)a->result != result_of(word) || strcmp(a->reason_code, code) != 0)
            return failf(v, "ack %zu: %d/%s (%s), expected %s/%s", i, a->result, a->reason_code,
                         a->reason, word, code);
        if (!pw_utf8_valid(a->event_id, strlen(a->event_id)) ||
            !pw_utf8_valid(a->reason, strlen(a->reason)))
            return failf(v, "ack %zu echoes invalid UTF-8", i);
        if (a->result == PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED && i < b->n) {
            v->accepted++;
            if (stored(f, b->ev[i].ev.source, b->ev[i].ev.id) != 1)
                return failf(v, "accepted event %s is not stored", b->ev[i].ev.id);
        }
    }
    return 0;
}

static int check_reply(zmsg_t *reply, json_t *expect, build_t *b, fixture_t *f, verdict_t *v)
{
    json_t *kind = json_object_get(expect, "reply");
    const char *want = kind ? json_string_value(kind) : "ack";
    json_t *code = json_object_get(expect, "error_code");
    const char *want_code = code ? json_string_value(code) : "";
    if (strcmp(want, "none") == 0)
        return reply ? failf(v, "a reply came, none expected") : 0;
    if (!reply)
        return failf(v, "no reply");
    char *type = zmsg_popstr(reply);
    zframe_t *body = zmsg_pop(reply);
    int rc = 0;
    if (strcmp(want, "admin") == 0) {
        Pathways__V1__AdminReply *r =
            body ? pw_decode_admin_reply(zframe_data(body), zframe_size(body)) : NULL;
        if (!type || strcmp(type, ELIG_TYPE_ADMIN_REPLY) != 0 || !r)
            rc = failf(v, "reply %s is not an AdminReply", type ? type : "(none)");
        else if (strcmp(r->error_code, want_code) != 0)
            rc = failf(v, "error_code %s, expected %s", r->error_code, want_code);
        pw_free_admin_reply(&r);
    } else {
        Pathways__V1__PublishAck *ack =
            body ? pw_decode_publish_ack(zframe_data(body), zframe_size(body)) : NULL;
        if (!type || strcmp(type, ELIG_TYPE_PUBLISH_ACK) != 0 || !ack)
            rc = failf(v, "reply %s is not a PublishAck", type ? type : "(none)");
        else if (strcmp(ack->error_code, want_code) != 0)
            rc = failf(v, "error_code \"%s\" (%s), expected \"%s\"", ack->error_code, ack->error,
                       want_code);
        else
            rc = check_acks(ack, expect, b, f, v);
        pw_free_publish_ack(&ack);
    }
    free(type);
    zframe_destroy(&body);
    return rc;
}

/* Nothing partial: with nothing accepted no table moved; otherwise exactly
 * the accepted events reached the ledger and stream "employee". */
static int check_stored(const counts_t *a, const counts_t *z, verdict_t *v)
{
    long pe = z->partner_event - a->partner_event;
    long se = z->stream_employee - a->stream_employee;
    if (pe != v->accepted || se != v->accepted)
        return failf(v, "stored %ld ledger rows and %ld employee stream rows for %d accepted", pe,
                     se, v->accepted);
    if (v->accepted == 0 && (z->employee != a->employee || z->stream != a->stream ||
                             z->determination != a->determination || z->selfid != a->selfid))
        return failf(v, "a rejected-only batch changed employees/determinations/streams/"
                        "self-identification");
    if (z->selfid - a->selfid > v->accepted)
        return failf(v, "stored %ld self-identification rows for %d accepted",
                     z->selfid - a->selfid, v->accepted);
    return 0;
}

/* The long-lived client gets a good hire accepted. */
static int check_alive(fixture_t *f, verdict_t *v)
{
    char id[64];
    snprintf(id, sizeof id, "probe-%d", ++f->probes);
    Pathways__V1__EmployeeEvent ev = PATHWAYS__V1__EMPLOYEE_EVENT__INIT;
    ev.id = id;
    ev.source = "acme";
    ev.subject = id;
    ev.type = "org.pathways.employee.job_changed.v1";
    ev.effective_date = TODAY;
    Pathways__V1__EmployeeEvent *evs[1] = {&ev};
    Pathways__V1__PublishBatch batch = PATHWAYS__V1__PUBLISH_BATCH__INIT;
    batch.batch_id = id;
    batch.n_events = 1;
    batch.events = evs;
    size_t len;
    uint8_t *bytes = pw_msg_encode(&batch.base, 0, &len);
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, DEFAULT_TYPE);
    zmsg_addmem(msg, bytes, len);
    free(bytes);
    assert_int_equal(zmsg_send(&msg, f->probe), 0);
    zmsg_t *reply = zmsg_recv(f->probe);
    int ok = 0;
    if (reply) {
        zframe_t *type = zmsg_pop(reply);
        zframe_t *body = zmsg_first(reply);
        Pathways__V1__PublishAck *ack =
            body ? pw_decode_publish_ack(zframe_data(body), zframe_size(body)) : NULL;
        ok = ack && ack->n_acks == 1 &&
             ack->acks[0]->result == PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED;
        pw_free_publish_ack(&ack);
        zframe_destroy(&type);
        zmsg_destroy(&reply);
    }
    return ok ? 0 : failf(v, "the service no longer answers a good batch");
}

/* ---- running the corpus ---- */

/* Runs one case; returns 0 when it held, else fills v->why. */
static int run_case(fixture_t *f, json_t *c, const char *name, verdict_t *v)
{
    build_t b = {.name = name};
    buf_t body = {0};
    json_t *expect = json_object_get(c, "expect");
    json_t *kind = json_object_get(expect, "reply");
    int silent = kind && strcmp(json_string_value(kind), "none") == 0;
    build_body(f->cfg.max_message_bytes, &b, c, &body);
    counts_t before = snapshot(f);
    zmsg_t *reply = exchange(f, c, &body, silent ? SILENCE_MS : REPLY_WAIT_MS);
    int rc = check_reply(reply, expect, &b, f, v);
    zmsg_destroy(&reply);
    counts_t after = snapshot(f);
    if (rc == 0)
        rc = check_stored(&before, &after, v);
    if (check_alive(f, v) != 0)
        rc = -1;
    build_free(&b);
    free(body.p);
    return rc;
}

static void note_failure(fixture_t *f, const char *name, const char *why)
{
    size_t used = strlen(f->failures);
    f->failed++;
    snprintf(f->failures + used, sizeof f->failures - used, "  %s: %s\n", name, why);
}

/* One corpus file: an array of cases. */
static void test_corpus_file(void **state)
{
    fixture_t *f = the_fixture;
    const char *path = *state;
    json_error_t err;
    json_t *cases = json_load_file(path, 0, &err);
    if (!json_is_array(cases))
        fail_msg("%s:%d: %s", path, err.line, err.text);
    int before = f->failed;
    f->failures[0] = '\0';
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        json_t *todo = json_object_get(c, "todo");
        assert_non_null(name);
        if (todo) {
            printf("  TODO  %-34s %s\n", name, json_string_value(todo));
            continue;
        }
        verdict_t v = {.why = ""};
        if (run_case(f, c, name, &v) == 0) {
            printf("  ok    %-34s\n", name);
        } else {
            printf("  FAIL  %-34s %s\n", name, v.why);
            note_failure(f, name, v.why);
        }
    }
    fflush(stdout);
    json_decref(cases);
    if (f->failed != before)
        fail_msg("%d case(s) of %s failed:\n%s", f->failed - before, path, f->failures);
}

/* ---- fixture ---- */

static void *run_service(void *arg)
{
    pw_service_run(arg);
    return NULL;
}

static void register_employer(fixture_t *f, const char *employer)
{
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    Pathways__V1__EmployerUpsert up = PATHWAYS__V1__EMPLOYER_UPSERT__INIT;
    up.employer = (char *)employer;
    up.name = "Acme Health";
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_EMPLOYER_UPSERT;
    req.employer_upsert = &up;
    size_t len;
    uint8_t *bytes = pw_msg_encode(&req.base, 0, &len);
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, ELIG_TYPE_ADMIN_REQUEST);
    zmsg_addmem(msg, bytes, len);
    free(bytes);
    assert_int_equal(zmsg_send(&msg, f->probe), 0);
    zmsg_t *reply = zmsg_recv(f->probe);
    assert_non_null(reply);
    zframe_t *body = zmsg_last(reply);
    Pathways__V1__AdminReply *r = pw_decode_admin_reply(zframe_data(body), zframe_size(body));
    assert_non_null(r);
    assert_string_equal(r->error_code, "");
    pw_free_admin_reply(&r);
    zmsg_destroy(&reply);
}

/* Makes and registers a key pair NAME in f->keys with role (and employer). */
static void make_key(fixture_t *f, const char *name, const char *role, const char *employer)
{
    char path[512], err[256], id[PW_KEY_ID_MAX];
    snprintf(path, sizeof path, "%s/%s", f->keys, name);
    zcert_t *cert = zcert_new();
    assert_int_equal(pw_auth_save_cert(cert, path, err, sizeof err), 0);
    assert_int_equal(pw_auth_key_id_z85(zcert_public_txt(cert), id), 0);
    const char *p[] = {id, zcert_public_txt(cert), role, employer};
    if (pw_db_exec(f->db,
                   "INSERT INTO auth.key (key_id, public_key, role, employer, created_by)"
                   " VALUES ($1, $2, $3, $4, 'test')",
                   4, p) != 0)
        fail_msg("register %s: %s", name, pw_db_error(f->db));
    zcert_destroy(&cert);
}

static int group_setup(void **state)
{
    static fixture_t f;
    char url[1024], err[256], secret[600];
    setenv("PATHWAYS_LOG_LEVEL", "error", 1);
    f.db = pw_testdb_fresh("pathways_it_bad_input", "all", url, sizeof url);
    setenv("PATHWAYS_DATABASE_URL", url, 1);
    snprintf(f.keys, sizeof f.keys, "%s/pathways-bad-input-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f.keys));
    make_key(&f, "service", "service", NULL);
    make_key(&f, "admin", "admin", NULL);
    make_key(&f, "read_only", "read_only", NULL);
    make_key(&f, "partner-acme", "partner", "acme");
    snprintf(secret, sizeof secret, "%s/service_secret", f.keys);
    setenv("PATHWAYS_CURVE", "on", 1);
    setenv("PATHWAYS_CURVE_SECRET_FILE", secret, 1);
    setenv("PATHWAYS_TODAY", TODAY, 1);
    setenv("PATHWAYS_MAX_MESSAGE_BYTES", MAX_MSG, 1);
    pw_test_claim_ports(PORT_SEARCH_FROM); /* a free block, chosen now */
    assert_int_equal(pw_config_load(&f.cfg, err, sizeof err), 0);
    f.svc = pw_service_new(PW_SVC_ELIGIBILITY, &f.cfg);
    f.elig = elig_service_new();
    assert_non_null(f.svc);
    assert_non_null(f.elig);
    assert_int_equal(elig_service_attach(f.elig, f.svc), 0);
    assert_int_equal(pw_service_start(f.svc), 0);
    assert_int_equal(pthread_create(&f.loop, NULL, run_service, f.svc), 0);
    pw_config_endpoint(&f.cfg, PW_SVC_ELIGIBILITY, PW_PORT_COMMAND, 0, f.endpoint,
                       sizeof f.endpoint);
    f.probe = curve_dealer(&f, "admin");
    zsock_set_rcvtimeo(f.probe, REPLY_WAIT_MS);
    register_employer(&f, "acme");
    the_fixture = &f;
    *state = NULL; /* each test's state is its corpus file */
    return 0;
}

static int group_teardown(void **state)
{
    fixture_t *f = the_fixture;
    (void)state;
    zsock_destroy(&f->probe);
    pw_service_stop(f->svc);
    pthread_join(f->loop, NULL);
    pw_service_destroy(&f->svc);
    elig_service_destroy(&f->elig);
    pw_db_destroy(&f->db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->keys);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->keys);
    return 0;
}

/* The corpus folder: PATHWAYS_CORPUS_DIR, else tests/corpus/partner beside
 * this source file. */
static void corpus_dir(char *out, size_t len)
{
    const char *env = getenv("PATHWAYS_CORPUS_DIR");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return;
    }
    snprintf(out, len, "%s", __FILE__);
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
    size_t used = strlen(out);
    snprintf(out + used, len - used, "/../corpus/partner");
}

int main(void)
{
    char dir[1024], pattern[1100];
    glob_t g;
    corpus_dir(dir, sizeof dir);
    snprintf(pattern, sizeof pattern, "%s/*.json", dir);
    if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        fprintf(stderr, "no corpus files match %s\n", pattern);
        return 1;
    }
    struct CMUnitTest *tests = calloc(g.gl_pathc, sizeof *tests);
    assert_non_null(tests);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        tests[i].name = strrchr(g.gl_pathv[i], '/') + 1;
        tests[i].test_func = test_corpus_file;
        tests[i].initial_state = g.gl_pathv[i];
    }
    int rc = _cmocka_run_group_tests("bad_input", tests, g.gl_pathc, group_setup, group_teardown);
    free(tests);
    globfree(&g);
    return rc;
}
