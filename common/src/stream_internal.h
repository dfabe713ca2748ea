/* Pieces shared by the appender and the consumer; not part of the API. */
#ifndef PATHWAYS_STREAM_INTERNAL_H
#define PATHWAYS_STREAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/buf.h"
#include "pathways/db.h"

/* Writes a new random UUID v4 (36 chars + NUL). */
void pw_stream_new_id(char out[37]);
/* The partition of key among partitions (FNV-1a hash). */
uint32_t pw_stream_partition_of(const char *key, uint32_t partitions);
/* Reads the partition count of stream into *out. When the stream does not
 * exist yet it is created with create_with partitions, or, when create_with
 * is 0, *out is 0. Returns 0 or -1. */
int pw_stream_partitions(pw_db_t *db, const char *stream, uint32_t create_with, uint32_t *out);

#define PW_MAX_PARTITIONS 64

/* One consumer instance's leases on one stream. */
typedef struct {
    char instance[96];                /* host-pid-random, unique per process */
    int ttl_ms;                       /* lease lifetime; renewed every ttl/3 */
    uint8_t owned[PW_MAX_PARTITIONS]; /* partitions held now */
} pw_lease_t;

void pw_lease_init(pw_lease_t *l, int ttl_ms);
/* Heartbeats, renews, gives back what is over the fair share and takes
 * free or expired partitions up to it. *changed tells whether the owned
 * set moved (offsets must then be reloaded). Returns 0 or -1. */
int pw_lease_rebalance(pw_db_t *db, const char *consumer, const char *stream, uint32_t nparts,
                       pw_lease_t *l, int *changed);
/* Gives every partition back at once (clean shutdown). */
int pw_lease_release_all(pw_db_t *db, const char *consumer, const char *stream, pw_lease_t *l);

#endif
