/* PostgreSQL array literals for set-based statements (see pgarray.h): a
 * heap handle over pw_buf's array-literal builder, which does the escaping. */
#include "pathways/pgarray.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "pathways/buf.h"

struct pw_pgarray {
    pw_buf_t b;
};

pw_pgarray_t *pw_pgarray_new(void)
{
    return calloc(1, sizeof(pw_pgarray_t));
}

void pw_pgarray_destroy(pw_pgarray_t **p)
{
    if (!p || !*p)
        return;
    pw_buf_release(&(*p)->b);
    free(*p);
    *p = NULL;
}

int pw_pgarray_add(pw_pgarray_t *a, const char *text)
{
    pw_buf_arr_add(&a->b, text);
    return pw_buf_ok(&a->b) ? 0 : -1;
}

int pw_pgarray_add_i64(pw_pgarray_t *a, int64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRId64, v);
    return pw_pgarray_add(a, num);
}

const char *pw_pgarray_text(pw_pgarray_t *a)
{
    const char *s = pw_buf_array(&a->b);
    return pw_buf_ok(&a->b) ? s : NULL;
}
