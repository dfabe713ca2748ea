/* Pieces shared by the appender and the consumer; not part of the API. */
#ifndef PATHWAYS_STREAM_INTERNAL_H
#define PATHWAYS_STREAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/db.h"

/* A growable byte buffer; zero-initialize, free(data) when done. */
typedef struct {
    char *data;
    size_t len, cap;
} pw_buf_t;

/* Appends n bytes; returns 0 or -1 (out of memory). */
int pw_buf_add(pw_buf_t *b, const void *p, size_t n);

/* Writes a new random UUID v4 (36 chars + NUL). */
void pw_stream_new_id(char out[37]);
/* The partition of key among partitions (FNV-1a hash). */
uint32_t pw_stream_partition_of(const char *key, uint32_t partitions);
/* Reads the partition count of stream, creating one partition if the stream
 * is new. Returns 0 or -1. */
int pw_stream_partitions(pw_db_t *db, const char *stream, uint32_t *out);

#endif
