/* Which employees a change of a program's rules can affect, so a rule
 * change re-evaluates those and no others.
 *
 * An employee is outside the scope only when their determination's
 * signature (outcome, every verdict, eligible_from) is the same under the
 * old and the new rules for any facts they could have that the scope does
 * not name. The scope is derived per expression: when the two versions
 * have the same criteria (names, order) and each criterion the same tree
 * (operators, facts, combinators), only operands changed, and each changed
 * leaf names the employees whose verdict on it can differ:
 *
 *   status, standing,       the value is in the symmetric difference of
 *   employment_type,        the old and new lists (compared as rules.c
 *   job_family (in/not_in)  compares: case, spaces and hyphens aside)
 *   scheduled_hours         the hours lie between the lowest and highest
 *                           changed bound
 *   tenure_days             the period started less than the largest
 *                           bound (old or new, overrides included) ago
 *                           (the verdict or its forecast date can move),
 *                           and everyone eligible now (eligible since is
 *                           dated from the period start plus the minimum,
 *                           and a rule applies to the facts as they were:
 *                           README, "Eligible since")
 *   employer overrides      every employee of an employer whose override
 *                           was added, removed or changed
 *   anything else (criteria added, removed, renamed or reordered, a tree
 *   reshaped, an operator changed, other facts' operands, the target
 *   role)                   everyone
 *
 * A leaf whose verdict is the same under both operands for every value
 * outside the named set gives the same criterion verdict (combinators are
 * functions of their children's verdicts), the same forecast and the same
 * spell days, which is the argument the unit property test checks on
 * random programs and changes.
 *
 * The same scope is read by the registry's page query (as parameters) and
 * by elig_scope_covers (in C), which the tests hold against each other. */
#ifndef ELIG_SCOPE_H
#define ELIG_SCOPE_H

#include <stdint.h>

#include "facts.h"
#include "pathways/pgarray.h"
#include "rules.h"

/* The word lists of a scope: normalized values of one fact. */
enum {
    ELIG_SCOPE_STATUS,
    ELIG_SCOPE_STANDING,
    ELIG_SCOPE_TYPE,
    ELIG_SCOPE_FAMILY,
    ELIG_SCOPE_LISTS
};

typedef struct {
    char items[ELIG_MAX_LIST * 2][ELIG_WORD_MAX];
    size_t n;
} elig_scope_words_t;

typedef struct {
    int all; /* everyone: the rest is unused */
    elig_scope_words_t words[ELIG_SCOPE_LISTS];
    char employers[ELIG_MAX_OVERRIDES * 2][ELIG_SUBJECT_MAX + 1]; /* exact ids */
    size_t n_employers;
    int hours; /* employees whose hours lie in [hours_lo, hours_hi] */
    double hours_lo, hours_hi;
    int tenure_days; /* -1, or: periods started after today - tenure_days */
    int eligible;    /* everyone whose current outcome is eligible */
} elig_scope_t;

/* Fills s for a change from old to new (old NULL: everyone). */
void elig_scope_diff(const elig_rules_t *old, const elig_rules_t *new, elig_scope_t *s);
/* Everyone. */
void elig_scope_everyone(elig_scope_t *s);

/* The scope's list (ELIG_SCOPE_*, or ELIG_SCOPE_LISTS for the employers)
 * as a PostgreSQL array literal. Caller owns the result; NULL when out of
 * memory. */
pw_pgarray_t *elig_scope_array(const elig_scope_t *s, int which);

/* 1 when an employee with facts f and current outcome (0: none) is in
 * scope s as of today. */
int elig_scope_covers(const elig_scope_t *s, const elig_facts_t *f, int outcome, int32_t today);

/* A word as the scope stores it: lower case, ' ' and '-' as '_' (ASCII
 * only, as rules.c compares). */
void elig_scope_normalize(const char *in, char *out, size_t len);

#endif
