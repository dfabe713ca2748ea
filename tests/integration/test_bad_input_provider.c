/* The providers' bad-input corpus: every case of tests/corpus/provider/
 * *.json is sent to the real enrollment service (in-process on its own
 * thread, real ROUTER, CURVE with registered provider, partner, read-only
 * and admin keys) from a fresh DEALER as [type][bytes] frames. Per case the
 * test checks the reply (batch error code, or each event's result and
 * reason_code), that nothing partial was stored (enrollment.progress_event,
 * enrollment.transition and stream.event move only by what was accepted),
 * that echoed strings are valid UTF-8, and that a long-lived second client
 * still gets a good batch accepted. The case format is in
 * tests/corpus/README.md ("Provider cases"). Cohorts and participants are
 * seeded by SQL (see seed()). All cases run; the test fails at the end
 * when any did. */
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
#include "enrollment/service.h"
#include "pathways/auth.h"
#include "pathways/codec.h"
#include "pathways/config.h"
#include "pathways/progress_event.h"
#include "pathways/service.h"
#include "testdb.h"
#include "testports.h"

#define TODAY            "2026-06-01"
#define MAX_MSG          "1048576"
#define DEFAULT_TYPE     "pathways.v1.ProgressBatch"
#define MAX_EVENTS       8
#define PORT_SEARCH_FROM 8900

typedef struct {
    corpus_fixture_t fx; /* keys: service, admin, read_only and the senders' */
    enr_service_t *enr;
    pw_config_t cfg;
    int probes;
} fixture_t;

static fixture_t *the_fixture;

/* ---- one case's events ---- */

typedef struct {
    pw_progress_event_t p; /* the event and room for its detail */
    char id[96];
    buf_t raw;
    size_t copies;
} event_t;

typedef struct {
    const char *name;
    event_t ev[MAX_EVENTS];
    size_t n;
    corpus_owned_t owned;
} build_t;

/* The default event: p1 (in training in cohort c-college) excused from a
 * session: valid, and changes nothing but the ledger. kind picks another
 * detail ("attendance", "module", "exam", "credential", "completed",
 * "withdrawn", "none"). */
static void base_event(event_t *e, const char *kind, const char *name, size_t i)
{
    memset(e, 0, sizeof *e);
    pw_progress_event_init(&e->p);
    snprintf(e->id, sizeof e->id, "%s-%zu", name, i);
    e->p.ev.id = e->id;
    e->p.ev.source = "college";
    e->p.ev.cohort_id = "c-college";
    e->p.ev.employer = "acme";
    e->p.ev.employee = "p1";
    e->p.ev.date = "2026-05-04";
    e->copies = 1;
    e->p.attendance.session_id = "s1";
    e->p.attendance.status = PATHWAYS__V1__ATTENDANCE_STATUS__ATTENDANCE_STATUS_EXCUSED;
    e->p.module.module_id = "m1";
    e->p.exam.exam_id = "x1";
    e->p.exam.result = PATHWAYS__V1__EXAM_RESULT__EXAM_RESULT_PASSED;
    e->p.credential.issuer = "NHA";
    e->p.credential.credential_id = "N-1";
    e->p.credential.credential = "CCMA";
    e->p.withdrawn.reason_code = "moved_away";
    if (strcmp(kind, "none") != 0)
        assert_int_equal(pw_progress_event_set_kind(&e->p, kind), 0);
}

/* The message a path's field lives in: the event ("id") or its detail
 * ("attendance.status"). */
static ProtobufCMessage *holder(event_t *e, const char *path, const char **field)
{
    const char *dot = strchr(path, '.');
    *field = dot ? dot + 1 : path;
    if (!dot)
        return &e->p.ev.base;
    size_t n = (size_t)(dot - path);
    if (!strncmp(path, "attendance", n))
        return &e->p.attendance.base;
    if (!strncmp(path, "exam", n))
        return &e->p.exam.base;
    if (!strncmp(path, "credential", n))
        return &e->p.credential.base;
    if (!strncmp(path, "withdrawn", n))
        return &e->p.withdrawn.base;
    if (!strncmp(path, "module", n))
        return &e->p.module.base;
    return NULL;
}

