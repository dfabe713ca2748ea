/* PostgreSQL array literals for set-based statements (see pgarray.h). The
 * buffer holds the literal without its closing brace while elements are
 * added; pw_pgarray_text adds the brace and the next add takes it off. */
#include "pathways/pgarray.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/buf.h"

struct pw_pgarray {
    pw_buf_t b; /* "{" then the elements, comma-separated; no "}" */
    size_t n;
    int closed; /* the buffer ends with the closing "}" */
    int failed;
};

pw_pgarray_t *pw_pgarray_new(void)
{
    pw_pgarray_t *a = calloc(1, sizeof *a);
    if (a && pw_buf_add(&a->b, "{", 1) != 0) {
        free(a);
        return NULL;
    }
    return a;
}

void pw_pgarray_destroy(pw_pgarray_t **p)
{
    if (!p || !*p)
        return;
    free((*p)->b.data);
    free(*p);
    *p = NULL;
}

static int put(pw_pgarray_t *a, const char *s, size_t len)
{
    if (!a->failed && pw_buf_add(&a->b, s, len) != 0)
        a->failed = 1;
    return a->failed ? -1 : 0;
}

int pw_pgarray_add(pw_pgarray_t *a, const char *text)
{
    if (a->failed)
        return -1;
    if (a->closed) {
        a->b.data[--a->b.len] = '\0';
        a->closed = 0;
    }
    if (a->n++ > 0)
        put(a, ",", 1);
    if (!text)
        return put(a, "NULL", 4);
    put(a, "\"", 1);
    for (const char *p = text; *p;) {
        size_t run = strcspn(p, "\"\\");
        put(a, p, run);
        p += run;
        if (*p) {
            const char esc[2] = {'\\', *p++};
            put(a, esc, 2);
        }
    }
    return put(a, "\"", 1);
}

int pw_pgarray_add_i64(pw_pgarray_t *a, int64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRId64, v);
    return pw_pgarray_add(a, num);
}

const char *pw_pgarray_text(pw_pgarray_t *a)
{
    if (a->failed)
        return NULL;
    if (!a->closed && put(a, "}", 1) != 0)
        return NULL;
    a->closed = 1;
    return a->b.data;
}
