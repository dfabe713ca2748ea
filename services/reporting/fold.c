/* Set-based projection writes (see fold.h): sort the batch's rows by key,
 * read the keys' current rows in one statement, fold in C, write the
 * changed rows in one statement. Keys are compared bytewise on both sides
 * (text equality in PostgreSQL is bytewise under deterministic
 * collations), so a read row finds its key by binary search. */
#include "fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/pgarray.h"

/* One event's row with its place in the batch. */
typedef struct {
    const fold_row_t *row;
    size_t pos;
    int nkey;
} item_t;

/* The rows of one key, in batch order; the row as read and after folding. */
typedef struct {
    const item_t *items;
    size_t n;
    int found;
    fold_row_t read, fold;
} group_t;

int fold_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int key_cmp(const char *const *a, const char *const *b, int nkey)
{
    for (int c = 0; c < nkey; c++) {
        int r = strcmp(a[c], b[c]);
        if (r)
            return r;
    }
    return 0;
}

/* By key, then batch order. */
static int item_cmp(const void *pa, const void *pb)
{
    const item_t *a = pa, *b = pb;
    int r = key_cmp(a->row->v, b->row->v, a->nkey);
    return r ? r : (a->pos > b->pos) - (a->pos < b->pos);
}

/* Runs a prepared statement whose parameters are columns [0, ncols) of
 * rows[0..n), one array each. Returns the result (caller clears) or NULL
 * with err set. */
static PGresult *run_arrays(pw_db_t *db, const char *name, const char *sql, int ncols,
                            const fold_row_t *const *rows, size_t n, char *err, size_t errlen)
{
    pw_pgarray_t *arr[FOLD_MAX_COLS] = {0};
    const char *params[FOLD_MAX_COLS] = {0};
    int ok = ncols > 0 && ncols <= FOLD_MAX_COLS;
    for (int c = 0; c < ncols && ok; c++) {
        ok = (arr[c] = pw_pgarray_new()) != NULL;
        for (size_t i = 0; i < n && ok; i++)
            ok = pw_pgarray_add(arr[c], rows[i]->v[c]) == 0;
        ok = ok && (params[c] = pw_pgarray_text(arr[c])) != NULL;
    }
    PGresult *res = NULL;
    if (!ok)
        snprintf(err, errlen, "%s: out of memory", name);
    else if (!(res = pw_db_prepared(db, name, sql, ncols, params)))
        snprintf(err, errlen, "%s: %s", name, pw_db_error(db));
    for (int c = 0; c < ncols; c++)
        pw_pgarray_destroy(&arr[c]);
    return res;
}

/* Groups the sorted items by key; returns the number of groups. */
static size_t group(const item_t *items, size_t n, int nkey, group_t *g)
{
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (ng == 0 || key_cmp(items[i].row->v, g[ng - 1].items[0].row->v, nkey) != 0)
            g[ng++].items = &items[i];
        g[ng - 1].n++;
    }
    return ng;
}

/* Reads the current rows of the groups' keys into their groups. res keeps
 * the values; the caller clears it. Returns 0, or -1 with err set. */
static int read_current(pw_db_t *db, const fold_table_t *t, group_t *g, size_t ng,
                        const fold_row_t **keys, PGresult **res, char *err, size_t errlen)
{
    for (size_t k = 0; k < ng; k++)
        keys[k] = g[k].items[0].row;
    *res = run_arrays(db, t->read_name, t->read_sql, t->nkey, keys, ng, err, errlen);
    if (!*res)
        return -1;
    for (int i = 0; i < PQntuples(*res); i++) {
        fold_row_t r;
        for (int c = 0; c < t->ncols; c++)
            r.v[c] = pw_db_isnull(*res, i, t->cols[c]) ? NULL : pw_db_get(*res, i, t->cols[c]);
        size_t lo = 0, hi = ng;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int cmp = key_cmp(r.v, g[mid].items[0].row->v, t->nkey);
            if (cmp == 0) {
                g[mid].found = 1;
                g[mid].read = r;
                break;
            }
            if (cmp < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
    }
    return 0;
}

/* Folds a group's rows; 1 when its row is new or changed. */
static int fold_group(const fold_table_t *t, group_t *g)
{
    g->fold = g->found ? g->read : *g->items[0].row;
    for (size_t j = g->found ? 0 : 1; t->merge && j < g->n; j++)
        t->merge(&g->fold, g->items[j].row);
    if (!g->found)
        return 1;
    for (int c = 0; c < t->ncols; c++)
        if (!fold_same(g->read.v[c], g->fold.v[c]))
            return 1;
    return 0;
}

pw_apply_t fold_apply(pw_db_t *db, const fold_table_t *t, const fold_row_t *rows, size_t n,
                      char *err, size_t errlen)
{
    if (n == 0)
        return PW_APPLY_OK;
    pw_apply_t rc = PW_APPLY_RETRY;
    PGresult *res = NULL;
    item_t *items = calloc(n, sizeof *items);
    group_t *g = calloc(n, sizeof *g);
    const fold_row_t **out = calloc(n, sizeof *out);
    if (!items || !g || !out) {
        snprintf(err, errlen, "%s: out of memory", t->name);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = (item_t){.row = &rows[i], .pos = i, .nkey = t->nkey};
    qsort(items, n, sizeof *items, item_cmp);
    size_t ng = group(items, n, t->nkey, g);
    if (t->read_sql && read_current(db, t, g, ng, out, &res, err, errlen) != 0)
        goto done;
    size_t nout = 0;
    for (size_t k = 0; k < ng; k++)
        if (fold_group(t, &g[k]))
            out[nout++] = &g[k].fold;
    if (nout > 0) {
        PGresult *w = run_arrays(db, t->write_name, t->write_sql, t->ncols, out, nout, err, errlen);
        if (!w)
            goto done;
        PQclear(w);
    }
    rc = PW_APPLY_OK;
done:
    PQclear(res);
    free(out);
    free(g);
    free(items);
    return rc;
}
