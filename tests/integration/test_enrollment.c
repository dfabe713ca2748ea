/* Integration tests for the enrollment service's reactions to eligibility
 * determinations, against the real PostgreSQL (database pathways_it_enroll):
 * the handler runs inside a transaction exactly as the runtime runs it, and
 * the test checks the rows and the EnrollmentChanged events it produced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrollment/determination.h"
#include "enrollment/lifecycle.h"
#include "pathways/codec.h"
#include "pathways/migrate.h"
#include "pathways/stream.h"
#include "testdb.h"

typedef struct {
    pw_db_t *db;
    pw_appender_t *appender;
    enr_emitter_t emit;
} fixture_t;

static int emit_to_appender(void *ctx, const char *stream, const char *type, const char *key,
                            const char *event_id, const ProtobufCMessage *payload)
{
    return pw_appender_add_msg(ctx, stream, type, key, event_id, payload);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->db = pw_testdb_fresh("pathways_it_enroll", "common", NULL, 0);
    char err[512];
    if (pw_migrate(f->db, "enrollment", err, sizeof err) < 0) {
        fprintf(stderr, "migrate enrollment: %s\n", err);
        return -1;
    }
    f->appender = pw_appender_new();
    f->emit = (enr_emitter_t){emit_to_appender, f->appender};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    pw_appender_destroy(&f->appender);
    pw_db_destroy(&f->db);
    free(f);
    return 0;
}

/* Applies one "eligibility" event the way the runtime does: one
 * transaction, appended events flushed before COMMIT. */
static pw_apply_t apply(fixture_t *f, const char *event_id, const uint8_t *bytes, size_t len,
                        char *err, size_t errlen)
{
    pw_event_t ev = {.stream = "eligibility",
                     .seq = 1,
                     .type = "org.pathways.eligibility.determined.v1",
                     .key = "k",
                     .event_id = event_id,
                     .payload = bytes,
                     .payload_len = len};
    assert_int_equal(pw_db_begin(f->db), 0);
    pw_apply_t r = enr_apply_determination(&f->emit, f->db, &ev, err, errlen);
    if (r == PW_APPLY_OK) {
        assert_int_equal(pw_appender_flush(f->appender, f->db), 0);
        assert_int_equal(pw_db_commit(f->db), 0);
        pw_appender_publish(f->appender, NULL);
    } else {
        pw_db_rollback(f->db);
        pw_appender_discard(f->appender);
    }
    return r;
}

static pw_apply_t apply_det(fixture_t *f, const char *event_id, const char *employee,
                            Pathways__V1__Outcome outcome, Pathways__V1__EmploymentStatus status)
{
    Pathways__V1__Determination d = PATHWAYS__V1__DETERMINATION__INIT;
    d.employer = "acme";
    d.employee = (char *)employee;
    d.program = "mapp";
    d.outcome = outcome;
    d.status = status;
    d.as_of = "2026-03-01";
    size_t len;
    uint8_t *bytes = pw_msg_encode(&d.base, 0, &len);
    char err[256] = "";
    pw_apply_t r = apply(f, event_id, bytes, len, err, sizeof err);
    free(bytes);
    return r;
}

static char *query1(fixture_t *f, const char *sql, const char *param)
{
    const char *p[1] = {param};
    PGresult *res = pw_db_query(f->db, sql, param ? 1 : 0, param ? p : NULL);
    assert_non_null(res);
    char *out = PQntuples(res) ? strdup(PQgetvalue(res, 0, 0)) : strdup("<none>");
    PQclear(res);
    return out;
}

static void assert_query(fixture_t *f, const char *sql, const char *param, const char *expect)
{
    char *got = query1(f, sql, param);
    if (strcmp(got, expect) != 0)
        fail_msg("%s [%s]: expected \"%s\", got \"%s\"", sql, param ? param : "", expect, got);
    free(got);
}

/* The n-th (0-based) EnrollmentChanged on stream "enrollment"; caller frees. */
static Pathways__V1__EnrollmentChanged *event_at(fixture_t *f, int n)
{
    PGresult *res = pw_db_query(f->db,
                                "SELECT payload FROM stream.event WHERE stream = 'enrollment'"
                                " ORDER BY seq",
                                0, NULL);
    assert_non_null(res);
    assert_true(PQntuples(res) > n);
    size_t len;
    uint8_t *bytes = pw_db_get_bytea(res, n, "payload", &len);
    PQclear(res);
    Pathways__V1__EnrollmentChanged *e = pw_decode_enrollment_changed(bytes, len);
    free(bytes);
    assert_non_null(e);
    return e;
}

#define ELIGIBLE     PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
#define NOT_ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE
#define ACTIVE       PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE
#define TERMINATED   PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED

static const char *COUNT_EVENTS = "SELECT count(*) FROM stream.event WHERE stream = 'enrollment'";
static const char *STATE_OF =
    "SELECT state || '/' || reason_code FROM enrollment.enrollment WHERE employee = $1";

static void test_first_eligible_invites(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(apply_det(f, "ev-1", "e1", ELIGIBLE, ACTIVE), PW_APPLY_OK);
    assert_query(f, STATE_OF, "e1", "invited/eligible");
    assert_query(f,
                 "SELECT from_state || '>' || to_state || '|' || actor || '|' || cause_event_id"
                 " || '|' || (facts->>'outcome') FROM enrollment.transition t JOIN"
                 " enrollment.enrollment e ON e.id = t.enrollment_id WHERE e.employee = $1",
                 "e1", "unspecified>invited|system|ev-1|OUTCOME_ELIGIBLE");
    assert_query(f, COUNT_EVENTS, NULL, "1");
    assert_query(f, "SELECT key || ' ' || type FROM stream.event WHERE stream = 'enrollment'", NULL,
                 "acme/e1 org.pathways.enrollment.changed.v1");
    Pathways__V1__EnrollmentChanged *e = event_at(f, 0);
    assert_int_equal(e->from_state, ENR_STATE_NONE);
    assert_int_equal(e->to_state, ENR_STATE_INVITED);
    assert_string_equal(e->actor, "system");
    assert_string_equal(e->cause_event_id, "ev-1");
    assert_string_equal(e->program, "mapp");
    assert_string_equal(e->effective_date, "2026-03-01");
    pw_free_enrollment_changed(&e);
}

