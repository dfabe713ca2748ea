/* Enrollment state changes: the one path by which an enrollment is created
 * or moved. Each change is checked against the transition table, written to
 * enrollment.enrollment, audited in enrollment.transition (who, why, cause,
 * frozen facts) and announced as EnrollmentChanged on stream "enrollment",
 * all inside the caller's open transaction. */
#ifndef PATHWAYS_ENROLLMENT_LIFECYCLE_H
#define PATHWAYS_ENROLLMENT_LIFECYCLE_H

#include <stdint.h>

#include "pathways/db.h"
#include "transitions.h"

#define ENR_EVENT_TYPE "org.pathways.enrollment.changed.v1"
/* A review flag set or cleared: EnrollmentChanged with review_flag, the
 * unchanged state in from_state and to_state UNSPECIFIED. */
#define ENR_EVENT_REVIEW_FLAGGED "org.pathways.enrollment.review_flagged.v1"
#define ENR_EVENT_REVIEW_CLEARED "org.pathways.enrollment.review_cleared.v1"
/* An at-risk flag raised by a rule of the program's at_risk section. */
#define ENR_EVENT_AT_RISK "org.pathways.enrollment.at_risk_flagged.v1"
#define ENR_ACTOR_SYSTEM  "system"
/* An invitation withdrawn because the employee stopped being eligible; a
 * later invitation re-opens it (enr_lifecycle_create_many). */
#define ENR_REASON_ELIGIBILITY_LOST "eligibility_lost"

/* Where events go: pw_service_append in the service, a plain appender or a
 * recorder in tests. Returns 0 or -1. */
typedef int (*enr_emit_fn)(void *ctx, const char *stream, const char *type, const char *key,
                           const char *event_id, const ProtobufCMessage *payload);
typedef struct {
    enr_emit_fn fn;
    void *ctx;
} enr_emitter_t;

/* One requested change; every string borrowed, NULL reads as "". */
typedef struct {
    const char *employer;
    const char *employee;
    const char *program;
    enr_state_t to;
    const char *cohort_id;
    const char *reason_code;
    const char *reason;
    const char *actor;          /* "system" or an administrator's identity */
    const char *cause_event_id; /* stream event or command that caused it */
    const char *effective_date; /* YYYY-MM-DD */
    const char *facts_json;     /* frozen facts, a JSON object (NULL: {}) */
    const char *credential;     /* to certified: the credential earned */
    const char *new_role;       /* to placed: the role placed into */
    int historical;             /* recorded from history: the event says so */
} enr_change_t;

typedef enum {
    ENR_OK = 0,
    ENR_EXISTS = 1,       /* create: the enrollment already exists */
    ENR_ERR_DB = -1,      /* database or emit failure: retry later */
    ENR_ERR_ILLEGAL = -2, /* the lifecycle forbids it: never retry */
    ENR_ERR_STALE = -3,   /* the row was not in the expected state */
} enr_result_t;

/* Creates the enrollment in state c->to (a move from "none"). Returns
 * ENR_OK, ENR_EXISTS (nothing written), or an error with a reason in err. */
enr_result_t enr_lifecycle_create(pw_db_t *db, const enr_emitter_t *emit, const enr_change_t *c,
                                  char *err, size_t errlen) __attribute__((warn_unused_result));

/* Creates the enrollments cs[0..n) with one statement whatever n, as
 * enr_lifecycle_create would one by one: a change naming an (employer,
 * employee, program) that has an enrollment, or that an earlier change in
 * cs names, creates nothing -- except an invitation, which re-opens an
 * invitation withdrawn with ENR_REASON_ELIGIBILITY_LOST (withdrawn ->
 * invited, audited and announced as such). Events are announced in the order of cs. When
 * created is not NULL, created[i] is set to 1 for each change that created
 * its enrollment, else 0. Returns ENR_OK or an error with err. */
enr_result_t enr_lifecycle_create_many(pw_db_t *db, const enr_emitter_t *emit,
                                       const enr_change_t *cs, size_t n, char *created, char *err,
                                       size_t errlen) __attribute__((warn_unused_result));

/* Moves, with one statement whatever n, the enrollment each change of
 * cs[0..n) names by (employer, employee, program) to its c->to when it is
 * in state from and c->reason_code equals reason_code (a change with
 * another reason code moves nothing: a caller marks "no move" so). At
 * most one change per enrollment. For moves without bookkeeping: from may
 * not hold a seat, wait or be paused. The events name the row's cohort.
 * Returns ENR_OK or an error with err. */
enr_result_t enr_lifecycle_move_many(pw_db_t *db, const enr_emitter_t *emit, enr_state_t from,
                                     const char *reason_code, const enr_change_t *cs, size_t n,
                                     char *err, size_t errlen) __attribute__((warn_unused_result));

/* Moves enrollment id, currently in state from, to c->to. Returns ENR_OK or
 * an error with a reason in err. The row's bookkeeping follows the target:
 * to paused remembers from (resume target) and c->reason_code; to
 * waitlisted draws a waitlist number unless one is kept from before a
 * pause; to certified/placed stores c->credential/c->new_role with
 * c->effective_date. c->cohort_id "" keeps the row's cohort. */
enr_result_t enr_lifecycle_move(pw_db_t *db, const enr_emitter_t *emit, int64_t id,
                                enr_state_t from, const enr_change_t *c, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Sets (flag 1) or clears (flag 0) the staff-review flag of enrollment id,
 * currently in state, with c->reason as the review reason; audits it
 * (kind review_flagged/review_cleared, c->to ignored) and announces it.
 * Returns ENR_OK, ENR_ERR_STALE when the flag already had that value, or
 * ENR_ERR_DB. */
enr_result_t enr_lifecycle_flag(pw_db_t *db, const enr_emitter_t *emit, int64_t id,
                                enr_state_t state, int flag, const enr_change_t *c, char *err,
                                size_t errlen) __attribute__((warn_unused_result));

/* Raises (flag 1) the at-risk flag of enrollment id, currently in state,
 * with c->reason_code (the rule) and c->reason, audits it (kind
 * at_risk_flagged) and announces it (ENR_EVENT_AT_RISK, which the
 * notification service turns into at-risk notices); or clears it (flag 0,
 * staff), audited as at_risk_cleared and not announced (no consumer acts on
 * a cleared flag; reporting counts people ever flagged from the progress
 * stream). Returns ENR_OK, ENR_ERR_STALE when the flag already was so
 * (nothing written), or ENR_ERR_DB. */
enr_result_t enr_lifecycle_at_risk(pw_db_t *db, const enr_emitter_t *emit, int64_t id,
                                   enr_state_t state, int flag, const enr_change_t *c, char *err,
                                   size_t errlen) __attribute__((warn_unused_result));

#endif
