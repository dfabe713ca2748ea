/* Test helper: the enrollment fixture (see enrollment_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrollment_fixture.h"
#include "pathways/migrate.h"
#include "pathways/stream.h"
#include "testdb.h"

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

int efx_setup(void **state, const char *db_name, const char *today)
{
    if (today)
        setenv("PATHWAYS_TODAY", today, 1);
    fixture_t *f = calloc(1, sizeof *f);
    f->db = pw_testdb_fresh(db_name, "common", NULL, 0);
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

int efx_teardown(void **state)
{
    fixture_t *f = *state;
    pw_appender_destroy(&f->appender);
    pw_db_destroy(&f->db);
    free(f);
    g_f = NULL;
    return 0;
}

pw_db_t *efx_db(void)
{
    return g_f->db;
}

const enr_session_t *efx_session(void)
{
    return &g_f->session;
}

enr_emitter_t *efx_emitter(void)
{
    return &g_f->session.emit;
}

/* ---- determinations ---- */

uint8_t *determination_bytes(const char *employee, Pathways__V1__Outcome outcome,
                             Pathways__V1__EmploymentStatus status, Pathways__V1__Standing standing,
                             const char *reason, size_t *len)
{
    Pathways__V1__Criterion crit = PATHWAYS__V1__CRITERION__INIT;
    Pathways__V1__Criterion *crits[1] = {&crit};
    crit.name = "status";
    crit.result = outcome == ELIGIBLE ? PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
                                      : PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_FAIL;
    crit.reason = (char *)reason;
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
    if (reason) {
        d.facts = &facts;
        d.n_criteria = 1;
        d.criteria = crits;
    }
    d.as_of = "2026-03-01";
    return pw_msg_encode(&d.base, 0, len);
}

void det(const char *employee, Pathways__V1__Outcome outcome, Pathways__V1__EmploymentStatus status,
         Pathways__V1__Standing standing)
{
    fixture_t *f = g_f;
    size_t len;
    uint8_t *bytes = determination_bytes(
        employee, outcome, status, standing,
        outcome == ELIGIBLE ? "active" : "not active or not in good standing", &len);
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

Pathways__V1__EnrollmentRef *ref(const char *employee)
{
    pathways__v1__enrollment_ref__init(&g_ref);
    g_ref.employer = "acme";
    g_ref.employee = (char *)employee;
    return &g_ref;
}

/* Sends cmd (with key, actor "staff@acme") and returns the raw reply. */
uint8_t *send_raw(cmd_t *cmd, const char *key, size_t *len)
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

result_t *send_cmd(cmd_t *cmd, const char *key)
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
result_t *ok(cmd_t *cmd, const char *key)
{
    result_t *r = send_cmd(cmd, key);
    if (*r->error_code)
        fail_msg("%s: expected success, got %s: %s", key ? key : "query", r->error_code, r->error);
    return r;
}

void done(result_t *r)
{
    pw_msg_free((ProtobufCMessage **)&r);
}

/* Sends and expects refusal code; nothing may change (events, rows). */
void refused(cmd_t *cmd, const char *key, const char *code)
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
    cmd_t *field##_cmd(void)                                                                       \
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

cmd_t *apply(const char *employee)
{
    cmd_t *c = apply_cmd();
    c->apply->ref = ref(employee);
    return c;
}

cmd_t *enroll(const char *employee, const char *cohort, int waitlist)
{
    cmd_t *c = enroll_cmd();
    c->enroll->ref = ref(employee);
    c->enroll->cohort_id = (char *)cohort;
    c->enroll->waitlist_if_full = waitlist;
    return c;
}

cmd_t *withdraw(const char *employee, const char *reason_code)
{
    cmd_t *c = withdraw_cmd();
    c->withdraw->ref = ref(employee);
    c->withdraw->reason_code = (char *)reason_code;
    return c;
}

cmd_t *progress(const char *employee, enr_state_t to, const char *credential, const char *role)
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

void cohort_serves(const char *employer)
{
    g_employers[0] = (char *)employer;
}

cmd_t *cohort(int update, const char *id, uint32_t capacity, Pathways__V1__CohortStatus status)
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

/* ---- database checks ---- */

char *query1(const char *sql, const char *param)
{
    const char *p[1] = {param};
    PGresult *res = pw_db_query(g_f->db, sql, param ? 1 : 0, param ? p : NULL);
    if (!res)
        fail_msg("%s: %s", sql, pw_db_error(g_f->db));
    char *out = PQntuples(res) ? strdup(PQgetvalue(res, 0, 0)) : strdup("<none>");
    PQclear(res);
    return out;
}

long count_of(const char *sql)
{
    char *v = query1(sql, NULL);
    long n = atol(v);
    free(v);
    return n;
}

void expect(const char *sql, const char *param, const char *want)
{
    char *got = query1(sql, param);
    if (strcmp(got, want) != 0)
        fail_msg("%s [%s]: expected \"%s\", got \"%s\"", sql, param ? param : "", want, got);
    free(got);
}

const char STATE[] = "SELECT state FROM enrollment.enrollment WHERE employee = $1";
const char LAST_REASON[] =
    "SELECT t.to_state || '/' || t.reason_code || '/' || t.actor FROM enrollment.transition t"
    " JOIN enrollment.enrollment e ON e.id = t.enrollment_id WHERE e.employee = $1"
    " ORDER BY t.id DESC LIMIT 1";

void eligible(const char *employee)
{
    det(employee, ELIGIBLE, ACTIVE, GOOD);
    expect(STATE, employee, "invited");
}

size_t events_of(const char *employee, Pathways__V1__EnrollmentChanged **out, size_t max)
{
    char key[128];
    snprintf(key, sizeof key, "acme/%s", employee);
    const char *p[1] = {key};
    PGresult *res = pw_db_query(g_f->db,
                                "SELECT payload FROM stream.event WHERE stream = 'enrollment'"
                                " AND key = $1 ORDER BY seq",
                                1, p);
    assert_non_null(res);
    size_t n = (size_t)PQntuples(res);
    if (n > max)
        fail_msg("%zu enrollment events for %s, expected at most %zu", n, key, max);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *bytes = pw_db_get_bytea(res, (int)i, "payload", &len);
        out[i] = pw_decode_enrollment_changed(bytes, len);
        free(bytes);
        assert_non_null(out[i]);
    }
    PQclear(res);
    return n;
}