static void set_field(build_t *b, event_t *e, const char *path, json_t *v)
{
    const char *name;
    ProtobufCMessage *m = holder(e, path, &name);
    const ProtobufCFieldDescriptor *f =
        m ? protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name) : NULL;
    if (!f)
        fail_msg("case %s: no field %s in the contract", b->name, path);
    if (json_is_object(v) && json_object_get(v, "hex")) {
        assert_true(m == &e->p.ev.base); /* raw bytes: top-level fields only */
        buf_t bytes = {0};
        put_hex(&bytes, json_string_value(json_object_get(v, "hex")));
        put_field(&e->raw, f->id, bytes.p, bytes.len);
        free(bytes.p);
        return;
    }
    corpus_set_scalar(m, f, v, &b->owned, b->name);
}

/* Event i of a case: its "kind" (default attendance), then "set", then
 * "copies". */
static corpus_event_t event_of(void *ctx, json_t *spec, size_t i)
{
    build_t *b = ctx;
    event_t *e = &b->ev[i];
    const char *kind = json_string_value(json_object_get(spec, "kind"));
    const char *path;
    json_t *v;
    b->n = i + 1;
    base_event(e, kind ? kind : "attendance", b->name, i);
    json_object_foreach(json_object_get(spec, "set"), path, v) set_field(b, e, path, v);
    json_t *copies = json_object_get(spec, "copies");
    e->copies = copies ? (size_t)json_integer_value(copies) : 1;
    return (corpus_event_t){&e->p.ev.base, &e->raw, e->copies};
}

static void build_free(build_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->ev[i].raw.p);
    corpus_owned_free(&b->owned);
}

/* ---- what is stored ---- */

typedef struct {
    long progress, transition, stream;
} counts_t;

static counts_t snapshot(fixture_t *f)
{
    PGresult *r = pw_db_query(f->fx.db,
                              "SELECT (SELECT count(*) FROM enrollment.progress_event) AS progress,"
                              " (SELECT count(*) FROM enrollment.transition) AS transition,"
                              " (SELECT count(*) FROM stream.event) AS stream",
                              0, NULL);
    if (!r)
        fail_msg("snapshot failed: %s", pw_db_error(f->fx.db));
    counts_t c = {pw_db_get_i64(r, 0, "progress"), pw_db_get_i64(r, 0, "transition"),
                  pw_db_get_i64(r, 0, "stream")};
    PQclear(r);
    return c;
}

/* Nothing partial: the ledger grew by exactly the accepted events; with
 * nothing accepted no audit row and no stream event appeared either. The
 * corpus's accepted events move nobody (see base_event), unless the case
 * says "moves": N transitions. */
static int check_stored(const counts_t *a, const counts_t *z, json_t *c, verdict_t *v)
{
    long moves = (long)json_integer_value(json_object_get(json_object_get(c, "expect"), "moves"));
    if (z->progress - a->progress != v->accepted)
        return failf(v, "stored %ld progress rows for %d accepted", z->progress - a->progress,
                     v->accepted);
    /* Each accepted event is appended to stream "progress"; each move adds
     * an audit row and an "enrollment" event. */
    if (z->transition - a->transition != moves || z->stream - a->stream != moves + v->accepted)
        return failf(v, "%ld audit rows and %ld stream events, expected %ld and %ld",
                     z->transition - a->transition, z->stream - a->stream, moves,
                     moves + v->accepted);
    return 0;
}

/* The long-lived client still gets a good event accepted. */
static int check_alive(fixture_t *f, verdict_t *v)
{
    event_t e;
    char id[64];
    snprintf(id, sizeof id, "probe-%d", ++f->probes);
    base_event(&e, "attendance", id, 0);
    Pathways__V1__ProgressEvent *evs[1] = {&e.p.ev};
    Pathways__V1__ProgressBatch batch = PATHWAYS__V1__PROGRESS_BATCH__INIT;
    batch.batch_id = id;
    batch.n_events = 1;
    batch.events = evs;
    return corpus_check_alive(&f->fx, DEFAULT_TYPE, &batch.base, v);
}

/* ---- running the corpus ---- */

