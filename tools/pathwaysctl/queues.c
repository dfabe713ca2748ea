/* Reading the stream plumbing's state; see queues.h. */
#include "queues.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HEADS_SQL[] =
    "SELECT stream, partition, seq FROM stream.head ORDER BY stream, partition";

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
    return pw_queue_rows_load(db, NULL, 1, &q->offsets, &q->noffsets);
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
