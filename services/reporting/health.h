/* Queue health of every service for the dashboard, read from the stream
 * plumbing (schema "stream") and the notification projection: per consumer
 * and stream its offset, head, lag in events and seconds, dead letters,
 * retries and a status; and notification delivery states. */
#ifndef PATHWAYS_REPORTING_HEALTH_H
#define PATHWAYS_REPORTING_HEALTH_H

#include <jansson.h>

#include "pathways/db.h"

/* {"consumers":[{consumer, stream, partition, offset, head, lag,
 * lag_seconds, dead_letters, retrying, status, detail}],
 * "deliveries":{state: n}, "dead_letters": n}. The rows, status
 * (ok / stalled / stopped) and detail are the common queue-health
 * module's (pathways/queue_health.h), judged over PW_QUEUE_WINDOW_SECONDS;
 * consumers the topology lists without an offset yet are rows too.
 * retrying is the failed attempts on the event after the offset. Returns
 * NULL on a database error. Caller decrefs. */
json_t *health_queues(pw_db_t *db);

#endif
