/* The program evidence the local run must report once the history is in
 * (issue 16, part 4): outcomes per cohort, the retention comparison
 * (participants from enrollment against matched eligible non-participants
 * from first eligibility: program, employer, job family at eligibility,
 * tenure band) and the turnover cost avoided, computed from the generator's
 * own dated histories, not from the pipeline. Only the Kaplan-Meier
 * arithmetic is shared with the reporting service (km.c, pinned by
 * hand-worked unit tests): which people count, from when, and when they
 * left is decided here independently. */
#ifndef PATHWAYS_SYNTH_EVIDENCE_H
#define PATHWAYS_SYNTH_EVIDENCE_H

#include <jansson.h>

#include "workforce.h"

/* Replacement cost the local run's costs file gives every role. */
#define SY_REPLACEMENT_COST 14200.0
/* {"outcomes": {...per cohort and "total"}, "retention": {"participants":
 * {...}, "comparison": {...}, "logrank_p": p}, "cost": {...total},
 * "equity": sy_equity_json (selfid.h)}.
 * Returns a new reference, or NULL when out of memory. */
json_t *sy_evidence_json(const sy_workforce_t *w);

#endif
