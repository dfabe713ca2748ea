/* The eligibility partner path against a real PostgreSQL: the request
 * handler driven in-process on a started pw_service_t, plus one real
 * DEALER -> ROUTER round trip. Checks accept / duplicate / reject, that
 * nothing is stored for rejected events, determinations with their reasons,
 * effective dating, rehire, stream rows, and "unavailable" when the database
 * connection is lost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "elig_fixture.h"

#define TODAY "2026-06-01"

typedef elig_fixture_t fixture_t;

/* ---- building events ---- */

typedef struct {
    Pathways__V1__EmployeeEvent ev;
    Pathways__V1__EmployeeFacts data;
    Pathways__V1__ScheduledHours hours;
    char type[96];
} event_t;

static void event(event_t *e, const char *id, const char *employer, const char *employee,
                  const char *kind, const char *effective)
{
    pathways__v1__employee_event__init(&e->ev);
    pathways__v1__employee_facts__init(&e->data);
    pathways__v1__scheduled_hours__init(&e->hours);
    snprintf(e->type, sizeof e->type, "org.pathways.employee.%s.v1", kind);
    e->ev.id = (char *)id;
    e->ev.source = (char *)employer;
    e->ev.subject = (char *)employee;
    e->ev.type = e->type;
    e->ev.spec_version = "1.0";
    e->ev.effective_date = (char *)effective;
    e->ev.data = &e->data;
}

/* A full-time clerical hire in good standing on hire_date. */
static void hire(event_t *e, const char *id, const char *employee, const char *hire_date)
{
    event(e, id, "acme", employee, "hired", hire_date);
    e->data.job_family = "clerical";
    e->data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    e->data.status_raw = "A";
    e->data.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    e->data.employment_type_raw = "FT";
    e->data.standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    e->data.hire_date = (char *)hire_date;
    e->data.given_name = "Pat";
    e->data.email = "pat@example.org";
    e->hours.per_week = 40;
    e->data.scheduled_hours = &e->hours;
}

static uint8_t *encode_batch(event_t *evs, size_t n, size_t *len)
{
    Pathways__V1__PublishBatch b = PATHWAYS__V1__PUBLISH_BATCH__INIT;
    Pathways__V1__EmployeeEvent **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    for (size_t i = 0; i < n; i++)
        ptrs[i] = &evs[i].ev;
    b.batch_id = "batch-1";
    b.n_events = n;
    b.events = ptrs;
    uint8_t *bytes = pw_msg_encode(&b.base, 0, len);
    free(ptrs);
    assert_non_null(bytes);
    return bytes;
}

/* Sends raw bytes through the request handler; returns the decoded ack. */
static Pathways__V1__PublishAck *publish_bytes(fixture_t *f, const uint8_t *bytes, size_t len)
{
    const char *rtype = NULL;
    size_t rlen = 0;
    uint8_t *reply =
        elig_service_request(f->elig, f->svc, ELIG_TYPE_PUBLISH_BATCH, bytes, len, &rtype, &rlen);
    assert_non_null(reply);
    assert_string_equal(rtype, ELIG_TYPE_PUBLISH_ACK);
    Pathways__V1__PublishAck *ack = pw_decode_publish_ack(reply, rlen);
    free(reply);
    assert_non_null(ack);
    return ack;
}

static Pathways__V1__PublishAck *publish(fixture_t *f, event_t *evs, size_t n)
{
    size_t len;
    uint8_t *bytes = encode_batch(evs, n, &len);
    Pathways__V1__PublishAck *ack = publish_bytes(f, bytes, len);
    free(bytes);
    return ack;
}

static void expect_ack(const Pathways__V1__PublishAck *ack, size_t i, int result, const char *code)
{
    assert_true(i < ack->n_acks);
    if ((int)ack->acks[i]->result != result || strcmp(ack->acks[i]->reason_code, code) != 0)
        fail_msg("ack %zu: expected %d/%s, got %d/%s (%s)", i, result, code, ack->acks[i]->result,
                 ack->acks[i]->reason_code, ack->acks[i]->reason);
}

