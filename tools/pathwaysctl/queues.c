/* Reading the stream plumbing's state; see queues.h. */
#include "queues.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Who must consume each stream before the system counts as idle. This is
 * the one place that knows it; keep it in step with the services'
 * pw_service_consume() calls:
 *   enrollment   consumes eligibility
 *   notification consumes employee (contact details) and enrollment
 *   reporting    consumes every stream
 * (The tools brief listed notification under "eligibility" too, but the
 * notification service does not consume that stream: it learns of
 * invitations and exits from the enrollment stream.) An owner does not
 * consume its own stream. */
typedef struct {
    const char *stream;
    const char *consumers[4];
} expected_t;

static const expected_t EXPECTED[] = {
    {"employee", {"notification", "reporting", NULL}},
    {"eligibility", {"enrollment", "reporting", NULL}},
    {"enrollment", {"notification", "reporting", NULL}},
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
 * those not replayed yet. */
static const char OFFSETS_SQL[] =
    "SELECT o.consumer, o.stream, o.partition, o.seq AS offset, "
    "       coalesce(h.seq, 0) AS head, "
    "       coalesce(round(greatest(extract(epoch FROM now() - e.occurred_at), 0)::numeric, 1), "
    "                0) AS age_seconds, "
    "       (SELECT count(*) FROM stream.dead_letter d "
    "         WHERE d.consumer = o.consumer AND d.stream = o.stream "
    "           AND d.partition = o.partition AND d.replayed_at IS NULL) AS dead_letters "
    "  FROM stream.consumer_offset o "
    "  LEFT JOIN stream.head h ON h.stream = o.stream AND h.partition = o.partition "
    "  LEFT JOIN stream.event e "
    "    ON e.stream = o.stream AND e.partition = o.partition AND e.seq = o.seq + 1 "
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
