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

typedef struct {
    size_t employers;
    size_t employees;
    uint64_t seed;
    int32_t today;
} sy_params_t;

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

/* Replays employee i's history through the oracle into s. */
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
