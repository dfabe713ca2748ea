/* A growable text buffer with the two escapers the eligibility service needs
 * to pass a whole batch to PostgreSQL in one statement: array literals
 * ('{"a","b",NULL}', bound as one text[] parameter and unnested) and JSON
 * strings (criteria and frozen facts, cast to jsonb by the server).
 *
 * Out-of-memory is sticky: appends after a failure do nothing and
 * elig_buf_ok() returns 0, so a caller checks once at the end. */
#ifndef ELIG_TEXTBUF_H
#define ELIG_TEXTBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data;
    size_t len;
    size_t cap;
    size_t items; /* array elements so far */
    int failed;
} elig_buf_t;

void elig_buf_init(elig_buf_t *b);
/* Frees the storage; the buffer may be initialized again. */
void elig_buf_release(elig_buf_t *b);
/* Empties the buffer, keeping its storage. */
void elig_buf_clear(elig_buf_t *b);
int elig_buf_ok(const elig_buf_t *b);
/* The text so far, NUL-terminated (borrowed). "" after a failure. */
const char *elig_buf_str(const elig_buf_t *b);

void elig_buf_append(elig_buf_t *b, const char *s, size_t len);
void elig_buf_puts(elig_buf_t *b, const char *s);
void elig_buf_printf(elig_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON: appends s as a quoted, escaped JSON string. */
void elig_buf_json_str(elig_buf_t *b, const char *s);
/* JSON: appends "key": and the string value (with a leading comma unless
 * first is non-zero). */
void elig_buf_json_kv(elig_buf_t *b, int first, const char *key, const char *value);

/* Array literals: call elig_buf_clear, then add elements; elig_buf_array
 * returns the closed literal ('{...}'), borrowed. NULL s adds SQL NULL. */
void elig_buf_arr_add(elig_buf_t *b, const char *s);
void elig_buf_arr_add_i64(elig_buf_t *b, int64_t v);
/* Adds a date (days since the epoch) or NULL for INT32_MIN. */
void elig_buf_arr_add_date(elig_buf_t *b, int32_t days);
const char *elig_buf_array(elig_buf_t *b);
/* Inits, or releases, n buffers (the columns of one statement). */
void elig_buf_init_all(elig_buf_t *cols, int n);
void elig_buf_release_all(elig_buf_t *cols, int n);
/* Closes n column buffers into params[0..n-1] (borrowed). Returns 0, or
 * -1 when any ran out of memory. */
int elig_buf_arrays(elig_buf_t *cols, int n, const char **params)
    __attribute__((warn_unused_result));

#endif
