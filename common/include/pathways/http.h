/* The embedded HTTP server (libmicrohttpd, its own thread): /healthz,
 * /readyz and /metrics for every service, plus routes a service adds (the
 * reporting dashboard). Route handlers run on the HTTP thread: they must not
 * touch the service loop's database connection. */
#ifndef PATHWAYS_HTTP_H
#define PATHWAYS_HTTP_H

#include <stddef.h>

#include "pathways/metrics.h"

typedef struct pw_http pw_http_t;

typedef struct {
    int status; /* HTTP status */
    const char *content_type;
    char *body; /* malloc'd; the server frees it */
    size_t len;
} pw_http_reply_t;

typedef struct pw_http_request pw_http_request_t;

/* The value of query argument name, or NULL when absent. Borrowed. */
const char *pw_http_arg(const pw_http_request_t *req, const char *name);

/* Handles GET path. Returns 0 and fills reply, or -1 for a 500. */
typedef int (*pw_http_fn)(void *ctx, const pw_http_request_t *req, const char *path,
                          pw_http_reply_t *reply);
/* Readiness probe: 1 ready, 0 not; writes a short reason into why. Also
 * called before /metrics is rendered, so it may refresh gauges. */
typedef int (*pw_http_ready_fn)(void *ctx, char *why, size_t whylen);

/* Starts serving on host:port. Caller owns the result; NULL on failure. */
pw_http_t *pw_http_start(const char *host, int port, pw_metrics_t *metrics, pw_http_ready_fn ready,
                         void *ready_ctx);
/* Adds a handler for paths starting with prefix. Call right after start. */
int pw_http_route(pw_http_t *h, const char *prefix, pw_http_fn fn, void *ctx);
void pw_http_stop(pw_http_t **p);

#endif
