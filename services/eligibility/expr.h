/* Criteria expressions (rules.h) evaluated over merged facts: a verdict
 * with what was observed, what was required and a sentence ("tenure 41
 * days, needs 90"), the day time alone makes an expression pass (forecasts)
 * and the first day of its passing run (spells). Pure: no I/O.
 *
 * Three-valued: a leaf on a fact that is not on file is UNKNOWN (the
 * determination needs review), except exists, which asks exactly that.
 * all: FAIL when a child fails, else UNKNOWN when one is unknown, else
 * PASS. any: PASS when a child passes, else UNKNOWN when one is unknown,
 * else FAIL. first_known: the first child that is not UNKNOWN decides. */
#ifndef ELIG_EXPR_H
#define ELIG_EXPR_H

#include <stdint.h>

#include "rules.h"

/* Evaluates node of rules for f as of as_of into c's result, observed,
 * required and reason (c NULL-safe fields only: name/slot untouched).
 * Returns the result. */
int elig_expr_eval(const elig_rules_t *r, int node, const elig_facts_t *f, int32_t as_of,
                   elig_criterion_t *c);

/* The verdict alone, without words (cheaper). */
int elig_expr_result(const elig_rules_t *r, int node, const elig_facts_t *f, int32_t as_of);

/* For a node that does not pass as of as_of: the first later day on which
 * it would pass with the same facts (time alone: tenure grows), or
 * ELIG_NO_DATE when time alone cannot make it pass. Nodes that pass now
 * and do not read time give ELIG_ALWAYS. The day is a candidate: callers
 * check it by evaluating on it. */
#define ELIG_ALWAYS (INT32_MIN + 1)
int32_t elig_expr_pass_day(const elig_rules_t *r, int node, const elig_facts_t *f, int32_t as_of);

/* For a node that passes as of as_of and reads tenure: the first day of its
 * passing run as far as time goes (the period start plus the minimum), the
 * other facts dated by their groups' effective dates. ELIG_NO_DATE when
 * nothing dates it. */
int32_t elig_expr_since(const elig_rules_t *r, int node, const elig_facts_t *f, int32_t as_of);

#endif
