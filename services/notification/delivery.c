/* The delivery task (delivery.h). */
#include "delivery.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoff.h"
#include "outbox.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "resolve.h"

#define METRIC_DELIVERIES "pathways_notification_deliveries_total"
#define METRIC_RESENDS    "pathways_notification_resends_total"
#define METRIC_SECONDS    "pathways_notification_delivery_seconds"
#define MAX_CONTEXT_VARS  12
#define LABELS_MAX        96

struct ntf_delivery {
    ntf_delivery_opts_t opts;
    ntf_channel_t *email;
    ntf_channel_t *webhook;
    const ntf_catalog_t *catalog;
    const ntf_publisher_t *pub;
    uint32_t rng;
    int recovered; /* start-up reclaim done */
};

/* The label set of one channel, written into buf (LABELS_MAX bytes). */
static const char *channel_label(char *buf, const char *channel)
{
    snprintf(buf, LABELS_MAX, "channel=\"%s\"", channel);
    return buf;
}

#define NTF_OUTCOMES 6
static const char *outcome_label(ntf_outcome_t o)
{
    static const char *labels[NTF_OUTCOMES] = {"sent",       "temporary", "permanent",
                                               "no_address", "opted_out", "no_contact"};
    return labels[o];
}

/* Declares the delivery families and starts every (channel, result) counter
 * at 0, so rate() sees the first failure and a query naming a result finds
 * its series before the first delivery. */
static void describe_metrics(pw_metrics_t *m)
{
    pw_metrics_describe(m, METRIC_DELIVERIES, "counter",
                        "Notification delivery attempts by channel and result.");
    pw_metrics_describe(m, METRIC_RESENDS, "counter",
                        "Notifications sent again after a crash or a failed record left them"
                        " in 'sending'; the receiver may have had them already (same"
                        " Message-ID / Idempotency-Key).");
    pw_metrics_describe(m, METRIC_SECONDS, "histogram",
                        "Time to resolve, render and send one notification, by channel"
                        " (failed attempts included).");
    const char *channels[] = {NTF_CHANNEL_EMAIL, NTF_CHANNEL_WEBHOOK};
    for (size_t c = 0; c < sizeof channels / sizeof channels[0]; c++) {
        char labels[LABELS_MAX];
        pw_metrics_add(m, METRIC_RESENDS, channel_label(labels, channels[c]), 0);
        for (int o = 0; o < NTF_OUTCOMES; o++) {
            snprintf(labels, sizeof labels, "channel=\"%s\",result=\"%s\"", channels[c],
                     outcome_label((ntf_outcome_t)o));
            pw_metrics_add(m, METRIC_DELIVERIES, labels, 0);
        }
    }
}

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
    d->email = *channel;
    *channel = NULL;
    d->catalog = catalog;
    d->pub = pub;
    d->rng = (uint32_t)pw_now_us() ^ ((uint32_t)getpid() << 16) ^ 0x5bd1e995u;
    if (opts->metrics)
        describe_metrics(opts->metrics);
    return d;
}

void ntf_delivery_set_webhook(ntf_delivery_t *d, ntf_channel_t **channel)
{
    ntf_channel_destroy(&d->webhook);
    d->webhook = *channel;
    *channel = NULL;
}

void ntf_delivery_destroy(ntf_delivery_t **p)
{
    if (!p || !*p)
        return;
    ntf_channel_destroy(&(*p)->email);
    ntf_channel_destroy(&(*p)->webhook);
    free(*p);
    *p = NULL;
}

static ntf_outcome_t from_send(ntf_send_t s)
{
    return s == NTF_SEND_OK          ? NTF_OUTCOME_SENT
           : s == NTF_SEND_TEMPORARY ? NTF_OUTCOME_TEMPORARY
                                     : NTF_OUTCOME_PERMANENT;
}

/* The row's context (a JSON object of strings) and identity as variables;
 * values borrowed from ctx and row. Returns the count. */
static size_t context_vars(const json_t *ctx, const ntf_row_t *row, const ntf_target_t *t,
                           ntf_var_t *out)
{
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)ctx, key, v) if (json_is_string(v) && n < MAX_CONTEXT_VARS)
        out[n++] = (ntf_var_t){key, json_string_value(v)};
    out[n++] = (ntf_var_t){"employer", row->employer};
    out[n++] = (ntf_var_t){"employee", row->employee};
    out[n++] = (ntf_var_t){"employer_name", t->employer_name};
    return n;
}

/* Renders and sends one claimed row; no transaction is open. */
static ntf_outcome_t attempt(ntf_delivery_t *d, const ntf_row_t *row, ntf_target_t *t, char *err,
                             size_t errlen)
{
    ntf_outcome_t out = ntf_resolve(d->opts.contacts, row, t, err, errlen);
    if (out != NTF_OUTCOME_SENT)
        return out;
    int webhook = strcmp(row->channel, NTF_CHANNEL_WEBHOOK) == 0;
    ntf_channel_t *ch = webhook ? d->webhook : d->email;
    if (!ch) {
        snprintf(err, errlen, "no %s channel configured", row->channel);
        return NTF_OUTCOME_TEMPORARY;
    }
    json_t *ctx = json_loads(row->context && *row->context ? row->context : "{}", 0, NULL);
    ntf_var_t vars[MAX_CONTEXT_VARS + 3];
    size_t n = context_vars(ctx, row, t, vars);
    ntf_render_input_t in = {row->trigger,           t->language, t->given_name,
                             row->program,           row->id,     row->recipient,
                             row->channel,           vars,        n,
                             d->opts.unsubscribe_url};
    char *subject = NULL, *body = NULL;
    out = NTF_OUTCOME_PERMANENT;
    if (ntf_catalog_render(d->catalog, &in, &subject, &body, err, errlen) == 0) {
        ntf_message_t m = {row->id, t->address, d->opts.from, subject, body, t->secret};
        out = from_send(ntf_channel_send(ch, &m, err, errlen));
    }
    free(subject);
    free(body);
    json_decref(ctx);
    return out;
}

