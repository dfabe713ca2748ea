/* Growable text with PostgreSQL array-literal and JSON escaping. */
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"

void elig_buf_init(elig_buf_t *b)
{
    memset(b, 0, sizeof *b);
}

void elig_buf_release(elig_buf_t *b)
{
    free(b->data);
    elig_buf_init(b);
}

void elig_buf_clear(elig_buf_t *b)
{
    b->len = 0;
    b->items = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

int elig_buf_ok(const elig_buf_t *b)
{
    return !b->failed;
}

const char *elig_buf_str(const elig_buf_t *b)
{
    return (b->data && !b->failed) ? b->data : "";
}

static int reserve(elig_buf_t *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void elig_buf_append(elig_buf_t *b, const char *s, size_t len)
{
    if (reserve(b, len) != 0)
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void elig_buf_puts(elig_buf_t *b, const char *s)
{
    elig_buf_append(b, s, strlen(s));
}

void elig_buf_printf(elig_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void elig_buf_json_str(elig_buf_t *b, const char *s)
{
    const char *p = s ? s : "", *run = p;
    elig_buf_puts(b, "\"");
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        elig_buf_append(b, run, (size_t)(p - run));
        if (c < 0x20)
            elig_buf_printf(b, "\\u%04x", c);
        else
            elig_buf_append(b, c == '"' ? "\\\"" : "\\\\", 2);
        run = p + 1;
    }
    elig_buf_append(b, run, (size_t)(p - run));
    elig_buf_puts(b, "\"");
}

void elig_buf_json_kv(elig_buf_t *b, int first, const char *key, const char *value)
{
    if (!first)
        elig_buf_puts(b, ",");
    elig_buf_json_str(b, key);
    elig_buf_puts(b, ":");
    elig_buf_json_str(b, value);
}

static void arr_sep(elig_buf_t *b)
{
    elig_buf_puts(b, b->items++ ? "," : "{");
}

void elig_buf_arr_add(elig_buf_t *b, const char *s)
{
    arr_sep(b);
    if (!s) {
        elig_buf_puts(b, "NULL");
        return;
    }
    const char *p = s, *run = s;
    elig_buf_puts(b, "\"");
    for (; *p; p++) {
        if (*p != '"' && *p != '\\')
            continue;
        elig_buf_append(b, run, (size_t)(p - run));
        elig_buf_append(b, "\\", 1);
        run = p; /* the special itself is copied with the next run */
    }
    elig_buf_append(b, run, (size_t)(p - run));
    elig_buf_puts(b, "\"");
}

void elig_buf_arr_add_i64(elig_buf_t *b, int64_t v)
{
    arr_sep(b);
    elig_buf_printf(b, "%lld", (long long)v);
}

void elig_buf_arr_add_date(elig_buf_t *b, int32_t days)
{
    char d[PW_DATE_LEN];
    if (days == INT32_MIN) {
        elig_buf_arr_add(b, NULL);
        return;
    }
    pw_date_format(days, d);
    elig_buf_arr_add(b, d);
}

const char *elig_buf_array(elig_buf_t *b)
{
    if (b->items == 0)
        elig_buf_puts(b, "{");
    elig_buf_puts(b, "}");
    return elig_buf_str(b);
}

int elig_buf_arrays(elig_buf_t *cols, int n, const char **params)
{
    int ok = 1;
    for (int c = 0; c < n; c++) {
        params[c] = elig_buf_array(&cols[c]);
        ok &= elig_buf_ok(&cols[c]);
    }
    return ok ? 0 : -1;
}

void elig_buf_init_all(elig_buf_t *cols, int n)
{
    for (int c = 0; c < n; c++)
        elig_buf_init(&cols[c]);
}

void elig_buf_release_all(elig_buf_t *cols, int n)
{
    for (int c = 0; c < n; c++)
        elig_buf_release(&cols[c]);
}
