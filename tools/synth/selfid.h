/* Voluntary self-identification for the synthetic workforce: about 60% of
 * employees answer the form with their hire event (some fields declined),
 * the rest are never asked. Drawn from its own generator, keyed by seed
 * and employee, so adding it changed no other figure of the workforce. */
#ifndef PATHWAYS_SYNTH_SELFID_H
#define PATHWAYS_SYNTH_SELFID_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The share of employees who are asked. */
#define SY_SELFID_ASKED 0.6

/* The "self_id" object of employee i's hire event, or NULL when the
 * employee is not asked (or out of memory). Caller decrefs. */
json_t *sy_selfid_json(uint64_t seed, size_t employee);

#endif