static void test_eligible_again_changes_nothing(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(apply_det(f, "ev-1", "e1", ELIGIBLE, ACTIVE), PW_APPLY_OK);
    assert_int_equal(apply_det(f, "ev-2", "e1", ELIGIBLE, ACTIVE), PW_APPLY_OK);
    assert_query(f, "SELECT count(*) FROM enrollment.enrollment WHERE employee = $1", "e1", "1");
    assert_query(f, "SELECT count(*) FROM enrollment.transition", NULL, "1");
    assert_query(f, COUNT_EVENTS, NULL, "1");
}

static void test_not_eligible_does_nothing(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(apply_det(f, "ev-3", "e2", NOT_ELIGIBLE, ACTIVE), PW_APPLY_OK);
    assert_query(f, STATE_OF, "e2", "<none>");
    assert_int_equal(apply_det(f, "ev-4", "e2", NOT_ELIGIBLE, TERMINATED), PW_APPLY_OK);
    assert_query(f, STATE_OF, "e2", "<none>");
    assert_query(f, COUNT_EVENTS, NULL, "1");
}

static void test_termination_exits_active_enrollment(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(apply_det(f, "ev-5", "e1", NOT_ELIGIBLE, TERMINATED), PW_APPLY_OK);
    assert_query(f, STATE_OF, "e1", "exited/terminated");
    assert_query(f,
                 "SELECT from_state || '>' || to_state || '|' || reason_code || '|' ||"
                 " cause_event_id FROM enrollment.transition ORDER BY id DESC LIMIT 1",
                 NULL, "invited>exited|terminated|ev-5");
    assert_query(f, COUNT_EVENTS, NULL, "2");
    Pathways__V1__EnrollmentChanged *e = event_at(f, 1);
    assert_int_equal(e->from_state, ENR_STATE_INVITED);
    assert_int_equal(e->to_state, ENR_STATE_EXITED);
    assert_string_equal(e->reason_code, "terminated");
    assert_string_equal(e->cause_event_id, "ev-5");
    pw_free_enrollment_changed(&e);
    /* Terminated again, or eligible after the exit: nothing more. */
    assert_int_equal(apply_det(f, "ev-6", "e1", NOT_ELIGIBLE, TERMINATED), PW_APPLY_OK);
    assert_int_equal(apply_det(f, "ev-7", "e1", ELIGIBLE, ACTIVE), PW_APPLY_OK);
    assert_query(f, STATE_OF, "e1", "exited/terminated");
    assert_query(f, COUNT_EVENTS, NULL, "2");
}

static void test_undecodable_payload_is_rejected(void **state)
{
    fixture_t *f = *state;
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    char err[256] = "";
    assert_int_equal(apply(f, "ev-junk", junk, sizeof junk, err, sizeof err), PW_APPLY_REJECT);
    assert_non_null(strstr(err, "undecodable Determination"));
    Pathways__V1__Determination d = PATHWAYS__V1__DETERMINATION__INIT;
    d.outcome = ELIGIBLE; /* no employer/employee */
    size_t len;
    uint8_t *bytes = pw_msg_encode(&d.base, 0, &len);
    assert_int_equal(apply(f, "ev-empty", bytes, len, err, sizeof err), PW_APPLY_REJECT);
    free(bytes);
    assert_query(f, COUNT_EVENTS, NULL, "2");
}

static void test_illegal_move_is_refused(void **state)
{
    fixture_t *f = *state;
    char *id = query1(f, "SELECT id FROM enrollment.enrollment WHERE employee = $1", "e1");
    enr_change_t c = {.employer = "acme",
                      .employee = "e1",
                      .program = "mapp",
                      .to = ENR_STATE_ENROLLED,
                      .actor = "admin@test"};
    char err[256] = "";
    assert_int_equal(pw_db_begin(f->db), 0);
    assert_int_equal(
        enr_lifecycle_move(f->db, &f->emit, atoll(id), ENR_STATE_EXITED, &c, err, sizeof err),
        ENR_ERR_ILLEGAL);
    assert_string_equal(err, "illegal transition exited -> enrolled");
    /* A stale "from" (the row is exited, not invited) is refused too. */
    c.to = ENR_STATE_APPLIED;
    assert_int_equal(
        enr_lifecycle_move(f->db, &f->emit, atoll(id), ENR_STATE_INVITED, &c, err, sizeof err),
        ENR_ERR_STALE);
    pw_db_rollback(f->db);
    pw_appender_discard(f->appender);
    free(id);
    assert_query(f, STATE_OF, "e1", "exited/terminated");
}

int main(void)
{
    /* Order matters: the tests walk one employee through its lifecycle. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_eligible_invites),
        cmocka_unit_test(test_eligible_again_changes_nothing),
        cmocka_unit_test(test_not_eligible_does_nothing),
        cmocka_unit_test(test_termination_exits_active_enrollment),
        cmocka_unit_test(test_undecodable_payload_is_rejected),
        cmocka_unit_test(test_illegal_move_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
