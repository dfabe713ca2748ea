/* Dashboard routes; see dashboard.h. Every API answer is built by the same
 * report functions as the command endpoint, so the page and pathwaysctl
 * show the same figures. */
#include "dashboard.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "pathways/log.h"
#include "pbjson.h"
#include "report_msg.h"
#include "report_request.h"
#include "svg.h"

extern const unsigned char reporting_web_dashboard_html[], reporting_web_dashboard_js[],
    reporting_web_dashboard_css[];
extern const size_t reporting_web_dashboard_html_len, reporting_web_dashboard_js_len,
    reporting_web_dashboard_css_len;

struct reporting_dashboard {
    pthread_mutex_t lock; /* one request at a time on db */
    char *url;
    pw_db_t *db; /* connected on the first request */
    cost_file_t *costs;
};

/* Server notices (e.g. "terminating connection" at a server shutdown) go to
 * the JSON log, never raw to stderr. */
static void log_notice(void *arg, const char *message)
{
    (void)arg;
    pw_warn("dashboard database: %s", message);
}

/* The dashboard's connection, ready for a request; NULL when the database
 * is not reachable. Call with the lock held. */
static pw_db_t *dash_db(reporting_dashboard_t *d)
{
    if (!d->db)
        d->db = pw_db_new(d->url);
    if (!d->db || pw_db_ensure(d->db) != 0)
        return NULL;
    PQsetNoticeProcessor(pw_db_conn(d->db), log_notice, NULL);
    return d->db;
}

reporting_dashboard_t *reporting_dashboard_new(const char *database_url, cost_file_t *costs)
{
    reporting_dashboard_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->url = strdup(database_url);
    if (!d->url || pthread_mutex_init(&d->lock, NULL) != 0) {
        free(d->url);
        free(d);
        return NULL;
    }
    d->costs = costs;
    return d;
}

void reporting_dashboard_destroy(reporting_dashboard_t **p)
{
    if (!p || !*p)
        return;
    pw_db_destroy(&(*p)->db);
    free((*p)->url);
    pthread_mutex_destroy(&(*p)->lock);
    free(*p);
    *p = NULL;
}

static int reply_bytes(pw_http_reply_t *r, int status, const char *type, const void *data,
                       size_t len)
{
    r->body = malloc(len + 1);
    if (!r->body)
        return -1;
    memcpy(r->body, data, len);
    r->body[len] = '\0';
    r->len = len;
    r->status = status;
    r->content_type = type;
    return 0;
}

static int reply_json(pw_http_reply_t *r, int status, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(doc);
    if (!text)
        return -1;
    r->body = text;
    r->len = strlen(text);
    r->status = status;
    r->content_type = "application/json";
    return 0;
}

static int reply_error(pw_http_reply_t *r, int status, const char *why)
{
    return reply_json(r, status, json_pack("{s:s}", "error", why));
}

static const char *arg(const pw_http_request_t *req, const char *name)
{
    const char *v = pw_http_arg(req, name);
    return v ? v : "";
}

/* The slice named s (report_slice_name's words), or an invalid value the
 * request then refuses. */
static Pathways__V1__ReportSlice slice_arg(const char *s)
{
    for (int i = 0; i <= PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_PROVIDER; i++)
        if (strcmp(s, report_slice_name((Pathways__V1__ReportSlice)i)) == 0)
            return (Pathways__V1__ReportSlice)i;
    return (Pathways__V1__ReportSlice)-1;
}

/* Fills f from the query string (strings borrowed from the request). */
static void filter_from(const pw_http_request_t *req, Pathways__V1__ReportFilter *f)
{
    pathways__v1__report_filter__init(f);
    f->program = (char *)arg(req, "program");
    f->employer = (char *)arg(req, "employer");
    f->cohort_id = (char *)arg(req, "cohort");
    f->job_family = (char *)arg(req, "job_family");
    f->from = (char *)arg(req, "from");
    f->to = (char *)arg(req, "to");
    f->as_of = (char *)arg(req, "as_of");
    f->slice = *arg(req, "slice") ? slice_arg(arg(req, "slice"))
                                  : PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED;
}

/* Runs the report named by path's last word under the lock; NULL for an
 * unknown report or when the database is unavailable. */
