/* What the consumer's modules share (consumer.c: batches and the fast path;
 * consumer_recovery.c: retries, dead letters, replays). Not part of the API. */
#ifndef PATHWAYS_CONSUMER_INTERNAL_H
#define PATHWAYS_CONSUMER_INTERNAL_H

#include <libpq-fe.h>
#include <stdint.h>

#include "pathways/stream.h"
#include "stream_internal.h"

#define ERR_LEN 512

struct pw_consumer {
    pw_consumer_opts_t o;
    char *consumer, *stream;
    zsock_t *sub;
    uint32_t nparts; /* 0 until offsets are loaded */
    int64_t offsets[PW_MAX_PARTITIONS];
    int64_t last_news_ms; /* last time anything arrived or was applied */
    int64_t retry_at_ms;  /* backoff after a failed event; 0 = none */
    int need_catchup;
    uint64_t applied, dead, retried, replayed;
    uint64_t gaps; /* live-path gaps that sent it to the table */
    pw_lease_t lease;
    int64_t next_rebalance_ms;
    int64_t next_replay_ms; /* when to look for requested replays again */
};

/* Flushes what handlers appended, commits, publishes. 0 or -1 (rolled back). */
int consumer_finish_batch(pw_consumer_t *c, pw_db_t *db);
/* Rolls back and forgets what handlers appended. */
void consumer_abort_batch(pw_consumer_t *c, pw_db_t *db);
/* Compare-and-set of partition p's offset to seq. 0, or -1 (moved meanwhile). */
int consumer_advance_offset(pw_consumer_t *c, pw_db_t *db, uint32_t p, int64_t seq);
/* Fills ev from a stream.event row; returns the payload buffer to free. */
uint8_t *consumer_event_from_row(pw_consumer_t *c, const PGresult *r, int i, pw_event_t *ev);

/* Runs the consumer's handler over evs[0..n) in the open transaction:
 * apply_batch once, or apply per event (stopping at the first failure). */
pw_apply_t consumer_apply(pw_consumer_t *c, pw_db_t *db, const pw_event_t *evs, int n, char *err,
                          size_t errlen);

/* Careful mode after a failed batch: one savepoint per event; permanent
 * failures are dead-lettered, transient ones retried with backoff. Returns
 * events handled or -1. */
int consumer_apply_careful(pw_consumer_t *c, pw_db_t *db, const pw_event_t *evs, int n);
/* Applies the dead letters an administrator asked to replay, each exactly
 * once. Returns how many were applied, or -1. */
int consumer_replay_requested(pw_consumer_t *c, pw_db_t *db);

#endif
