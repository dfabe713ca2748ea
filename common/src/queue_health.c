/* Queue health: the snapshot of the stream tables and the status rules
 * (queue_health.h). */
#include "pathways/queue_health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/topology.h"

static const char *const STATUS_NAMES[] = {"ok", "stalled", "stopped"};

const char *pw_queue_status_name(pw_queue_status_t s)
{
    return (unsigned)s <= PW_QUEUE_STOPPED ? STATUS_NAMES[s] : "unknown";
}

int pw_queue_status_parse(const char *name, pw_queue_status_t *out)
{
    for (int i = 0; name && i <= PW_QUEUE_STOPPED; i++) {
        if (strcmp(name, STATUS_NAMES[i]) == 0) {
            *out = (pw_queue_status_t)i;
            return 0;
        }
    }
    return -1;
}

/* Behind and still: alive (stalled) or not (stopped). */
static void judge_still(const pw_queue_obs_t *o, pw_queue_verdict_t *v)
{
    int leased = o->owner && o->owner[0];
    const char *error = o->last_error ? o->last_error : "";
    long long next = (long long)o->offset + 1;
    if (o->missing) {
        v->status = PW_QUEUE_STOPPED;
        snprintf(v->detail, sizeof v->detail, "no offset yet: the consumer never ran");
    } else if (o->retried) {
        v->status = PW_QUEUE_STALLED;
        snprintf(v->detail, sizeof v->detail, "retrying seq %lld (attempt %d): %s", next,
                 o->retry_attempts, error);
    } else if (leased && o->retry_attempts > 0) {
        v->status = PW_QUEUE_STALLED;
        snprintf(v->detail, sizeof v->detail, "backing off on seq %lld (attempt %d): %s", next,
                 o->retry_attempts, error);
    } else if (leased) {
        v->status = PW_QUEUE_STALLED;
        snprintf(v->detail, sizeof v->detail, "%s holds the partition but has not moved in %.1f s",
                 o->owner, o->span_seconds);
    } else {
        v->status = PW_QUEUE_STOPPED;
        snprintf(v->detail, sizeof v->detail,
                 "not moved in %.1f s and no live instance holds the partition", o->span_seconds);
    }
}

pw_queue_verdict_t pw_queue_judge(const pw_queue_obs_t *o)
{
    pw_queue_verdict_t v = {.status = PW_QUEUE_OK};
    if (o->lag <= 0 && !o->missing)
        snprintf(v.detail, sizeof v.detail, "caught up");
    else if (o->moved != 0 && !o->missing)
        snprintf(v.detail, sizeof v.detail, "advanced %lld in %.1f s", (long long)o->moved,
                 o->span_seconds);
    else
        judge_still(o, &v);
    return v;
}

pw_queue_verdict_t pw_queue_judge_row(const pw_queue_row_t *r, double window_seconds)
{
    int moved = r->idle_seconds <= window_seconds;
    pw_queue_obs_t o = {
        .lag = r->head - r->offset,
        .offset = r->offset,
        .moved = moved ? 1 : 0,
        .span_seconds = r->idle_seconds,
        .missing = r->missing,
        .retry_attempts = r->retry_attempts,
        .retried = r->retry_attempts > 0 && r->retry_age_seconds <= window_seconds,
        .owner = r->owner,
        .last_error = r->last_error,
    };
    pw_queue_verdict_t v = pw_queue_judge(&o);
    if (v.status == PW_QUEUE_OK && o.lag > 0)
        snprintf(v.detail, sizeof v.detail, "behind, last moved %.1f s ago", r->idle_seconds);
    return v;
}

/* The age is that of the first event past the offset (since it was
 * appended); dead letters count those not replayed yet; the attempt row is
 * that of the event the consumer is stuck on, if any; the owner is the
 * instance holding an unexpired lease on the partition (a live consumer). */
