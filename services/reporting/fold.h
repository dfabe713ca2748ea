/* Set-based projection writes. A batch's events become rows of a table (one
 * per event); fold_apply reads the current rows of the keys they touch
 * (locked), folds each key's rows onto its current row in batch order with
 * the table's merge rule, and writes back only the rows whose values
 * changed: a fixed number of statements (a read and a write) whatever the
 * batch size, and at most one written row per key. Because the fold uses
 * the same rule whatever the batch size, a batch gives the rows its events
 * give one at a time. */
#ifndef PATHWAYS_REPORTING_FOLD_H
#define PATHWAYS_REPORTING_FOLD_H

#include <stddef.h>

#include "pathways/db.h"
#include "pathways/stream.h"

#define FOLD_MAX_COLS 20

/* A row: one nullable text per column (dates YYYY-MM-DD, booleans
 * true/false, numbers in decimal), borrowed from an event or a result. */
typedef struct {
    const char *v[FOLD_MAX_COLS];
} fold_row_t;

typedef struct {
    const char *name;        /* for messages */
    int nkey;                /* the leading columns that are the key (never NULL) */
    int ncols;               /* at most FOLD_MAX_COLS */
    const char *const *cols; /* column names, as the read statement returns them */
    /* Prepared statements. read: $1..$nkey key arrays, returns the current
     * rows (cols) of those keys, locked, in key order; NULL for an
     * insert-only table. write: $1..$ncols one array per column, an upsert
     * of the final rows. */
    const char *read_name, *read_sql, *write_name, *write_sql;
    /* Folds a later event's row e onto the current row s. Called only when
     * a row exists; a key without a row takes its first event's row. NULL:
     * insert-only, the first event of each key is written (the write
     * statement does nothing on conflict). */
    void (*merge)(fold_row_t *s, const fold_row_t *e);
} fold_table_t;

/* Applies rows[0..n) (batch order) to t inside the open transaction.
 * Returns PW_APPLY_OK, or PW_APPLY_RETRY with the reason in err. */
pw_apply_t fold_apply(pw_db_t *db, const fold_table_t *t, const fold_row_t *rows, size_t n,
                      char *err, size_t errlen);

/* 1 when a and b are the same value (both NULL, or equal text). */
int fold_same(const char *a, const char *b);

#endif
