/* Report queries: decode, check the filter, run in a snapshot, encode. One
 * table maps each query type to its reply type and runner. */
#include "report_request.h"

#include <stdio.h>
#include <string.h>

#include "cost.h"
#include "outcomes.h"
#include "pathways/log.h"
#include "retention.h"

typedef ProtobufCMessage *(*runner_fn)(pw_db_t *db, const cost_config_t *costs,
                                       const ProtobufCMessage *q, char *err, size_t errlen);

typedef struct {
    const ProtobufCMessageDescriptor *query;
    const ProtobufCMessageDescriptor *reply;
    runner_fn run;
} report_kind_t;

static ProtobufCMessage *run_retention(pw_db_t *db, const cost_config_t *costs,
                                       const ProtobufCMessage *q, char *err, size_t errlen)
{
    (void)costs;
    const Pathways__V1__RetentionQuery *r = (const Pathways__V1__RetentionQuery *)q;
    report_params_t p;
    if (report_params_from(r->filter, PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED, &p, err,
                           errlen) != 0)
        return NULL;
    Pathways__V1__RetentionReply *out = retention_report(db, &p, r->curves);
    return out ? &out->base : NULL;
}

static ProtobufCMessage *run_outcomes(pw_db_t *db, const cost_config_t *costs,
                                      const ProtobufCMessage *q, char *err, size_t errlen)
{
    (void)costs;
    const Pathways__V1__OutcomesQuery *o = (const Pathways__V1__OutcomesQuery *)q;
    report_params_t p;
    if (report_params_from(o->filter, PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_COHORT, &p, err,
                           errlen) != 0)
        return NULL;
    Pathways__V1__OutcomesReply *out = outcomes_report(db, &p);
    return out ? &out->base : NULL;
}

static ProtobufCMessage *run_cost(pw_db_t *db, const cost_config_t *costs,
                                  const ProtobufCMessage *q, char *err, size_t errlen)
{
    const Pathways__V1__CostQuery *c = (const Pathways__V1__CostQuery *)q;
    report_params_t p;
    if (report_params_from(c->filter, PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED, &p, err,
                           errlen) != 0)
        return NULL;
    unsigned horizon = c->horizon_months ? c->horizon_months : COST_DEFAULT_HORIZON_MONTHS;
    if (horizon > COST_MAX_HORIZON_MONTHS) {
        snprintf(err, errlen, "horizon_months: 1..%d expected", COST_MAX_HORIZON_MONTHS);
        return NULL;
    }
    Pathways__V1__CostReply *out = cost_report(db, &p, horizon, costs);
    return out ? &out->base : NULL;
}

static const report_kind_t KINDS[] = {
    {&pathways__v1__retention_query__descriptor, &pathways__v1__retention_reply__descriptor,
     run_retention},
    {&pathways__v1__outcomes_query__descriptor, &pathways__v1__outcomes_reply__descriptor,
     run_outcomes},
    {&pathways__v1__cost_query__descriptor, &pathways__v1__cost_reply__descriptor, run_cost},
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])

static const report_kind_t *kind_of(const ProtobufCMessageDescriptor *d)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (KINDS[i].query == d)
            return &KINDS[i];
    return NULL;
}

/* An empty reply of descriptor d with its error fields set. */
static ProtobufCMessage *error_reply(const ProtobufCMessageDescriptor *d, const char *code,
                                     const char *why)
{
    report_msg_t m = {0};
    ProtobufCMessage *r = report_msg_new(&m, d);
    if (!r)
        return NULL;
    const ProtobufCFieldDescriptor *fc =
        protobuf_c_message_descriptor_get_field_by_name(d, "error_code");
    const ProtobufCFieldDescriptor *fe =
        protobuf_c_message_descriptor_get_field_by_name(d, "error");
    *(char **)(void *)((char *)r + fc->offset) = report_msg_str(&m, code);
    *(char **)(void *)((char *)r + fe->offset) = report_msg_str(&m, why);
    if (m.failed)
        pw_msg_free(&r);
    return r;
}

/* Runs k in a read-only snapshot. */
static ProtobufCMessage *run_snapshot(pw_db_t *db, const cost_config_t *costs,
                                      const report_kind_t *k, const ProtobufCMessage *q)
{
    char err[256] = "";
    if (pw_db_begin(db) != 0 ||
        pw_db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0, NULL) !=
            0) {
        pw_db_rollback(db);
        return error_reply(k->reply, REPORT_ERR_UNAVAILABLE, "the database is not available");
    }
    ProtobufCMessage *out = k->run(db, costs, q, err, sizeof err);
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

ProtobufCMessage *report_run(pw_db_t *db, const cost_config_t *costs, const ProtobufCMessage *msg)
{
    const report_kind_t *k = kind_of(msg->descriptor);
    return k ? run_snapshot(db, costs, k, msg) : NULL;
}

uint8_t *report_request_answer(pw_db_t *db, const cost_config_t *costs, const char *type,
                               const uint8_t *data, size_t len, const char **reply_type,
                               size_t *reply_len)
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
        q ? run_snapshot(db, costs, k, q)
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
