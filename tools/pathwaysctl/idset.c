/* See idset.h. */
#include "idset.h"

#include <stdio.h>
#include <stdlib.h>

void id_set_free(id_set_t *s)
{
    free(s->v);
    free(s->text.data);
    *s = (id_set_t){0};
}

int id_set_add(id_set_t *s, int64_t id)
{
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 64;
        int64_t *v = realloc(s->v, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    char num[24];
    int len = snprintf(num, sizeof num, "%s%lld", s->n ? "," : "{", (long long)id);
    if (pw_buf_add(&s->text, num, (size_t)len) != 0)
        return -1;
    s->v[s->n++] = id;
    return 0;
}

int id_set_close(id_set_t *s)
{
    return s->n ? pw_buf_add(&s->text, "}", 1) : 0;
}

const char *id_set_literal(const id_set_t *s)
{
    return s->n ? s->text.data : NULL;
}

int id_set_has(const id_set_t *s, int64_t id)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == id)
            return 1;
    return 0;
}
