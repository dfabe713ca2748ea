/* Array-parameter columns of a batch (columns.h). */
#include "columns.h"

#include <string.h>

int ntf_columns_init(ntf_columns_t *c, int n)
{
    memset(c, 0, sizeof *c);
    c->n = n < 0 ? 0 : n > NTF_COLUMNS_MAX ? NTF_COLUMNS_MAX : n;
    for (int i = 0; i < c->n; i++)
        if (!(c->col[i] = pw_pgarray_new()))
            c->failed = 1;
    return c->failed || c->n != n ? -1 : 0;
}

void ntf_columns_release(ntf_columns_t *c)
{
    for (int i = 0; i < NTF_COLUMNS_MAX; i++)
        pw_pgarray_destroy(&c->col[i]);
    c->n = 0;
    c->rows = 0;
}

void ntf_columns_add(ntf_columns_t *c, const char *const *values)
{
    for (int i = 0; i < c->n && !c->failed; i++)
        if (pw_pgarray_add(c->col[i], values[i]) != 0)
            c->failed = 1;
    c->rows++;
}

int ntf_columns_params(ntf_columns_t *c, const char **params)
{
    for (int i = 0; i < c->n && !c->failed; i++)
        params[i] = pw_pgarray_text(c->col[i]);
    return c->failed ? -1 : 0;
}