/* ---- reading the database ---- */

static long stream_rows(fixture_t *f, const char *stream)
{
    return elig_fixture_number(f, "SELECT count(*) AS v FROM stream.event WHERE stream = $1",
                               stream);
}

/* ---- fixture ---- */

static int group_setup(void **state)
{
    return elig_fixture_setup(state, "pathways_it_elig", TODAY, 7700);
}

static Pathways__V1__AdminReply *admin(fixture_t *f, Pathways__V1__AdminRequest *req,
                                       const char *type)
{
    size_t len, rlen;
    const char *rtype = NULL;
    uint8_t *bytes = pw_msg_encode(&req->base, 0, &len);
    uint8_t *reply = elig_service_request(f->elig, f->svc, type, bytes, len, &rtype, &rlen);
    free(bytes);
    assert_non_null(reply);
    assert_string_equal(rtype, ELIG_TYPE_ADMIN_REPLY);
    Pathways__V1__AdminReply *r = pw_decode_admin_reply(reply, rlen);
    free(reply);
    assert_non_null(r);
    return r;
}

static void upsert_employer(fixture_t *f, const char *employer, int expect_created,
                            const char *expect_error)
{
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    Pathways__V1__EmployerUpsert up = PATHWAYS__V1__EMPLOYER_UPSERT__INIT;
    up.employer = (char *)employer;
    up.name = "Acme Health";
    up.hr_contact_email = "hr@acme.example";
    req.request_id = "r1";
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_EMPLOYER_UPSERT;
    req.employer_upsert = &up;
    Pathways__V1__AdminReply *r = admin(f, &req, ELIG_TYPE_ADMIN_REQUEST);
    assert_string_equal(r->error_code, expect_error);
    assert_string_equal(r->request_id, "r1");
    if (!expect_error[0]) {
        assert_int_equal(r->reply_case, PATHWAYS__V1__ADMIN_REPLY__REPLY_EMPLOYER_UPSERTED);
        assert_int_equal(r->employer_upserted->created, expect_created);
    }
    pw_free_admin_reply(&r);
}

/* ---- tests (run in order on one database) ---- */

static void test_employer_admin(void **state)
{
    fixture_t *f = *state;
    upsert_employer(f, "acme", 1, "");
    upsert_employer(f, "acme", 0, "");
    upsert_employer(f, "bad employer", 0, "bad_request");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT programs::text AS v FROM eligibility.employer"
                                           " WHERE employer = $1",
                                           "acme", NULL),
                        "{mapp}");
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    Pathways__V1__SummaryQuery q = PATHWAYS__V1__SUMMARY_QUERY__INIT;
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_SUMMARY;
    req.summary = &q;
    Pathways__V1__AdminReply *r = admin(f, &req, ELIG_TYPE_ADMIN_REQUEST);
    assert_string_equal(r->error_code, "unsupported");
    pw_free_admin_reply(&r);
    r = admin(f, &req, "pathways.v1.Nonsense");
    assert_string_equal(r->error_code, "unknown_message_type");
    pw_free_admin_reply(&r);
}

#define ACCEPTED  PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED
#define DUPLICATE PATHWAYS__V1__ACK_RESULT__ACK_RESULT_DUPLICATE
#define REJECTED  PATHWAYS__V1__ACK_RESULT__ACK_RESULT_REJECTED

/* The first batch: three good hires and four events that must not count. */
static size_t first_batch(event_t *evs)
{
    hire(&evs[0], "e-1", "E1", "2026-01-05"); /* eligible */
    hire(&evs[1], "e-2", "E2", "2026-04-21"); /* tenure 41 days */
    hire(&evs[2], "e-3", "E3", "2026-01-05"); /* standing not on file */
    evs[2].data.standing = PATHWAYS__V1__STANDING__STANDING_UNSPECIFIED;
    hire(&evs[3], "e-bad-date", "E9", "2026-01-05");
    evs[3].ev.effective_date = "2026-02-30";
    hire(&evs[4], "e-other", "E9", "2026-01-05");
    evs[4].ev.source = "nobody";
    hire(&evs[5], "e-1", "E1", "2026-01-05"); /* same id again */
    hire(&evs[6], "e-enum", "E9", "2026-01-05");
    evs[6].data.standing = (Pathways__V1__Standing)42;
    return 7;
}

