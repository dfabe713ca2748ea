/* AdminRequest handling for reporting: decode, dispatch on the oneof, map
 * query results onto the reply, encode. Everything allocated here is freed
 * before the function returns, except the encoded reply. */
#include "request.h"

#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/log.h"
#include "query.h"
#include "report_request.h"

/* Encodes reply (an error reply when the summary would not fit). */
static uint8_t *encode(Pathways__V1__AdminReply *reply, size_t *reply_len)
{
    uint8_t *out = pw_msg_encode(&reply->base, 0, reply_len);
    if (!out && reply->reply_case != PATHWAYS__V1__ADMIN_REPLY__REPLY__NOT_SET) {
        reply->reply_case = PATHWAYS__V1__ADMIN_REPLY__REPLY__NOT_SET;
        reply->error_code = REPORTING_ERR_UNAVAILABLE;
        reply->error = "reply too large; filter by employer";
        out = pw_msg_encode(&reply->base, 0, reply_len);
    }
    return out;
}

static uint8_t *error_reply(const char *request_id, const char *code, const char *why,
                            size_t *reply_len)
{
    Pathways__V1__AdminReply reply = PATHWAYS__V1__ADMIN_REPLY__INIT;
    reply.request_id = (char *)(request_id ? request_id : "");
    reply.error_code = (char *)code;
    reply.error = (char *)why;
    return encode(&reply, reply_len);
}

static void copy_row(Pathways__V1__SummaryRow *out, const reporting_summary_row_t *in)
{
    pathways__v1__summary_row__init(out);
    out->employer = in->employer;
    out->employees = in->employees;
    out->eligible = in->eligible;
    out->not_eligible = in->not_eligible;
    out->needs_review = in->needs_review;
    out->invited = in->invited;
    out->enrolled = in->enrolled;
    out->exited = in->exited;
    out->terminated = in->terminated;
    out->notifications = in->notifications;
}

static uint8_t *summary_reply(pw_db_t *db, const Pathways__V1__AdminRequest *req, size_t *reply_len)
{
    const char *employer = req->summary ? req->summary->employer : NULL;
    reporting_summary_t *s = reporting_summary_query(db, employer);
    if (!s)
        return error_reply(req->request_id, REPORTING_ERR_UNAVAILABLE,
                           "the report could not be read; try again", reply_len);
    uint8_t *out = NULL;
    Pathways__V1__SummaryRow *rows = calloc(s->count ? s->count : 1, sizeof *rows);
    Pathways__V1__SummaryRow **ptrs = calloc(s->count ? s->count : 1, sizeof *ptrs);
    if (rows && ptrs) {
        for (size_t i = 0; i < s->count; i++) {
            copy_row(&rows[i], &s->rows[i]);
            ptrs[i] = &rows[i];
        }
        Pathways__V1__SummaryReply summary = PATHWAYS__V1__SUMMARY_REPLY__INIT;
        summary.n_rows = s->count;
        summary.rows = ptrs;
        Pathways__V1__AdminReply reply = PATHWAYS__V1__ADMIN_REPLY__INIT;
        reply.request_id = req->request_id;
        reply.reply_case = PATHWAYS__V1__ADMIN_REPLY__REPLY_SUMMARY;
        reply.summary = &summary;
        out = encode(&reply, reply_len);
    }
    free(ptrs);
    free(rows);
    reporting_summary_destroy(&s);
    return out;
}

uint8_t *reporting_request_answer(pw_db_t *db, const char *type, const uint8_t *data, size_t len,
                                  size_t *reply_len)
{
    if (!type || strcmp(type, REPORTING_REQUEST_TYPE) != 0)
        return error_reply(NULL, REPORTING_ERR_UNSUPPORTED,
                           "reporting answers pathways.v1.AdminRequest only", reply_len);
    Pathways__V1__AdminRequest *req = pw_decode_admin_request(data, len);
    if (!req)
        return error_reply(NULL, REPORTING_ERR_MALFORMED, "the AdminRequest could not be decoded",
                           reply_len);
    uint8_t *out;
    if (req->request_case == PATHWAYS__V1__ADMIN_REQUEST__REQUEST_SUMMARY)
        out = summary_reply(db, req, reply_len);
    else
        out = error_reply(req->request_id, REPORTING_ERR_UNSUPPORTED,
                          "reporting answers the summary request only", reply_len);
    pw_free_admin_request(&req);
    return out;
}

/* Report queries (report.proto) first; everything else is an AdminRequest
 * or answered as unsupported in an AdminReply. */
static uint8_t *on_request(void *ctx, pw_service_t *svc, const char *type, const uint8_t *data,
                           size_t len, const char **reply_type, size_t *reply_len)
{
    uint8_t *out =
        report_request_answer(pw_service_db(svc), ctx, type, data, len, reply_type, reply_len);
    if (*reply_type)
        return out;
    *reply_type = REPORTING_REPLY_TYPE;
    return reporting_request_answer(pw_service_db(svc), type, data, len, reply_len);
}

/* Reports need at least a read-only key (with CURVE on); partners may not
 * read them. Anything else falls to the runtime's default: admin only. */
static const char *const READ_ONLY_TYPES[] = {REPORTING_REQUEST_TYPE, REPORT_TYPE_RETENTION,
                                              REPORT_TYPE_OUTCOMES, REPORT_TYPE_COST};

int reporting_request_register(pw_service_t *svc, const cost_config_t *costs)
{
    for (size_t i = 0; i < sizeof READ_ONLY_TYPES / sizeof READ_ONLY_TYPES[0]; i++)
        if (pw_service_require(svc, READ_ONLY_TYPES[i], PW_ROLE_READ_ONLY) != 0)
            return -1;
    return pw_service_on_request(svc, on_request, (void *)costs);
}
