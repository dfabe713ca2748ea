/* A partner feed loaded for publishing: every readable line converted to an
 * event (an EmployeeEvent, or a provider's ProgressEvent) and kept encoded
 * (compact), with the outcome each event gets from the server. Unreadable
 * lines are kept as (line, reason). */
#ifndef PATHWAYS_PUBLISH_FEED_H
#define PATHWAYS_PUBLISH_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pathways/codec.h"

typedef enum {
    FEED_PENDING = 0, /* not acknowledged (yet) */
    FEED_ACCEPTED,
    FEED_DUPLICATE,
    FEED_REJECTED,
} feed_result_t;

typedef struct {
    char *id;       /* the partner's event id */
    uint8_t *bytes; /* the encoded event (field 2 of the batch) */
    size_t len;
    uint64_t shard_key; /* hash of (source, subject): one person, one connection */
    long line;
    feed_result_t result;
    char *reason; /* "code: text" for a rejection, else NULL */
} feed_event_t;

typedef struct {
    long line;
    char *reason;
} feed_unreadable_t;

typedef struct {
    feed_event_t *events;
    size_t count;
    feed_unreadable_t *unreadable;
    size_t unreadable_count;
    size_t cap, unreadable_cap;
} feed_t;

/* Reads a JSON-lines feed from f (blank lines are skipped). Returns the
 * feed (caller owns it) or NULL on a read or memory error, with the reason
 * in err. Unreadable lines are not an error: they are listed in the feed. */
feed_t *feed_load(FILE *f, char *err, size_t errlen);
void feed_destroy(feed_t **p);

/* Creates an empty feed (caller owns it; NULL on out-of-memory). */
feed_t *feed_new(void);
/* Adds ev (copied, encoded) as read from line. An event too large to send
 * is listed as unreadable. Returns 0 or -1 on out-of-memory. */
int feed_add_event(feed_t *feed, const Pathways__V1__EmployeeEvent *ev, long line)
    __attribute__((warn_unused_result));
/* Same for any event message: id names it in acknowledgements, (source,
 * subject) picks its connection. */
int feed_add_message(feed_t *feed, const ProtobufCMessage *msg, const char *id, const char *source,
                     const char *subject, long line) __attribute__((warn_unused_result));
/* Lists line as unreadable with reason. Returns 0 or -1 on out-of-memory. */
int feed_add_unreadable(feed_t *feed, long line, const char *reason)
    __attribute__((warn_unused_result));

/* Records the server's verdict for an event (reason may be NULL). */
void feed_set_result(feed_event_t *ev, feed_result_t result, const char *reason_code,
                     const char *reason);

#endif
