/* Writes a synthetic workforce out: the partner feed as CloudEvents-style
 * JSON lines, the employer list as TSV, and the oracle's expected summary
 * as JSON (the same keys as `pathwaysctl report summary --json`). */
#ifndef PATHWAYS_SYNTH_EMIT_H
#define PATHWAYS_SYNTH_EMIT_H

#include <stdio.h>

#include "workforce.h"

/* One event per line, ordered by effective date, then employer, then
 * employee (so each employee's events stay in their own order). Event ids
 * are "s<seed>-<n>", unique per employer and seed. Returns the number of
 * events written, or -1 on a write or memory error. */
long sy_emit_events(const sy_workforce_t *w, FILE *out);

/* "employer\tname\thr_email" with a header line. Returns 0 or -1. */
int sy_emit_employers(const sy_workforce_t *w, FILE *out);

/* {"today":..., "seed":..., "employers":[{"employer":..., "employees":N,
 * ...}]}. Returns 0 or -1. */
int sy_emit_expected(const sy_workforce_t *w, const sy_tally_t *tallies, FILE *out);

/* The oracle's verdict per employee, for finding where the pipeline and the
 * oracle part: employer<TAB>employee<TAB>outcome<TAB>status<TAB>invited
 * <TAB>exited with a header line. Returns 0 or -1. */
int sy_emit_oracle(const sy_workforce_t *w, FILE *out);

/* The dated program history by design (participation.h), one transition a
 * line, with a header: the enrollment script a demo replays through the
 * enrollment service, and what reporting's projections hold once it has.
 * Returns 0 or -1. */
int sy_emit_enrollments(const sy_workforce_t *w, FILE *out);

#endif
