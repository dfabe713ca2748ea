/* How the notification modules emit events and end transactions without
 * knowing the runtime: in the service these call pw_service_append /
 * pw_service_commit / pw_service_rollback; tests plug in a plain
 * pw_appender_t (see tests/integration/test_notification.c). */
#ifndef PATHWAYS_NOTIFICATION_PUBLISHER_H
#define PATHWAYS_NOTIFICATION_PUBLISHER_H

#include <protobuf-c/protobuf-c.h>

#include "pathways/db.h"

typedef struct {
    /* Buffers an event for this service's stream. Returns 0 or -1. */
    int (*append)(void *ctx, const char *stream, const char *type, const char *key,
                  const char *event_id, const ProtobufCMessage *payload);
    /* Writes buffered events, COMMITs db's open transaction, then publishes.
     * Returns 0, or -1 after rolling back. */
    int (*commit)(void *ctx, pw_db_t *db);
    /* Rolls back db's open transaction and forgets buffered events. */
    void (*rollback)(void *ctx, pw_db_t *db);
    void *ctx;
} ntf_publisher_t;

#endif
