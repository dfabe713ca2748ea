/* PostgreSQL array literals ("{...}") built element by element, to pass a
 * whole column of a batch as one text parameter (e.g. $1::text[] unnested
 * by a set-based statement). Every element is double-quoted with '"' and
 * '\' escaped, so any text -- empty, "NULL", braces, commas, quotes --
 * arrives as itself; only a NULL pointer becomes SQL NULL. */
#ifndef PATHWAYS_PGARRAY_H
#define PATHWAYS_PGARRAY_H

#include <stdint.h>

typedef struct pw_pgarray pw_pgarray_t;

/* An empty array. Caller owns it (pw_pgarray_destroy). NULL when out of
 * memory. */
pw_pgarray_t *pw_pgarray_new(void);
/* Frees; accepts NULL, nulls *p. */
void pw_pgarray_destroy(pw_pgarray_t **p);

/* Appends one element: text (NUL-terminated), or SQL NULL when text is
 * NULL. Returns 0, or -1 when out of memory (the array is then unusable:
 * pw_pgarray_text returns NULL). */
int pw_pgarray_add(pw_pgarray_t *a, const char *text) __attribute__((warn_unused_result));
/* Appends an integer element. Returns as pw_pgarray_add. */
int pw_pgarray_add_i64(pw_pgarray_t *a, int64_t v) __attribute__((warn_unused_result));

/* The literal, e.g. {"a",NULL,"b \"c\""} or {} when empty; borrowed, valid
 * until the next add or destroy. NULL after an out-of-memory failure. */
const char *pw_pgarray_text(pw_pgarray_t *a);

#endif
