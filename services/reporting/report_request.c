/* Report queries: decode, check the filter, run in a snapshot, encode. One
 * table maps each query type to its reply type and runner. */
#include "report_request.h"

#include <stdio.h>
#include <string.h>

#include "cost.h"
#include "cost_file.h"
#include "equity.h"
#include "funnel.h"
#include "outcomes.h"
#include "pathways/log.h"
#include "publish.h"
#include "retention.h"

typedef ProtobufCMessage *(*runner_fn)(pw_db_t *db, cost_file_t *costs, const report_params_t *p,
                                       const ProtobufCMessage *q, char *err, size_t errlen);
/* Withholds in out what the protected figures may not show; 0 or -1. */
typedef int (*publish_fn)(pw_db_t *db, const report_params_t *p, const ProtobufCMessage *q,
                          ProtobufCMessage *out);

typedef struct {
    const ProtobufCMessageDescriptor *query;
    const ProtobufCMessageDescriptor *reply;
    Pathways__V1__ReportSlice dflt; /* the slice when the filter names none */
    runner_fn run;
    publish_fn publish;
} report_kind_t;

static ProtobufCMessage *run_retention(pw_db_t *db, cost_file_t *costs, const report_params_t *p,
                                       const ProtobufCMessage *q, char *err, size_t errlen)
{
    (void)costs, (void)err, (void)errlen;
    const Pathways__V1__RetentionQuery *r = (const Pathways__V1__RetentionQuery *)q;
    Pathways__V1__RetentionReply *out = retention_report(db, p, r->curves);
    return out ? &out->base : NULL;
}

static int publish_retention_reply(pw_db_t *db, const report_params_t *p, const ProtobufCMessage *q,
                                   ProtobufCMessage *out)
{
    (void)q;
    return publish_retention(db, p, (Pathways__V1__RetentionReply *)out);
}

static ProtobufCMessage *run_outcomes(pw_db_t *db, cost_file_t *costs, const report_params_t *p,
                                      const ProtobufCMessage *q, char *err, size_t errlen)
{
    (void)costs, (void)q, (void)err, (void)errlen;
    Pathways__V1__OutcomesReply *out = outcomes_report(db, p);
    return out ? &out->base : NULL;
}

static int publish_outcomes_reply(pw_db_t *db, const report_params_t *p, const ProtobufCMessage *q,
                                  ProtobufCMessage *out)
{
    (void)q;
    return publish_outcomes(db, p, (Pathways__V1__OutcomesReply *)out);
}

static unsigned horizon_of(const ProtobufCMessage *q)
{
    const Pathways__V1__CostQuery *c = (const Pathways__V1__CostQuery *)q;
    return c->horizon_months ? c->horizon_months : COST_DEFAULT_HORIZON_MONTHS;
}

static ProtobufCMessage *run_cost(pw_db_t *db, cost_file_t *costs, const report_params_t *p,
                                  const ProtobufCMessage *q, char *err, size_t errlen)
{
    unsigned horizon = horizon_of(q);
    if (horizon > COST_MAX_HORIZON_MONTHS) {
        snprintf(err, errlen, "horizon_months: 1..%d expected", COST_MAX_HORIZON_MONTHS);
        return NULL;
    }
    /* A changed file is read again first; a bad one leaves the last good
     * figures in use (cost_file_refresh logs why). */
    char why[512];
    (void)cost_file_refresh(costs, why, sizeof why);
    cost_config_t *figures = cost_file_snapshot(costs);
    Pathways__V1__CostReply *out = figures ? cost_report(db, p, horizon, figures) : NULL;
    cost_config_destroy(&figures);
    return out ? &out->base : NULL;
}

static int publish_cost_reply(pw_db_t *db, const report_params_t *p, const ProtobufCMessage *q,
                              ProtobufCMessage *out)
{
    return publish_cost(db, p, horizon_of(q), (Pathways__V1__CostReply *)out);
}

static ProtobufCMessage *run_funnel(pw_db_t *db, cost_file_t *costs, const report_params_t *p,
                                    const ProtobufCMessage *q, char *err, size_t errlen)
{
    (void)costs, (void)q;
    Pathways__V1__FunnelReply *out = funnel_report(db, p, err, errlen);
    return out ? &out->base : NULL;
}

static int publish_funnel_reply(pw_db_t *db, const report_params_t *p, const ProtobufCMessage *q,
                                ProtobufCMessage *out)
{
    (void)q;
    return publish_funnel(db, p, (Pathways__V1__FunnelReply *)out);
}

static ProtobufCMessage *run_equity(pw_db_t *db, cost_file_t *costs, const report_params_t *p,
                                    const ProtobufCMessage *q, char *err, size_t errlen)
{
    (void)costs, (void)q;
    Pathways__V1__EquityReply *out = equity_report(db, p, err, errlen);
    return out ? &out->base : NULL;
}

static int publish_equity_reply(pw_db_t *db, const report_params_t *p, const ProtobufCMessage *q,
                                ProtobufCMessage *out)
{
    (void)q;
    return publish_equity(db, p, (Pathways__V1__EquityReply *)out);
}

static const report_kind_t KINDS[] = {
    {&pathways__v1__retention_query__descriptor, &pathways__v1__retention_reply__descriptor,
     PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED, run_retention, publish_retention_reply},
    {&pathways__v1__outcomes_query__descriptor, &pathways__v1__outcomes_reply__descriptor,
     PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_COHORT, run_outcomes, publish_outcomes_reply},
    {&pathways__v1__cost_query__descriptor, &pathways__v1__cost_reply__descriptor,
     PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED, run_cost, publish_cost_reply},
    {&pathways__v1__funnel_query__descriptor, &pathways__v1__funnel_reply__descriptor,
     PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED, run_funnel, publish_funnel_reply},
    {&pathways__v1__equity_query__descriptor, &pathways__v1__equity_reply__descriptor,
     PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED, run_equity, publish_equity_reply},
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])

