/* Test helper: the reporting projections fed crafted stream events (real
 * protobuf payloads) through the apply handlers, one committed transaction
 * per event, against a fresh database; the history the integration tests
 * share; checks on the projected rows. Every event applied successfully is
 * kept in a log, to be applied again in batches. */
#ifndef PATHWAYS_REPORTING_FIXTURE_H
#define PATHWAYS_REPORTING_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/codec.h"
#include "pathways/db.h"
#include "pathways/stream.h"

#define EMP(verb) "org.pathways.employee." verb ".v1"
#define ST(name)  PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_##name

/* Bytes that are no protobuf message at all: a length running past the
 * end, and an invalid wire type. */
extern const uint8_t RFX_TRUNCATED[4];
extern const uint8_t RFX_BAD_WIRE[5];

/* cmocka group setup and teardown: a fresh database db_name with the
 * reporting migrations as *state (a pw_db_t *); teardown also frees the
 * log. Returns 0, or -1. */
int rfx_setup(void **state, const char *db_name);
int rfx_teardown(void **state);

/* ---- applying events ---- */

/* Applies raw payload bytes as one event of stream, in its own committed
 * transaction (committed even on rejection, to prove nothing was written);
 * a failure must say why. Logs the event when applied. */
pw_apply_t rfx_apply_bytes(pw_db_t *db, pw_apply_fn fn, const char *stream, int64_t seq,
                           const char *type, const uint8_t *bytes, size_t len);

/* One employee event; names and email are set on purpose, to check that
 * reporting never stores them. */
pw_apply_t rfx_employee_event(pw_db_t *db, int64_t seq, const char *id, const char *employer,
                              const char *employee, const char *type, const char *effective,
                              const char *hire_date, const char *job_family,
                              const char *reason_code);
/* One mapp determination. */
pw_apply_t rfx_determination(pw_db_t *db, int64_t seq, const char *employer, const char *employee,
                             Pathways__V1__Outcome outcome, const char *as_of,
                             const char *hire_date, const char *job_family);
/* One mapp enrollment change (actor "system"). */
pw_apply_t rfx_enrollment(pw_db_t *db, int64_t seq, const char *employer, const char *employee,
                          Pathways__V1__EnrollmentState to, const char *date,
                          const char *reason_code);
/* One e-mail notification change. */
pw_apply_t rfx_notification(pw_db_t *db, int64_t seq, const char *id, const char *employer,
                            const char *employee, const char *trigger,
                            Pathways__V1__DeliveryState state);

/* ---- the shared history (each step fails the test unless every event
 * applies) ---- */

/* Hires at acme (e1..e4) and beta (b1), then a job change for e1 and a late
 * one dated before it. */
void rfx_history_hires(pw_db_t *db);
/* e2 terminated (applied twice); e4 terminated, then rehired. */
void rfx_history_status(pw_db_t *db);
/* Determinations: e1 needs review then eligible, e2 not eligible, e3 needs
 * review, e4 and b1 eligible, "ghost" (never on the employee stream)
 * eligible, and e1's first one again, late. */
void rfx_history_determinations(pw_db_t *db);
/* e1 invited to in training, e4 invited then exited (declined), b1
 * enrolled; a replay and a late event. */
void rfx_history_enrollments(pw_db_t *db);
/* Five notifications (one for zeta, an employer without employees) and a
 * late one. */
void rfx_history_notifications(pw_db_t *db);
/* All of the above, in that order. */
void rfx_history(pw_db_t *db);

/* ---- the log ---- */

typedef struct {
    char stream[16], type[64], event_id[64];
    int64_t seq;
    uint8_t *bytes;
    size_t len;
} rfx_logged_t;

#define RFX_LOG_MAX 256

/* Every event applied successfully so far, in order (borrowed); its count
 * in *n. */
const rfx_logged_t *rfx_log(size_t *n);

/* ---- checks ---- */

/* One text value, column "v" of the only row (caller frees; SQL NULL shown
 * as "<null>"). */
char *rfx_scalar(pw_db_t *db, const char *sql, const char *p1, const char *p2);

/* Fails the test unless rfx_scalar(...) is want. */
void rfx_expect(pw_db_t *db, const char *sql, const char *p1, const char *p2, const char *want);

/* A query with its parameters and the value it must give. */
typedef struct {
    const char *sql, *p1, *p2, *want;
} rfx_want_t;

/* rfx_expect for each of n rows. */
void rfx_expect_all(pw_db_t *db, const rfx_want_t *w, size_t n);

/* md5 over every row of every reporting table, bookkeeping time left out:
 * equal digests, equal data (caller frees). */
char *rfx_digest(pw_db_t *db);

#define EMPLOYEE_COL(col)                                                                          \
    "SELECT " col "::text AS v FROM reporting.employee WHERE employer = $1 AND employee = $2"
#define ELIGIBILITY_COL(col)                                                                       \
    "SELECT " col "::text AS v FROM reporting.eligibility"                                         \
    " WHERE employer = $1 AND employee = $2 AND program = 'mapp'"
#define ROWS_OF(table)                                                                             \
    "SELECT count(*)::text AS v FROM " table " WHERE employer = $1 AND employee = $2"
#define ENROLLMENT_COL(col)                                                                        \
    "SELECT " col "::text AS v FROM reporting.enrollment"                                          \
    " WHERE employer = $1 AND employee = $2 AND program = 'mapp'"

#endif
