/* The columns of a batch bound as array parameters: one pw_pgarray_t per
 * column, filled a row at a time, then handed to a prepared statement that
 * unnests them (WITH ORDINALITY where order matters). So every set-based
 * statement of the service takes the same shape of parameters whatever
 * the batch size. */
#ifndef PATHWAYS_NOTIFICATION_COLUMNS_H
#define PATHWAYS_NOTIFICATION_COLUMNS_H

#include <stddef.h>

#include "pathways/pgarray.h"

#define NTF_COLUMNS_MAX 10

typedef struct {
    pw_pgarray_t *col[NTF_COLUMNS_MAX];
    int n;       /* columns */
    size_t rows; /* rows added */
    int failed;  /* sticky out-of-memory */
} ntf_columns_t;

/* Prepares n (<= NTF_COLUMNS_MAX) empty columns. Returns 0 or -1 (then
 * ntf_columns_release is still safe). */
int ntf_columns_init(ntf_columns_t *c, int n) __attribute__((warn_unused_result));
void ntf_columns_release(ntf_columns_t *c);

/* Adds one row: values[0..n) (NULL entries are SQL NULL; copied). Errors
 * are sticky and reported by ntf_columns_params. */
void ntf_columns_add(ntf_columns_t *c, const char *const *values);

/* Points params[0..n) at the columns' literals (borrowed until the next
 * add or release). Returns 0, or -1 when an add ran out of memory. */
int ntf_columns_params(ntf_columns_t *c, const char **params) __attribute__((warn_unused_result));

#endif
