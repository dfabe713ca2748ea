/* Queue health for the dashboard; see health.h. The rows and the status
 * rules are the common queue-health module's; this adds the delivery
 * states of the notification projection. */
#include "health.h"

#include <stdlib.h>
#include <string.h>

#include "pathways/queue_health.h"

static const char SQL_DELIVERIES[] =
    "SELECT state, count(*) AS n FROM reporting.notification GROUP BY state"
    " ORDER BY state COLLATE \"C\"";

static json_t *consumer_row(const pw_queue_row_t *q, json_int_t *dead)
{
    pw_queue_verdict_t v = pw_queue_judge_row(q, PW_QUEUE_WINDOW_SECONDS);
    *dead += q->dead_letters;
    return json_pack(
        "{s:s, s:s, s:i, s:I, s:I, s:I, s:f, s:I, s:i, s:s, s:s}", "consumer", q->consumer,
        "stream", q->stream, "partition", q->partition, "offset", (json_int_t)q->offset, "head",
        (json_int_t)q->head, "lag", (json_int_t)(q->head > q->offset ? q->head - q->offset : 0),
        "lag_seconds", q->age_seconds, "dead_letters", (json_int_t)q->dead_letters, "retrying",
        q->retry_attempts, "status", pw_queue_status_name(v.status), "detail", v.detail);
}

/* Rows in the page's order: stream, then consumer, then partition. */
static int by_stream(const void *a, const void *b)
{
    const pw_queue_row_t *x = a, *y = b;
    int c = strcmp(x->stream, y->stream);
    if (c == 0)
        c = strcmp(x->consumer, y->consumer);
    return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

json_t *health_queues(pw_db_t *db)
{
    pw_queue_row_t *rows;
    size_t n;
    if (pw_queue_rows_load(db, NULL, 1, &rows, &n) != 0)
        return NULL;
    qsort(rows, n, sizeof *rows, by_stream);
    PGresult *d = pw_db_prepared(db, "reporting_health_deliveries", SQL_DELIVERIES, 0, NULL);
    json_t *out = NULL;
    if (d) {
        json_t *consumers = json_array(), *deliveries = json_object();
        json_int_t dead = 0;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(consumers, consumer_row(&rows[i], &dead));
        for (int r = 0; r < PQntuples(d); r++)
            json_object_set_new(deliveries, pw_db_get(d, r, "state"),
                                json_integer((json_int_t)pw_db_get_i64(d, r, "n")));
        out = json_pack("{s:o, s:o, s:I}", "consumers", consumers, "deliveries", deliveries,
                        "dead_letters", dead);
    }
    free(rows);
    PQclear(d);
    return out;
}
