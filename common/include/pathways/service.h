/* The service runtime every Pathways process shares: configuration, the
 * database connection, the PUB socket for the streams it owns, the ROUTER
 * command endpoint, stream consumers, timers, the health/metrics HTTP
 * server, and the signal-driven main loop (first SIGTERM/SIGINT drains,
 * a second exits at once). A service's main() only builds one, registers
 * its handlers, runs it and destroys it. */
#ifndef PATHWAYS_SERVICE_H
#define PATHWAYS_SERVICE_H

#include <czmq.h>

#include <protobuf-c/protobuf-c.h>

#include "pathways/auth.h"
#include "pathways/config.h"
#include "pathways/db.h"
#include "pathways/metrics.h"
#include "pathways/stream.h"

typedef struct pw_service pw_service_t;

/* A request on the command endpoint: frames [type][bytes] where type is the
 * full protobuf message name (e.g. "pathways.v1.PublishBatch"). type and
 * data are borrowed for the call. The handler returns a malloc'd reply
 * (ownership passes to the runtime, which sends and frees it), its length
 * and its type (a static string), or NULL to send nothing. An unknown type
 * should be answered with an AdminReply carrying error_code
 * "unsupported". */
typedef uint8_t *(*pw_request_fn)(void *ctx, pw_service_t *svc, const char *type,
                                  const uint8_t *data, size_t len, const char **reply_type,
                                  size_t *reply_len);
/* A periodic task; returns 0 or -1 (logged, retried next period). */
typedef int (*pw_timer_fn)(void *ctx, pw_service_t *svc);

/* Creates a service with the given identity and configuration (copied).
 * Caller owns it. */
pw_service_t *pw_service_new(pw_service_id_t id, const pw_config_t *cfg);
void pw_service_destroy(pw_service_t **p);

/* Registration, before pw_service_start. Each returns 0 or -1. */
int pw_service_on_request(pw_service_t *svc, pw_request_fn fn, void *ctx);
/* Consumes stream (owned by owner, whose PUB endpoint it connects to). The
 * consumer's name is this service's name. */
int pw_service_consume(pw_service_t *svc, pw_service_id_t owner, const char *stream, pw_apply_fn fn,
                       void *ctx);
/* Same, with a set-based handler that applies a whole batch at once (see
 * pw_apply_batch_fn). */
int pw_service_consume_batch(pw_service_t *svc, pw_service_id_t owner, const char *stream,
                             pw_apply_batch_fn fn, void *ctx);
int pw_service_every(pw_service_t *svc, int interval_ms, pw_timer_fn fn, void *ctx);
/* Declares a request type (the full message name) the command endpoint
 * accepts, and who may send it: keys of role min or above, or exactly the
 * roles in a PW_ROLE_BIT mask. Every type a handler serves must be declared:
 * any other is answered "unknown_message_type" whatever the sender's role.
 * A sender without a fitting role is answered "forbidden" (both in an
 * AdminReply, both logged with the key id). Returns 0 or -1 (too many). */
int pw_service_require(pw_service_t *svc, const char *type, pw_role_t min);
int pw_service_require_roles(pw_service_t *svc, const char *type, unsigned roles);

/* Connects the database (retrying until it answers or a signal arrives),
 * applies the component's migrations, binds sockets and the HTTP server.
 * Returns 0 or -1 with the reason logged. */
int pw_service_start(pw_service_t *svc) __attribute__((warn_unused_result));
/* Runs the loop until a signal or pw_service_stop. Returns 0 after a clean
 * drain, 1 when a second signal cut the drain short. */
int pw_service_run(pw_service_t *svc);
void pw_service_stop(pw_service_t *svc);

/* For handlers. */
pw_db_t *pw_service_db(pw_service_t *svc);
const pw_config_t *pw_service_config(const pw_service_t *svc);
pw_metrics_t *pw_service_metrics(pw_service_t *svc);
const char *pw_service_get_name(const pw_service_t *svc);
/* The sender of the request being handled, valid during a pw_request_fn
 * call (borrowed): its key id, role and, for a partner, its employer. With
 * CURVE off it is the development peer ("dev", admin, unauthenticated). */
const pw_peer_t *pw_service_peer(const pw_service_t *svc);
/* The HTTP server (after pw_service_start), to add routes to. */
struct pw_http *pw_service_http(pw_service_t *svc);

/* Buffers an event for one of this service's streams; it is written at the
 * next pw_service_commit and published after it -- or, once a transaction
 * holds more than PATHWAYS_APPEND_SPILL_BYTES of them (a rule change
 * re-determining a whole roster would otherwise hold them all until
 * COMMIT), written at once (pw_appender_spill) and read by consumers from
 * the table. Returns 0 or -1 (the transaction must then be rolled back). */
int pw_service_append(pw_service_t *svc, const char *stream, const char *type, const char *key,
                      const char *event_id, const ProtobufCMessage *payload)
    __attribute__((warn_unused_result));
/* Flushes appended events, commits, then publishes them. On failure rolls
 * back, discards them and returns -1. */
int pw_service_commit(pw_service_t *svc) __attribute__((warn_unused_result));
/* Rolls back and discards appended events. */
void pw_service_rollback(pw_service_t *svc);

#endif
