/* The enrollment lifecycle as a table of allowed (from, to) state pairs.
 * Every state change in the enrollment service asks this module first, so
 * an illegal move (placed -> invited, exited -> enrolled...) is refused with
 * a clear reason instead of silently rewriting history.
 *
 *   (none) -> invited | applied
 *   invited -> applied -> enrolled | waitlisted;  waitlisted -> enrolled
 *   enrolled -> in_training -> completed -> certified -> placed
 *   any active state -> withdrawn | exited | paused;  paused -> active state
 *   withdrawn -> invited (the system's re-invitation of someone whose
 *   invitation was withdrawn when eligibility was lost)
 *
 * Active states: invited, applied, enrolled, waitlisted, in_training, paused. */
#ifndef PATHWAYS_ENROLLMENT_TRANSITIONS_H
#define PATHWAYS_ENROLLMENT_TRANSITIONS_H

#include <stddef.h>

#include "pathways/v1/enrollment.pb-c.h"

typedef Pathways__V1__EnrollmentState enr_state_t;

#define ENR_STATE_NONE        PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_UNSPECIFIED
#define ENR_STATE_INVITED     PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_INVITED
#define ENR_STATE_APPLIED     PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_APPLIED
#define ENR_STATE_ENROLLED    PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_ENROLLED
#define ENR_STATE_WAITLISTED  PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_WAITLISTED
#define ENR_STATE_IN_TRAINING PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_IN_TRAINING
#define ENR_STATE_COMPLETED   PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_COMPLETED
#define ENR_STATE_CERTIFIED   PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_CERTIFIED
#define ENR_STATE_PLACED      PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_PLACED
#define ENR_STATE_WITHDRAWN   PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_WITHDRAWN
#define ENR_STATE_EXITED      PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_EXITED
#define ENR_STATE_PAUSED      PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_PAUSED

/* Returns 1 when the lifecycle allows moving from -> to, else 0. The
 * creation of an enrollment is the move from ENR_STATE_NONE. */
int enr_transition_allowed(enr_state_t from, enr_state_t to);

/* Like enr_transition_allowed, and on refusal writes a sentence such as
 * "illegal transition placed -> invited" into err. Returns 0 or -1. */
int enr_transition_check(enr_state_t from, enr_state_t to, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Returns 1 for the active states (see above). */
int enr_state_is_active(enr_state_t s);

/* Returns 1 for the states that hold a seat in a cohort: enrolled,
 * in_training, completed, certified, placed. A paused enrollment holds one
 * when the state it paused from does (see enrollment.paused_from). */
int enr_state_holds_seat(enr_state_t s);

/* Lower-case name as stored in the database ("in_training"); "unspecified"
 * for ENR_STATE_NONE and "unknown" for values outside the enum. Static. */
const char *enr_state_name(enr_state_t s);

/* Parses a stored name. Returns 0 and sets *out, or -1. */
int enr_state_parse(const char *name, enr_state_t *out) __attribute__((warn_unused_result));

#endif
