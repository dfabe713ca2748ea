/* AdminRequest handling for reporting: decode, dispatch on the oneof, map
 * query results onto the reply, encode. Everything allocated here is freed
 * before the function returns, except the encoded reply. */
#include "request.h"

#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "publish.h"
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

/* The summary rows of s as a reply in view; NULL when out of memory or the
 * publication layer failed. */
static uint8_t *encode_summary(pw_db_t *db, const Pathways__V1__AdminRequest *req,
                               const reporting_summary_t *s, report_view_t view, size_t *reply_len)
{
    uint8_t *out = NULL;
    Pathways__V1__SummaryRow *rows = calloc(s->count ? s->count : 1, sizeof *rows);
    Pathways__V1__SummaryRow **ptrs = calloc(s->count ? s->count : 1, sizeof *ptrs);
    Pathways__V1__SummaryReply summary = PATHWAYS__V1__SUMMARY_REPLY__INIT;
    summary.n_rows = s->count;
    summary.rows = ptrs;
    summary.figures =
        view == REPORT_VIEW_PROTECTED ? PUBLISH_FIGURES_PROTECTED : PUBLISH_FIGURES_EXACT;
    char today[PW_DATE_LEN];
    pw_date_format(pw_date_today(), today);
    if (rows && ptrs) {
        for (size_t i = 0; i < s->count; i++) {
            copy_row(&rows[i], &s->rows[i]);
            ptrs[i] = &rows[i];
        }
        if (view != REPORT_VIEW_PROTECTED || publish_summary(db, today, &summary) == 0) {
            Pathways__V1__AdminReply reply = PATHWAYS__V1__ADMIN_REPLY__INIT;
            reply.request_id = req->request_id;
            reply.reply_case = PATHWAYS__V1__ADMIN_REPLY__REPLY_SUMMARY;
            reply.summary = &summary;
            out = encode(&reply, reply_len);
        }
        publish_summary_clear(&summary);
    }
    free(ptrs);
    free(rows);
    return out;
}

/* Opens a read-only snapshot, so that the figures and the publication
 * layer's plan see the same rows. */
static int begin_snapshot(pw_db_t *db)
{
    if (pw_db_begin(db) != 0)
        return -1;
    if (pw_db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0, NULL) == 0)
        return 0;
    pw_db_rollback(db);
    return -1;
}

static uint8_t *summary_reply(pw_db_t *db, const Pathways__V1__AdminRequest *req,
                              report_view_t view, size_t *reply_len)
{
    const char *employer = req->summary ? req->summary->employer : NULL;
    if (req->summary && req->summary->release)
        view = REPORT_VIEW_PROTECTED;
    reporting_summary_t *s = begin_snapshot(db) == 0 ? reporting_summary_query(db, employer) : NULL;
    uint8_t *out = s ? encode_summary(db, req, s, view, reply_len) : NULL;
    reporting_summary_destroy(&s);
    if (out && pw_db_commit(db) != 0) {
        free(out);
        out = NULL;
    }
    if (pw_db_in_txn(db))
        pw_db_rollback(db);
    if (!out)
        return error_reply(req->request_id, REPORTING_ERR_UNAVAILABLE,
                           "the report could not be read; try again", reply_len);
    return out;
}

uint8_t *reporting_request_answer(pw_db_t *db, report_view_t view, const char *type,
                                  const uint8_t *data, size_t len, size_t *reply_len)
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
        out = summary_reply(db, req, view, reply_len);
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
    /* Exact figures for administrators only; everyone else gets the
     * protected ones, through the publication layer. */
    const pw_peer_t *peer = pw_service_peer(svc);
    report_view_t view =
        peer && peer->role == PW_ROLE_ADMIN ? REPORT_VIEW_EXACT : REPORT_VIEW_PROTECTED;
    uint8_t *out = report_request_answer(pw_service_db(svc), ctx, view, type, data, len, reply_type,
                                         reply_len);
    if (*reply_type)
        return out;
    *reply_type = REPORTING_REPLY_TYPE;
    return reporting_request_answer(pw_service_db(svc), view, type, data, len, reply_len);
}

/* Reports need at least a read-only key (with CURVE on); partners may not
 * read them. Anything else falls to the runtime's default: admin only. */
static const char *const READ_ONLY_TYPES[] = {REPORTING_REQUEST_TYPE, REPORT_TYPE_RETENTION,
                                              REPORT_TYPE_OUTCOMES,   REPORT_TYPE_COST,
                                              REPORT_TYPE_FUNNEL,     REPORT_TYPE_EQUITY};

int reporting_request_register(pw_service_t *svc, cost_file_t *costs)
{
    for (size_t i = 0; i < sizeof READ_ONLY_TYPES / sizeof READ_ONLY_TYPES[0]; i++)
        if (pw_service_require(svc, READ_ONLY_TYPES[i], PW_ROLE_READ_ONLY) != 0)
            return -1;
    return pw_service_on_request(svc, on_request, costs);
}
