/* The service runtime's state, shared by its modules: service.c (start,
 * loop, consumers, timers, readiness) and service_request.c (the command
 * socket's requests). Not part of the public API. */
#ifndef PATHWAYS_SERVICE_INTERNAL_H
#define PATHWAYS_SERVICE_INTERNAL_H

#include <stdatomic.h>

#include "gate.h"
#include "pathways/http.h"
#include "pathways/service.h"

#define MAX_CONSUMERS     8
#define MAX_TIMERS        8
#define POLL_MAX_MS       100
#define RECONNECT_MS      1000
#define REQUESTS_PER_TURN 64
#define TYPE_MAX          128
#define QUEUE_METRICS_MS  2000
#define PW_REFUSAL_MAX    1024
/* Bodies up to this many times PATHWAYS_MAX_MESSAGE_BYTES are read and
 * answered batch_too_large; larger ones are cut off by libzmq. */
#define PW_OVERSIZE_FACTOR 8

typedef struct {
    pw_gate_t *gate;
    pw_service_id_t owner;
    const char *stream;
    pw_apply_fn fn;
    pw_apply_batch_fn batch_fn;
    void *ctx;
    pw_consumer_t *consumer;
} consumer_spec_t;

typedef struct {
    int interval_ms;
    pw_timer_fn fn;
    void *ctx;
    int64_t next_ms;
} timer_t_;

struct pw_service {
    pw_service_id_t id;
    pw_config_t cfg;
    pw_db_t *db;
    zsock_t *pub, *router;
    pw_appender_t *appender;
    pw_metrics_t *metrics;
    pw_http_t *http;
    pw_gate_t *gate;
    pw_request_fn on_request;
    void *request_ctx;
    consumer_spec_t consumers[MAX_CONSUMERS];
    int nconsumers;
    timer_t_ timers[MAX_TIMERS];
    int ntimers;
    atomic_int db_ready, sockets_ready, migrations_pending;
    _Atomic int64_t last_turn_ms; /* when the loop last turned (0: not running) */
    uint64_t db_generation;       /* the connection consumers' offsets belong to */
    int64_t drain_deadline_ms;    /* 0 until the first signal is noticed */
    int stop;
};

/* Receives and answers one request on the command ROUTER (refused ones
 * with their reason, counted and logged); returns 0, or -1 when nothing
 * was waiting. */
int service_handle_request(pw_service_t *svc);

#endif