static ProtobufCMessage *run_report(reporting_dashboard_t *d, const pw_http_request_t *req,
                                    const char *kind)
{
    Pathways__V1__ReportFilter f;
    filter_from(req, &f);
    Pathways__V1__RetentionQuery rq = PATHWAYS__V1__RETENTION_QUERY__INIT;
    Pathways__V1__OutcomesQuery oq = PATHWAYS__V1__OUTCOMES_QUERY__INIT;
    Pathways__V1__CostQuery cq = PATHWAYS__V1__COST_QUERY__INIT;
    Pathways__V1__FunnelQuery fq = PATHWAYS__V1__FUNNEL_QUERY__INIT;
    Pathways__V1__EquityQuery eq = PATHWAYS__V1__EQUITY_QUERY__INIT;
    rq.filter = oq.filter = cq.filter = fq.filter = eq.filter = &f;
    rq.curves = 1;
    cq.horizon_months = (uint32_t)strtoul(arg(req, "horizon"), NULL, 10);
    const struct {
        const char *name;
        const ProtobufCMessage *query;
    } reports[] = {{"retention", &rq.base},
                   {"outcomes", &oq.base},
                   {"cost", &cq.base},
                   {"funnel", &fq.base},
                   {"equity", &eq.base}};
    const ProtobufCMessage *q = NULL;
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
        if (strcmp(kind, reports[i].name) == 0)
            q = reports[i].query;
    if (!q)
        return NULL;
    pthread_mutex_lock(&d->lock);
    pw_db_t *db = dash_db(d);
    /* The dashboard has no login: it shows the protected figures. */
    ProtobufCMessage *out = db ? report_run(db, d->costs, q, REPORT_VIEW_PROTECTED) : NULL;
    pthread_mutex_unlock(&d->lock);
    return out;
}

static int is_report(const char *kind)
{
    static const char *const names[] = {"retention", "outcomes", "cost", "funnel", "equity"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(kind, names[i]) == 0)
            return 1;
    return 0;
}

static int api(reporting_dashboard_t *d, const pw_http_request_t *req, const char *kind,
               pw_http_reply_t *reply)
{
    if (strcmp(kind, "queues") == 0) {
        pthread_mutex_lock(&d->lock);
        pw_db_t *db = dash_db(d);
        json_t *h = db ? health_queues(db) : NULL;
        pthread_mutex_unlock(&d->lock);
        return h ? reply_json(reply, 200, h) : reply_error(reply, 503, "database unavailable");
    }
    if (!is_report(kind))
        return reply_error(reply, 404, "unknown report");
    ProtobufCMessage *out = run_report(d, req, kind);
    if (!out)
        return reply_error(reply, 503, "database unavailable");
    json_t *doc = pbjson_from_message(out);
    const char *code = json_string_value(json_object_get(doc, "error_code"));
    int status = !code || !*code ? 200 : strcmp(code, REPORT_ERR_BAD_REQUEST) == 0 ? 400 : 503;
    pw_msg_free(&out);
    return reply_json(reply, status, doc);
}

static int chart(reporting_dashboard_t *d, const pw_http_request_t *req, pw_http_reply_t *reply)
{
    ProtobufCMessage *out = run_report(d, req, "retention");
    if (!out)
        return reply_error(reply, 503, "database unavailable");
    const Pathways__V1__RetentionReply *r = (const Pathways__V1__RetentionReply *)out;
    const char *value = *arg(req, "value") ? arg(req, "value") : "all";
    int rc = -1;
    for (size_t i = 0; i < r->n_slices; i++) {
        if (strcmp(r->slices[i]->slice, value) != 0)
            continue;
        size_t len;
        char *svg = svg_survival(r->slices[i], value, &len);
        if (svg) {
            reply->body = svg;
            reply->len = len;
            reply->content_type = "image/svg+xml";
            rc = 0;
        }
        break;
    }
    if (rc != 0 && !reply->body)
        rc = reply_error(reply, 404, "no such slice");
    pw_msg_free(&out);
    return rc;
}

static int route(void *ctx, const pw_http_request_t *req, const char *path, pw_http_reply_t *reply)
{
    reporting_dashboard_t *d = ctx;
    if (strcmp(path, "/") == 0 || strcmp(path, "/dashboard") == 0)
        return reply_bytes(reply, 200, "text/html; charset=utf-8", reporting_web_dashboard_html,
                           reporting_web_dashboard_html_len);
    if (strcmp(path, "/dashboard.js") == 0)
        return reply_bytes(reply, 200, "text/javascript; charset=utf-8", reporting_web_dashboard_js,
                           reporting_web_dashboard_js_len);
    if (strcmp(path, "/dashboard.css") == 0)
        return reply_bytes(reply, 200, "text/css; charset=utf-8", reporting_web_dashboard_css,
                           reporting_web_dashboard_css_len);
    if (strncmp(path, "/api/", 5) == 0)
        return api(d, req, path + 5, reply);
    if (strcmp(path, "/chart/retention.svg") == 0)
        return chart(d, req, reply);
    if (strcmp(path, "/favicon.ico") == 0) {
        reply->status = 204;
        return 0;
    }
    return reply_error(reply, 404, "not found");
}

int reporting_dashboard_attach(reporting_dashboard_t *d, pw_http_t *http)
{
    if (!http)
        return -1;
    return pw_http_route(http, "/", route, d);
}
