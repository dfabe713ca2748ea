/* The growable text buffer (buf.h): appends, JSON strings, PostgreSQL
 * array literals. */
#include "pathways/buf.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"
#include "pathways/json.h"

#define BUF_FIRST_CAP 256

void pw_buf_init(pw_buf_t *b)
{
    memset(b, 0, sizeof *b);
}

void pw_buf_release(pw_buf_t *b)
{
    free(b->data);
    pw_buf_init(b);
}

void pw_buf_clear(pw_buf_t *b)
{
    b->len = 0;
    b->items = 0;
    b->closed = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

int pw_buf_ok(const pw_buf_t *b)
{
    return !b->failed;
}

const char *pw_buf_str(const pw_buf_t *b)
{
    return (b->data && !b->failed) ? b->data : "";
}

/* Makes room for extra more bytes and the NUL. 0, or -1 (failed, sticky). */
static int reserve(pw_buf_t *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra < b->cap && b->len + extra < b->cap)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len - 1) {
        b->failed = 1;
        return -1;
    }
    size_t need = b->len + extra + 1, cap = b->cap ? b->cap : BUF_FIRST_CAP;
    while (cap < need)
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

int pw_buf_add(pw_buf_t *b, const void *p, size_t n)
{
    if (reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void pw_buf_append(pw_buf_t *b, const char *s, size_t len)
{
    if (pw_buf_add(b, s, len) != 0)
        return; /* sticky: pw_buf_ok reports it */
}

void pw_buf_puts(pw_buf_t *b, const char *s)
{
    pw_buf_append(b, s, strlen(s));
}

void pw_buf_printf(pw_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void pw_buf_json_escaped(pw_buf_t *b, const char *s, size_t len)
{
    const char *p = s ? s : "", *end = p + (s ? len : 0), *run = p;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            p++; /* plain ASCII goes out with its run */
            continue;
        }
        char esc[PW_JSON_ESC_MAX];
        size_t used, n = pw_json_escape_char(p, (size_t)(end - p), esc, &used);
        pw_buf_append(b, run, (size_t)(p - run));
        pw_buf_append(b, esc, n);
        p += used;
        run = p;
    }
    pw_buf_append(b, run, (size_t)(p - run));
}

void pw_buf_json_strn(pw_buf_t *b, const char *s, size_t len)
{
    pw_buf_append(b, "\"", 1);
    pw_buf_json_escaped(b, s, len);
    pw_buf_append(b, "\"", 1);
}

void pw_buf_json_str(pw_buf_t *b, const char *s)
{
    pw_buf_json_strn(b, s, s ? strlen(s) : 0);
}

void pw_buf_json_kv(pw_buf_t *b, int first, const char *key, const char *value)
{
    if (!first)
        pw_buf_append(b, ",", 1);
    pw_buf_json_str(b, key);
    pw_buf_append(b, ":", 1);
    pw_buf_json_str(b, value);
}

/* Opens the literal or separates the next element; takes off the closing
 * brace pw_buf_array left. */
static void arr_sep(pw_buf_t *b)
{
    if (b->closed && !b->failed) {
        b->len -= b->items ? 1 : 2; /* "}" or the whole "{}" */
        b->data[b->len] = '\0';
        b->closed = 0;
    }
    pw_buf_append(b, b->items++ ? "," : "{", 1);
}

void pw_buf_arr_add(pw_buf_t *b, const char *s)
{
    arr_sep(b);
    if (!s) {
        pw_buf_append(b, "NULL", 4);
        return;
    }
    pw_buf_append(b, "\"", 1);
    for (const char *p = s; *p;) {
        size_t run = strcspn(p, "\"\\");
        pw_buf_append(b, p, run);
        p += run;
        if (*p) {
            const char esc[2] = {'\\', *p++};
            pw_buf_append(b, esc, 2);
        }
    }
    pw_buf_append(b, "\"", 1);
}

void pw_buf_arr_add_i64(pw_buf_t *b, int64_t v)
{
    arr_sep(b);
    pw_buf_printf(b, "%" PRId64, v);
}

void pw_buf_arr_add_date(pw_buf_t *b, int32_t days)
{
    if (days == INT32_MIN) {
        pw_buf_arr_add(b, NULL);
        return;
    }
    char d[PW_DATE_LEN];
    pw_date_format(days, d);
    pw_buf_arr_add(b, d);
}

const char *pw_buf_array(pw_buf_t *b)
{
    if (!b->closed) {
        pw_buf_append(b, b->items ? "}" : "{}", b->items ? 1 : 2);
        b->closed = !b->failed;
    }
    return pw_buf_str(b);
}

void pw_buf_init_all(pw_buf_t *cols, int n)
{
    for (int c = 0; c < n; c++)
        pw_buf_init(&cols[c]);
}

void pw_buf_release_all(pw_buf_t *cols, int n)
{
    for (int c = 0; c < n; c++)
        pw_buf_release(&cols[c]);
}

int pw_buf_arrays(pw_buf_t *cols, int n, const char **params)
{
    int ok = 1;
    for (int c = 0; c < n; c++) {
        params[c] = pw_buf_array(&cols[c]);
        ok &= pw_buf_ok(&cols[c]);
    }
    return ok ? 0 : -1;
}
