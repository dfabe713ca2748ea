/* A growable text buffer, always NUL-terminated: COPY data, HTTP bodies,
 * rendered templates, JSON documents and PostgreSQL array literals built
 * for set-based statements.
 *
 * A zeroed pw_buf_t is an empty buffer (pw_buf_init does the same);
 * pw_buf_release (or free(b.data)) frees it. Out-of-memory is sticky: after
 * a failed append every later append does nothing, pw_buf_ok returns 0 and
 * pw_buf_str returns "", so a caller that builds a whole text checks once at
 * the end. pw_buf_add reports each append's result for callers that check
 * as they go. */
#ifndef PATHWAYS_BUF_H
#define PATHWAYS_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data;
    size_t len, cap;
    size_t items; /* array-literal elements so far */
    int closed;   /* the text ends with the array literal's closing brace */
    int failed;   /* an append ran out of memory */
} pw_buf_t;

void pw_buf_init(pw_buf_t *b);
/* Frees the storage; the buffer is empty and usable again. */
void pw_buf_release(pw_buf_t *b);
/* Empties the buffer and forgets a failure, keeping the storage. */
void pw_buf_clear(pw_buf_t *b);
/* 1 while no append has failed, else 0. */
int pw_buf_ok(const pw_buf_t *b);
/* The text so far, NUL-terminated (borrowed, valid until the next append or
 * release); "" when empty or after a failure. */
const char *pw_buf_str(const pw_buf_t *b);

/* Appends n bytes (embedded NULs included). Returns 0, or -1 when out of
 * memory now or before (the buffer keeps what it had). */
int pw_buf_add(pw_buf_t *b, const void *p, size_t n) __attribute__((warn_unused_result));
/* The same appends with a sticky failure (check pw_buf_ok at the end). */
void pw_buf_append(pw_buf_t *b, const char *s, size_t len);
void pw_buf_puts(pw_buf_t *b, const char *s);
void pw_buf_printf(pw_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON: appends s as a quoted JSON string escaped by pw_json_escape_char
 * (json.h): always valid JSON and valid UTF-8. NULL s is "". The n form
 * takes len bytes, embedded NULs included (written as \u0000). */
void pw_buf_json_str(pw_buf_t *b, const char *s);
void pw_buf_json_strn(pw_buf_t *b, const char *s, size_t len);
/* The same escaping without the quotes (text inside a JSON template). */
void pw_buf_json_escaped(pw_buf_t *b, const char *s, size_t len);
/* JSON: appends "key":"value", with a leading comma unless first is
 * non-zero. */
void pw_buf_json_kv(pw_buf_t *b, int first, const char *key, const char *value);

/* PostgreSQL array literals ({"a",NULL,"b \"c\""}), to pass a whole column
 * of a batch as one text[] parameter. Start from an empty (or cleared)
 * buffer and add elements; pw_buf_array closes the literal and returns it
 * (borrowed; "{}" when empty). Adding after pw_buf_array goes on with the
 * same array. Every text element is double-quoted with '"' and '\'
 * escaped, so any text -- empty, "NULL", braces, commas -- arrives as
 * itself; only a NULL pointer becomes SQL NULL. */
void pw_buf_arr_add(pw_buf_t *b, const char *s);
void pw_buf_arr_add_i64(pw_buf_t *b, int64_t v);
/* Adds a date (days since the epoch, as YYYY-MM-DD), or NULL for INT32_MIN. */
void pw_buf_arr_add_date(pw_buf_t *b, int32_t days);
const char *pw_buf_array(pw_buf_t *b);
/* The columns of one statement: inits, or releases, n buffers. */
void pw_buf_init_all(pw_buf_t *cols, int n);
void pw_buf_release_all(pw_buf_t *cols, int n);
/* Closes n column buffers into params[0..n-1] (borrowed). Returns 0, or
 * -1 when any ran out of memory. */
int pw_buf_arrays(pw_buf_t *cols, int n, const char **params) __attribute__((warn_unused_result));

#endif
