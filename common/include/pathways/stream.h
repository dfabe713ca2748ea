/* Durable streams: PostgreSQL is the log, ZeroMQ the fast path (the zguide's
 * Clone pattern).
 *
 * Appending: events are buffered in an appender during a transaction and
 * written by pw_appender_flush() just before commit: it bumps the per-
 * (stream, partition) head row, which serializes concurrent writers, so seq
 * is gap-free and commit-ordered. Only after COMMIT does pw_appender_publish()
 * send them on the PUB socket; a send only means the bytes reached a local
 * queue, so nothing durable ever depends on it.
 *
 * Consuming: a consumer applies a batch of events and advances its offset in
 * the same transaction (exactly-once effects). Envelopes from the SUB socket
 * are applied when contiguous; on a gap, at start-up and on an idle timer it
 * reads the missed range from the table. An event whose handler fails is
 * retried; at the attempt limit (or at once for a permanent rejection) it is
 * moved to stream.dead_letter and the offset moves on, in one transaction. */
#ifndef PATHWAYS_STREAM_H
#define PATHWAYS_STREAM_H

#include <czmq.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

#include "pathways/db.h"
#include "pathways/metrics.h"

/* One stream event as handlers see it; all pointers borrowed for the call. */
typedef struct {
    const char *stream;
    uint32_t partition;
    int64_t seq;
    const char *type;
    const char *key;
    const char *event_id;
    int64_t occurred_at_us;
    const uint8_t *payload;
    size_t payload_len;
} pw_event_t;

typedef enum {
    PW_APPLY_OK = 0,
    PW_APPLY_RETRY = 1,  /* transient: the event is retried later */
    PW_APPLY_REJECT = 2, /* permanent: dead-lettered at once */
} pw_apply_t;

/* Applies ev inside the open transaction on db. Must neither commit nor roll
 * back. On failure, writes the reason into err. */
typedef pw_apply_t (*pw_apply_fn)(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                  size_t errlen);
/* Applies evs[0..n) -- contiguous events of one partition, in seq order --
 * inside the open transaction on db, set-based: a fixed number of
 * statements whatever n. Must neither commit nor roll back. On failure
 * returns RETRY or REJECT with the reason in err; the consumer then rolls
 * the batch back and applies it again one event at a time (n = 1, each
 * under a savepoint) to find the event at fault, so the batch path and the
 * single-event path are one piece of code. */
typedef pw_apply_t (*pw_apply_batch_fn)(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                        char *err, size_t errlen);

/* ---- appending ---- */

typedef struct pw_appender pw_appender_t;

/* Caller owns the result. */
pw_appender_t *pw_appender_new(void);
void pw_appender_destroy(pw_appender_t **p);

/* Buffers one event for stream (its partition chosen from key by hash over
 * the stream's partition count, 1 by default). event_id may be NULL (a UUID
 * is generated). Copies everything. Returns 0 or -1 (out of memory/too big). */
int pw_appender_add(pw_appender_t *a, const char *stream, const char *type, const char *key,
                    const char *event_id, const uint8_t *payload, size_t len)
    __attribute__((warn_unused_result));
/* Same, encoding the protobuf message payload first (bounded by the codec). */
int pw_appender_add_msg(pw_appender_t *a, const char *stream, const char *type, const char *key,
                        const char *event_id, const ProtobufCMessage *payload)
    __attribute__((warn_unused_result));
size_t pw_appender_pending(const pw_appender_t *a);
/* Partition count given to streams that do not exist yet when this
 * appender first writes to them (default 1). A stream's count is fixed at
 * creation: changing it would move keys between partitions. */
void pw_appender_set_partitions(pw_appender_t *a, uint32_t partitions);
/* The largest payload accepted (PATHWAYS_MAX_MESSAGE_BYTES; default
 * PW_MAX_MESSAGE_BYTES); its envelope may be PW_ENVELOPE_SLACK larger. */
void pw_appender_set_max_message(pw_appender_t *a, size_t max);
/* Drops events added after the point where pw_appender_pending returned
 * mark (used when one event of a batch is rolled back to its savepoint). */
void pw_appender_truncate(pw_appender_t *a, size_t mark);

/* Inside the caller's transaction: assigns seqs and writes the buffered
 * events. Returns 0 or -1 (the caller must roll back and call discard). */
int pw_appender_flush(pw_appender_t *a, pw_db_t *db) __attribute__((warn_unused_result));
/* Payload bytes the appender holds (buffered or flushed, not yet published). */
size_t pw_appender_bytes(const pw_appender_t *a);
/* Inside the caller's transaction: writes every buffered event (as flush)
 * and drops them all, so a transaction that appends a great many (a rule
 * change re-determining a whole roster) holds a bounded amount. Spilled
 * events are not published live: consumers read them from the table (the
 * next published seq shows the gap, or the idle catch-up finds them).
 * Returns 0 or -1 (the caller must roll back and call discard). */
