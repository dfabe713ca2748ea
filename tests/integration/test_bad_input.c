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

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
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
#define DEFAULT_TYPE     "pathways.v1.PublishBatch"

typedef struct {
    corpus_fixture_t fx; /* keys: service, admin, read_only and the senders' */
    elig_service_t *elig;
    pw_config_t cfg;
    int probes;
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
        f->fx.db,
        "SELECT (SELECT count(*) FROM eligibility.partner_event) AS partner_event,"
        " (SELECT count(*) FROM eligibility.employee) AS employee,"
        " (SELECT count(*) FROM eligibility.determination) AS determination,"
        " (SELECT count(*) FROM stream.event) AS stream,"
        " (SELECT count(*) FROM stream.event WHERE stream = 'employee') AS stream_employee,"
        " (SELECT count(*) FROM selfid.answer) AS selfid",
        0, NULL);
    if (!r)
        fail_msg("snapshot failed: %s", pw_db_error(f->fx.db));
    counts_t c = {pw_db_get_i64(r, 0, "partner_event"),   pw_db_get_i64(r, 0, "employee"),
                  pw_db_get_i64(r, 0, "determination"),   pw_db_get_i64(r, 0, "stream"),
                  pw_db_get_i64(r, 0, "stream_employee"), pw_db_get_i64(r, 0, "selfid")};
    PQclear(r);
    return c;
}

static long stored(fixture_t *f, const char *employer, const char *event_id)
{
    const char *params[2] = {employer, event_id};
    PGresult *r = pw_db_query(f->fx.db,
                              "SELECT count(*) AS n FROM eligibility.partner_event"
                              " WHERE employer = $1 AND event_id = $2",
                              2, params);
    assert_non_null(r);
    long n = pw_db_get_i64(r, 0, "n");
    PQclear(r);
    return n;
}

/* ---- the wire ---- */

/* A DEALER with the key of sender: "admin", "read_only", or an employer
 * (its partner key). */
static zsock_t *curve_dealer(fixture_t *f, const char *sender)
{
    char name[128];
    int role = strcmp(sender, "admin") == 0 || strcmp(sender, "read_only") == 0;
    snprintf(name, sizeof name, "%s%s", role ? "" : "partner-", sender);
    return corpus_dealer(f->fx.keys, name, f->fx.endpoint);
}

/* Sends the case's frames from a fresh DEALER; returns the reply (NULL when
 * none came within wait_ms). Raw type frames and frame counts other than
 * two are built here; the rest goes through corpus_exchange. */
