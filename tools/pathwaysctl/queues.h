/* The stream plumbing's state as administrators see it, read from the
 * `stream` schema: heads per (stream, partition), and per consumer its
 * offset, lag, the age of its oldest unprocessed event and its dead
 * letters. Which consumers must reach each stream's head is the topology's
 * (pathways/topology.h). */
#ifndef PATHWAYS_CTL_QUEUES_H
#define PATHWAYS_CTL_QUEUES_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/db.h"
#include "pathways/queue_health.h"
#include "pathways/topology.h"

#define CTL_NAME_MAX 64

typedef struct {
    char stream[CTL_NAME_MAX];
    int partition;
    int64_t head;
} ctl_head_t;

/* One consumer on one stream partition (the common queue-health row; a
 * "missing" row is a consumer the topology lists that has no offset yet). */
typedef pw_queue_row_t ctl_offset_t;

typedef struct {
    ctl_head_t *heads;
    size_t nheads;
    ctl_offset_t *offsets;
    size_t noffsets;
} ctl_queues_t;

/* Reads heads and offsets (with the missing rows). Returns 0, or -1 with the reason in err (q is
 * left empty). Release with ctl_queues_clear. */
int ctl_queues_load(pw_db_t *db, ctl_queues_t *q, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void ctl_queues_clear(ctl_queues_t *q);

/* The offset row of (consumer, stream, partition), or NULL. */
const ctl_offset_t *ctl_queues_find(const ctl_queues_t *q, const char *consumer, const char *stream,
                                    int partition);

/* Checks that the operations schema (dead-letter replay requests, the
 * admin audit table: common migration 002) is there. Returns 0, or -1 with
 * a sentence for the administrator in err. */
int ctl_ops_schema_check(pw_db_t *db, char *err, size_t errlen) __attribute__((warn_unused_result));

/* Who is acting, for the audit: $PATHWAYS_ACTOR, else $USER, else "unknown". */
const char *ctl_actor(void);

#endif
