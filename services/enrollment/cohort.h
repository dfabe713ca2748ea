/* Cohorts: their rows, the seats they hold, the first-come-first-served
 * waitlist and the start of training. A seat is held by enrolled through
 * placed, and by a paused enrollment that paused from a seat; waitlisted
 * people wait in the order they were waitlisted. Every function works in
 * the caller's open transaction and locks the cohort row first, so seat
 * counts and promotions cannot interleave. */
#ifndef PATHWAYS_ENROLLMENT_COHORT_H
#define PATHWAYS_ENROLLMENT_COHORT_H

#include "lifecycle.h"
#include "pathways/date.h"
#include "pathways/v1/enrollment_command.pb-c.h"

#define ENR_COHORT_ID_MAX   64
#define ENR_REASON_PROMOTED "promoted_from_waitlist"
#define ENR_REASON_STARTED  "cohort_started"

typedef struct {
    char program[128];
    char status[16]; /* planned | open | in_progress | finished | cancelled */
    int capacity;
    int serves_employer; /* the employer asked about is served */
    int taken;           /* seats held */
    int waiting;         /* waitlisted */
    char start_date[PW_DATE_LEN];
    char end_date[PW_DATE_LEN];
} enr_cohort_t;

/* Stored status name ("in_progress") of a CohortStatus; NULL for
 * UNSPECIFIED and values outside the enum. Static. */
const char *enr_cohort_status_name(Pathways__V1__CohortStatus s);
/* The CohortStatus of a stored name; UNSPECIFIED when unknown. */
Pathways__V1__CohortStatus enr_cohort_status_parse(const char *name);
/* 1 when a cohort may go from status from to status to (both stored
 * names): planned -> open | in_progress | cancelled; open -> planned |
 * in_progress | cancelled; in_progress -> finished | cancelled. */
int enr_cohort_status_allowed(const char *from, const char *to);

/* Locks cohort_id (FOR UPDATE) and reads it with its seat counts; employer
 * (may be NULL) is checked against the employers served. Returns 1 when
 * found, 0 when there is no such cohort, -1 on a database error (err). */
int enr_cohort_lock(pw_db_t *db, const char *cohort_id, const char *employer, enr_cohort_t *out,
                    char *err, size_t errlen) __attribute__((warn_unused_result));

/* 1 when an enrollment leaving state from (paused from paused_from, a
 * stored state name or "") gave up a seat. */
int enr_cohort_held_seat(enr_state_t from, const char *paused_from);

/* Fills the free seats of cohort_id from its waitlist, first come first
 * served, while the cohort is planned, open or in progress. Each promotion
 * is a waitlisted -> enrolled move by "system" with reason_code
 * promoted_from_waitlist, caused by cause, effective date. Returns how
 * many were promoted, or -1 with err. */
int enr_cohort_promote(pw_db_t *db, const enr_emitter_t *emit, const char *cohort_id,
                       const char *cause, const char *date, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The cohort has started: moves every enrolled participant who is still
 * eligible to in_training and flags the others for staff review (they stay
 * enrolled). Returns 0 or -1 with err. */
int enr_cohort_start_training(pw_db_t *db, const enr_emitter_t *emit, const char *cohort_id,
                              const char *actor, const char *cause, const char *date, char *err,
                              size_t errlen) __attribute__((warn_unused_result));

#endif