static zmsg_t *exchange(fixture_t *f, json_t *c, const buf_t *body, int wait_ms)
{
    const char *sender = json_string_value(json_object_get(c, "sender"));
    json_t *type = json_object_get(c, "type");
    json_t *nframes = json_object_get(c, "frames");
    int frames = nframes ? (int)json_integer_value(nframes) : 2;
    if (!json_is_object(type) && frames == 2) {
        char name[128];
        int role = !sender || !strcmp(sender, "admin") || !strcmp(sender, "read_only");
        snprintf(name, sizeof name, "%s%s", role ? "" : "partner-", sender ? sender : "admin");
        return corpus_exchange(f->fx.keys, name, f->fx.endpoint,
                               type ? json_string_value(type) : DEFAULT_TYPE, body, wait_ms);
    }
    zsock_t *dealer = curve_dealer(f, sender ? sender : "admin");
    zsock_set_rcvtimeo(dealer, wait_ms);
    zsock_set_linger(dealer, 0);
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

/* An accepted event is in the ledger. */
static int accepted_stored(void *ctx, size_t i, verdict_t *v)
{
    build_t *b = ctx;
    if (i < b->n && stored(the_fixture, b->ev[i].ev.source, b->ev[i].ev.id) != 1)
        return failf(v, "accepted event %s is not stored", b->ev[i].ev.id);
    return 0;
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
    return corpus_check_alive(&f->fx, DEFAULT_TYPE, &batch.base, v);
}

/* ---- running the corpus ---- */

/* Runs one case; returns 0 when it held, else fills v->why. */
static zmsg_t *exchange_case(void *ctx, json_t *c, const buf_t *body, int wait_ms)
{
    (void)ctx;
    return exchange(the_fixture, c, body, wait_ms);
}

static int run_case(json_t *c, const char *name, verdict_t *v)
{
    fixture_t *f = the_fixture;
    build_t b = {.name = name};
    buf_t body = {0};
    build_body(f->cfg.max_message_bytes, &b, c, &body);
    counts_t before = snapshot(f);
    int rc = corpus_send_case(&f->fx, c, "admin", DEFAULT_TYPE, &body, v, exchange_case,
                              accepted_stored, &b);
    counts_t after = snapshot(f);
    if (rc == 0)
        rc = check_stored(&before, &after, v);
    if (check_alive(f, v) != 0)
        rc = -1;
    build_free(&b);
    free(body.p);
    return rc;
}

/* ---- fixture ---- */

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
    assert_int_equal(zmsg_send(&msg, f->fx.probe), 0);
    zmsg_t *reply = zmsg_recv(f->fx.probe);
    assert_non_null(reply);
    zframe_t *body = zmsg_last(reply);
    Pathways__V1__AdminReply *r = pw_decode_admin_reply(zframe_data(body), zframe_size(body));
    assert_non_null(r);
    assert_string_equal(r->error_code, "");
    pw_free_admin_reply(&r);
    zmsg_destroy(&reply);
}

/* Makes and registers a key pair NAME in f->fx.keys with role (and employer). */
static void make_key(fixture_t *f, const char *name, const char *role, const char *employer)
{
    corpus_make_key(f->fx.db, f->fx.keys, name, role, employer, NULL);
}

static int group_setup(void **state)
{
    static fixture_t f;
    char url[1024], err[256], secret[600];
    setenv("PATHWAYS_LOG_LEVEL", "error", 1);
    f.fx.db = pw_testdb_fresh("pathways_it_bad_input", "all", url, sizeof url);
    setenv("PATHWAYS_DATABASE_URL", url, 1);
    corpus_fixture_keys(&f.fx, "pathways-bad-input");
    make_key(&f, "service", "service", NULL);
    make_key(&f, "admin", "admin", NULL);
    make_key(&f, "read_only", "read_only", NULL);
    make_key(&f, "partner-acme", "partner", "acme");
    snprintf(secret, sizeof secret, "%s/service_secret", f.fx.keys);
    setenv("PATHWAYS_CURVE", "on", 1);
    setenv("PATHWAYS_CURVE_SECRET_FILE", secret, 1);
    setenv("PATHWAYS_TODAY", TODAY, 1);
    setenv("PATHWAYS_MAX_MESSAGE_BYTES", MAX_MSG, 1);
    pw_test_claim_ports(PORT_SEARCH_FROM); /* a free block, chosen now */
    assert_int_equal(pw_config_load(&f.cfg, err, sizeof err), 0);
    f.fx.svc = pw_service_new(PW_SVC_ELIGIBILITY, &f.cfg);
    f.elig = elig_service_new();
    assert_non_null(f.fx.svc);
    assert_non_null(f.elig);
    assert_int_equal(elig_service_attach(f.elig, f.fx.svc), 0);
    corpus_fixture_start(&f.fx, &f.cfg, PW_SVC_ELIGIBILITY, "admin", CORPUS_REPLY_MS);
    register_employer(&f, "acme");
    the_fixture = &f;
    *state = NULL; /* each test's state is its corpus file */
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    corpus_fixture_stop(&the_fixture->fx);
    elig_service_destroy(&the_fixture->elig);
    return 0;
}

/* The corpus folder: PATHWAYS_CORPUS_DIR, else tests/corpus/partner beside
 * this source file. */
int main(void)
{
    return corpus_main("bad_input", "PATHWAYS_CORPUS_DIR", __FILE__, "partner", run_case,
                       group_setup, group_teardown);
}