int pw_appender_spill(pw_appender_t *a, pw_db_t *db) __attribute__((warn_unused_result));
/* After COMMIT: sends every flushed event on pub (may be NULL) and clears. */
void pw_appender_publish(pw_appender_t *a, zsock_t *pub);
/* After ROLLBACK: forgets everything buffered or flushed. */
void pw_appender_discard(pw_appender_t *a);

/* Sets the partition count used for a stream (default 1). The head rows
 * must exist: pw_stream_ensure creates them. */
int pw_stream_ensure(pw_db_t *db, const char *stream, uint32_t partitions)
    __attribute__((warn_unused_result));

/* ---- consuming ---- */

typedef struct pw_consumer pw_consumer_t;

typedef struct {
    const char *consumer;          /* consumer name, e.g. "enrollment" */
    const char *stream;            /* stream to read */
    const char *endpoint;          /* owner's PUB endpoint(s), comma-separated (NULL: none) */
    int batch_max;                 /* events per transaction */
    int max_attempts;              /* attempts before dead-lettering */
    int idle_catchup_ms;           /* re-read the table after this long without news */
    int lease_ttl_ms;              /* partition lease lifetime (default 3000) */
    int sub_hwm;                   /* SUB high-water mark (default 100000) */
    size_t max_message_bytes;      /* largest payload (0: PW_MAX_MESSAGE_BYTES); envelopes
                                      up to PW_ENVELOPE_SLACK larger are read */
    pw_apply_fn apply;             /* one event at a time, or ... */
    pw_apply_batch_fn apply_batch; /* ... a whole batch (set one of the two) */
    void *ctx;
    /* The service's appender (events handlers append are flushed inside the
     * batch transaction) and PUB socket (they are published after COMMIT).
     * Both may be NULL for a consumer that appends nothing. */
    pw_appender_t *appender;
    zsock_t *pub;
    /* Where batch commit latencies are observed (may be NULL). */
    pw_metrics_t *metrics;
    /* Called with the SUB socket before it connects (CURVE client set-up);
     * returns 0 or -1 (the consumer is not created). May be NULL. */
    int (*prepare)(void *prepare_ctx, zsock_t *sub);
    void *prepare_ctx;
} pw_consumer_opts_t;

/* Creates a consumer and connects its SUB socket. Caller owns it. NULL when
 * neither or both of apply and apply_batch are set, or on failure. */
pw_consumer_t *pw_consumer_new(const pw_consumer_opts_t *opts);
void pw_consumer_destroy(pw_consumer_t **p);
/* The SUB socket to poll (NULL when table-only). */
zsock_t *pw_consumer_socket(pw_consumer_t *c);

/* Drains the SUB socket and applies what arrived (catching up on a gap).
 * Returns the number of events applied, or -1 on a database failure. */
int pw_consumer_on_readable(pw_consumer_t *c, pw_db_t *db);
/* Applies everything in the table past the offsets. Returns the number of
 * events applied or -1. */
int pw_consumer_catch_up(pw_consumer_t *c, pw_db_t *db);
/* Runs the idle catch-up when due (no news for idle_catchup_ms) or a retry
 * backoff has passed. Returns events applied or -1. */
int pw_consumer_tick(pw_consumer_t *c, pw_db_t *db);
/* Forgets cached offsets (after a reconnect or an offset reset). */
void pw_consumer_reset(pw_consumer_t *c);
/* Events applied / dead-lettered since start (for metrics). */
uint64_t pw_consumer_applied(const pw_consumer_t *c);
uint64_t pw_consumer_dead(const pw_consumer_t *c);
/* Events that failed and were retried (redeliveries). */
uint64_t pw_consumer_retried(const pw_consumer_t *c);
/* Dead letters this consumer applied again on an administrator's request. */
uint64_t pw_consumer_replayed(const pw_consumer_t *c);
/* Gaps seen on the live path (events lost on the way, e.g. by a full
 * queue), each closed by reading the stream table. */
uint64_t pw_consumer_gaps(const pw_consumer_t *c);
/* Partitions this instance holds a lease on. */
int pw_consumer_owned(const pw_consumer_t *c);
/* Gives the partition leases back at once (clean shutdown), so another
 * instance takes over without waiting for them to expire. */
void pw_consumer_release(pw_consumer_t *c, pw_db_t *db);
const char *pw_consumer_stream(const pw_consumer_t *c);

#endif
