/* Test helper: the enrollment service's command and determination paths
 * against a fresh, migrated database, as the integration tests drive them.
 * Commands go through enr_command_answer exactly as the service's ROUTER
 * handler calls it; determinations through the "eligibility" handler in a
 * transaction as the runtime applies them. One fixture per test program
 * (set up by efx_setup as the cmocka group setup); the helpers act on it.
 * Builders return pointers to storage of their own, valid until the next
 * call of the same builder. */
#ifndef PATHWAYS_ENROLLMENT_FIXTURE_H
#define PATHWAYS_ENROLLMENT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "enrollment/command.h"
#include "enrollment/determination.h"
#include "pathways/codec.h"
#include "pathways/db.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;
typedef Pathways__V1__EnrollmentResult result_t;

/* "Today" for every command: the milestones the tests record (2026-06-30)
 * may not be after it, nor before what came earlier. */
#define TODAY "2026-06-30"

#define ELIGIBLE     PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
#define NOT_ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE
#define ACTIVE       PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE
#define LEAVE        PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE
#define TERMINATED   PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED
#define GOOD         PATHWAYS__V1__STANDING__STANDING_GOOD
#define CORRECTIVE   PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION

#define OPEN        PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_OPEN
#define IN_PROGRESS PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_IN_PROGRESS
#define FINISHED    PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_FINISHED
#define KEEP        PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_UNSPECIFIED

/* ---- the fixture ---- */

/* cmocka group setup: sets PATHWAYS_TODAY to today (when not NULL),
 * creates database db_name with the common and enrollment migrations.
 * Returns 0, or -1 with the reason on stderr. efx_teardown releases it. */
int efx_setup(void **state, const char *db_name, const char *today);
int efx_teardown(void **state);

/* The fixture's connection and command session (borrowed). */
pw_db_t *efx_db(void);
const enr_session_t *efx_session(void);
/* The session's emitter (appends to the session's appender; borrowed). */
enr_emitter_t *efx_emitter(void);

/* ---- determinations ---- */

/* An encoded determination for acme/employee (program mapp, as of
 * 2026-03-01) with its facts (status, standing; reason code "medical" on
 * leave) and one "status" criterion whose reason is `reason`; with reason
 * NULL, a bare one without facts or criteria. Caller frees. */
uint8_t *determination_bytes(const char *employee, Pathways__V1__Outcome outcome,
                             Pathways__V1__EmploymentStatus status, Pathways__V1__Standing standing,
                             const char *reason, size_t *len);

/* Applies one determination for acme/employee (program mapp, as of
 * 2026-03-01) and commits; fails the test when the handler refuses it. */
void det(const char *employee, Pathways__V1__Outcome outcome, Pathways__V1__EmploymentStatus status,
         Pathways__V1__Standing standing);

/* An eligible, active determination; checks the employee is then invited. */
void eligible(const char *employee);

/* ---- commands ---- */

/* acme/employee, in storage of its own. */
Pathways__V1__EnrollmentRef *ref(const char *employee);

/* Sends cmd (with key, actor "staff@acme") and returns the raw reply
 * (caller frees); checks no transaction is left open. */
uint8_t *send_raw(cmd_t *cmd, const char *key, size_t *len);

/* Sends cmd and returns the decoded result (caller frees with done). */
result_t *send_cmd(cmd_t *cmd, const char *key);

/* Sends and expects success; returns the result (caller frees with done). */
result_t *ok(cmd_t *cmd, const char *key);

/* Frees a result. */
void done(result_t *r);

/* Sends and expects the refusal `code` with a sentence for a person;
 * checks that no event and no audit row was written. */
void refused(cmd_t *cmd, const char *key, const char *code);

/* An empty command of each kind, its body initialised. */
cmd_t *apply_cmd(void);
cmd_t *enroll_cmd(void);
cmd_t *withdraw_cmd(void);
cmd_t *progress_cmd(void);
cmd_t *review_clear_cmd(void);
cmd_t *cohort_create_cmd(void);
cmd_t *cohort_update_cmd(void);
cmd_t *organization_upsert_cmd(void);
cmd_t *team_join_cmd(void);
cmd_t *team_leave_cmd(void);
cmd_t *list_enrollments_cmd(void);
cmd_t *history_cmd(void);
cmd_t *list_teams_cmd(void);

cmd_t *apply(const char *employee);
cmd_t *enroll(const char *employee, const char *cohort, int waitlist);
cmd_t *withdraw(const char *employee, const char *reason_code);
/* A progress to `to`, effective 2026-06-30. */
cmd_t *progress(const char *employee, enr_state_t to, const char *credential, const char *role);

/* A cohort create (update 0: the provider, name, dates 2026-04-01 to
 * 2026-09-30 and the served employer filled in) or update (update 1). */
cmd_t *cohort(int update, const char *id, uint32_t capacity, Pathways__V1__CohortStatus status);

/* The employer the next created cohorts serve ("acme" until changed). */
void cohort_serves(const char *employer);

/* ---- database checks ---- */

/* The first column of the first row of sql (with one optional parameter)
 * as text, "<none>" when there is no row (caller frees). */
char *query1(const char *sql, const char *param);

/* A count(*) query's figure. */
long count_of(const char *sql);

/* Fails the test unless query1(sql, param) is want. */
void expect(const char *sql, const char *param, const char *want);

/* The enrollment events of acme/employee in stream order, decoded into
 * out (at most max; fails the test on more). Returns how many; the caller
 * frees each with pw_free_enrollment_changed. */
size_t events_of(const char *employee, Pathways__V1__EnrollmentChanged **out, size_t max);

/* The enrollment state of an employee ($1), and the last transition's
 * "to_state/reason_code/actor". */
extern const char STATE[];
extern const char LAST_REASON[];

#endif
