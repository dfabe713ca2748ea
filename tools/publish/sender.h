/* Publishes a loaded feed to a partner endpoint as batches (PublishBatch to
 * eligibility; a provider's ProgressBatch to enrollment: both are
 * [batch_id = 1][repeated event = 2], answered by PublishAck) and records
 * each event's acknowledgement in the feed.
 *
 * Events are sharded by a hash of (source, subject) over N connections, so
 * one employee's events always travel through the same DEALER, in file
 * order, next to each other and in one batch when they fit in one (a
 * history published at once is dated as if published day by day only
 * within a batch). Each connection (one thread) keeps up to `window` batches
 * outstanding. An event without a definite answer (no reply within the
 * timeout, an error_code on the whole batch, or no ack of its own) is sent
 * again with the same event id after a backoff, at most `retries` times;
 * the server's (employer, event id) uniqueness turns a resend of something
 * that did commit into a "duplicate". A timeout abandons the socket and
 * resends every outstanding batch in order on a fresh one (Lazy Pirate).
 *
 * Ordering: with window 1 (the default) an employee's events reach the
 * server in file order even across retries. With a larger window a batch
 * that needs a retry is resent after later batches were already applied;
 * the server's effective dating must then sort it out. */
#ifndef PATHWAYS_PUBLISH_SENDER_H
#define PATHWAYS_PUBLISH_SENDER_H

#include <stddef.h>

#include "feed.h"

typedef struct {
    const char *endpoint;
    int batch;              /* events per batch (1..PW_MAX_BATCH_EVENTS) */
    int window;             /* outstanding batches per connection (>= 1) */
    int connections;        /* DEALER sockets, one thread each (>= 1) */
    int timeout_ms;         /* wait for an acknowledgement before resending */
    int retries;            /* resends of an unacknowledged event */
    int verbose;            /* report timeouts and batch errors on stderr */
    const char *batch_type; /* the type frame: "pathways.v1.PublishBatch" (default) */
    const char *tool;       /* names the program in messages ("pathways-publish") */
} sender_opts_t;

/* The defaults: batches of 500, window 1, one connection, 10 s timeout,
 * 20 retries, verbose, PublishBatch, pathways-publish; endpoint NULL. */
void sender_opts_init(sender_opts_t *o);

/* When endpoint (len bytes) is empty, fills it with eligibility's command
 * endpoint from the environment (PATHWAYS_PORT_BASE...). Returns 0, or -1
 * with the reason in err. */
int sender_default_endpoint(char *endpoint, size_t len, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* Same with service's command endpoint (PW_SVC_ENROLLMENT for providers). */
int sender_service_endpoint(int service, char *endpoint, size_t len, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Sends every event of feed and stores the results in it (events never
 * acknowledged stay FEED_PENDING). Returns 0, or -1 with the reason in err
 * when a connection could not even be set up. */
int sender_run(feed_t *feed, const sender_opts_t *opts, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
