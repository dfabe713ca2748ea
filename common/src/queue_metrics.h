/* Queue-health gauges refreshed from the stream tables (internal). */
#ifndef PATHWAYS_QUEUE_METRICS_H
#define PATHWAYS_QUEUE_METRICS_H

#include "pathways/db.h"
#include "pathways/metrics.h"

void pw_queue_metrics_describe(pw_metrics_t *m);
/* Sets the head gauges of every stream and the offset, lag and dead-letter
 * gauges of consumer's partitions. Returns 0 or -1 (database error). */
int pw_queue_metrics_refresh(pw_db_t *db, pw_metrics_t *m, const char *consumer);

#endif
