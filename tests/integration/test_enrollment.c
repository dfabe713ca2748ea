/* Integration tests for the enrollment service's reactions to eligibility
 * determinations, against the real PostgreSQL (database pathways_it_enroll):
 * the handler runs inside a transaction exactly as the runtime runs it, and
 * the test checks the rows and the EnrollmentChanged events it produced. A
 * scenario applied one event per transaction (employees AAA-*) and as one
 * batch (employees BBB-*) must leave the same enrollments, audit and events
 * -- including an employee invited and terminated in one batch, leaves,
 * returns and lost standing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrollment/lifecycle.h"
#include "enrollment_fixture.h"
#include "pathways/stream.h"

static int setup(void **state)
{
    return efx_setup(state, "pathways_it_enroll", NULL);
}

/* Applies "eligibility" events as one batch the way the runtime does: one
 * transaction, appended events flushed before COMMIT. */
static pw_apply_t apply_events(const pw_event_t *evs, size_t n, char *err, size_t errlen)
{
    const enr_session_t *s = efx_session();
    assert_int_equal(pw_db_begin(s->db), 0);
    pw_apply_t r = enr_apply_determinations(efx_emitter(), s->db, evs, n, err, errlen);
    if (r == PW_APPLY_OK)
        assert_int_equal(s->commit(s->ctx), 0);
    else
        s->rollback(s->ctx);
    return r;
}

static pw_apply_t apply_one(const char *event_id, const uint8_t *bytes, size_t len, char *err,
                            size_t errlen)
{
    pw_event_t ev = {.stream = "eligibility",
                     .seq = 1,
                     .type = "org.pathways.eligibility.determined.v1",
                     .key = "k",
                     .event_id = event_id,
                     .payload = bytes,
                     .payload_len = len};
    return apply_events(&ev, 1, err, errlen);
}

/* A bare determination (no facts, no criteria), as one event. */
static pw_apply_t apply_det(const char *event_id, const char *employee,
                            Pathways__V1__Outcome outcome, Pathways__V1__EmploymentStatus status)
{
    size_t len;
    uint8_t *bytes = determination_bytes(employee, outcome, status, 0, NULL, &len);
    char err[256] = "";
    pw_apply_t r = apply_one(event_id, bytes, len, err, sizeof err);
    free(bytes);
    return r;
}

