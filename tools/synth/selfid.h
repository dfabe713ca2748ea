/* Voluntary self-identification for the synthetic workforce: about 60% of
 * employees answer the form with their first event (some fields declined),
 * the rest are never asked. Drawn from its own generator, keyed by seed
 * and employee, so adding it changed no other figure of the workforce.
 * sy_equity_json is what the equity report must show (exact figures). */
#ifndef PATHWAYS_SYNTH_SELFID_H
#define PATHWAYS_SYNTH_SELFID_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "pathways/selfid.h"
#include "workforce.h"

/* The share of employees who are asked. */
#define SY_SELFID_ASKED 0.6

/* Employee i's answers, one word per field (static strings). Returns 1,
 * or 0 when the employee is never asked (out untouched). */
int sy_selfid_answers(uint64_t seed, size_t employee, const char *out[PW_SELFID_NFIELDS]);

/* The "self_id" object of employee i's first event, or NULL when the
 * employee is not asked (or out of memory). Caller decrefs. */
json_t *sy_selfid_json(uint64_t seed, size_t employee);

/* {field: {group: {"eligible", "enrolled", "completed", "certified",
 * "placed"}}} over the whole workforce on its today ("not_asked" for those
 * never asked): eligible = ever eligible by the dated history, the rest
 * the participants' milestones (as in the outcomes evidence). NULL when
 * out of memory. */
json_t *sy_equity_json(const sy_workforce_t *w);

#endif
