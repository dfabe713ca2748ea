/* The synthetic workforce's test oracle: replays one employee's events in
 * effective order, merges the facts they state, evaluates the foundation's
 * MAPP rules after every event and tallies what the summary report must show
 * once the whole feed has gone through the pipeline.
 *
 * It is deliberately independent of the services (no protobuf, no database):
 * a second, small implementation of the rules that the pipeline is checked
 * against. Dates are days since 1970-01-01. */
#ifndef PATHWAYS_SYNTH_ORACLE_H
#define PATHWAYS_SYNTH_ORACLE_H

#include <stdint.h>

/* Minimum tenure in days for MAPP in the foundation. */
#define SY_TENURE_MIN_DAYS 90
/* Scheduled weekly hours that count as full time when the type is unknown. */
#define SY_FULL_TIME_HOURS 36.0

typedef enum {
    SY_STATUS_UNSPECIFIED = 0,
    SY_STATUS_ACTIVE,
    SY_STATUS_LEAVE,
    SY_STATUS_TERMINATED,
} sy_status_t;

typedef enum {
    SY_TYPE_UNSPECIFIED = 0,
    SY_TYPE_FULL_TIME,
    SY_TYPE_PART_TIME,
    SY_TYPE_PER_DIEM,
} sy_emp_type_t;

typedef enum {
    SY_STANDING_UNSPECIFIED = 0,
    SY_STANDING_GOOD,
    SY_STANDING_CORRECTIVE_ACTION,
    SY_STANDING_FINAL_WARNING,
} sy_standing_t;

typedef enum {
    SY_EV_HIRED = 0,
    SY_EV_REHIRED,
    SY_EV_JOB_CHANGED,
    SY_EV_HOURS_CHANGED,
    SY_EV_STANDING_CHANGED,
    SY_EV_LEAVE_STARTED,
    SY_EV_LEAVE_ENDED,
    SY_EV_TERMINATED,
    SY_EV_COUNT
} sy_event_type_t;

/* Which facts an event states (a change event states only what changes). */
enum {
    SY_F_JOB = 1u << 0,       /* job_family, job_title */
    SY_F_STATUS = 1u << 1,    /* status, status_raw */
    SY_F_TYPE = 1u << 2,      /* employment_type, employment_type_raw */
    SY_F_HOURS = 1u << 3,     /* scheduled_hours */
    SY_F_STANDING = 1u << 4,  /* standing, standing_raw */
    SY_F_HIRE_DATE = 1u << 5, /* hire_date */
    SY_F_PERSON = 1u << 6,    /* names, email, phone, language */
    SY_F_REASON = 1u << 7,    /* reason_code */
};

/* The rule-relevant facts. Strings are borrowed (static tables). */
typedef struct {
    const char *job_family; /* "" or NULL: not on file */
    const char *job_title;
    sy_status_t status;
    const char *status_raw;
    sy_emp_type_t type;
    const char *type_raw;
    double hours; /* valid only with SY_F_HOURS */
    sy_standing_t standing;
    const char *standing_raw;
    int32_t hire_date; /* valid only with SY_F_HIRE_DATE */
    const char *reason_code;
} sy_facts_t;

typedef struct {
    sy_event_type_t type;
    int32_t effective; /* effective date */
    unsigned fields;   /* SY_F_* bits: what data states */
    sy_facts_t facts;
} sy_event_t;

typedef enum {
    SY_OUTCOME_NONE = 0, /* before the first event */
    SY_OUTCOME_ELIGIBLE,
    SY_OUTCOME_NOT_ELIGIBLE,
    SY_OUTCOME_NEEDS_REVIEW,
} sy_outcome_t;

typedef enum { SY_CRIT_PASS = 0, SY_CRIT_FAIL, SY_CRIT_UNKNOWN } sy_crit_t;

/* One employee's merged state while replaying. */
typedef struct {
    sy_facts_t facts;
    unsigned known;       /* SY_F_* bits ever stated */
    int32_t period_start; /* start of the current employment period */
    int has_period;
    sy_outcome_t outcome;
    int invited;      /* became eligible at least once */
    int exited;       /* terminated with an invitation open: one exit */
    int open;         /* an invitation is open (invited, not withdrawn or exited) */
    int lost;         /* the invitation was withdrawn when eligibility was lost */
    unsigned notices; /* invitations (again after a loss), withdrawals, exit */
} sy_oracle_t;

typedef struct {
    uint64_t employees;
    uint64_t eligible;
    uint64_t not_eligible;
    uint64_t needs_review;
    uint64_t invited;
    uint64_t exited;
    uint64_t terminated;
    uint64_t notifications;
} sy_tally_t;

/* Criterion verdicts for the merged facts as of today. */
sy_crit_t sy_rule_status(const sy_oracle_t *s);
sy_crit_t sy_rule_full_time(const sy_oracle_t *s);
sy_crit_t sy_rule_job_family(const sy_oracle_t *s);
sy_crit_t sy_rule_standing(const sy_oracle_t *s);
sy_crit_t sy_rule_tenure(const sy_oracle_t *s, int32_t today);

/* Any FAIL -> not eligible; else any UNKNOWN -> needs review; else eligible. */
sy_outcome_t sy_oracle_evaluate(const sy_oracle_t *s, int32_t today);

void sy_oracle_init(sy_oracle_t *s);
/* Merges ev into s, re-evaluates as of today and updates invited/exited. */
void sy_oracle_apply(sy_oracle_t *s, const sy_event_t *ev, int32_t today);
/* Re-evaluates s as of today without new facts (the eligibility service's
 * tenure re-check) and updates invited/exited. */
void sy_oracle_recheck(sy_oracle_t *s, int32_t today);
/* Adds one employee's final state to a per-employer tally. */
void sy_tally_add(sy_tally_t *t, const sy_oracle_t *s);

/* 1 when job_family is one of MAPP's non-clinical families. */
int sy_job_family_non_clinical(const char *job_family);

#endif