static const char ROWS_SQL[] =
    "SELECT o.consumer, o.stream, o.partition, o.seq AS offset, "
    "       coalesce(h.seq, 0) AS head, "
    "       coalesce(round(greatest(extract(epoch FROM now() - e.appended_at), 0)::numeric, 1), "
    "                0) AS age_seconds, "
    "       greatest(extract(epoch FROM now() - o.updated_at), 0) AS idle_seconds, "
    "       (SELECT count(*) FROM stream.dead_letter d "
    "         WHERE d.consumer = o.consumer AND d.stream = o.stream "
    "           AND d.partition = o.partition AND d.replayed_at IS NULL) AS dead_letters, "
    "       coalesce(a.attempts, 0) AS retry_attempts, coalesce(a.last_error, '') AS last_error, "
    "       coalesce(extract(epoch FROM now() - a.updated_at), 0) AS retry_age_seconds, "
    "       coalesce((SELECT l.owner FROM stream.lease l WHERE l.consumer = o.consumer "
    "          AND l.stream = o.stream AND l.partition = o.partition "
    "          AND l.expires_at > now()), '') AS owner "
    "  FROM stream.consumer_offset o "
    "  LEFT JOIN stream.head h ON h.stream = o.stream AND h.partition = o.partition "
    "  LEFT JOIN stream.event e "
    "    ON e.stream = o.stream AND e.partition = o.partition AND e.seq = o.seq + 1 "
    "  LEFT JOIN stream.attempt a ON a.consumer = o.consumer AND a.stream = o.stream "
    "   AND a.partition = o.partition AND a.seq = o.seq + 1 "
    " WHERE $1::text IS NULL OR o.consumer = $1 "
    " ORDER BY o.consumer COLLATE \"C\", o.stream COLLATE \"C\", o.partition";

static void read_row(const PGresult *r, int i, pw_queue_row_t *o)
{
    snprintf(o->consumer, sizeof o->consumer, "%s", pw_db_get(r, i, "consumer"));
    snprintf(o->stream, sizeof o->stream, "%s", pw_db_get(r, i, "stream"));
    o->partition = (int)pw_db_get_i64(r, i, "partition");
    o->offset = pw_db_get_i64(r, i, "offset");
    o->head = pw_db_get_i64(r, i, "head");
    o->age_seconds = strtod(pw_db_get(r, i, "age_seconds"), NULL);
    o->idle_seconds = strtod(pw_db_get(r, i, "idle_seconds"), NULL);
    o->dead_letters = pw_db_get_i64(r, i, "dead_letters");
    o->retry_attempts = (int)pw_db_get_i64(r, i, "retry_attempts");
    o->retry_age_seconds = strtod(pw_db_get(r, i, "retry_age_seconds"), NULL);
    snprintf(o->last_error, sizeof o->last_error, "%s", pw_db_get(r, i, "last_error"));
    snprintf(o->owner, sizeof o->owner, "%s", pw_db_get(r, i, "owner"));
}

static int has_row(const pw_queue_row_t *rows, size_t n, const char *consumer, const char *stream,
                   int partition)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].partition == partition && strcmp(rows[i].consumer, consumer) == 0 &&
            strcmp(rows[i].stream, stream) == 0)
            return 1;
    return 0;
}

/* Appends a missing row for each listed consumer (or only consumer, when
 * given) of each non-empty head without an offset row. 0 or -1. */
static int add_missing(pw_db_t *db, const char *consumer, pw_queue_row_t **rows, size_t *n)
{
    PGresult *r = pw_db_prepared(db, "queue_health_heads",
                                 "SELECT stream, partition, seq FROM stream.head WHERE seq > 0 "
                                 "ORDER BY stream COLLATE \"C\", partition",
                                 0, NULL);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        const char *stream = pw_db_get(r, i, "stream"), *listed[PW_SVC_COUNT + 1];
        int partition = (int)pw_db_get_i64(r, i, "partition");
        pw_topology_consumers(stream, listed);
        for (const char *const *c = listed; rc == 0 && *c; c++) {
            if ((consumer && strcmp(consumer, *c) != 0) ||
                has_row(*rows, *n, *c, stream, partition))
                continue;
            pw_queue_row_t *grown = realloc(*rows, (*n + 1) * sizeof *grown);
            if (!grown) {
                rc = -1;
                break;
            }
            *rows = grown;
            pw_queue_row_t *m = &grown[(*n)++];
            memset(m, 0, sizeof *m);
            snprintf(m->consumer, sizeof m->consumer, "%s", *c);
            snprintf(m->stream, sizeof m->stream, "%s", stream);
            m->partition = partition;
            m->head = pw_db_get_i64(r, i, "seq");
            m->missing = 1;
        }
    }
    PQclear(r);
    return rc;
}

int pw_queue_rows_load(pw_db_t *db, const char *consumer, int with_missing, pw_queue_row_t **rows,
                       size_t *n)
{
    *rows = NULL;
    *n = 0;
    const char *params[] = {consumer};
    PGresult *r = pw_db_prepared(db, "queue_health_rows", ROWS_SQL, 1, params);
    if (!r)
        return -1;
    int count = PQntuples(r);
    *rows = calloc(count ? (size_t)count : 1, sizeof **rows);
    for (int i = 0; *rows && i < count; i++)
        read_row(r, i, &(*rows)[i]);
    PQclear(r);
    if (*rows)
        *n = (size_t)count;
    if (!*rows || (with_missing && add_missing(db, consumer, rows, n) != 0)) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
