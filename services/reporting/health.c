/* Queue health; see health.h. Status per consumer, judged as Burrow does
 * over a window: "ok" when caught up, "behind" when lagging but moving,
 * "stalled" when lagging and its offset has not moved for
 * HEALTH_STALL_SECONDS. */
#include "health.h"

#include <stdlib.h>
#include <string.h>

static const char SQL_CONSUMERS[] =
    "SELECT o.consumer, o.stream, o.partition, o.seq AS committed, COALESCE(h.seq, 0) AS head,"
    " GREATEST(COALESCE(h.seq, 0) - o.seq, 0) AS lag,"
    " COALESCE(round(GREATEST(extract(epoch FROM now() - e.occurred_at), 0)::numeric, 1), 0)"
    "  AS lag_seconds,"
    " extract(epoch FROM now() - o.updated_at)::bigint AS idle_seconds,"
    " (SELECT count(*) FROM stream.dead_letter d WHERE d.consumer = o.consumer"
    "  AND d.stream = o.stream AND d.partition = o.partition AND d.replayed_at IS NULL)"
    "  AS dead_letters,"
    " (SELECT count(*) FROM stream.attempt a WHERE a.consumer = o.consumer"
    "  AND a.stream = o.stream AND a.partition = o.partition) AS retrying"
    " FROM stream.consumer_offset o"
    " LEFT JOIN stream.head h ON h.stream = o.stream AND h.partition = o.partition"
    " LEFT JOIN stream.event e ON e.stream = o.stream AND e.partition = o.partition"
    "  AND e.seq = o.seq + 1"
    " ORDER BY o.stream COLLATE \"C\", o.consumer COLLATE \"C\", o.partition";

static const char SQL_DELIVERIES[] =
    "SELECT state, count(*) AS n FROM reporting.notification GROUP BY state"
    " ORDER BY state COLLATE \"C\"";

static const char *status_of(int64_t lag, int64_t idle)
{
    if (lag == 0)
        return "ok";
    return idle > HEALTH_STALL_SECONDS ? "stalled" : "behind";
}

static json_t *consumer_row(const PGresult *res, int r, json_int_t *dead)
{
    int64_t lag = pw_db_get_i64(res, r, "lag");
    int64_t dl = pw_db_get_i64(res, r, "dead_letters");
    *dead += dl;
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:s}", "consumer",
                     pw_db_get(res, r, "consumer"), "stream", pw_db_get(res, r, "stream"),
                     "partition", (json_int_t)pw_db_get_i64(res, r, "partition"), "offset",
                     (json_int_t)pw_db_get_i64(res, r, "committed"), "head",
                     (json_int_t)pw_db_get_i64(res, r, "head"), "lag", (json_int_t)lag,
                     "lag_seconds", strtod(pw_db_get(res, r, "lag_seconds"), NULL), "dead_letters",
                     (json_int_t)dl, "retrying", (json_int_t)pw_db_get_i64(res, r, "retrying"),
                     "status", status_of(lag, pw_db_get_i64(res, r, "idle_seconds")));
}

json_t *health_queues(pw_db_t *db)
{
    PGresult *c = pw_db_prepared(db, "reporting_health_consumers", SQL_CONSUMERS, 0, NULL);
    PGresult *d =
        c ? pw_db_prepared(db, "reporting_health_deliveries", SQL_DELIVERIES, 0, NULL) : NULL;
    json_t *out = NULL;
    if (c && d) {
        json_t *consumers = json_array(), *deliveries = json_object();
        json_int_t dead = 0;
        for (int r = 0; r < PQntuples(c); r++)
            json_array_append_new(consumers, consumer_row(c, r, &dead));
        for (int r = 0; r < PQntuples(d); r++)
            json_object_set_new(deliveries, pw_db_get(d, r, "state"),
                                json_integer((json_int_t)pw_db_get_i64(d, r, "n")));
        out = json_pack("{s:o, s:o, s:I}", "consumers", consumers, "deliveries", deliveries,
                        "dead_letters", dead);
    }
    PQclear(c);
    PQclear(d);
    return out;
}
