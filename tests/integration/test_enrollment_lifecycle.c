/* Integration tests for the enrollment lifecycle (issue 4) against the real
 * PostgreSQL (database pathways_it_enroll_life): commands through
 * enr_command_answer exactly as the service's ROUTER handler calls it, and
 * determinations through the "eligibility" handler in a transaction as the
 * runtime applies them. The tests share one database and run in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrollment/command.h"
#include "enrollment/determination.h"
#include "pathways/codec.h"
#include "pathways/migrate.h"
#include "pathways/stream.h"
#include "testdb.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;
typedef Pathways__V1__EnrollmentResult result_t;

typedef struct {
    pw_db_t *db;
    pw_appender_t *appender;
    enr_session_t session;
    int seq;
} fixture_t;

static fixture_t *g_f; /* the group fixture, for the helpers below */

static int emit_to_appender(void *ctx, const char *stream, const char *type, const char *key,
                            const char *event_id, const ProtobufCMessage *payload)
{
    return pw_appender_add_msg(ctx, stream, type, key, event_id, payload);
}

static int commit(void *ctx)
{
    fixture_t *f = ctx;
    if (pw_appender_flush(f->appender, f->db) != 0 || pw_db_commit(f->db) != 0) {
        pw_db_rollback(f->db);
        pw_appender_discard(f->appender);
        return -1;
    }
    pw_appender_publish(f->appender, NULL);
    return 0;
}

static void rollback(void *ctx)
{
    fixture_t *f = ctx;
    pw_db_rollback(f->db);
    pw_appender_discard(f->appender);
}

/* "Today" for every command of these tests: the milestones they record
 * (2026-06-30) may not be after it, nor before what came earlier. */
#define TODAY "2026-06-30"