/* The n-th (0-based) EnrollmentChanged on stream "enrollment"; caller frees. */
static Pathways__V1__EnrollmentChanged *event_at(int n)
{
    PGresult *res = pw_db_query(efx_db(),
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

static const char *COUNT_EVENTS = "SELECT count(*) FROM stream.event WHERE stream = 'enrollment'";
static const char *STATE_OF =
    "SELECT state || '/' || reason_code FROM enrollment.enrollment WHERE employee = $1";

static void test_first_eligible_invites(void **state)
{
    (void)state;
    assert_int_equal(apply_det("ev-1", "e1", ELIGIBLE, ACTIVE), PW_APPLY_OK);
    expect(STATE_OF, "e1", "invited/eligible");
    expect("SELECT from_state || '>' || to_state || '|' || actor || '|' || cause_event_id"
           " || '|' || (facts->>'outcome') FROM enrollment.transition t JOIN"
           " enrollment.enrollment e ON e.id = t.enrollment_id WHERE e.employee = $1",
           "e1", "unspecified>invited|system|ev-1|OUTCOME_ELIGIBLE");
    expect(COUNT_EVENTS, NULL, "1");
    expect("SELECT key || ' ' || type FROM stream.event WHERE stream = 'enrollment'", NULL,
           "acme/e1 org.pathways.enrollment.changed.v1");
    Pathways__V1__EnrollmentChanged *e = event_at(0);
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
    (void)state;
    assert_int_equal(apply_det("ev-1", "e1", ELIGIBLE, ACTIVE), PW_APPLY_OK);
    assert_int_equal(apply_det("ev-2", "e1", ELIGIBLE, ACTIVE), PW_APPLY_OK);
    expect("SELECT count(*) FROM enrollment.enrollment WHERE employee = $1", "e1", "1");
    expect("SELECT count(*) FROM enrollment.transition", NULL, "1");
    expect(COUNT_EVENTS, NULL, "1");
}

static void test_not_eligible_does_nothing(void **state)
{
    (void)state;
    assert_int_equal(apply_det("ev-3", "e2", NOT_ELIGIBLE, ACTIVE), PW_APPLY_OK);
    expect(STATE_OF, "e2", "<none>");
    assert_int_equal(apply_det("ev-4", "e2", NOT_ELIGIBLE, TERMINATED), PW_APPLY_OK);
    expect(STATE_OF, "e2", "<none>");
    expect(COUNT_EVENTS, NULL, "1");
}

static void test_termination_exits_active_enrollment(void **state)
{
    (void)state;
    assert_int_equal(apply_det("ev-5", "e1", NOT_ELIGIBLE, TERMINATED), PW_APPLY_OK);
    expect(STATE_OF, "e1", "exited/terminated");
    expect("SELECT from_state || '>' || to_state || '|' || reason_code || '|' ||"
           " cause_event_id FROM enrollment.transition ORDER BY id DESC LIMIT 1",
           NULL, "invited>exited|terminated|ev-5");
    expect(COUNT_EVENTS, NULL, "2");
    Pathways__V1__EnrollmentChanged *e = event_at(1);
    assert_int_equal(e->from_state, ENR_STATE_INVITED);
    assert_int_equal(e->to_state, ENR_STATE_EXITED);
    assert_string_equal(e->reason_code, "terminated");
    assert_string_equal(e->cause_event_id, "ev-5");
    pw_free_enrollment_changed(&e);
    /* Terminated again, or eligible after the exit: nothing more. */
    assert_int_equal(apply_det("ev-6", "e1", NOT_ELIGIBLE, TERMINATED), PW_APPLY_OK);
    assert_int_equal(apply_det("ev-7", "e1", ELIGIBLE, ACTIVE), PW_APPLY_OK);
    expect(STATE_OF, "e1", "exited/terminated");
    expect(COUNT_EVENTS, NULL, "2");
}

static void test_undecodable_payload_is_rejected(void **state)
{
    (void)state;
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    char err[256] = "";
    assert_int_equal(apply_one("ev-junk", junk, sizeof junk, err, sizeof err), PW_APPLY_REJECT);
    assert_non_null(strstr(err, "undecodable Determination"));
    Pathways__V1__Determination d = PATHWAYS__V1__DETERMINATION__INIT;
    d.outcome = ELIGIBLE; /* no employer/employee */
    size_t len;
    uint8_t *bytes = pw_msg_encode(&d.base, 0, &len);
    assert_int_equal(apply_one("ev-empty", bytes, len, err, sizeof err), PW_APPLY_REJECT);
    free(bytes);
    expect(COUNT_EVENTS, NULL, "2");
}

static void test_illegal_move_is_refused(void **state)
{
    (void)state;
    char *id = query1("SELECT id FROM enrollment.enrollment WHERE employee = $1", "e1");
    enr_change_t c = {.employer = "acme",
                      .employee = "e1",
                      .program = "mapp",
                      .to = ENR_STATE_ENROLLED,
                      .actor = "admin@test"};
    char err[256] = "";
    const enr_session_t *s = efx_session();
    assert_int_equal(pw_db_begin(s->db), 0);
    assert_int_equal(
        enr_lifecycle_move(s->db, efx_emitter(), atoll(id), ENR_STATE_EXITED, &c, err, sizeof err),
        ENR_ERR_ILLEGAL);
    assert_string_equal(err, "illegal transition exited -> enrolled");
    /* A stale "from" (the row is exited, not invited) is refused too. */
    c.to = ENR_STATE_APPLIED;
    assert_int_equal(
        enr_lifecycle_move(s->db, efx_emitter(), atoll(id), ENR_STATE_INVITED, &c, err, sizeof err),
        ENR_ERR_STALE);
    s->rollback(s->ctx);
    free(id);
    expect(STATE_OF, "e1", "exited/terminated");
}

/* ---- batches: the same scenario one by one (AAA-*) and as one batch (BBB-*) ---- */

#define FINAL PATHWAYS__V1__STANDING__STANDING_FINAL_WARNING

/* One determination of the scenario: employee number and what it says. */
typedef struct {
    int who;
    Pathways__V1__Outcome outcome;
    Pathways__V1__EmploymentStatus status;
    Pathways__V1__Standing standing;
} step_t;

/* 1 invited then terminated in the same batch; 2 enrolled, on leave, back;
 * 3 paused for leave, back; 4 applied, loses standing (once); 5 invited,
 * eligible again; 6 never eligible; 7 invited with a bad standing; 8
 * invited, then on leave: no longer eligible, the invitation is withdrawn
 * (not paused); 9 invited, loses eligibility twice, then eligible again:
 * withdrawn once, re-invited; 10 invited and no longer eligible in one
 * batch. */
static const step_t SCENARIO[] = {
    {1, ELIGIBLE, ACTIVE, GOOD},  {2, NOT_ELIGIBLE, LEAVE, GOOD},
    {5, ELIGIBLE, ACTIVE, GOOD},  {1, NOT_ELIGIBLE, TERMINATED, GOOD},
    {3, ELIGIBLE, ACTIVE, GOOD},  {4, NOT_ELIGIBLE, ACTIVE, CORRECTIVE},
    {5, ELIGIBLE, ACTIVE, GOOD},  {6, NOT_ELIGIBLE, ACTIVE, GOOD},
    {2, ELIGIBLE, ACTIVE, GOOD},  {4, NOT_ELIGIBLE, ACTIVE, CORRECTIVE},
    {7, ELIGIBLE, ACTIVE, FINAL}, {7, ELIGIBLE, ACTIVE, CORRECTIVE},
    {8, ELIGIBLE, ACTIVE, GOOD},  {8, NOT_ELIGIBLE, LEAVE, GOOD},
    {9, ELIGIBLE, ACTIVE, GOOD},  {9, NOT_ELIGIBLE, ACTIVE, GOOD},
    {10, ELIGIBLE, ACTIVE, GOOD}, {9, NOT_ELIGIBLE, ACTIVE, CORRECTIVE},
    {9, ELIGIBLE, ACTIVE, GOOD},  {10, NOT_ELIGIBLE, ACTIVE, GOOD},
};
#define STEPS (sizeof SCENARIO / sizeof SCENARIO[0])

static void exec(const char *sql, const char *param)
{
    const char *p[1] = {param};
    assert_int_equal(pw_db_exec(efx_db(), sql, param ? 1 : 0, param ? p : NULL), 0);
}

/* Enrollments the scenario's employees have before it (prefix $1). */
static void seed(const char *prefix)
{
    exec("INSERT INTO enrollment.enrollment (employer, employee, program, state, paused_from,"
         " pause_reason) VALUES ('acme', $1 || '-2', 'mapp', 'enrolled', NULL, ''),"
         " ('acme', $1 || '-3', 'mapp', 'paused', 'enrolled', 'leave'),"
         " ('acme', $1 || '-4', 'mapp', 'applied', NULL, '')",
         prefix);
}

/* The payload of step i for prefix (caller frees). */
static uint8_t *encode_step(const char *prefix, size_t i, size_t *len)
{
    const step_t *s = &SCENARIO[i];
    char employee[32];
    snprintf(employee, sizeof employee, "%s-%d", prefix, s->who);
    return determination_bytes(employee, s->outcome, s->status, s->standing, "status", len);
}

/* Applies steps [from, to) for prefix as one batch, in one transaction. */
static void apply_steps(const char *prefix, size_t from, size_t to)
{
    pw_event_t evs[STEPS];
    uint8_t *bytes[STEPS];
    memset(evs, 0, sizeof evs); /* gcc -O2 cannot see that [from, to) is written */
    char ids[STEPS][32];
    for (size_t i = from; i < to; i++) {
        snprintf(ids[i], sizeof ids[i], "%s-ev-%zu", prefix, i);
        evs[i] = (pw_event_t){.stream = "eligibility",
                              .seq = (int64_t)i + 1,
                              .type = "org.pathways.eligibility.determined.v1",
                              .key = "k",
                              .event_id = ids[i]};
        bytes[i] = encode_step(prefix, i, &evs[i].payload_len);
        evs[i].payload = bytes[i];
    }
    char err[256] = "";
    pw_apply_t r = apply_events(&evs[from], to - from, err, sizeof err);
    if (r != PW_APPLY_OK)
        fail_msg("steps %zu..%zu of %s: %d %s", from, to, prefix, r, err);
    for (size_t i = from; i < to; i++)
        free(bytes[i]);
}

/* Everything the scenario left for prefix $1, with the prefix written as
 * AAA so both runs compare equal. */
static const char *DUMPS[] = {
    "SELECT string_agg(replace(concat_ws('|', employee, program, state, reason_code,"
    " paused_from, pause_reason, review_flag, review_reason), $1, 'AAA'), E'\\n'"
    " ORDER BY employee, program) FROM enrollment.enrollment WHERE employee LIKE $1 || '-%'",
    "SELECT string_agg(replace(concat_ws('|', e.employee, t.from_state, t.to_state, t.reason_code,"
    " t.reason, t.actor, t.cause_event_id, t.kind, t.effective_date, t.facts::text), $1, 'AAA'),"
    " E'\\n' ORDER BY e.employee, t.id) FROM enrollment.transition t"
    " JOIN enrollment.enrollment e ON e.id = t.enrollment_id WHERE e.employee LIKE $1 || '-%'",
    "SELECT string_agg(concat_ws('|', replace(key, $1, 'AAA'), type,"
    " replace(encode(payload, 'hex'), encode(convert_to($1, 'UTF8'), 'hex'), '414141')),"
    " E'\\n' ORDER BY key, seq)"
    " FROM stream.event WHERE stream = 'enrollment' AND key LIKE 'acme/' || $1 || '-%'",
    "SELECT string_agg(replace(concat_ws('|', employee, outcome, status, standing, as_of,"
    " first_eligible), $1,"
    " 'AAA'), E'\\n' ORDER BY employee) FROM enrollment.determination"
    " WHERE employee LIKE $1 || '-%'",
};

static void test_batch_equals_one_by_one(void **state)
{
    (void)state;
    seed("AAA");
    seed("BBB");
    for (size_t i = 0; i < STEPS; i++)
        apply_steps("AAA", i, i + 1);
    apply_steps("BBB", 0, STEPS);
    for (size_t k = 0; k < sizeof DUMPS / sizeof DUMPS[0]; k++) {
        char *one = query1(DUMPS[k], "AAA");
        char *batch = query1(DUMPS[k], "BBB");
        assert_true(strlen(one) > 0);
        if (strcmp(one, batch) != 0) {
            /* Whole, for a diff: cmocka cuts long messages. */
            fprintf(stderr, "one by one:\n%s\nbatch:\n%s\n", one, batch);
            fail_msg("dump %zu differs between one by one and the batch", k);
        }
        free(one);
        free(batch);
    }
    /* The cases the scenario is there for. */
    char *got = query1("SELECT string_agg(employee || ':' || state || ':' || review_flag, ' '"
                       " ORDER BY employee) FROM enrollment.enrollment WHERE employee LIKE $1",
                       "BBB-%");
    assert_string_equal(got, "BBB-1:exited:false BBB-10:withdrawn:false BBB-2:enrolled:false "
                             "BBB-3:enrolled:false BBB-4:applied:true BBB-5:invited:false "
                             "BBB-7:invited:false BBB-8:withdrawn:false BBB-9:invited:false");
    free(got);
    /* 9's invitation: withdrawn when eligibility was lost (once, though it
     * was lost twice), re-opened when it came back. */
    got = query1("SELECT string_agg(t.from_state || '>' || t.to_state || ':' || t.reason_code, ' '"
                 " ORDER BY t.id) FROM enrollment.transition t JOIN enrollment.enrollment e"
                 " ON e.id = t.enrollment_id WHERE e.employee = $1",
                 "BBB-9");
    assert_string_equal(got, "unspecified>invited:eligible invited>withdrawn:eligibility_lost "
                             "withdrawn>invited:eligible");
    free(got);
}

static void test_bad_event_rejects_the_batch(void **state)
{
    (void)state;
    size_t len;
    uint8_t *good = encode_step("CCC", 0, &len);
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    pw_event_t evs[2] = {
        {.stream = "eligibility", .seq = 1, .event_id = "c-1", .payload = good, .payload_len = len},
        {.stream = "eligibility",
         .seq = 2,
         .event_id = "c-2",
         .payload = junk,
         .payload_len = sizeof junk},
    };
    char err[256] = "";
    assert_int_equal(apply_events(evs, 2, err, sizeof err), PW_APPLY_REJECT);
    assert_non_null(strstr(err, "undecodable Determination"));
    free(good);
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
        cmocka_unit_test(test_batch_equals_one_by_one),
        cmocka_unit_test(test_bad_event_rejects_the_batch),
    };
    return cmocka_run_group_tests(tests, setup, efx_teardown);
}
