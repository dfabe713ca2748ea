/* The enrollment side of an employee's changed facts: for each enrollment of
 * the employee that a reaction concerns, the move (or flag) it implies, in
 * the caller's transaction. Used by the "eligibility" stream handler (see
 * determination.h for when each reaction happens). */
#ifndef PATHWAYS_ENROLLMENT_REACTIONS_H
#define PATHWAYS_ENROLLMENT_REACTIONS_H

#include "lifecycle.h"

typedef enum {
    ENR_REACT_EXIT,   /* terminated: every active enrollment -> exited */
    ENR_REACT_PAUSE,  /* on leave: every active, unpaused one -> paused */
    ENR_REACT_RESUME, /* back from leave: paused for leave -> paused_from */
    ENR_REACT_FLAG,   /* standing lost: every active one flagged for review */
} enr_reaction_t;

/* What caused the reaction; strings borrowed. */
typedef struct {
    const char *employer;
    const char *employee;
    const char *cause_event_id;
    const char *date;   /* effective date, YYYY-MM-DD */
    const char *facts;  /* frozen facts, JSON object */
    const char *detail; /* the partner's reason ("medical", "CORRECTIVE_ACTION") */
} enr_cause_t;

/* 1 when reaction what concerns an enrollment in state (paused from
 * paused_from for pause_reason, flagged or not), i.e. enr_react would
 * change it; lets a batch of determinations find the few that need a
 * reaction before making any. Strings borrowed, NULL reads as "". */
int enr_react_concerns(enr_reaction_t what, enr_state_t state, const char *paused_from,
                       const char *pause_reason, int flagged);

/* Applies what to every enrollment of the employee it concerns; an exit
 * from a seat promotes the cohort's next waiter. Returns ENR_OK or an
 * error with err (ENR_ERR_DB: retry). */
enr_result_t enr_react(pw_db_t *db, const enr_emitter_t *emit, enr_reaction_t what,
                       const enr_cause_t *cause, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
