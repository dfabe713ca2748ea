/* Reading the stream plumbing's state; see queues.h. */
#include "queues.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Who must consume each stream before the system counts as idle. This is
 * the one place that knows it; keep it in step with the services'
 * pw_service_consume() calls:
 *   eligibility  consumes enrollment (who is already in a program)
 *   enrollment   consumes eligibility
 *   notification consumes employee (contact details) and enrollment
 *   reporting    consumes every stream
 * An owner does not consume its own stream. */
typedef struct {
    const char *stream;
    const char *consumers[4];
} expected_t;

static const expected_t EXPECTED[] = {
    {"employee", {"notification", "reporting", NULL}},
    {"eligibility", {"enrollment", "reporting", NULL}},
    {"enrollment", {"eligibility", "notification", "reporting", NULL}},
    {"notification", {"reporting", NULL}},
};

static const char *const NONE[] = {NULL};

const char *const *ctl_expected_consumers(const char *stream)
{
    for (size_t i = 0; i < sizeof EXPECTED / sizeof EXPECTED[0]; i++)
        if (strcmp(EXPECTED[i].stream, stream) == 0)
            return EXPECTED[i].consumers;
    return NONE;
}

static const char HEADS_SQL[] =
    "SELECT stream, partition, seq FROM stream.head ORDER BY stream, partition";

/* The age is that of the first event past the offset; dead letters count
 * those not replayed yet; the attempt row is that of the event the consumer
 * is stuck on, if any; the owner is the instance holding an unexpired
 * lease on the partition (a live consumer). */
static const char OFFSETS_SQL[] =
    "SELECT o.consumer, o.stream, o.partition, o.seq AS offset, "
    "       coalesce(h.seq, 0) AS head, "
    "       coalesce(round(greatest(extract(epoch FROM now() - e.occurred_at), 0)::numeric, 1), "
    "                0) AS age_seconds, "
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
    " ORDER BY o.consumer, o.stream, o.partition";

static void copy_name(char *dst, const PGresult *r, int row, const char *col)
{
    snprintf(dst, CTL_NAME_MAX, "%s", pw_db_get(r, row, col));
}

static int load_heads(pw_db_t *db, ctl_queues_t *q)
{
    PGresult *r = pw_db_prepared(db, "ctl_heads", HEADS_SQL, 0, NULL);
    if (!r)
        return -1;
    int n = PQntuples(r);
    q->heads = calloc(n ? (size_t)n : 1, sizeof *q->heads);
    for (int i = 0; q->heads && i < n; i++) {
        ctl_head_t *h = &q->heads[i];
        copy_name(h->stream, r, i, "stream");
        h->partition = (int)pw_db_get_i64(r, i, "partition");
        h->head = pw_db_get_i64(r, i, "seq");
    }
    q->nheads = q->heads ? (size_t)n : 0;
    PQclear(r);
    return q->heads ? 0 : -1;
}

static int load_offsets(pw_db_t *db, ctl_queues_t *q)
{
    PGresult *r = pw_db_prepared(db, "ctl_offsets", OFFSETS_SQL, 0, NULL);
    if (!r)
        return -1;
    int n = PQntuples(r);
    q->offsets = calloc(n ? (size_t)n : 1, sizeof *q->offsets);
    for (int i = 0; q->offsets && i < n; i++) {
        ctl_offset_t *o = &q->offsets[i];
        copy_name(o->consumer, r, i, "consumer");
        copy_name(o->stream, r, i, "stream");
        o->partition = (int)pw_db_get_i64(r, i, "partition");
        o->offset = pw_db_get_i64(r, i, "offset");
        o->head = pw_db_get_i64(r, i, "head");
        o->age_seconds = strtod(pw_db_get(r, i, "age_seconds"), NULL);
        o->dead_letters = pw_db_get_i64(r, i, "dead_letters");
        o->retry_attempts = (int)pw_db_get_i64(r, i, "retry_attempts");
        o->retry_age_seconds = strtod(pw_db_get(r, i, "retry_age_seconds"), NULL);
        snprintf(o->last_error, sizeof o->last_error, "%s", pw_db_get(r, i, "last_error"));
        snprintf(o->owner, sizeof o->owner, "%s", pw_db_get(r, i, "owner"));
    }
    q->noffsets = q->offsets ? (size_t)n : 0;
    PQclear(r);
    return q->offsets ? 0 : -1;
}

int ctl_queues_load(pw_db_t *db, ctl_queues_t *q, char *err, size_t errlen)
{
    memset(q, 0, sizeof *q);
    if (load_heads(db, q) == 0 && load_offsets(db, q) == 0)
        return 0;
    snprintf(err, errlen, "%s", *pw_db_error(db) ? pw_db_error(db) : "out of memory");
    ctl_queues_clear(q);
    return -1;
}

void ctl_queues_clear(ctl_queues_t *q)
{
    free(q->heads);
    free(q->offsets);
    memset(q, 0, sizeof *q);
}

const ctl_offset_t *ctl_queues_find(const ctl_queues_t *q, const char *consumer, const char *stream,
                                    int partition)
{
    for (size_t i = 0; i < q->noffsets; i++) {
        const ctl_offset_t *o = &q->offsets[i];
        if (o->partition == partition && strcmp(o->consumer, consumer) == 0 &&
            strcmp(o->stream, stream) == 0)
            return o;
    }
    return NULL;
}

int ctl_ops_schema_check(pw_db_t *db, char *err, size_t errlen)
{
    PGresult *r = pw_db_prepared(
        db, "ctl_ops_schema",
        "SELECT (to_regclass('stream.admin_audit') IS NOT NULL AND EXISTS ("
        "  SELECT 1 FROM information_schema.columns WHERE table_schema = 'stream' "
        "  AND table_name = 'dead_letter' AND column_name = 'replay_requested_at'))::int AS ok",
        0, NULL);
    if (!r) {
        snprintf(err, errlen, "%s", pw_db_error(db));
        return -1;
    }
    int ok = pw_db_get_i64(r, 0, "ok") == 1;
    PQclear(r);
    if (!ok)
        snprintf(err, errlen,
                 "the database lacks the operations schema (stream.admin_audit, "
                 "dead_letter.replay_requested_at): run `pathwaysctl migrate` with a release "
                 "that has common migration 002");
    return ok ? 0 : -1;
}

const char *ctl_actor(void)
{
    const char *names[] = {"PATHWAYS_ACTOR", "USER", "LOGNAME"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return v;
    }
    return "unknown";
}
