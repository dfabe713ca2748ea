/* Queue health: the one reading of the stream tables and the one set of
 * rules that turn it into a status, shared by the services' /metrics, the
 * reporting dashboard and `pathwaysctl status|wait-idle|queues`.
 *
 * The vocabulary (README "Queue health"), per consumer, stream and
 * partition, judged over a window as Burrow does for Kafka:
 *   ok       caught up (lag 0), or the offset moved during the window
 *   stalled  behind, the offset did not move, but the consumer is alive:
 *            it is retrying the event after its offset (a dead letter at
 *            the attempt limit), or an instance holds a live lease on the
 *            partition
 *   stopped  behind, the offset did not move and nothing shows it running:
 *            no live lease, no retries in the window, or a consumer the
 *            topology lists that has no offset yet
 * A one-shot reader (metrics, dashboard) judges a snapshot against the
 * time the offset last moved (PW_QUEUE_WINDOW_SECONDS); pathwaysctl
 * samples for a few seconds and judges the samples. */
#ifndef PATHWAYS_QUEUE_HEALTH_H
#define PATHWAYS_QUEUE_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/db.h"

#define PW_QUEUE_NAME_MAX   64
#define PW_QUEUE_ERROR_MAX  200
#define PW_QUEUE_DETAIL_MAX (PW_QUEUE_ERROR_MAX + 96)
/* A snapshot reader's window: an offset still for longer is not moving. */
#define PW_QUEUE_WINDOW_SECONDS 60

typedef enum { PW_QUEUE_OK = 0, PW_QUEUE_STALLED, PW_QUEUE_STOPPED } pw_queue_status_t;

/* One consumer on one stream partition as the tables show it now. */
typedef struct {
    char consumer[PW_QUEUE_NAME_MAX];
    char stream[PW_QUEUE_NAME_MAX];
    int partition;
    int64_t offset;
    int64_t head;
    double age_seconds;   /* since seq offset+1 was appended; 0 when caught up */
    double idle_seconds;  /* since the offset last moved */
    int64_t dead_letters; /* not yet replayed */
    /* Failed attempts recorded on seq offset+1 (0: none), how long ago the
     * last one was, and its error: a consumer retrying is alive but stuck. */
    int retry_attempts;
    double retry_age_seconds;
    char last_error[PW_QUEUE_ERROR_MAX];
    /* The instance holding an unexpired lease on the partition ("" when
     * none): a running consumer heartbeats its lease every TTL/3. */
    char owner[PW_QUEUE_NAME_MAX];
    /* A consumer the topology lists for a non-empty stream partition that
     * has no offset row yet (offset 0): it never ran. */
    int missing;
} pw_queue_row_t;

/* Reads every offset row (consumer NULL) or one consumer's, ordered by
 * consumer, stream, partition; with with_missing, followed by a "missing"
 * row for each consumer the topology lists on a non-empty stream partition
 * that has no offset row. On success *rows is malloc'd (caller frees;
 * non-NULL even when *n is 0) and 0 is returned; -1 on a database error or
 * out of memory. */
int pw_queue_rows_load(pw_db_t *db, const char *consumer, int with_missing, pw_queue_row_t **rows,
                       size_t *n) __attribute__((warn_unused_result));

/* What is known of one series over a window: the figures of its latest
 * look and what changed since the first look in the window. */
typedef struct {
    int64_t lag;         /* head - offset at the latest look */
    int64_t offset;      /* the offset at the latest look */
    int64_t moved;       /* how far the offset advanced in the window */
    double span_seconds; /* the window's span: moved (or not) in how long */
    int missing;         /* listed in the topology, no offset row yet */
    int retry_attempts;  /* attempts on seq offset+1 at the latest look */
    int retried;         /* an attempt was made within the window */
    const char *owner;   /* live lease holder; NULL or "" for none */
    const char *last_error;
} pw_queue_obs_t;

typedef struct {
    pw_queue_status_t status;
    char detail[PW_QUEUE_DETAIL_MAX]; /* one line for people: why */
} pw_queue_verdict_t;

/* The rules above. */
pw_queue_verdict_t pw_queue_judge(const pw_queue_obs_t *o);
/* A snapshot row judged against window_seconds since its offset moved. */
pw_queue_verdict_t pw_queue_judge_row(const pw_queue_row_t *r, double window_seconds);

/* "ok", "stalled", "stopped"; pw_queue_status_parse returns 0 or -1. */
const char *pw_queue_status_name(pw_queue_status_t s);
int pw_queue_status_parse(const char *name, pw_queue_status_t *out);

#endif