static void test_accept_duplicate_reject(void **state)
{
    fixture_t *f = *state;
    event_t evs[7];
    size_t n = first_batch(evs);
    Pathways__V1__PublishAck *ack = publish(f, evs, n);
    assert_string_equal(ack->error_code, "");
    assert_string_equal(ack->batch_id, "batch-1");
    assert_int_equal(ack->n_acks, n);
    expect_ack(ack, 0, ACCEPTED, "");
    expect_ack(ack, 1, ACCEPTED, "");
    expect_ack(ack, 2, ACCEPTED, "");
    expect_ack(ack, 3, REJECTED, "invalid_date");
    expect_ack(ack, 4, REJECTED, "unknown_employer");
    expect_ack(ack, 5, DUPLICATE, "duplicate_in_batch");
    expect_ack(ack, 6, REJECTED, "unknown_enum");
    assert_string_equal(ack->acks[3]->event_id, "e-bad-date");
    pw_free_publish_ack(&ack);

    /* Only the accepted are stored. */
    assert_int_equal(
        elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.partner_event", NULL), 3);
    assert_int_equal(elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.employee", NULL),
                     3);
    assert_int_equal(
        elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.employee WHERE employee = $1",
                            "E9"),
        0);
    assert_int_equal(stream_rows(f, "employee"), 3);
    assert_int_equal(stream_rows(f, "eligibility"), 3); /* first determinations */

    /* Determinations with their reasons. */
    const char *outcome = "SELECT outcome AS v FROM eligibility.current_determination"
                          " WHERE employee = $1";
    assert_string_equal(elig_fixture_value(f, outcome, "E1", NULL), "eligible");
    assert_string_equal(elig_fixture_value(f, outcome, "E2", NULL), "not_eligible");
    assert_string_equal(elig_fixture_value(f, outcome, "E3", NULL), "needs_review");
    const char *reason = "SELECT c->>'reason' AS v FROM eligibility.determination d,"
                         " jsonb_array_elements(d.criteria) c WHERE d.employee = $1"
                         " AND c->>'name' = $2";
    assert_string_equal(elig_fixture_value(f, reason, "E2", "tenure"), "tenure 41 days, needs 90");
    assert_string_equal(elig_fixture_value(f, reason, "E3", "standing"),
                        "standing not on file, needs good");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT eligible_from::text AS v FROM"
                                           " eligibility.determination WHERE employee = $1",
                                           "E2", NULL),
                        "2026-07-20");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT facts->>'status_raw' AS v FROM"
                                           " eligibility.determination WHERE employee = $1",
                                           "E1", NULL),
                        "A");
    assert_string_equal(
        elig_fixture_value(f,
                           "SELECT status || '/' || status_raw || '/' || employment_type"
                           " || '/' || employment_type_raw AS v FROM eligibility.employee"
                           " WHERE employee = $1",
                           "E1", NULL),
        "active/A/full_time/FT");
}

