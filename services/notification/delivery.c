/* The delivery task (delivery.h). */
#include "delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoff.h"
#include "outbox.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "recipient.h"

#define METRIC_DELIVERIES "pathways_notification_deliveries_total"

struct ntf_delivery {
    ntf_delivery_opts_t opts;
    ntf_channel_t *channel;
    const ntf_catalog_t *catalog;
    const ntf_publisher_t *pub;
    uint32_t rng;
    int recovered; /* start-up reclaim done */
};

ntf_delivery_t *ntf_delivery_new(const ntf_delivery_opts_t *opts, ntf_channel_t **channel,
                                 const ntf_catalog_t *catalog, const ntf_publisher_t *pub)
{
    ntf_delivery_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->opts = *opts;
    if (d->opts.batch <= 0)
        d->opts.batch = NTF_DELIVERY_BATCH;
    if (d->opts.lease_s <= 0)
        d->opts.lease_s = NTF_DELIVERY_LEASE_S;
    if (!d->opts.from || !*d->opts.from)
        d->opts.from = NTF_DEFAULT_FROM;
    d->channel = *channel;
    *channel = NULL;
    d->catalog = catalog;
    d->pub = pub;
    d->rng = (uint32_t)pw_now_us() ^ ((uint32_t)getpid() << 16) ^ 0x5bd1e995u;
    if (opts->metrics)
        pw_metrics_describe(opts->metrics, METRIC_DELIVERIES, "counter",
                            "Notification delivery attempts by channel and result.");
    return d;
}

void ntf_delivery_destroy(ntf_delivery_t **p)
{
    if (!p || !*p)
        return;
    ntf_channel_destroy(&(*p)->channel);
    free(*p);
    *p = NULL;
}

typedef struct {
    const char *id, *trigger, *employer, *employee, *program;
    int attempts, address_waits;
} row_t;

/* Renders and sends one claimed row; no transaction is open. */
static ntf_outcome_t attempt(ntf_delivery_t *d, pw_db_t *db, const row_t *row, char *err,
                             size_t errlen)
{
    PGresult *who = ntf_recipient_lookup(db, row->employer, row->employee);
    if (!who) {
        snprintf(err, errlen, "recipient lookup: %s", pw_db_error(db));
        return NTF_OUTCOME_TEMPORARY;
    }
    if (PQntuples(who) != 1 || !*pw_db_get(who, 0, "email")) {
        PQclear(who);
        snprintf(err, errlen, "no_address: no email on file yet");
        return NTF_OUTCOME_NO_ADDRESS;
    }
    ntf_render_input_t in = {row->trigger, pw_db_get(who, 0, "language"),
                             pw_db_get(who, 0, "given_name"), row->program, row->id};
    char *subject = NULL, *body = NULL;
    ntf_outcome_t out = NTF_OUTCOME_PERMANENT;
    if (ntf_catalog_render(d->catalog, &in, &subject, &body, err, errlen) == 0) {
        ntf_message_t m = {row->id, pw_db_get(who, 0, "email"), d->opts.from, subject, body};
        switch (ntf_channel_send(d->channel, &m, err, errlen)) {
        case NTF_SEND_OK:
            out = NTF_OUTCOME_SENT;
            break;
        case NTF_SEND_TEMPORARY:
            out = NTF_OUTCOME_TEMPORARY;
            break;
        default:
            out = NTF_OUTCOME_PERMANENT;
        }
    }
    free(subject);
    free(body);
    PQclear(who);
    return out;
}

static const char *outcome_label(ntf_outcome_t o)
{
    static const char *labels[] = {"result=\"sent\"", "result=\"temporary\"",
                                   "result=\"permanent\"", "result=\"no_address\""};
    return labels[o];
}

/* Records one outcome in its own transaction. Returns 0 or -1. */
static int record(ntf_delivery_t *d, pw_db_t *db, const row_t *row, ntf_outcome_t outcome,
                  const char *error)
{
    ntf_record_t r = {row->id,
                      row->trigger,
                      row->employer,
                      row->employee,
                      outcome,
                      ntf_retry_decide(outcome, row->attempts, row->address_waits,
                                       d->opts.max_attempts, ntf_backoff_random(&d->rng)),
                      outcome == NTF_OUTCOME_SENT ? "" : error};
    char err[256] = "";
    if (pw_db_begin(db) != 0)
        return -1;
    int rc = ntf_outbox_record(db, d->pub, &r, err, sizeof err);
    if (rc < 0) {
        d->pub->rollback(d->pub->ctx, db);
        pw_logkv(PW_LOG_ERROR, "cannot record delivery", "notification_id", row->id, "error", err,
                 (char *)NULL);
        return -1;
    }
    if (d->pub->commit(d->pub->ctx, db) != 0)
        return -1;
    if (rc == 0)
        pw_logkv(PW_LOG_WARN, "delivery result dropped: row was reclaimed", "notification_id",
                 row->id, (char *)NULL);
    else if (outcome != NTF_OUTCOME_SENT)
        pw_logkv(PW_LOG_WARN, "delivery failed", "notification_id", row->id, "state",
                 r.decision.state, "error", error, (char *)NULL);
    if (d->opts.metrics)
        pw_metrics_add(d->opts.metrics, METRIC_DELIVERIES, outcome_label(outcome), 1);
    return 0;
}

/* Claims one batch and delivers it. Returns rows handled or -1. */
static int round_once(ntf_delivery_t *d, pw_db_t *db)
{
    if (pw_db_begin(db) != 0)
        return -1;
    PGresult *res = ntf_outbox_claim(db, d->opts.batch);
    if (!res) {
        d->pub->rollback(d->pub->ctx, db);
        return -1;
    }
    if (d->pub->commit(d->pub->ctx, db) != 0) {
        PQclear(res);
        return -1;
    }
    int n = PQntuples(res);
    int rc = n;
    for (int i = 0; i < n && rc >= 0; i++) {
        row_t row = {pw_db_get(res, i, "notification_id"),
                     pw_db_get(res, i, "trigger"),
                     pw_db_get(res, i, "employer"),
                     pw_db_get(res, i, "employee"),
                     pw_db_get(res, i, "program"),
                     (int)pw_db_get_i64(res, i, "attempts"),
                     (int)pw_db_get_i64(res, i, "address_waits")};
        char err[512] = "";
        ntf_outcome_t outcome = attempt(d, db, &row, err, sizeof err);
        if (record(d, db, &row, outcome, err) != 0)
            rc = -1;
    }
    PQclear(res);
    return rc;
}

int ntf_delivery_tick(ntf_delivery_t *d, pw_db_t *db)
{
    int lease = d->recovered ? d->opts.lease_s : 0;
    int back = ntf_outbox_reclaim(db, lease);
    if (back < 0)
        return -1;
    if (back > 0)
        pw_warn("reclaimed %d notifications left in 'sending'; they are sent again with the "
                "same notification id",
                back);
    d->recovered = 1;
    int64_t until = pw_mono_ms() + NTF_DELIVERY_BUDGET_MS;
    int total = 0;
    for (;;) {
        int n = round_once(d, db);
        if (n < 0)
            return -1;
        total += n;
        if (n < d->opts.batch || pw_mono_ms() >= until)
            return total;
    }
}
