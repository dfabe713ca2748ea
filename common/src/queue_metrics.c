/* Queue health as Prometheus gauges, named after the Kafka exporter's
 * conventions (topic -> stream, consumergroup -> consumer): stream heads,
 * each consumer's offset, lag in events and in seconds (the age of the
 * oldest event it has not applied), its status and dead letters waiting.
 * Every service exports its own consumers' figures and the heads of all
 * streams. The figures and the status come from the common queue-health
 * module (pathways/queue_health.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/db.h"
#include "pathways/metrics.h"
#include "pathways/queue_health.h"
#include "queue_metrics.h"

void pw_queue_metrics_describe(pw_metrics_t *m)
{
    pw_metrics_describe(m, "pathways_stream_head_offset", "gauge",
                        "last sequence number committed to a stream partition");
    pw_metrics_describe(m, "pathways_consumergroup_current_offset", "gauge",
                        "last sequence number a consumer applied");
    pw_metrics_describe(m, "pathways_consumergroup_lag", "gauge",
                        "events committed but not yet applied by the consumer");
    pw_metrics_describe(m, "pathways_consumergroup_lag_seconds", "gauge",
                        "age of the oldest event the consumer has not applied");
    pw_metrics_describe(m, "pathways_consumergroup_status", "gauge",
                        "1 for the consumer's queue-health status (ok, stalled, stopped; "
                        "README \"Queue health\"), 0 for the others");
    pw_metrics_describe(m, "pathways_dead_letters", "gauge",
                        "dead letters not replayed, per consumer and stream");
}

static int refresh_heads(pw_db_t *db, pw_metrics_t *m)
{
    PGresult *r =
        pw_db_prepared(db, "qm_heads", "SELECT stream, partition, seq FROM stream.head", 0, NULL);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        char labels[192];
        snprintf(labels, sizeof labels, "stream=\"%s\",partition=\"%s\"", pw_db_get(r, i, "stream"),
                 pw_db_get(r, i, "partition"));
        pw_metrics_set(m, "pathways_stream_head_offset", labels,
                       (double)pw_db_get_i64(r, i, "seq"));
    }
    PQclear(r);
    return 0;
}

/* Sets one row's offset, lag and status gauges. */
static void set_row(pw_metrics_t *m, const pw_queue_row_t *r)
{
    char labels[192];
    snprintf(labels, sizeof labels, "consumergroup=\"%s\",stream=\"%s\",partition=\"%d\"",
             r->consumer, r->stream, r->partition);
    pw_metrics_set(m, "pathways_consumergroup_current_offset", labels, (double)r->offset);
    pw_metrics_set(m, "pathways_consumergroup_lag", labels, (double)(r->head - r->offset));
    pw_metrics_set(m, "pathways_consumergroup_lag_seconds", labels, r->age_seconds);
    pw_queue_verdict_t v = pw_queue_judge_row(r, PW_QUEUE_WINDOW_SECONDS);
    for (int s = PW_QUEUE_OK; s <= PW_QUEUE_STOPPED; s++) {
        char sl[256];
        snprintf(sl, sizeof sl, "%s,status=\"%s\"", labels,
                 pw_queue_status_name((pw_queue_status_t)s));
        pw_metrics_set(m, "pathways_consumergroup_status", sl, (int)v.status == s ? 1.0 : 0.0);
    }
}

static int refresh_consumer(pw_db_t *db, pw_metrics_t *m, const char *consumer)
{
    pw_queue_row_t *rows;
    size_t n;
    if (pw_queue_rows_load(db, consumer, 0, &rows, &n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        set_row(m, &rows[i]);
        if (i > 0 && strcmp(rows[i].stream, rows[i - 1].stream) == 0)
            continue; /* the stream's dead letters are set from its first row */
        int64_t dead = 0;
        for (size_t j = i; j < n && strcmp(rows[j].stream, rows[i].stream) == 0; j++)
            dead += rows[j].dead_letters;
        char dl[160];
        snprintf(dl, sizeof dl, "consumer=\"%s\",stream=\"%s\"", consumer, rows[i].stream);
        pw_metrics_set(m, "pathways_dead_letters", dl, (double)dead);
    }
    free(rows);
    return 0;
}

int pw_queue_metrics_refresh(pw_db_t *db, pw_metrics_t *m, const char *consumer)
{
    return refresh_heads(db, m) == 0 && refresh_consumer(db, m, consumer) == 0 ? 0 : -1;
}