static void test_retry_is_duplicate(void **state)
{
    fixture_t *f = *state;
    event_t evs[7];
    size_t n = first_batch(evs);
    Pathways__V1__PublishAck *ack = publish(f, evs, n);
    expect_ack(ack, 0, DUPLICATE, "duplicate");
    expect_ack(ack, 1, DUPLICATE, "duplicate");
    expect_ack(ack, 2, DUPLICATE, "duplicate");
    expect_ack(ack, 3, REJECTED, "invalid_date");
    expect_ack(ack, 5, DUPLICATE, "duplicate_in_batch");
    pw_free_publish_ack(&ack);
    assert_int_equal(
        elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.partner_event", NULL), 3);
    assert_int_equal(
        elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.determination", NULL), 3);
    assert_int_equal(stream_rows(f, "employee"), 3);
    assert_int_equal(stream_rows(f, "eligibility"), 3);
}

static void test_publishes_only_changes(void **state)
{
    fixture_t *f = *state;
    event_t evs[3];
    /* Same verdicts (clerical -> transport): neither history nor stream grows. */
    event(&evs[0], "e-4", "acme", "E1", "job_changed", "2026-05-01");
    evs[0].data.job_family = "transport";
    /* A late job change must not overwrite the newer job. */
    event(&evs[1], "e-5", "acme", "E1", "job_changed", "2026-01-02");
    evs[1].data.job_family = "nursing";
    /* Standing drops: a new determination is published. */
    event(&evs[2], "e-6", "acme", "E1", "standing_changed", "2026-05-20");
    evs[2].data.standing = PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION;
    Pathways__V1__PublishAck *ack = publish(f, evs, 3);
    for (size_t i = 0; i < 3; i++)
        expect_ack(ack, i, ACCEPTED, "");
    pw_free_publish_ack(&ack);
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT job_family AS v FROM eligibility.employee"
                                           " WHERE employee = $1",
                                           "E1", NULL),
                        "transport");
    assert_int_equal(elig_fixture_number(f,
                                         "SELECT count(*) AS v FROM eligibility.determination"
                                         " WHERE employee = $1",
                                         "E1"),
                     2); /* history keeps changes only: the hire and e-6 */
    assert_int_equal(stream_rows(f, "employee"), 6);
    assert_int_equal(stream_rows(f, "eligibility"), 4);
    assert_string_equal(
        elig_fixture_value(f,
                           "SELECT previous_outcome || '->' || outcome AS v FROM"
                           " eligibility.determination WHERE employee = $1 AND published"
                           " ORDER BY id DESC LIMIT 1",
                           "E1", NULL),
        "eligible->not_eligible");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT cause_event_id AS v FROM"
                                           " eligibility.current_determination WHERE employee = $1",
                                           "E1", NULL),
                        "e-6");
    /* The published payload decodes as a Determination with its reasons. */
    PGresult *r = pw_db_query(f->db,
                              "SELECT payload FROM stream.event WHERE stream ="
                              " 'eligibility' ORDER BY seq DESC LIMIT 1",
                              0, NULL);
    assert_non_null(r);
    size_t len;
    uint8_t *bytes = pw_db_get_bytea(r, 0, "payload", &len);
    PQclear(r);
    Pathways__V1__Determination *d = pw_decode_determination(bytes, len);
    free(bytes);
    assert_non_null(d);
    assert_string_equal(d->employee, "E1");
    assert_int_equal(d->outcome, PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE);
    assert_int_equal(d->previous_outcome, PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE);
    assert_string_equal(d->criteria[3]->reason, "standing corrective_action, needs good");
    /* Data minimization: the stream carries the facts its consumers read,
     * never contact details (they stay in eligibility's registry). */
    assert_string_equal(d->facts->email, "");
    assert_string_equal(d->facts->given_name, "");
    assert_null(d->facts->scheduled_hours);
    assert_int_equal(d->facts->standing, PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION);
    pw_free_determination(&d);
}

