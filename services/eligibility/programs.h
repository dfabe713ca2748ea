/* The programs a deployment evaluates: the active rule version of each
 * (owned), MAPP's built-in rules until a MAPP version is loaded. Every
 * partner event, forecast re-check and enrollment change is evaluated
 * under each of them; a program load replaces one. */
#ifndef ELIG_PROGRAMS_H
#define ELIG_PROGRAMS_H

#include <stddef.h>

#include "rules.h"

#define ELIG_MAX_PROGRAMS 16

typedef struct elig_programs elig_programs_t;

/* Caller owns the result (NULL on out-of-memory): MAPP's built-in rules. */
elig_programs_t *elig_programs_new(void);
void elig_programs_destroy(elig_programs_t **p);

size_t elig_programs_count(const elig_programs_t *ps);
/* The i-th program's active rules (borrowed; valid until it is replaced). */
const elig_rules_t *elig_programs_at(const elig_programs_t *ps, size_t i);
/* The active rules of program id, or NULL. */
const elig_rules_t *elig_programs_find(const elig_programs_t *ps, const char *id);

/* Makes *rules (taken, nulled) the active version of its program, in place
 * of the one it replaces or as a new program. Returns 0, or -1 when there
 * is no room for another program (*rules untouched). */
int elig_programs_put(elig_programs_t *ps, elig_rules_t **rules)
    __attribute__((warn_unused_result));

/* The i-th program's intake (elig_intake_t: open until told otherwise). */
int elig_programs_intake(const elig_programs_t *ps, size_t i);
/* Program id's intake (open when it is not active). */
int elig_programs_intake_of(const elig_programs_t *ps, const char *id);
/* Sets program id's intake. Returns 0, or -1 when id is not active. */
int elig_programs_set_intake(elig_programs_t *ps, const char *id, int intake);

#endif
