/* The past cohorts of the synthetic workforce as the files the local run
 * imports: one `pathwaysctl import enrollments` row per participant (the
 * README's columns; an exit caused by a termination is left to the
 * enrollment service, which exits an active enrollment when the termination
 * arrives), and the cohorts those rows name: one per quarter of admission,
 * starting on the quarter's first day, with room for everyone admitted. */
#ifndef PATHWAYS_SYNTH_HISTORY_H
#define PATHWAYS_SYNTH_HISTORY_H

#include <stdio.h>

#include "workforce.h"

/* Header and one row per participant, in employee order. Returns 0 or -1. */
int sy_emit_history(const sy_workforce_t *w, FILE *out);

/* "cohort<TAB>start<TAB>end<TAB>capacity" with a header, in start order.
 * Returns 0 or -1. */
int sy_emit_cohorts(const sy_workforce_t *w, FILE *out);

#endif
