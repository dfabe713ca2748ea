/* A synthetic regional healthcare workforce: employers, their employees and
 * each employee's effective-dated event history, generated deterministically
 * from a seed. The oracle (oracle.h) replays the histories to compute what
 * the pipeline's summary report must show. */
#ifndef PATHWAYS_SYNTH_WORKFORCE_H
#define PATHWAYS_SYNTH_WORKFORCE_H

#include <stddef.h>
#include <stdint.h>

#include "oracle.h"
#include "participation.h"

/* Longest history one employee can get: hire, five changes, termination,
 * rehire, two changes, termination, with room to spare. */
#define SY_MAX_EVENTS 16

typedef struct {
    char id[32]; /* "emp-001" */
    char name[96];
    char hr_email[128];
    int style; /* which partner vocabulary for raw values */
} sy_employer_t;

typedef struct {
    size_t employer; /* index into the employers */
    char id[32];     /* "e000123", unique across the region */
    const char *given_name;
    const char *family_name;
    char email[128];
    char phone[24];
    const char *language;
    int32_t hire_date; /* original hire date */
    size_t nevents;
    sy_event_t events[SY_MAX_EVENTS]; /* strictly increasing effective dates */
} sy_employee_t;

typedef struct sy_params {
    size_t employers;
    size_t employees;
    uint64_t seed;
    int32_t today;
    /* 0: dates fall on any day and the feed is published at once. Else the
     * replay grid (a divisor of the tenure minimum): every date of the
     * history falls on today - k * step, so a run that steps its clock
     * through the grid dates every determination on its true day (see
     * replay.h). */
    int32_t step;
    int32_t history_days; /* how far back hires go; 0: SY_HISTORY_DAYS */
    /* Non-zero when the participants' past enrollments are written for
     * `pathwaysctl import enrollments` (--history-out): the run imports
     * them, so the summary oracle counts a participant still in MAPP as not
     * eligible (MAPP's not_in_program). A feed published without them has
     * no enrollments, and no participant is in the program. */
    int imported;
} sy_params_t;

/* Hires go back this far by default (six years). */
#define SY_HISTORY_DAYS (6 * 365)

typedef struct {
    sy_params_t params;
    sy_employer_t *employer;
    sy_employee_t *employee;
    sy_participation_t *part; /* per employee: eligibility date, program path */
} sy_workforce_t;

/* Generates a workforce. Returns NULL on out-of-memory or when there are
 * no employers. Caller owns the result. */
sy_workforce_t *sy_workforce_new(const sy_params_t *params);
void sy_workforce_destroy(sy_workforce_t **p);

/* Replays employee i's history through the oracle into s (with a replay
 * grid, as the stepped run publishes it: replay.h). */
void sy_workforce_replay(const sy_workforce_t *w, size_t i, sy_oracle_t *s);
/* Replays every employee's history through the oracle and fills one tally
 * per employer (tallies has params.employers entries). */
void sy_workforce_tally(const sy_workforce_t *w, sy_tally_t *tallies);

/* Lower-case contract words ("active", "full_time", "good", ...); NULL for
 * unspecified values. */
const char *sy_status_word(sy_status_t s);
const char *sy_type_word(sy_emp_type_t t);
const char *sy_standing_word(sy_standing_t s);
/* "org.pathways.employee.<name>.v1" */
const char *sy_event_type_name(sy_event_type_t t);

#endif