static void test_rehire(void **state)
{
    fixture_t *f = *state;
    event_t evs[3];
    hire(&evs[0], "e-7", "E4", "2024-01-05");
    event(&evs[1], "e-8", "acme", "E4", "terminated", "2025-03-01");
    evs[1].data.reason_code = "voluntary";
    hire(&evs[2], "e-9", "E4", "2026-05-01");
    snprintf(evs[2].type, sizeof evs[2].type, "org.pathways.employee.rehired.v1");
    Pathways__V1__PublishAck *ack = publish(f, evs, 3);
    for (size_t i = 0; i < 3; i++)
        expect_ack(ack, i, ACCEPTED, "");
    pw_free_publish_ack(&ack);
    assert_string_equal(
        elig_fixture_value(f,
                           "SELECT hire_date || ' ' || period_start || ' ' || status AS v"
                           " FROM eligibility.employee WHERE employee = $1",
                           "E4", NULL),
        "2024-01-05 2026-05-01 active");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT string_agg(outcome, ',' ORDER BY id) AS v FROM"
                                           " eligibility.determination WHERE employee = $1",
                                           "E4", NULL),
                        "eligible,not_eligible,not_eligible");
    const char *reason = "SELECT c->>'reason' AS v FROM eligibility.current_determination d,"
                         " jsonb_array_elements(d.criteria) c WHERE d.employee = $1"
                         " AND c->>'name' = $2";
    assert_string_equal(elig_fixture_value(f, reason, "E4", "tenure"), "tenure 31 days, needs 90");
}

static void test_malformed_and_too_large(void **state)
{
    fixture_t *f = *state;
    uint8_t junk[] = {0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};
    Pathways__V1__PublishAck *ack = publish_bytes(f, junk, sizeof junk);
    assert_string_equal(ack->error_code, "malformed_batch");
    assert_int_equal(ack->n_acks, 0);
    pw_free_publish_ack(&ack);
    size_t n = PW_MAX_BATCH_EVENTS + 1;
    event_t *evs = calloc(n, sizeof *evs);
    for (size_t i = 0; i < n; i++)
        hire(&evs[i], "e-big", "E5", "2026-01-05");
    ack = publish(f, evs, n);
    free(evs);
    assert_string_equal(ack->error_code, "batch_too_large");
    assert_int_equal(ack->n_acks, 0);
    pw_free_publish_ack(&ack);
    assert_int_equal(
        elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.employee WHERE employee = $1",
                            "E5"),
        0);
}

/* A NUL byte inside one event's name: protobuf-c would silently cut it. */
static void test_hostile_bytes_reject_one_event(void **state)
{
    fixture_t *f = *state;
    event_t evs[2];
    hire(&evs[0], "e-10", "E6", "2026-01-05");
    evs[0].data.family_name = "Qzqz";
    hire(&evs[1], "e-11", "E7", "2026-01-05");
    size_t len;
    uint8_t *bytes = encode_batch(evs, 2, &len);
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(bytes + i, "Qzqz", 4) == 0)
            bytes[i + 2] = 0;
    Pathways__V1__PublishAck *ack = publish_bytes(f, bytes, len);
    free(bytes);
    expect_ack(ack, 0, REJECTED, "invalid_utf8");
    expect_ack(ack, 1, ACCEPTED, "");
    pw_free_publish_ack(&ack);
    assert_int_equal(
        elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.employee WHERE employee = $1",
                            "E6"),
        0);
}

/* Quotes, backslashes, braces, commas and control characters survive the
 * array literals and JSON the batch statements are built from. */
static void test_awkward_text_round_trips(void **state)
{
    fixture_t *f = *state;
    event_t evs[1];
    const char *name = "O'Brien \"Bo\" \\ {a,b} NULL\t\u00e9";
    const char *family = "Food \"Service\"\\";
    hire(&evs[0], "e-\"q\\", "E11", "2026-01-05");
    evs[0].data.family_name = (char *)name;
    evs[0].data.job_family = (char *)family;
    Pathways__V1__PublishAck *ack = publish(f, evs, 1);
    expect_ack(ack, 0, ACCEPTED, "");
    pw_free_publish_ack(&ack);
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT family_name AS v FROM eligibility.employee"
                                           " WHERE employee = $1",
                                           "E11", NULL),
                        name);
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT last_event_id AS v FROM eligibility.employee"
                                           " WHERE employee = $1",
                                           "E11", NULL),
                        "e-\"q\\");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT facts->>'job_family' AS v FROM"
                                           " eligibility.determination WHERE employee = $1",
                                           "E11", NULL),
                        family);
}

/* The service's connection is cut: the batch is answered "unavailable"
 * with no acks and nothing stored; the retry succeeds. */
