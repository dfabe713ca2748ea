/* Program rules and their evaluation. Pure: the facts and the as-of date in,
 * an outcome with a verdict per criterion out.
 *
 * A program's rules are data (elig_rules_t): which criteria apply and their
 * parameters, plus per-employer overrides (tenure minimum, extra job
 * families) that adjust the program without copying it. A program file
 * (program.h) produces one; elig_rules_mapp() is the foundation's built-in
 * MAPP, used until a program version has been loaded into the database.
 * Criteria are always reported in the fixed order of elig_crit_t. */
#ifndef ELIG_RULES_H
#define ELIG_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"

#define ELIG_MAX_CRITERIA  8
#define ELIG_MAX_LIST      24 /* entries of any list in a program */
#define ELIG_WORD_MAX      64 /* bytes of one list entry */
#define ELIG_MAX_OVERRIDES 64 /* employers with overrides */
#define ELIG_PROGRAM_MAX   64

/* The criteria a program may use, in reporting order. */
typedef enum {
    ELIG_CRIT_STATUS = 0,
    ELIG_CRIT_FULL_TIME,
    ELIG_CRIT_JOB_FAMILY,
    ELIG_CRIT_STANDING,
    ELIG_CRIT_TENURE,
    ELIG_CRIT_EMPLOYER,
    ELIG_CRIT_NOT_IN_PROGRAM,
    ELIG_CRIT_NOT_IN_ROLE,
    ELIG_CRIT_COUNT
} elig_crit_t;

typedef struct {
    char items[ELIG_MAX_LIST][ELIG_WORD_MAX];
    size_t n;
} elig_list_t;

typedef struct {
    char employer[ELIG_SUBJECT_MAX + 1];
    int min_tenure_days; /* -1: the program's */
    elig_list_t extra_job_families;
} elig_override_t;

typedef struct {
    char program[ELIG_PROGRAM_MAX + 1]; /* "mapp" */
    char name[ELIG_NAME_MAX + 1];
    unsigned version;                /* rule_version stored with every determination */
    unsigned enabled;                /* bitmask of 1 << elig_crit_t */
    elig_list_t statuses;            /* status criterion: allowed (normalized names) */
    elig_list_t employment_types;    /* full_time criterion: types that count */
    double full_time_hours;          /* hours that count when no type is on file */
    elig_list_t job_families;        /* job_family criterion: allowed ... */
    int job_families_exclude;        /* ... or, when set, refused */
    elig_list_t standings;           /* standing criterion: allowed */
    int min_tenure_days;             /* tenure, counted from the period start */
    elig_list_t program_states;      /* not_in_program: states that count as "in" */
    elig_list_t target_job_families; /* not_in_role: the target role's families */
    elig_override_t overrides[ELIG_MAX_OVERRIDES];
    size_t n_overrides;
} elig_rules_t;

/* Results use the protobuf enums' numbers. */
typedef struct {
    const char *name; /* static */
    elig_crit_t crit;
    int result; /* Pathways__V1__CriterionResult */
    char observed[ELIG_NAME_MAX + 64];
    char required[512];
    char reason[ELIG_NAME_MAX + 600];
} elig_criterion_t;

typedef struct {
    int outcome; /* Pathways__V1__Outcome */
    size_t n_criteria;
    elig_criterion_t criteria[ELIG_MAX_CRITERIA];
    int32_t eligible_from; /* ELIG_NO_DATE unless only tenure stands in the way */
    int32_t as_of;
    /* Filled by elig_spell_update (spell.h), ELIG_NO_DATE until then: the
     * first day of the current eligible spell, and the day the last one
     * ended. */
    int32_t eligible_since;
    int32_t eligible_until;
} elig_result_t;

/* The foundation's MAPP rules (static; never freed): the first five
 * criteria, version 1. */
const elig_rules_t *elig_rules_mapp(void);

/* The criterion's name ("status", "tenure", "employer_participates"...) and
 * the way back (-1 when unknown). */
const char *elig_crit_name(elig_crit_t c);
int elig_crit_parse(const char *name);

/* The override for employer, or NULL. */
const elig_override_t *elig_rules_override(const elig_rules_t *rules, const char *employer);
/* The tenure minimum that applies to employer. */
int elig_rules_min_tenure(const elig_rules_t *rules, const char *employer);

/* Evaluates facts f under rules as of the given date into out. */
void elig_rules_evaluate(const elig_rules_t *rules, const elig_facts_t *f, int32_t as_of,
                         elig_result_t *out);

/* A short text that changes exactly when the outcome, a criterion's verdict,
 * eligible_from, eligible_since or eligible_until changes (not when only the
 * observed tenure grows).
 * Writes at most len bytes. */
void elig_result_signature(const elig_result_t *r, char *out, size_t len);

/* "eligible" | "not_eligible" | "needs_review" ("" otherwise) and back
 * (0 for anything unknown, including ""). */
const char *elig_outcome_name(int outcome);
int elig_outcome_parse(const char *name);
/* "pass" | "fail" | "unknown". */
const char *elig_criterion_result_name(int result);

/* Job families compare without regard to case, spaces or hyphens
 * ("Food Service" is food_service). */
int elig_same_family(const char *a, const char *b);
/* 1 when list holds word (compared as job families). */
int elig_list_has(const elig_list_t *list, const char *word);

#endif
