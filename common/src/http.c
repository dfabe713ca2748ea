/* Health, readiness and metrics over libmicrohttpd's own thread, plus
 * routes a service adds. */
#include "pathways/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/log.h"

#define MAX_ROUTES 16

typedef struct {
    char prefix[64];
    pw_http_fn fn;
    void *ctx;
} route_t;

struct pw_http_request {
    struct MHD_Connection *conn;
};

const char *pw_http_arg(const pw_http_request_t *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct pw_http {
    struct MHD_Daemon *daemon;
    pw_metrics_t *metrics;
    pw_http_ready_fn ready;
    void *ready_ctx;
    route_t routes[MAX_ROUTES];
    int nroutes;
};

static enum MHD_Result respond(struct MHD_Connection *conn, int status, const char *type,
                               char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result respond_text(struct MHD_Connection *conn, int status, const char *text)
{
    char *body = strdup(text);
    return body ? respond(conn, status, "text/plain; charset=utf-8", body, strlen(body)) : MHD_NO;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    pw_http_t *h = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return respond_text(conn, 405, "method not allowed\n");
    if (strcmp(url, "/healthz") == 0)
        return respond_text(conn, 200, "ok\n");
    if (strcmp(url, "/readyz") == 0) {
        char why[256] = "ready";
        int ok = h->ready ? h->ready(h->ready_ctx, why, sizeof why) : 1;
        char text[300];
        snprintf(text, sizeof text, "%s\n", why);
        return respond_text(conn, ok ? 200 : 503, text);
    }
    if (strcmp(url, "/metrics") == 0 && h->metrics) {
        char why[256];
        if (h->ready) /* the probe refreshes the gauges derived from it */
            (void)h->ready(h->ready_ctx, why, sizeof why);
        char *body = pw_metrics_render(h->metrics);
        return body ? respond(conn, 200, "text/plain; version=0.0.4", body, strlen(body)) : MHD_NO;
    }
    for (int i = 0; i < h->nroutes; i++) {
        if (strncmp(url, h->routes[i].prefix, strlen(h->routes[i].prefix)) != 0)
            continue;
        pw_http_request_t req = {.conn = conn};
        pw_http_reply_t reply = {.status = 200, .content_type = "text/html; charset=utf-8"};
        if (h->routes[i].fn(h->routes[i].ctx, &req, url, &reply) != 0) {
            free(reply.body);
            return respond_text(conn, 500, "internal error\n");
        }
        if (!reply.body)
            return respond_text(conn, reply.status, "");
        return respond(conn, reply.status, reply.content_type, reply.body, reply.len);
    }
    return respond_text(conn, 404, "not found\n");
}

/* libmicrohttpd's own messages go to the JSON log, not raw to stderr. */
static void http_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    pw_logkv(PW_LOG_WARN, "http server", "detail", msg, (char *)NULL);
}

pw_http_t *pw_http_start(const char *host, int port, pw_metrics_t *metrics, pw_http_ready_fn ready,
                         void *ready_ctx)
{
    pw_http_t *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->metrics = metrics;
    h->ready = ready;
    h->ready_ctx = ready_ctx;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        pw_error("http: bind host %s is not an IPv4 address", host);
        free(h);
        return NULL;
    }
    h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
                                 (uint16_t)port, NULL, NULL, handle, h, MHD_OPTION_EXTERNAL_LOGGER,
                                 http_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
    if (!h->daemon) {
        pw_error("http: cannot listen on %s:%d", host, port);
        free(h);
        return NULL;
    }
    return h;
}

int pw_http_route(pw_http_t *h, const char *prefix, pw_http_fn fn, void *ctx)
{
    if (h->nroutes == MAX_ROUTES || strlen(prefix) >= sizeof h->routes[0].prefix)
        return -1;
    route_t *r = &h->routes[h->nroutes++];
    snprintf(r->prefix, sizeof r->prefix, "%s", prefix);
    r->fn = fn;
    r->ctx = ctx;
    return 0;
}

void pw_http_stop(pw_http_t **p)
{
    if (!p || !*p)
        return;
    if ((*p)->daemon)
        MHD_stop_daemon((*p)->daemon);
    free(*p);
    *p = NULL;
}