static int run_case(json_t *c, const char *name, verdict_t *v)
{
    fixture_t *f = the_fixture;
    build_t b = {.name = name};
    buf_t body = {0};
    corpus_build_body(c, name, f->cfg.max_message_bytes, MAX_EVENTS, event_of, &b, &body);
    counts_t before = snapshot(f);
    int rc = corpus_send_case(&f->fx, c, "college", DEFAULT_TYPE, &body, v, NULL, NULL, NULL);
    counts_t after = snapshot(f);
    if (rc == 0)
        rc = check_stored(&before, &after, c, v);
    if (check_alive(f, v) != 0)
        rc = -1;
    build_free(&b);
    free(body.p);
    return rc;
}

/* ---- fixture ---- */

static void make_key(fixture_t *f, const char *name, const char *role, const char *employer,
                     const char *provider)
{
    corpus_make_key(f->fx.db, f->fx.keys, name, role, employer, provider);
}

/* Two providers' cohorts; p1 in training and p2, p6 enrolled in
 * c-college, p3 waitlisted for it, p4 in training in c-other, p5 withdrawn
 * from c-college. */
static void seed(fixture_t *f)
{
    static const char *const sql[] = {
        "INSERT INTO enrollment.cohort (cohort_id, program, provider, start_date, end_date,"
        " capacity, status, created_by) VALUES"
        " ('c-college', 'mapp', 'college', '2026-05-01', '2026-12-31', 10, 'in_progress', 't'),"
        " ('c-other', 'mapp', 'other', '2026-05-01', '2026-12-31', 10, 'in_progress', 't')",
        "INSERT INTO enrollment.enrollment (employer, employee, program, state, cohort_id) VALUES"
        " ('acme', 'p1', 'mapp', 'in_training', 'c-college'),"
        " ('acme', 'p2', 'mapp', 'enrolled', 'c-college'),"
        " ('acme', 'p3', 'mapp', 'waitlisted', 'c-college'),"
        " ('acme', 'p4', 'mapp', 'in_training', 'c-other'),"
        " ('acme', 'p5', 'mapp', 'withdrawn', 'c-college'),"
        " ('acme', 'p6', 'mapp', 'enrolled', 'c-college')",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        if (pw_db_exec(f->fx.db, sql[i], 0, NULL) != 0)
            fail_msg("seed: %s", pw_db_error(f->fx.db));
}

static int group_setup(void **state)
{
    static fixture_t f;
    char url[1024], err[256], secret[600];
    setenv("PATHWAYS_LOG_LEVEL", "error", 1);
    f.fx.db = pw_testdb_fresh("pathways_it_bad_input_provider", "all", url, sizeof url);
    setenv("PATHWAYS_DATABASE_URL", url, 1);
    corpus_fixture_keys(&f.fx, "pathways-bad-provider");
    make_key(&f, "service", "service", NULL, NULL);
    make_key(&f, "admin", "admin", NULL, NULL);
    make_key(&f, "read_only", "read_only", NULL, NULL);
    make_key(&f, "partner", "partner", "acme", NULL);
    make_key(&f, "college", "provider", NULL, "college");
    make_key(&f, "other", "provider", NULL, "other");
    seed(&f);
    snprintf(secret, sizeof secret, "%s/service_secret", f.fx.keys);
    setenv("PATHWAYS_CURVE", "on", 1);
    setenv("PATHWAYS_CURVE_SECRET_FILE", secret, 1);
    setenv("PATHWAYS_TODAY", TODAY, 1);
    setenv("PATHWAYS_MAX_MESSAGE_BYTES", MAX_MSG, 1);
    pw_test_claim_ports(PORT_SEARCH_FROM); /* a free block, chosen now */
    assert_int_equal(pw_config_load(&f.cfg, err, sizeof err), 0);
    f.fx.svc = pw_service_new(PW_SVC_ENROLLMENT, &f.cfg);
    f.enr = enr_service_new(err, sizeof err);
    assert_non_null(f.fx.svc);
    if (!f.enr)
        fail_msg("enrollment: %s", err);
    assert_int_equal(enr_service_attach(f.enr, f.fx.svc), 0);
    corpus_fixture_start(&f.fx, &f.cfg, PW_SVC_ENROLLMENT, "college", CORPUS_REPLY_MS);
    the_fixture = &f;
    *state = NULL;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    corpus_fixture_stop(&the_fixture->fx);
    enr_service_destroy(&the_fixture->enr);
    return 0;
}

int main(void)
{
    return corpus_main("bad_input_provider", "PATHWAYS_PROVIDER_CORPUS_DIR", __FILE__, "provider",
                       run_case, group_setup, group_teardown);
}
