/* Queue health of every service for the dashboard, read from the stream
 * plumbing (schema "stream") and the notification projection: per consumer
 * and stream its offset, head, lag in events and seconds, dead letters,
 * retries and a status; and notification delivery states. */
#ifndef PATHWAYS_REPORTING_HEALTH_H
#define PATHWAYS_REPORTING_HEALTH_H

#include <jansson.h>

#include "pathways/db.h"

/* A consumer behind for longer than this without moving is "stalled". */
#define HEALTH_STALL_SECONDS 60

/* {"consumers":[{consumer, stream, partition, offset, head, lag,
 * lag_seconds, dead_letters, retrying, status}], "deliveries":{state: n},
 * "dead_letters": n}. Returns NULL on a database error. Caller decrefs. */
json_t *health_queues(pw_db_t *db);

#endif
