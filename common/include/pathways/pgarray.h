/* PostgreSQL array literals ('{"a","b",NULL}') built in memory, so a
 * whole batch is bound as one text parameter per column and unnested by
 * the server: a set-based statement costs the same whatever the batch
 * size. Every element is double-quoted with '"' and '\' escaped, so no
 * byte of the data (quotes, braces, commas, the word NULL) can change the
 * array's shape; a NULL pointer is the SQL NULL.
 *
 * Out-of-memory is sticky: once an add fails, later adds fail too and
 * pw_pgarray_text returns NULL until pw_pgarray_reset. */
#ifndef PATHWAYS_PGARRAY_H
#define PATHWAYS_PGARRAY_H

#include <stdint.h>

typedef struct pw_pgarray pw_pgarray_t;

/* An empty array ("{}"). Caller owns the result; NULL on out-of-memory. */
pw_pgarray_t *pw_pgarray_new(void);
/* Appends one element: text (copied), or SQL NULL when text is NULL.
 * Returns 0 or -1 (out of memory). */
int pw_pgarray_add(pw_pgarray_t *a, const char *text_or_NULL) __attribute__((warn_unused_result));
/* Appends an integer element. Returns 0 or -1. */
int pw_pgarray_add_i64(pw_pgarray_t *a, int64_t v) __attribute__((warn_unused_result));
/* The literal so far, "{...}", borrowed until the next add, reset or
 * destroy; NULL after a failed add. */
const char *pw_pgarray_text(pw_pgarray_t *a);
/* Empties the array (keeping its memory) and clears a failure. */
void pw_pgarray_reset(pw_pgarray_t *a);
/* Frees; accepts NULL and nulls *p. */
void pw_pgarray_destroy(pw_pgarray_t **p);

#endif
