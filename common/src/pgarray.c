/* PostgreSQL array literals (pgarray.h). The buffer always holds a closed
 * literal: an add drops the closing brace, appends and closes again. */
#include "pathways/pgarray.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/buf.h"

struct pw_pgarray {
    pw_buf_t buf;
    size_t items;
    int failed;
};

pw_pgarray_t *pw_pgarray_new(void)
{
    pw_pgarray_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    pw_pgarray_reset(a);
    if (a->failed) {
        pw_pgarray_destroy(&a);
        return NULL;
    }
    return a;
}

void pw_pgarray_destroy(pw_pgarray_t **p)
{
    if (!p || !*p)
        return;
    free((*p)->buf.data);
    free(*p);
    *p = NULL;
}

void pw_pgarray_reset(pw_pgarray_t *a)
{
    a->buf.len = 0;
    a->items = 0;
    a->failed = pw_buf_add(&a->buf, "{}", 2) != 0;
}

const char *pw_pgarray_text(pw_pgarray_t *a)
{
    return a->failed ? NULL : a->buf.data;
}

/* Reopens the literal for one more element (drops "}", adds a comma). */
static int open_element(pw_pgarray_t *a)
{
    if (a->failed)
        return -1;
    a->buf.len--;
    if (a->items > 0 && pw_buf_add(&a->buf, ",", 1) != 0)
        return -1;
    return 0;
}

static int close_element(pw_pgarray_t *a, int rc)
{
    if (rc != 0 || pw_buf_add(&a->buf, "}", 1) != 0) {
        a->failed = 1;
        return -1;
    }
    a->items++;
    return 0;
}

/* Appends s between double quotes, escaping '"' and '\' (the only bytes
 * with a meaning inside a quoted element). */
static int add_quoted(pw_buf_t *b, const char *s)
{
    if (pw_buf_add(b, "\"", 1) != 0)
        return -1;
    for (;;) {
        size_t run = strcspn(s, "\"\\");
        if (pw_buf_add(b, s, run) != 0)
            return -1;
        s += run;
        if (!*s)
            break;
        if (pw_buf_add(b, "\\", 1) != 0 || pw_buf_add(b, s, 1) != 0)
            return -1;
        s++;
    }
    return pw_buf_add(b, "\"", 1);
}

int pw_pgarray_add(pw_pgarray_t *a, const char *text_or_NULL)
{
    if (open_element(a) != 0)
        return close_element(a, -1);
    int rc = text_or_NULL ? add_quoted(&a->buf, text_or_NULL) : pw_buf_add(&a->buf, "NULL", 4);
    return close_element(a, rc);
}

int pw_pgarray_add_i64(pw_pgarray_t *a, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%" PRId64, v);
    if (open_element(a) != 0)
        return close_element(a, -1);
    return close_element(a, pw_buf_add(&a->buf, num, (size_t)n));
}