static void test_database_lost_is_unavailable(void **state)
{
    fixture_t *f = *state;
    PGresult *r = pw_db_query(f->db,
                              "SELECT count(pg_terminate_backend(pid)) AS v FROM"
                              " pg_stat_activity WHERE datname = current_database()"
                              " AND pid <> pg_backend_pid()",
                              0, NULL);
    assert_non_null(r);
    PQclear(r);
    event_t evs[1];
    hire(&evs[0], "e-12", "E8", "2026-01-05");
    Pathways__V1__PublishAck *ack = publish(f, evs, 1);
    assert_string_equal(ack->error_code, "unavailable");
    assert_int_equal(ack->n_acks, 0);
    pw_free_publish_ack(&ack);
    assert_int_equal(elig_fixture_number(f,
                                         "SELECT count(*) AS v FROM eligibility.partner_event"
                                         " WHERE event_id = $1",
                                         "e-12"),
                     0);
    ack = publish(f, evs, 1);
    assert_string_equal(ack->error_code, "");
    expect_ack(ack, 0, ACCEPTED, "");
    pw_free_publish_ack(&ack);
}

static void *run_service(void *arg)
{
    pw_service_run(arg);
    return NULL;
}

/* The real wire: DEALER -> ROUTER with [type][bytes] frames. */
static void test_dealer_round_trip(void **state)
{
    fixture_t *f = *state;
    char ep[PW_ENDPOINT_MAX];
    pw_config_endpoint(&f->cfg, PW_SVC_ELIGIBILITY, PW_PORT_COMMAND, 0, ep, sizeof ep);
    pthread_t loop;
    assert_int_equal(pthread_create(&loop, NULL, run_service, f->svc), 0);
    zsock_t *dealer = zsock_new_dealer(ep);
    assert_non_null(dealer);
    zsock_set_rcvtimeo(dealer, 10000);
    event_t evs[2];
    hire(&evs[0], "e-13", "E10", "2026-01-05");
    hire(&evs[1], "e-13", "E10", "2026-01-05");
    size_t len;
    uint8_t *bytes = encode_batch(evs, 2, &len);
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, ELIG_TYPE_PUBLISH_BATCH);
    zmsg_addmem(msg, bytes, len);
    free(bytes);
    assert_int_equal(zmsg_send(&msg, dealer), 0);
    zmsg_t *reply = zmsg_recv(dealer);
    assert_non_null(reply);
    char *type = zmsg_popstr(reply);
    zframe_t *body = zmsg_pop(reply);
    assert_string_equal(type, ELIG_TYPE_PUBLISH_ACK);
    Pathways__V1__PublishAck *ack = pw_decode_publish_ack(zframe_data(body), zframe_size(body));
    assert_non_null(ack);
    expect_ack(ack, 0, ACCEPTED, "");
    expect_ack(ack, 1, DUPLICATE, "duplicate_in_batch");
    pw_free_publish_ack(&ack);
    free(type);
    zframe_destroy(&body);
    zmsg_destroy(&reply);
    zsock_destroy(&dealer);
    pw_service_stop(f->svc);
    pthread_join(loop, NULL);
    assert_int_equal(elig_fixture_number(f,
                                         "SELECT count(*) AS v FROM eligibility.partner_event"
                                         " WHERE event_id = $1",
                                         "e-13"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_employer_admin),
        cmocka_unit_test(test_accept_duplicate_reject),
        cmocka_unit_test(test_retry_is_duplicate),
        cmocka_unit_test(test_publishes_only_changes),
        cmocka_unit_test(test_rehire),
        cmocka_unit_test(test_malformed_and_too_large),
        cmocka_unit_test(test_hostile_bytes_reject_one_event),
        cmocka_unit_test(test_awkward_text_round_trips),
        cmocka_unit_test(test_database_lost_is_unavailable),
        cmocka_unit_test(test_dealer_round_trip),
    };
    return cmocka_run_group_tests(tests, group_setup, elig_fixture_teardown);
}