static int setup(void **state)
{
    setenv("PATHWAYS_TODAY", TODAY, 1);
    fixture_t *f = calloc(1, sizeof *f);
    f->db = pw_testdb_fresh("pathways_it_enroll_life", "common", NULL, 0);
    char err[512];
    if (pw_migrate(f->db, "enrollment", err, sizeof err) < 0) {
        fprintf(stderr, "migrate enrollment: %s\n", err);
        return -1;
    }
    f->appender = pw_appender_new();
    f->session = (enr_session_t){f->db, {emit_to_appender, f->appender}, commit, rollback, f, NULL};
    g_f = f;
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

/* ---- determinations ---- */

#define ELIGIBLE     PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
#define NOT_ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE
#define ACTIVE       PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE
#define LEAVE        PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE
#define TERMINATED   PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED
#define GOOD         PATHWAYS__V1__STANDING__STANDING_GOOD
#define CORRECTIVE   PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION

static void det(const char *employee, Pathways__V1__Outcome outcome,
                Pathways__V1__EmploymentStatus status, Pathways__V1__Standing standing)
{
    fixture_t *f = g_f;
    Pathways__V1__Criterion crit = PATHWAYS__V1__CRITERION__INIT;
    Pathways__V1__Criterion *crits[1] = {&crit};
    crit.name = "status";
    crit.result = outcome == ELIGIBLE ? PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
                                      : PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_FAIL;
    crit.reason = outcome == ELIGIBLE ? "active" : "not active or not in good standing";
    Pathways__V1__EmployeeFacts facts = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    facts.status = status;
    facts.standing = standing;
    facts.reason_code = status == LEAVE ? "medical" : "";
    Pathways__V1__Determination d = PATHWAYS__V1__DETERMINATION__INIT;
    d.employer = "acme";
    d.employee = (char *)employee;
    d.program = "mapp";
    d.outcome = outcome;
    d.status = status;
    d.facts = &facts;
    d.n_criteria = 1;
    d.criteria = crits;
    d.as_of = "2026-03-01";
    size_t len;
    uint8_t *bytes = pw_msg_encode(&d.base, 0, &len);
    char id[32], err[256] = "";
    snprintf(id, sizeof id, "det-%d", ++f->seq);
    pw_event_t ev = {.stream = "eligibility",
                     .seq = f->seq,
                     .type = "org.pathways.eligibility.determined.v1",
                     .key = "k",
                     .event_id = id,
                     .payload = bytes,
                     .payload_len = len};
    assert_int_equal(pw_db_begin(f->db), 0);
    pw_apply_t r = enr_apply_determinations(&f->session.emit, f->db, &ev, 1, err, sizeof err);
    if (r != PW_APPLY_OK)
        fail_msg("determination for %s: %d %s", employee, r, err);
    assert_int_equal(commit(f), 0);
    free(bytes);
}

/* ---- commands ---- */

static Pathways__V1__EnrollmentRef g_ref;

static Pathways__V1__EnrollmentRef *ref(const char *employee)
{
    pathways__v1__enrollment_ref__init(&g_ref);
    g_ref.employer = "acme";
    g_ref.employee = (char *)employee;
    return &g_ref;
}

/* Sends cmd (with key, actor "staff@acme") and returns the raw reply. */
static uint8_t *send_raw(cmd_t *cmd, const char *key, size_t *len)
{
    cmd->idempotency_key = (char *)(key ? key : "");
    cmd->actor = "staff@acme";
    size_t n;
    uint8_t *bytes = pw_msg_encode(&cmd->base, 0, &n);
    uint8_t *out = enr_command_answer(&g_f->session, ENR_COMMAND_TYPE, bytes, n, len);
    free(bytes);
    assert_non_null(out);
    assert_false(pw_db_in_txn(g_f->db));
    return out;
}

static result_t *send_cmd(cmd_t *cmd, const char *key)
{
    size_t len;
    uint8_t *out = send_raw(cmd, key, &len);
    result_t *r =
        (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, out, len, 0);
    free(out);
    assert_non_null(r);
    return r;
}

/* Sends and expects success; returns the result (caller frees). */
static result_t *ok(cmd_t *cmd, const char *key)
{
    result_t *r = send_cmd(cmd, key);
    if (*r->error_code)
        fail_msg("%s: expected success, got %s: %s", key ? key : "query", r->error_code, r->error);
    return r;
}

static void done(result_t *r)
{
    pw_msg_free((ProtobufCMessage **)&r);
}

/* Sends and expects refusal code; nothing may change (events, rows). */
static long count_of(const char *sql);
static void refused(cmd_t *cmd, const char *key, const char *code)
{
    long events = count_of("SELECT count(*) FROM stream.event");
    long audit = count_of("SELECT count(*) FROM enrollment.transition");
    result_t *r = send_cmd(cmd, key);
    if (strcmp(r->error_code, code) != 0)
        fail_msg("%s: expected %s, got '%s': %s", key, code, r->error_code, r->error);
    assert_true(strlen(r->error) > 10); /* a sentence for a person */
    pw_msg_free((ProtobufCMessage **)&r);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event"), events);
    assert_int_equal(count_of("SELECT count(*) FROM enrollment.transition"), audit);
}

static cmd_t g_cmd;

#define COMMAND(field, TYPE, init)                                                                 \
    static TYPE g_##field;                                                                         \
    static cmd_t *field##_cmd(void)                                                                \
    {                                                                                              \
        init(&g_##field);                                                                          \
        pathways__v1__enrollment_command__init(&g_cmd);                                            \
        g_cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_##field##_CASE;             \
        g_cmd.field = &g_##field;                                                                  \
        return &g_cmd;                                                                             \
    }
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_apply_CASE                                       \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_APPLY
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_enroll_CASE                                      \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ENROLL
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_withdraw_CASE                                    \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_WITHDRAW
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_progress_CASE                                    \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_PROGRESS
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_review_clear_CASE                                \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_REVIEW_CLEAR
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_cohort_create_CASE                               \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_COHORT_CREATE
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_cohort_update_CASE                               \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_COHORT_UPDATE
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_organization_upsert_CASE                         \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ORGANIZATION_UPSERT
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_team_join_CASE                                   \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_TEAM_JOIN
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_team_leave_CASE                                  \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_TEAM_LEAVE
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_list_enrollments_CASE                            \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_LIST_ENROLLMENTS
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_history_CASE                                     \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_HISTORY
#define PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_list_teams_CASE                                  \
    PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_LIST_TEAMS

COMMAND(apply, Pathways__V1__ApplyCommand, pathways__v1__apply_command__init)
COMMAND(enroll, Pathways__V1__EnrollCommand, pathways__v1__enroll_command__init)
COMMAND(withdraw, Pathways__V1__WithdrawCommand, pathways__v1__withdraw_command__init)
COMMAND(progress, Pathways__V1__ProgressCommand, pathways__v1__progress_command__init)
COMMAND(review_clear, Pathways__V1__ReviewClearCommand, pathways__v1__review_clear_command__init)
COMMAND(cohort_create, Pathways__V1__CohortCreate, pathways__v1__cohort_create__init)
COMMAND(cohort_update, Pathways__V1__CohortUpdate, pathways__v1__cohort_update__init)
COMMAND(organization_upsert, Pathways__V1__OrganizationUpsert,
        pathways__v1__organization_upsert__init)
COMMAND(team_join, Pathways__V1__TeamJoin, pathways__v1__team_join__init)
COMMAND(team_leave, Pathways__V1__TeamLeave, pathways__v1__team_leave__init)
COMMAND(list_enrollments, Pathways__V1__EnrollmentQuery, pathways__v1__enrollment_query__init)
COMMAND(history, Pathways__V1__HistoryQuery, pathways__v1__history_query__init)
COMMAND(list_teams, Pathways__V1__TeamQuery, pathways__v1__team_query__init)

static cmd_t *apply(const char *employee)
{
    cmd_t *c = apply_cmd();
    c->apply->ref = ref(employee);
    return c;
}

static cmd_t *enroll(const char *employee, const char *cohort, int waitlist)
{
    cmd_t *c = enroll_cmd();
    c->enroll->ref = ref(employee);
    c->enroll->cohort_id = (char *)cohort;
    c->enroll->waitlist_if_full = waitlist;
    return c;
}

static cmd_t *withdraw(const char *employee, const char *reason_code)
{
    cmd_t *c = withdraw_cmd();
    c->withdraw->ref = ref(employee);
    c->withdraw->reason_code = (char *)reason_code;
    return c;
}

static cmd_t *progress(const char *employee, enr_state_t to, const char *credential,
                       const char *role)
{
    cmd_t *c = progress_cmd();
    c->progress->ref = ref(employee);
    c->progress->to_state = to;
    c->progress->credential = (char *)credential;
    c->progress->new_role = (char *)role;
    c->progress->effective_date = "2026-06-30";
    return c;
}

static Pathways__V1__Cohort g_cohort;
static char *g_employers[1] = {"acme"};

static cmd_t *cohort(int update, const char *id, uint32_t capacity,
                     Pathways__V1__CohortStatus status)
{
    cmd_t *c = update ? cohort_update_cmd() : cohort_create_cmd();
    pathways__v1__cohort__init(&g_cohort);
    g_cohort.cohort_id = (char *)id;
    g_cohort.capacity = capacity;
    g_cohort.status = status;
    if (!update) {
        g_cohort.provider = "Bay Community College";
        g_cohort.name = "CCMA spring";
        g_cohort.start_date = "2026-04-01";
        g_cohort.end_date = "2026-09-30";
        g_cohort.n_employers = 1;
        g_cohort.employers = g_employers;
    }
    if (update)
        c->cohort_update->cohort = &g_cohort;
    else
        c->cohort_create->cohort = &g_cohort;
    return c;
}

#define OPEN        PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_OPEN
#define IN_PROGRESS PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_IN_PROGRESS
#define FINISHED    PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_FINISHED
#define KEEP        PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_UNSPECIFIED

/* ---- database checks ---- */

static char *query1(const char *sql, const char *param)
{
    const char *p[1] = {param};
    PGresult *res = pw_db_query(g_f->db, sql, param ? 1 : 0, param ? p : NULL);
    if (!res)
        fail_msg("%s: %s", sql, pw_db_error(g_f->db));
    char *out = PQntuples(res) ? strdup(PQgetvalue(res, 0, 0)) : strdup("<none>");
    PQclear(res);
    return out;
}

static long count_of(const char *sql)
{
    char *v = query1(sql, NULL);
    long n = atol(v);
    free(v);
    return n;
}

static void expect(const char *sql, const char *param, const char *want)
{
    char *got = query1(sql, param);
    if (strcmp(got, want) != 0)
        fail_msg("%s [%s]: expected \"%s\", got \"%s\"", sql, param ? param : "", want, got);
    free(got);
}

static const char *STATE = "SELECT state FROM enrollment.enrollment WHERE employee = $1";
static const char *LAST_REASON =
    "SELECT t.to_state || '/' || t.reason_code || '/' || t.actor FROM enrollment.transition t"
    " JOIN enrollment.enrollment e ON e.id = t.enrollment_id WHERE e.employee = $1"
    " ORDER BY t.id DESC LIMIT 1";

static void eligible(const char *employee)
{
    det(employee, ELIGIBLE, ACTIVE, GOOD);
    expect(STATE, employee, "invited");
}

/* ---- the tests ---- */

static void test_invitation_to_placement(void **state)
{
    (void)state;
    eligible("e1");
    result_t *r = ok(cohort(0, "ccma-1", 2, OPEN), "c-ccma-1");
    assert_int_equal(r->n_cohorts, 1);
    assert_int_equal(r->cohorts[0]->capacity, 2);
    pw_msg_free((ProtobufCMessage **)&r);
    r = ok(apply("e1"), "k-apply-e1");
    assert_int_equal(r->n_enrollments, 1);
    assert_int_equal(r->enrollments[0]->state, ENR_STATE_APPLIED);
    pw_msg_free((ProtobufCMessage **)&r);
    expect("SELECT t.facts->>'outcome' FROM enrollment.transition t JOIN enrollment.enrollment e"
           " ON e.id = t.enrollment_id WHERE e.employee = $1 AND t.to_state = 'applied'",
           "e1", "OUTCOME_ELIGIBLE");
    done(ok(enroll("e1", "ccma-1", 0), "k-enroll-e1"));
    expect(STATE, "e1", "enrolled");
    /* Training starts with the cohort, not before. */
    refused(progress("e1", ENR_STATE_IN_TRAINING, "", ""), "k-start-e1", ENR_E_NOT_STARTED);
    done(ok(cohort(1, "ccma-1", 0, IN_PROGRESS), "c-start-1"));
    expect(STATE, "e1", "in_training");
    expect(LAST_REASON, "e1", "in_training/cohort_started/staff@acme");
    done(ok(progress("e1", ENR_STATE_COMPLETED, "", ""), "k-complete-e1"));
    done(ok(progress("e1", ENR_STATE_CERTIFIED, "CCMA", ""), "k-certify-e1"));
    r = ok(progress("e1", ENR_STATE_PLACED, "", "Medical Assistant"), "k-place-e1");
    assert_int_equal(r->enrollments[0]->state, ENR_STATE_PLACED);
    assert_string_equal(r->enrollments[0]->credential, "CCMA");
    assert_string_equal(r->enrollments[0]->credential_date, "2026-06-30");
    assert_string_equal(r->enrollments[0]->new_role, "Medical Assistant");
    assert_string_equal(r->enrollments[0]->placed_date, "2026-06-30");
    pw_msg_free((ProtobufCMessage **)&r);
    /* The audit, through the history query. */
    cmd_t *h = history_cmd();
    h->history->employer = "acme";
    h->history->employee = "e1";
    r = ok(h, NULL);
    const enr_state_t path[] = {ENR_STATE_INVITED,     ENR_STATE_APPLIED,   ENR_STATE_ENROLLED,
                                ENR_STATE_IN_TRAINING, ENR_STATE_COMPLETED, ENR_STATE_CERTIFIED,
                                ENR_STATE_PLACED};
    assert_int_equal(r->n_history, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(r->history[i]->to_state, path[i]);
        assert_true(strlen(r->history[i]->at) > 10);
        assert_string_equal(r->history[i]->actor, i == 0 ? "system" : "staff@acme");
    }
    assert_string_equal(r->history[1]->cause_event_id, "command:k-apply-e1");
    assert_string_equal(r->history[6]->effective_date, "2026-06-30");
    pw_msg_free((ProtobufCMessage **)&r);
    expect("SELECT count(*) FROM stream.event WHERE stream = 'enrollment' AND key = 'acme/e1'",
           NULL, "7");
    /* Every event after admission names the cohort (notification routes by it). */
    PGresult *res = pw_db_query(g_f->db,
                                "SELECT payload FROM stream.event WHERE stream = 'enrollment'"
                                " AND key = 'acme/e1' ORDER BY seq",
                                0, NULL);
    assert_non_null(res);
    for (int i = 2; i < PQntuples(res); i++) {
        size_t len;
        uint8_t *bytes = pw_db_get_bytea(res, i, "payload", &len);
        Pathways__V1__EnrollmentChanged *e = pw_decode_enrollment_changed(bytes, len);
        free(bytes);
        assert_non_null(e);
        assert_string_equal(e->cohort_id, "ccma-1");
        if (e->to_state == ENR_STATE_PLACED)
            assert_string_equal(e->new_role, "Medical Assistant");
        pw_free_enrollment_changed(&e);
    }
    PQclear(res);
}

static void test_waitlist_order_and_promotion(void **state)
{
    (void)state;
    const char *who[] = {"w1", "w2", "w3", "w4", "w5"};
    done(ok(cohort(0, "ccma-2", 2, OPEN), "c-ccma-2"));
    for (int i = 0; i < 5; i++) {
        char key[32];
        eligible(who[i]);
        snprintf(key, sizeof key, "k-apply-%s", who[i]);
        done(ok(apply(who[i]), key));
    }
    done(ok(enroll("w1", "ccma-2", 0), "k-en-w1"));
    done(ok(enroll("w2", "ccma-2", 0), "k-en-w2"));
    refused(enroll("w3", "ccma-2", 0), "k-en-w3-nowait", ENR_E_COHORT_FULL);
    expect(STATE, "w3", "applied");
    result_t *r = ok(enroll("w3", "ccma-2", 1), "k-en-w3");
    assert_int_equal(r->enrollments[0]->state, ENR_STATE_WAITLISTED);
    assert_int_equal(r->enrollments[0]->waitlist_position, 1);
    pw_msg_free((ProtobufCMessage **)&r);
    done(ok(enroll("w4", "ccma-2", 1), "k-en-w4"));
    r = ok(enroll("w5", "ccma-2", 1), "k-en-w5");
    assert_int_equal(r->enrollments[0]->waitlist_position, 3);
    pw_msg_free((ProtobufCMessage **)&r);
    /* w1 withdraws: w3, first in line, takes the seat in the same command. */
    r = ok(withdraw("w1", "personal"), "k-wd-w1");
    assert_int_equal(r->n_enrollments, 2);
    assert_string_equal(r->enrollments[0]->employee, "w1");
    assert_int_equal(r->enrollments[0]->state, ENR_STATE_WITHDRAWN);
    assert_string_equal(r->enrollments[1]->employee, "w3");
    assert_int_equal(r->enrollments[1]->state, ENR_STATE_ENROLLED);
    assert_string_equal(r->enrollments[1]->reason_code, "promoted_from_waitlist");
    pw_msg_free((ProtobufCMessage **)&r);
    expect(LAST_REASON, "w3", "enrolled/promoted_from_waitlist/system");
    /* The event that tells w3 a seat opened. */
    expect("SELECT count(*) FROM stream.event WHERE stream = 'enrollment' AND key = 'acme/w3'",
           NULL, "4"); /* invited, applied, waitlisted, enrolled */
    /* The waitlist moved up: w4 first, w5 second. */
    cmd_t *l = list_enrollments_cmd();
    l->list_enrollments->cohort_id = "ccma-2";
    r = ok(l, NULL);
    assert_int_equal(r->n_enrollments, 5); /* w1 (withdrawn) stays on the roster */
    assert_string_equal(r->enrollments[3]->employee, "w4");
    assert_int_equal(r->enrollments[3]->waitlist_position, 1);
    assert_string_equal(r->enrollments[4]->employee, "w5");
    assert_int_equal(r->enrollments[4]->waitlist_position, 2);
    pw_msg_free((ProtobufCMessage **)&r);
    /* A waiter who withdraws frees no seat: nobody is promoted. */
    done(ok(withdraw("w5", "personal"), "k-wd-w5"));
    expect(STATE, "w4", "waitlisted");
}

static void test_exit_on_termination(void **state)
{
    (void)state;
    det("w2", NOT_ELIGIBLE, TERMINATED, GOOD);
    expect(STATE, "w2", "exited");
    expect(LAST_REASON, "w2", "exited/terminated/system");
    /* Her seat went to the next in line. */
    expect(STATE, "w4", "enrolled");
    expect(LAST_REASON, "w4", "enrolled/promoted_from_waitlist/system");
    refused(apply("w2"), "k-apply-w2-again", ENR_E_ILLEGAL);
}

static void test_pause_and_resume_on_leave(void **state)
{
    (void)state;
    done(ok(cohort(0, "ccma-3", 5, OPEN), "c-ccma-3"));
    eligible("p1");
    done(ok(apply("p1"), "k-apply-p1"));
    done(ok(enroll("p1", "ccma-3", 0), "k-en-p1"));
    det("p1", NOT_ELIGIBLE, LEAVE, GOOD);
    expect(STATE, "p1", "paused");
    expect("SELECT paused_from FROM enrollment.enrollment WHERE employee = $1", "p1", "enrolled");
    expect("SELECT reason FROM enrollment.transition ORDER BY id DESC LIMIT 1", NULL,
           "on leave (medical)");
    /* Paused holds the seat; commands cannot move it on. */
    refused(progress("p1", ENR_STATE_IN_TRAINING, "", ""), "k-start-p1", ENR_E_ILLEGAL);
    det("p1", NOT_ELIGIBLE, LEAVE, GOOD); /* still on leave: nothing new */
    expect(LAST_REASON, "p1", "paused/leave/system");
    det("p1", ELIGIBLE, ACTIVE, GOOD);
    expect(STATE, "p1", "enrolled");
    expect(LAST_REASON, "p1", "enrolled/leave_ended/system");
    expect("SELECT COALESCE(paused_from, '-') FROM enrollment.enrollment WHERE employee = $1", "p1",
           "-");
}

static void test_standing_lost_flags_for_review(void **state)
{
    (void)state;
    long events = count_of("SELECT count(*) FROM stream.event WHERE stream = 'enrollment'");
    det("p1", NOT_ELIGIBLE, ACTIVE, CORRECTIVE);
    expect(STATE, "p1", "enrolled"); /* not dropped */
    expect("SELECT review_flag::text || '/' || review_reason FROM enrollment.enrollment"
           " WHERE employee = $1",
           "p1", "true/lost good standing; staff to review (STANDING_CORRECTIVE_ACTION)");
    expect("SELECT type FROM stream.event WHERE stream = 'enrollment' ORDER BY seq DESC LIMIT 1",
           NULL, ENR_EVENT_REVIEW_FLAGGED);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event WHERE stream = 'enrollment'"),
                     events + 1);
    det("p1", NOT_ELIGIBLE, ACTIVE, CORRECTIVE); /* the same standing again: no new flag */
    assert_int_equal(count_of("SELECT count(*) FROM stream.event WHERE stream = 'enrollment'"),
                     events + 1);
    cmd_t *c = review_clear_cmd();
    c->review_clear->ref = ref("p1");
    c->review_clear->reason = "talked to the manager";
    done(ok(c, "k-clear-p1"));
    expect("SELECT review_flag::text FROM enrollment.enrollment WHERE employee = $1", "p1",
           "false");
    c = review_clear_cmd();
    c->review_clear->ref = ref("p1");
    refused(c, "k-clear-p1-again", ENR_E_NOT_FLAGGED);
}

static void test_cohort_start_checks_eligibility(void **state)
{
    (void)state;
    /* p1 is enrolled in ccma-3 but no longer eligible; s1 is. */
    eligible("s1");
    done(ok(apply("s1"), "k-apply-s1"));
    done(ok(enroll("s1", "ccma-3", 0), "k-en-s1"));
    done(ok(cohort(1, "ccma-3", 0, IN_PROGRESS), "c-s3"));
    expect(STATE, "s1", "in_training");
    expect(STATE, "p1", "enrolled");
    expect("SELECT review_flag::text FROM enrollment.enrollment WHERE employee = $1", "p1", "true");
    refused(progress("p1", ENR_STATE_IN_TRAINING, "", ""), "k-start-p1-b", ENR_E_NOT_ELIGIBLE);
}

static void test_illegal_and_bad_input_change_nothing(void **state)
{
    (void)state;
    eligible("b1");
    det("n1", NOT_ELIGIBLE, ACTIVE, GOOD);
    refused(apply("nobody"), "k-b-1", ENR_E_UNKNOWN_EMP);
    refused(apply("n1"), "k-b-2", ENR_E_NOT_ELIGIBLE);
    refused(enroll("b1", "ccma-1", 0), "k-b-3", ENR_E_ILLEGAL); /* invited, not applied */
    done(ok(apply("b1"), "k-apply-b1"));
    refused(apply("b1"), "k-b-4", ENR_E_ILLEGAL); /* duplicate */
    refused(enroll("b1", "no-such", 0), "k-b-5", ENR_E_UNKNOWN_COH);
    refused(enroll("b1", "ccma-1", 0), "k-b-6", ENR_E_COHORT_CLOSED); /* in progress */
    refused(progress("b1", ENR_STATE_CERTIFIED, "CCMA", ""), "k-b-7", ENR_E_ILLEGAL);
    refused(progress("b1", ENR_STATE_PLACED, "", ""), "k-b-8", ENR_E_INVALID);
    refused(progress("e1", ENR_STATE_COMPLETED, "", ""), "k-b-9", ENR_E_ILLEGAL); /* placed */
    refused(withdraw("e1", "personal"), "k-b-10", ENR_E_ILLEGAL);
    refused(withdraw("b1", "Bad Code!"), "k-b-11", ENR_E_INVALID);
    refused(withdraw("nobody", "personal"), "k-b-12", ENR_E_UNKNOWN_ENR);
    refused(apply("b1"), NULL, ENR_E_NO_KEY);
    refused(cohort(0, "ccma-1", 3, OPEN), "c-dup", ENR_E_COHORT_EXISTS);
    refused(cohort(1, "ccma-1", 0, OPEN), "c-back", ENR_E_COHORT_STATUS);
    refused(cohort(1, "ccma-2", 1, KEEP), "c-shrink", ENR_E_INVALID);
    refused(cohort(1, "nope", 3, KEEP), "c-none", ENR_E_UNKNOWN_COH);
    g_employers[0] = "other-employer";
    done(ok(cohort(0, "ccma-x", 3, OPEN), "c-x"));
    g_employers[0] = "acme";
    refused(enroll("b1", "ccma-x", 0), "k-b-13", ENR_E_NOT_SERVED);
    expect(STATE, "b1", "applied");
    /* Not an EnrollmentCommand at all. */
    size_t len;
    uint8_t junk[] = {0xff, 0xff, 0xff};
    uint8_t *out = enr_command_answer(&g_f->session, ENR_COMMAND_TYPE, junk, sizeof junk, &len);
    result_t *r =
        (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, out, len, 0);
    assert_string_equal(r->error_code, ENR_E_MALFORMED);
    pw_msg_free((ProtobufCMessage **)&r);
    free(out);
}

static void test_replay_returns_the_same_result(void **state)
{
    (void)state;
    eligible("r1");
    size_t len1, len2;
    uint8_t *first = send_raw(apply("r1"), "k-replay", &len1);
    long events = count_of("SELECT count(*) FROM stream.event");
    long audit = count_of("SELECT count(*) FROM enrollment.transition");
    uint8_t *again = send_raw(apply("r1"), "k-replay", &len2);
    /* The stored bytes, and the replayed flag (field 8 = true) after them. */
    assert_int_equal(len1 + 2, len2);
    assert_memory_equal(first, again, len1);
    result_t *r1 =
        (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, first, len1, 0);
    result_t *r2 =
        (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, again, len2, 0);
    assert_false(r1->replayed);
    assert_true(r2->replayed);
    assert_int_equal(r2->n_enrollments, 1);
    assert_int_equal(r2->enrollments[0]->state, ENR_STATE_APPLIED);
    done(r1);
    done(r2);
    free(first);
    free(again);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event"), events);
    assert_int_equal(count_of("SELECT count(*) FROM enrollment.transition"), audit);
    /* The same key for something else is refused, not replayed. */
    refused(withdraw("r1", "personal"), "k-replay", ENR_E_KEY_REUSED);
    expect(STATE, "r1", "applied");
}

/* ---- history: dated commands and sequences (issue 16) ---- */

static cmd_t *dated_apply(const char *employee, const char *date, const char *exception)
{
    cmd_t *c = apply(employee);
    c->apply->effective_date = (char *)date;
    c->apply->eligibility_exception = (char *)exception;
    return c;
}

/* A sequence of the given steps (each a copy of a one-step command). */
static cmd_t g_seq_root;
static Pathways__V1__CommandSequence g_seq;
static cmd_t g_steps[4];
static cmd_t *g_step_ptrs[4];
static Pathways__V1__ApplyCommand g_s_apply;
static Pathways__V1__EnrollCommand g_s_enroll;
static Pathways__V1__ProgressCommand g_s_start;
static Pathways__V1__EnrollmentRef g_s_ref;

static cmd_t *history_of(const char *employee, const char *cohort, const char *start)
{
    pathways__v1__enrollment_ref__init(&g_s_ref);
    g_s_ref.employer = "acme";
    g_s_ref.employee = (char *)employee;
    pathways__v1__apply_command__init(&g_s_apply);
    g_s_apply.ref = &g_s_ref;
    g_s_apply.effective_date = "2026-03-10";
    pathways__v1__enroll_command__init(&g_s_enroll);
    g_s_enroll.ref = &g_s_ref;
    g_s_enroll.cohort_id = (char *)cohort;
    g_s_enroll.effective_date = "2026-03-20";
    pathways__v1__progress_command__init(&g_s_start);
    g_s_start.ref = &g_s_ref;
    g_s_start.to_state = ENR_STATE_IN_TRAINING;
    g_s_start.effective_date = (char *)start;
    for (int i = 0; i < 3; i++) {
        pathways__v1__enrollment_command__init(&g_steps[i]);
        g_step_ptrs[i] = &g_steps[i];
    }
    g_steps[0].command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_APPLY;
    g_steps[0].apply = &g_s_apply;
    g_steps[1].command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ENROLL;
    g_steps[1].enroll = &g_s_enroll;
    g_steps[2].command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_PROGRESS;
    g_steps[2].progress = &g_s_start;
    pathways__v1__command_sequence__init(&g_seq);
    g_seq.n_steps = 3;
    g_seq.steps = g_step_ptrs;
    g_seq.historical = 1;
    pathways__v1__enrollment_command__init(&g_seq_root);
    g_seq_root.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_SEQUENCE;
    g_seq_root.sequence = &g_seq;
    return &g_seq_root;
}

static void test_dated_commands(void **state)
{
    (void)state;
    eligible("h1"); /* first eligible 2026-03-01 (the determination's as_of) */
    expect("SELECT first_eligible::text FROM enrollment.determination WHERE employee = $1", "h1",
           "2026-03-01");
    /* No milestone after today, in any command. */
    refused(dated_apply("h1", "2026-07-01", ""), "k-h1-future", ENR_E_FUTURE);
    cmd_t *w = withdraw("h1", "personal");
    w->withdraw->effective_date = "2026-07-01";
    refused(w, "k-h1-wd-future", ENR_E_FUTURE);
    /* Before first eligibility: refused, unless an exception says why. */
    refused(dated_apply("h1", "2026-02-01", ""), "k-h1-early", ENR_E_BEFORE_ELIG);
    done(ok(dated_apply("h1", "2026-02-01", "pilot group, hired before the rule"), "k-h1-exc"));
    expect("SELECT t.effective_date || '|' || (t.facts->>'eligibility_exception')"
           " FROM enrollment.transition t JOIN enrollment.enrollment e ON e.id = t.enrollment_id"
           " WHERE e.employee = $1 AND t.to_state = 'applied'",
           "h1", "2026-02-01|pilot group, hired before the rule");
    /* Not before the latest milestone on record. */
    done(ok(cohort(0, "hist-1", 5, OPEN), "c-hist-1"));
    cmd_t *e = enroll("h1", "hist-1", 0);
    e->enroll->effective_date = "2026-01-15";
    refused(e, "k-h1-en-early", ENR_E_OUT_OF_ORDER);
    /* A cohort is not in progress before its start date. */
    cmd_t *c = cohort(0, "hist-later", 5, OPEN);
    c->cohort_create->cohort->start_date = "2026-08-03";
    c->cohort_create->cohort->end_date = "2026-12-18";
    done(ok(c, "c-hist-later"));
    refused(cohort(1, "hist-later", 0, IN_PROGRESS), "c-hist-later-start", ENR_E_NOT_STARTED);
}

static void test_sequence_all_or_nothing(void **state)
{
    (void)state;
    eligible("h2");
    done(ok(cohort(1, "hist-1", 0, IN_PROGRESS), "c-hist-1-start")); /* starts 2026-04-01 */
    /* Step 3 starts training before the cohort's start: nothing of the
     * row is stored, and the reply names the step. */
    long events = count_of("SELECT count(*) FROM stream.event");
    result_t *r = send_cmd(history_of("h2", "hist-1", "2026-03-25"), "k-h2-seq-bad");
    assert_string_equal(r->error_code, ENR_E_NOT_STARTED);
    assert_int_equal(r->failed_step, 3);
    assert_non_null(strstr(r->error, "step 3 (progress): cohort hist-1 starts on 2026-04-01"));
    done(r);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event"), events);
    expect(STATE, "h2", "invited");
    /* The same row, corrected: every step stored, dated, marked historical. */
    r = ok(history_of("h2", "hist-1", "2026-04-01"), "k-h2-seq");
    assert_false(r->replayed);
    done(r);
    expect("SELECT string_agg(t.to_state || ':' || t.effective_date, ' ' ORDER BY t.id)"
           " FROM enrollment.transition t JOIN enrollment.enrollment e ON e.id = t.enrollment_id"
           " WHERE e.employee = $1",
           "h2",
           "invited:2026-03-01 applied:2026-03-10 enrolled:2026-03-20 in_training:2026-04-01");
    PGresult *res = pw_db_query(g_f->db,
                                "SELECT payload FROM stream.event WHERE stream = 'enrollment'"
                                " AND key = 'acme/h2' ORDER BY seq",
                                0, NULL);
    assert_non_null(res);
    assert_int_equal(PQntuples(res), 4);
    for (int i = 0; i < PQntuples(res); i++) {
        size_t len;
        uint8_t *bytes = pw_db_get_bytea(res, i, "payload", &len);
        Pathways__V1__EnrollmentChanged *ev = pw_decode_enrollment_changed(bytes, len);
        free(bytes);
        assert_non_null(ev);
        assert_int_equal(ev->historical, i > 0); /* the invitation is not history */
        pw_free_enrollment_changed(&ev);
    }
    PQclear(res);
    /* Again: the stored result, flagged as a replay, nothing new. */
    events = count_of("SELECT count(*) FROM stream.event");
    r = ok(history_of("h2", "hist-1", "2026-04-01"), "k-h2-seq");
    assert_true(r->replayed);
    done(r);
    assert_int_equal(count_of("SELECT count(*) FROM stream.event"), events);
}

static cmd_t *join(const char *team, const char *org, const char *person)
{
    cmd_t *c = team_join_cmd();
    c->team_join->team_id = (char *)team;
    c->team_join->organization = (char *)org;
    c->team_join->person = (char *)person;
    c->team_join->display_name = "Ana Diaz";
    return c;
}

static void test_action_teams(void **state)
{
    (void)state;
    cmd_t *c = organization_upsert_cmd();
    c->organization_upsert->organization = "acme";
    c->organization_upsert->name = "Acme Health";
    c->organization_upsert->kind = "employer";
    done(ok(c, "o-acme"));
    refused(join("retention_career_pathways", "unknown-org", "ana@acme.org"), "t-0",
            ENR_E_UNKNOWN_ORG);
    refused(join("no_such_team", "acme", "ana@acme.org"), "t-00", ENR_E_UNKNOWN_TEAM);
    result_t *r = ok(join("retention_career_pathways", "acme", "ana@acme.org"), "t-1");
    assert_int_equal(r->n_teams, 1);
    assert_int_equal(r->teams[0]->n_members, 1);
    assert_string_equal(r->teams[0]->name, "Retention & Career Pathways");
    pw_msg_free((ProtobufCMessage **)&r);
    done(ok(join("data_evaluation", "acme", "ana@acme.org"), "t-2"));
    refused(join("data_evaluation", "acme", "ana@acme.org"), "t-3", ENR_E_MEMBER);
    r = ok(list_teams_cmd(), NULL);
    assert_true(r->n_teams >= 5);
    int found = 0;
    for (size_t i = 0; i < r->n_teams; i++)
        for (size_t k = 0; k < r->teams[i]->n_members; k++)
            found += strcmp(r->teams[i]->members[k]->person, "ana@acme.org") == 0;
    assert_int_equal(found, 2);
    pw_msg_free((ProtobufCMessage **)&r);
    c = team_leave_cmd();
    c->team_leave->team_id = "data_evaluation";
    c->team_leave->organization = "acme";
    c->team_leave->person = "ana@acme.org";
    r = ok(c, "t-4");
    assert_int_equal(r->teams[0]->n_members, 0);
    pw_msg_free((ProtobufCMessage **)&r);
    c = team_leave_cmd();
    c->team_leave->team_id = "data_evaluation";
    c->team_leave->organization = "acme";
    c->team_leave->person = "ana@acme.org";
    refused(c, "t-5", ENR_E_NOT_MEMBER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invitation_to_placement),
        cmocka_unit_test(test_waitlist_order_and_promotion),
        cmocka_unit_test(test_exit_on_termination),
        cmocka_unit_test(test_pause_and_resume_on_leave),
        cmocka_unit_test(test_standing_lost_flags_for_review),
        cmocka_unit_test(test_cohort_start_checks_eligibility),
        cmocka_unit_test(test_illegal_and_bad_input_change_nothing),
        cmocka_unit_test(test_replay_returns_the_same_result),
        cmocka_unit_test(test_action_teams),
        cmocka_unit_test(test_dated_commands),
        cmocka_unit_test(test_sequence_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
