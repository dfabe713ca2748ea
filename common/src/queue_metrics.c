/* Queue health as Prometheus gauges, named after the Kafka exporter's
 * conventions (topic -> stream, consumergroup -> consumer): stream heads,
 * each consumer's offset, lag in events and in seconds (the age of the
 * oldest event it has not applied), and dead letters waiting. Every
 * service exports its own consumers' figures and the heads of all streams. */
#include <stdio.h>
#include <stdlib.h>

#include "pathways/db.h"
#include "pathways/metrics.h"
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

static int refresh_consumer(pw_db_t *db, pw_metrics_t *m, const char *consumer)
{
    const char *params[] = {consumer};
    PGresult *r = pw_db_prepared(
        db, "qm_offsets",
        "SELECT o.stream, o.partition, o.seq AS offset, h.seq - o.seq AS lag, "
        "coalesce(extract(epoch FROM now() - e.appended_at), 0) AS lag_seconds, "
        "(SELECT count(*) FROM stream.dead_letter d WHERE d.consumer = o.consumer AND "
        "d.stream = o.stream AND d.replayed_at IS NULL) AS dead "
        "FROM stream.consumer_offset o JOIN stream.head h USING (stream, partition) "
        "LEFT JOIN stream.event e ON e.stream = o.stream AND e.partition = o.partition AND "
        "e.seq = o.seq + 1 WHERE o.consumer = $1",
        1, params);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        char labels[192], dl[160];
        snprintf(labels, sizeof labels, "consumergroup=\"%s\",stream=\"%s\",partition=\"%s\"",
                 consumer, pw_db_get(r, i, "stream"), pw_db_get(r, i, "partition"));
        snprintf(dl, sizeof dl, "consumer=\"%s\",stream=\"%s\"", consumer,
                 pw_db_get(r, i, "stream"));
        pw_metrics_set(m, "pathways_consumergroup_current_offset", labels,
                       (double)pw_db_get_i64(r, i, "offset"));
        pw_metrics_set(m, "pathways_consumergroup_lag", labels, (double)pw_db_get_i64(r, i, "lag"));
        pw_metrics_set(m, "pathways_consumergroup_lag_seconds", labels,
                       atof(pw_db_get(r, i, "lag_seconds")));
        pw_metrics_set(m, "pathways_dead_letters", dl, (double)pw_db_get_i64(r, i, "dead"));
    }
    PQclear(r);
    return 0;
}

int pw_queue_metrics_refresh(pw_db_t *db, pw_metrics_t *m, const char *consumer)
{
    return refresh_heads(db, m) == 0 && refresh_consumer(db, m, consumer) == 0 ? 0 : -1;
}