/* One delivery's result, kept until the batch's results are recorded. */
typedef struct {
    ntf_outcome_t outcome;
    char address[sizeof(((ntf_target_t *)0)->address)];
    char error[512];
} result_t;

/* Records one outcome inside the open transaction. Returns 1 recorded,
 * 0 when the row was reclaimed meanwhile, or -1. */
static int record(ntf_delivery_t *d, pw_db_t *db, const ntf_row_t *row, const result_t *res)
{
    ntf_retry_policy_t policy = {d->opts.max_attempts, d->opts.backoff_base_ms,
                                 d->opts.backoff_cap_ms, d->opts.address_wait_ms};
    ntf_tries_t tries = {row->attempts, row->address_waits, row->address_waited_ms};
    ntf_record_t r = {row->id,
                      row->trigger,
                      row->employer,
                      row->employee,
                      res->outcome,
                      ntf_retry_decide(res->outcome, &tries, &policy, ntf_backoff_random(&d->rng)),
                      res->outcome == NTF_OUTCOME_SENT ? "" : res->error,
                      row->recipient,
                      row->channel,
                      res->address};
    char err[256] = "";
    int rc = ntf_outbox_record(db, d->pub, &r, err, sizeof err);
    if (rc < 0) {
        pw_logkv(PW_LOG_ERROR, "cannot record delivery", "notification_id", row->id, "error", err,
                 (char *)NULL);
        return -1;
    }
    if (rc == 0)
        pw_logkv(PW_LOG_WARN, "delivery result dropped: row was reclaimed", "notification_id",
                 row->id, (char *)NULL);
    else if (res->outcome != NTF_OUTCOME_SENT)
        pw_logkv(PW_LOG_WARN, "delivery failed", "notification_id", row->id, "state",
                 r.decision.state, "error", res->error, (char *)NULL);
    if (d->opts.metrics) {
        char labels[LABELS_MAX];
        snprintf(labels, sizeof labels, "channel=\"%s\",result=\"%s\"", row->channel,
                 outcome_label(res->outcome));
        pw_metrics_add(d->opts.metrics, METRIC_DELIVERIES, labels, 1);
        if (row->reclaimed && res->outcome == NTF_OUTCOME_SENT && rc == 1)
            pw_metrics_add(d->opts.metrics, METRIC_RESENDS, channel_label(labels, row->channel), 1);
    }
    return rc;
}

static int flag(const PGresult *res, int i, const char *column)
{
    return strcmp(pw_db_get(res, i, column), "t") == 0;
}

static ntf_row_t row_at(const PGresult *res, int i)
{
    return (ntf_row_t){.id = pw_db_get(res, i, "notification_id"),
                       .trigger = pw_db_get(res, i, "trigger"),
                       .recipient = pw_db_get(res, i, "recipient"),
                       .employer = pw_db_get(res, i, "employer"),
                       .employee = pw_db_get(res, i, "employee"),
                       .program = pw_db_get(res, i, "program"),
                       .channel = pw_db_get(res, i, "channel"),
                       .context = pw_db_get(res, i, "context"),
                       .attempts = (int)pw_db_get_i64(res, i, "attempts"),
                       .address_waits = (int)pw_db_get_i64(res, i, "address_waits"),
                       .address_waited_ms = pw_db_get_i64(res, i, "address_waited_ms"),
                       .reclaimed = flag(res, i, "reclaimed"),
                       .email = pw_db_get(res, i, "email"),
                       .given_name = pw_db_get(res, i, "given_name"),
                       .language = pw_db_get(res, i, "language"),
                       .pref_found = flag(res, i, "pref_found"),
                       .opted_out = flag(res, i, "opted_out"),
                       .channel_ok = flag(res, i, "channel_ok"),
                       .pref_language = pw_db_get(res, i, "pref_language")};
}

/* Records one delivery's result in its own transaction, right after the
 * send: a crash can then leave at most the message in flight unrecorded (it
 * is sent again with the same id; receivers dedupe on it). One commit per
 * batch would be cheaper but would resend a whole batch after a crash. */
static int record_one(ntf_delivery_t *d, pw_db_t *db, const ntf_row_t *row, const result_t *out)
{
    if (pw_db_begin(db) != 0)
        return -1;
    if (record(d, db, row, out) < 0) {
        d->pub->rollback(d->pub->ctx, db);
        return -1;
    }
    return d->pub->commit(d->pub->ctx, db);
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
        ntf_row_t row = row_at(res, i);
        ntf_target_t target;
        result_t out = {0};
        memset(&target, 0, sizeof target);
        int64_t started = pw_now_us();
        out.outcome = attempt(d, &row, &target, out.error, sizeof out.error);
        if (d->opts.metrics) {
            char labels[LABELS_MAX];
            pw_metrics_observe(d->opts.metrics, METRIC_SECONDS, channel_label(labels, row.channel),
                               (double)(pw_now_us() - started) / 1e6);
        }
        snprintf(out.address, sizeof out.address, "%s", target.address);
        if (record_one(d, db, &row, &out) != 0)
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
