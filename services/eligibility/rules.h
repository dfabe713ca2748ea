/* Program rules and their evaluation. Pure: the facts and the as-of date in,
 * an outcome with a verdict per criterion out.
 *
 * A program's rules are data (elig_rules_t): the criteria evaluated are a
 * fixed table of checks, each reading its parameters from the rules value.
 * Today only MAPP's built-in rules exist (elig_rules_mapp); rules loaded from
 * the database per program and employer fit the same type. */
#ifndef ELIG_RULES_H
#define ELIG_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"

#define ELIG_MAX_CRITERIA     8
#define ELIG_MAX_JOB_FAMILIES 16

typedef struct {
    const char *program;    /* "mapp" */
    unsigned version;       /* rule_version stored with every determination */
    int min_tenure_days;    /* tenure needed, counted from the period start */
    double full_time_hours; /* hours that count as full time when no type */
    const char *job_families[ELIG_MAX_JOB_FAMILIES];
    size_t n_job_families;
} elig_rules_t;

/* Results use the protobuf enums' numbers. */
typedef struct {
    const char *name; /* static */
    int result;       /* Pathways__V1__CriterionResult */
    char observed[ELIG_NAME_MAX + 64];
    char required[256];
    char reason[ELIG_NAME_MAX + 320];
} elig_criterion_t;

typedef struct {
    int outcome; /* Pathways__V1__Outcome */
    size_t n_criteria;
    elig_criterion_t criteria[ELIG_MAX_CRITERIA];
    int32_t eligible_from; /* ELIG_NO_DATE unless only tenure stands in the way */
    int32_t as_of;
} elig_result_t;

/* The foundation's MAPP rules (static; never freed). */
const elig_rules_t *elig_rules_mapp(void);

/* Evaluates facts f under rules as of the given date into out. */
void elig_rules_evaluate(const elig_rules_t *rules, const elig_facts_t *f, int32_t as_of,
                         elig_result_t *out);

/* A short text that changes exactly when the outcome, a criterion's verdict
 * or eligible_from changes (not when only the observed tenure grows).
 * Writes at most len bytes. */
void elig_result_signature(const elig_result_t *r, char *out, size_t len);

/* "eligible" | "not_eligible" | "needs_review" ("" otherwise) and back
 * (0 for anything unknown, including ""). */
const char *elig_outcome_name(int outcome);
int elig_outcome_parse(const char *name);
/* "pass" | "fail" | "unknown". */
const char *elig_criterion_result_name(int result);

#endif