static const report_kind_t *kind_of(const ProtobufCMessageDescriptor *d)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (KINDS[i].query == d)
            return &KINDS[i];
    return NULL;
}

/* Sets the string field name of r (built with report_msg), still at its
 * default (protobuf-c's static empty string), to text. */
static void set_text(report_msg_t *m, ProtobufCMessage *r, const char *name, const char *text)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(r->descriptor, name);
    *(char **)(void *)((char *)r + f->offset) = report_msg_str(m, text);
}

/* An empty reply of descriptor d with its error fields set. */
static ProtobufCMessage *error_reply(const ProtobufCMessageDescriptor *d, const char *code,
                                     const char *why)
{
    report_msg_t m = {0};
    ProtobufCMessage *r = report_msg_new(&m, d);
    if (!r)
        return NULL;
    set_text(&m, r, "error_code", code);
    set_text(&m, r, "error", why);
    if (m.failed)
        pw_msg_free(&r);
    return r;
}

/* The query's filter (every report query has one, field "filter"). */
static const Pathways__V1__ReportFilter *filter_of(const ProtobufCMessage *q)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(q->descriptor, "filter");
    return *(const Pathways__V1__ReportFilter *const *)(const void *)((const char *)q + f->offset);
}

/* The report k for q in view: parameters (rewritten for protected
 * figures), the computation, then the publication layer. NULL with err set
 * for a bad request, NULL with err empty when the database failed. */
static ProtobufCMessage *compute(pw_db_t *db, cost_file_t *costs, const report_kind_t *k,
                                 const ProtobufCMessage *q, report_view_t view, char *err,
                                 size_t errlen)
{
    report_params_t p;
    if (report_params_from(filter_of(q), k->dflt, &p, err, errlen) != 0)
        return NULL;
    if (strcmp(p.slice, "provider") == 0 && k->query != &pathways__v1__outcomes_query__descriptor) {
        snprintf(err, errlen, "the provider slice is for the outcomes report");
        return NULL;
    }
    if (view == REPORT_VIEW_EXACT && p.release)
        view = REPORT_VIEW_PROTECTED;
    if (view == REPORT_VIEW_PROTECTED && publish_params(&p, err, errlen) != 0)
        return NULL;
    if (view == REPORT_VIEW_EXACT)
        p.threshold = 1; /* nothing withheld */
    ProtobufCMessage *out = k->run(db, costs, &p, q, err, errlen);
    if (!out || view == REPORT_VIEW_CELLS)
        return out;
    if (view == REPORT_VIEW_PROTECTED && k->publish(db, &p, q, out) != 0) {
        pw_msg_free(&out);
        return NULL;
    }
    report_msg_t m = {0};
    set_text(&m, out, "figures",
             view == REPORT_VIEW_PROTECTED ? PUBLISH_FIGURES_PROTECTED : PUBLISH_FIGURES_EXACT);
    if (m.failed)
        pw_msg_free(&out);
    return out;
}

/* Runs k in a read-only snapshot. */
static ProtobufCMessage *run_snapshot(pw_db_t *db, cost_file_t *costs, const report_kind_t *k,
                                      const ProtobufCMessage *q, report_view_t view)
{
    char err[256] = "";
    if (pw_db_begin(db) != 0 ||
        pw_db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0, NULL) !=
            0) {
        pw_db_rollback(db);
        return error_reply(k->reply, REPORT_ERR_UNAVAILABLE, "the database is not available");
    }
    ProtobufCMessage *out = compute(db, costs, k, q, view, err, sizeof err);
    if (out && pw_db_commit(db) != 0)
        pw_msg_free(&out);
    if (!out) {
        pw_db_rollback(db);
        if (*err)
            return error_reply(k->reply, REPORT_ERR_BAD_REQUEST, err);
        return error_reply(k->reply, REPORT_ERR_UNAVAILABLE,
                           "the report could not be read; try again");
    }
    return out;
}

ProtobufCMessage *report_run(pw_db_t *db, cost_file_t *costs, const ProtobufCMessage *msg,
                             report_view_t view)
{
    const report_kind_t *k = kind_of(msg->descriptor);
    return k ? run_snapshot(db, costs, k, msg, view) : NULL;
}

uint8_t *report_request_answer(pw_db_t *db, cost_file_t *costs, report_view_t view,
                               const char *type, const uint8_t *data, size_t len,
                               const char **reply_type, size_t *reply_len)
{
    *reply_type = NULL;
    const report_kind_t *k = NULL;
    for (size_t i = 0; i < NKINDS && type; i++)
        if (strcmp(KINDS[i].query->name, type) == 0)
            k = &KINDS[i];
    if (!k)
        return NULL;
    *reply_type = k->reply->name;
    ProtobufCMessage *q = pw_msg_decode(k->query, data, len, 0);
    ProtobufCMessage *out =
        q ? run_snapshot(db, costs, k, q, view)
          : error_reply(k->reply, REPORT_ERR_BAD_REQUEST, "the query could not be decoded");
    pw_msg_free(&q);
    uint8_t *bytes = out ? pw_msg_encode(out, 0, reply_len) : NULL;
    pw_msg_free(&out);
    if (!bytes) {
        out = error_reply(k->reply, REPORT_ERR_UNAVAILABLE, "reply too large; narrow the filter");
        bytes = out ? pw_msg_encode(out, 0, reply_len) : NULL;
        pw_msg_free(&out);
    }
    return bytes;
}
