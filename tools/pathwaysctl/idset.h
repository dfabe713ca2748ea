/* A set of ids of any size, kept as values and as the PostgreSQL array
 * literal statements take ("{1,2,3}"): no fixed buffer however many
 * thousands of dead letters a command touches. Zero-initialize; release
 * with id_set_free. */
#ifndef PATHWAYSCTL_IDSET_H
#define PATHWAYSCTL_IDSET_H

#include <stdint.h>

#include "pathways/buf.h"

typedef struct {
    int64_t *v;
    int n, cap;
    pw_buf_t text; /* the literal; closed by id_set_close */
} id_set_t;

void id_set_free(id_set_t *s);
/* Appends id. Returns 0 or -1 (out of memory). */
int id_set_add(id_set_t *s, int64_t id) __attribute__((warn_unused_result));
/* Closes the literal; call once, after the last id. Returns 0 or -1. */
int id_set_close(id_set_t *s) __attribute__((warn_unused_result));
/* The closed literal (borrowed), or NULL for an empty set (SQL NULL). */
const char *id_set_literal(const id_set_t *s);
int id_set_has(const id_set_t *s, int64_t id);

#endif
