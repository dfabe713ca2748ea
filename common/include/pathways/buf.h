/* A growable byte buffer, always NUL-terminated: COPY data, HTTP bodies,
 * rendered templates. Zero-initialize it; free(b.data) when done. */
#ifndef PATHWAYS_BUF_H
#define PATHWAYS_BUF_H

#include <stddef.h>

typedef struct {
    char *data;
    size_t len, cap;
} pw_buf_t;

/* Appends n bytes; returns 0 or -1 (out of memory; the buffer is unchanged). */
int pw_buf_add(pw_buf_t *b, const void *p, size_t n) __attribute__((warn_unused_result));

#endif
