/* The consuming half of durable streams: apply a batch and advance the
 * offset in one transaction; ZeroMQ envelopes are a fast path only, the
 * table is the truth. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "pathways/stream.h"
#include "consumer_internal.h"
#include "stream_internal.h"

#define MAX_PARTITIONS    PW_MAX_PARTITIONS
#define LINGER_MS         3 /* wait this long for a fuller batch */
#define REPLAY_CHECK_MS   1000
#define CATCHUP_BUDGET_MS 200 /* keep the loop responsive while catching up */

/* struct pw_consumer is in consumer_internal.h. */

/* The largest envelope read from the SUB socket. */
static size_t envelope_max(const pw_consumer_t *c)
{
    return c->o.max_message_bytes + PW_ENVELOPE_SLACK;
}

pw_consumer_t *pw_consumer_new(const pw_consumer_opts_t *opts)
{
    pw_consumer_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->o = *opts;
    c->consumer = strdup(opts->consumer);
    c->stream = strdup(opts->stream);
    if (c->o.batch_max <= 0)
        c->o.batch_max = 500;
    if (c->o.max_attempts <= 0)
        c->o.max_attempts = 5;
    if (c->o.idle_catchup_ms <= 0)
        c->o.idle_catchup_ms = 1000;
    if (c->o.max_message_bytes == 0)
        c->o.max_message_bytes = PW_MAX_MESSAGE_BYTES;
    if (!c->consumer || !c->stream || !opts->apply == !opts->apply_batch)
        goto fail;
    if (opts->endpoint) {
        c->sub = zsock_new(ZMQ_SUB);
        if (!c->sub)
            goto fail;
        zsock_set_rcvhwm(c->sub, opts->sub_hwm > 0 ? opts->sub_hwm : 10000);
        zsock_set_maxmsgsize(c->sub, envelope_max(c) > INT_MAX ? INT_MAX : (int)envelope_max(c));
        zsock_set_subscribe(c->sub, c->stream);
        if (opts->prepare && opts->prepare(opts->prepare_ctx, c->sub) != 0)
            goto fail;
        /* Several instances of the owner may publish: connect to each. */
        char eps[1024];
        snprintf(eps, sizeof eps, "%s", opts->endpoint);
        char *save = NULL;
        for (char *ep = strtok_r(eps, ",", &save); ep; ep = strtok_r(NULL, ",", &save))
            if (zsock_connect(c->sub, "%s", ep) != 0)
                goto fail;
    }
    pw_lease_init(&c->lease, opts->lease_ttl_ms);
    c->need_catchup = 1;
    return c;
fail:
    pw_consumer_destroy(&c);
    return NULL;
}

void pw_consumer_destroy(pw_consumer_t **p)
{
    if (!p || !*p)
        return;
    pw_consumer_t *c = *p;
    zsock_destroy(&c->sub);
    free(c->consumer);
    free(c->stream);
    free(c);
    *p = NULL;
}

zsock_t *pw_consumer_socket(pw_consumer_t *c)
{
    return c->sub;
}

void pw_consumer_reset(pw_consumer_t *c)
{
    c->nparts = 0;
    c->need_catchup = 1;
}

uint64_t pw_consumer_applied(const pw_consumer_t *c)
{
    return c->applied;
}

uint64_t pw_consumer_dead(const pw_consumer_t *c)
{
    return c->dead;
}

uint64_t pw_consumer_retried(const pw_consumer_t *c)
{
    return c->retried;
}

uint64_t pw_consumer_replayed(const pw_consumer_t *c)
{
    return c->replayed;
}

uint64_t pw_consumer_gaps(const pw_consumer_t *c)
{
    return c->gaps;
}

int pw_consumer_owned(const pw_consumer_t *c)
{
    int n = 0;
    for (uint32_t p = 0; p < c->nparts; p++)
        n += c->lease.owned[p];
    return n;
}

const char *pw_consumer_stream(const pw_consumer_t *c)
{
    return c->stream;
}

/* Loads (creating when missing) the offsets of every partition, after
 * taking this instance's share of the partition leases. A stream nobody has
 * written to yet has no partitions: nothing to load until it appears. */
static int load_offsets(pw_consumer_t *c, pw_db_t *db)
{
    uint32_t parts;
    if (pw_stream_partitions(db, c->stream, 0, &parts) != 0)
        return -1;
    if (parts == 0)
        return 0;
    if (parts > MAX_PARTITIONS)
        parts = MAX_PARTITIONS;
    int changed;
    if (pw_lease_rebalance(db, c->consumer, c->stream, parts, &c->lease, &changed) != 0)
        return -1;
    c->next_rebalance_ms = pw_mono_ms() + c->lease.ttl_ms / 3;
    const char *params[] = {c->consumer, c->stream};
    PGresult *r = pw_db_prepared(db, "consumer_offsets_init",
                                 "INSERT INTO stream.consumer_offset (consumer, stream, partition) "
                                 "SELECT $1, stream, partition FROM stream.head WHERE stream = $2 "
                                 "ON CONFLICT DO NOTHING",
                                 2, params);
    if (!r)
        return -1;
    PQclear(r);
    r = pw_db_prepared(db, "consumer_offsets_load",
                       "SELECT partition, seq FROM stream.consumer_offset "
                       "WHERE consumer = $1 AND stream = $2",
                       2, params);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t p = pw_db_get_i64(r, i, "partition");
        if (p >= 0 && p < (int64_t)parts)
            c->offsets[p] = pw_db_get_i64(r, i, "seq");
    }
    PQclear(r);
    c->nparts = parts;
    return 0;
}

/* Moves the offset from c->offsets[p] to seq; 0 rows means someone else
 * moved it (a reset or another instance): the batch must not commit. */
int consumer_advance_offset(pw_consumer_t *c, pw_db_t *db, uint32_t p, int64_t seq)
{
    char part[16], to[24], from[24];
    snprintf(part, sizeof part, "%u", p);
    snprintf(to, sizeof to, "%lld", (long long)seq);
    snprintf(from, sizeof from, "%lld", (long long)c->offsets[p]);
    const char *params[] = {c->consumer, c->stream, part, to, from};
    PGresult *r = pw_db_prepared(db, "consumer_offset_advance",
                                 "UPDATE stream.consumer_offset SET seq = $4::bigint, "
                                 "updated_at = now() WHERE consumer = $1 AND stream = $2 "
                                 "AND partition = $3::int AND seq = $5::bigint",
                                 5, params);
    if (!r)
        return -1;
    int ok = atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    if (!ok) {
        pw_logkv(PW_LOG_WARN, "offset moved by someone else; reloading", "consumer", c->consumer,
                 "stream", c->stream, NULL);
        c->nparts = 0;
    }
    return ok ? 0 : -1;
}

/* Flushes what handlers appended, commits, publishes. */
int consumer_finish_batch(pw_consumer_t *c, pw_db_t *db)
{
    int64_t t0 = pw_now_us();
    if (c->o.appender && pw_appender_flush(c->o.appender, db) != 0)
        goto fail;
    if (pw_db_commit(db) != 0)
        goto fail;
    if (c->o.metrics) {
        char labels[160];
        snprintf(labels, sizeof labels, "consumer=\"%s\",stream=\"%s\"", c->consumer, c->stream);
        pw_metrics_observe(c->o.metrics, "pathways_batch_commit_seconds", labels,
                           (double)(pw_now_us() - t0) / 1e6);
    }
    if (c->o.appender)
        pw_appender_publish(c->o.appender, c->o.pub);
    return 0;
fail:
    pw_db_rollback(db);
    if (c->o.appender)
        pw_appender_discard(c->o.appender);
    return -1;
}

void consumer_abort_batch(pw_consumer_t *c, pw_db_t *db)
{
    pw_db_rollback(db);
    if (c->o.appender)
        pw_appender_discard(c->o.appender);
}

pw_apply_t consumer_apply(pw_consumer_t *c, pw_db_t *db, const pw_event_t *evs, int n, char *err,
                          size_t errlen)
{
    if (c->o.apply_batch)
        return n > 0 ? c->o.apply_batch(c->o.ctx, db, evs, (size_t)n, err, errlen) : PW_APPLY_OK;
    for (int i = 0; i < n; i++) {
        pw_apply_t rc = c->o.apply(c->o.ctx, db, &evs[i], err, errlen);
        if (rc != PW_APPLY_OK)
            return rc;
    }
    return PW_APPLY_OK;
}

/* Applies contiguous events of one partition (evs[0].seq == offset + 1) in
 * one transaction. Returns events handled or -1. */
static int apply_batch(pw_consumer_t *c, pw_db_t *db, const pw_event_t *evs, int n)
{
    if (n == 0)
        return 0;
    uint32_t p = evs[0].partition;
    if (pw_db_begin(db) != 0)
        return -1;
    char err[ERR_LEN];
    if (consumer_apply(c, db, evs, n, err, sizeof err) != PW_APPLY_OK) {
        consumer_abort_batch(c, db);
        if (pw_db_broken(db))
            return -1;
        return consumer_apply_careful(c, db, evs, n);
    }
    if (consumer_advance_offset(c, db, p, evs[n - 1].seq) != 0) {
        consumer_abort_batch(c, db);
        return -1;
    }
    if (consumer_finish_batch(c, db) != 0)
        return -1;
    c->offsets[p] = evs[n - 1].seq;
    c->applied += (uint64_t)n;
    c->last_news_ms = pw_mono_ms();
    return n;
}

/* Fills ev from row i of a stream.event query (columns partition, seq,
 * type, key, event_id, at_us, payload); returns the decoded payload buffer
 * the caller frees (ev points into it and into r), or NULL. */
uint8_t *consumer_event_from_row(pw_consumer_t *c, const PGresult *r, int i, pw_event_t *ev)
{
    *ev = (pw_event_t){.stream = c->stream,
                       .partition = (uint32_t)pw_db_get_i64(r, i, "partition"),
                       .seq = pw_db_get_i64(r, i, "seq"),
                       .type = pw_db_get(r, i, "type"),
                       .key = pw_db_get(r, i, "key"),
                       .event_id = pw_db_get(r, i, "event_id"),
                       .occurred_at_us = pw_db_get_i64(r, i, "at_us")};
    uint8_t *buf = pw_db_get_bytea(r, i, "payload", &ev->payload_len);
    ev->payload = buf;
    return buf;
}

/* Reads up to batch_max events of partition p past its offset and applies
 * them. Returns events handled (0 when caught up) or -1. */
static int catch_up_partition(pw_consumer_t *c, pw_db_t *db, uint32_t p)
{
    char part[16], from[24], limit[16];
    snprintf(part, sizeof part, "%u", p);
    snprintf(from, sizeof from, "%lld", (long long)c->offsets[p]);
    snprintf(limit, sizeof limit, "%d", c->o.batch_max);
    const char *params[] = {c->stream, part, from, limit};
    PGresult *r = pw_db_prepared(db, "consumer_read",
                                 "SELECT partition, seq, type, key, event_id, "
                                 "(extract(epoch FROM occurred_at) * 1000000)::bigint AS at_us, "
                                 "payload FROM stream.event WHERE stream = $1 AND "
                                 "partition = $2::int AND seq > $3::bigint ORDER BY seq "
                                 "LIMIT $4::int",
                                 4, params);
    if (!r)
        return -1;
    int n = PQntuples(r);
    pw_event_t *evs = calloc((size_t)(n ? n : 1), sizeof *evs);
    uint8_t **bufs = calloc((size_t)(n ? n : 1), sizeof *bufs);
    int rc = -1;
    if (!evs || !bufs)
        goto done;
    for (int i = 0; i < n; i++) {
        bufs[i] = consumer_event_from_row(c, r, i, &evs[i]);
        if (!bufs[i])
            goto done;
        if (evs[i].seq != c->offsets[p] + 1 + i) {
            /* Cannot happen with gap-free seqs; refuse rather than skip. */
            pw_logkv(PW_LOG_ERROR, "gap in stream table", "stream", c->stream, NULL);
            goto done;
        }
    }
    rc = apply_batch(c, db, evs, n);
done:
    for (int i = 0; bufs && i < n; i++)
        free(bufs[i]);
    free(bufs);
    free(evs);
    PQclear(r);
    return rc;
}

static int ensure_loaded(pw_consumer_t *c, pw_db_t *db)
{
    return c->nparts ? 0 : load_offsets(c, db);
}

int pw_consumer_catch_up(pw_consumer_t *c, pw_db_t *db)
{
    if (c->retry_at_ms && pw_mono_ms() < c->retry_at_ms)
        return 0;
    c->retry_at_ms = 0;
    if (ensure_loaded(c, db) != 0)
        return -1;
    int total = 0;
    int64_t deadline = pw_mono_ms() + CATCHUP_BUDGET_MS;
    int more = 0;
    for (uint32_t p = 0; p < c->nparts; p++) {
        int n = 0;
        if (!c->lease.owned[p])
            continue;
        while ((n = catch_up_partition(c, db, p)) > 0) {
            total += n;
            if (c->retry_at_ms || c->nparts == 0)
                break;
            if (pw_mono_ms() > deadline) {
                more = 1;
                break;
            }
        }
        if (n < 0)
            return -1;
        if (c->nparts == 0) /* offsets were reloaded: start over next time */
            break;
    }
    c->need_catchup = more;
    c->last_news_ms = pw_mono_ms();
    return total;
}

/* Receives up to max envelopes without blocking. Returns how many; sets
 * *garbled when a message could not be read (the table will be read). */
static int receive(pw_consumer_t *c, Pathways__V1__Envelope **envs, int max, int *garbled)
{
    void *sock = zsock_resolve(c->sub);
    int n = 0;
    while (n < max) {
        zmq_msg_t topic, body;
        zmq_msg_init(&topic);
        if (zmq_msg_recv(&topic, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&topic);
            break;
        }
        zmq_msg_init(&body);
        int more = zmq_msg_more(&topic);
        if (!more || zmq_msg_recv(&body, sock, 0) < 0 || zmq_msg_more(&body)) {
            *garbled = 1;
            while (zmq_msg_more(&body) && zmq_msg_recv(&body, sock, 0) >= 0)
                ;
        } else {
            Pathways__V1__Envelope *e =
                pw_decode_envelope_max(zmq_msg_data(&body), zmq_msg_size(&body), envelope_max(c));
            if (e && e->partition < MAX_PARTITIONS && strcmp(e->stream, c->stream) == 0)
                envs[n++] = e;
            else {
                pw_free_envelope(&e);
                *garbled = 1;
            }
        }
        zmq_msg_close(&topic);
        zmq_msg_close(&body);
    }
    return n;
}

/* Applies the received envelopes of partition p that continue its offset;
 * returns events applied, or -1; sets *gap when some are missing. */
static int apply_received(pw_consumer_t *c, pw_db_t *db, Pathways__V1__Envelope **envs, int n,
                          uint32_t p, int *gap)
{
    pw_event_t *evs = calloc((size_t)n, sizeof *evs);
    if (!evs)
        return -1;
    int k = 0;
    for (int i = 0; i < n; i++) {
        Pathways__V1__Envelope *e = envs[i];
        if (e->partition != p || (int64_t)e->seq <= c->offsets[p] + k)
            continue; /* other partition, or already applied */
        if ((int64_t)e->seq != c->offsets[p] + k + 1) {
            *gap = 1;
            break;
        }
        evs[k++] = (pw_event_t){.stream = c->stream,
                                .partition = p,
                                .seq = (int64_t)e->seq,
                                .type = e->type,
                                .key = e->key,
                                .event_id = e->event_id,
                                .occurred_at_us = e->occurred_at_us,
                                .payload = e->payload.data,
                                .payload_len = e->payload.len};
    }
    int rc = apply_batch(c, db, evs, k);
    free(evs);
    return rc;
}

int pw_consumer_on_readable(pw_consumer_t *c, pw_db_t *db)
{
    if (!c->sub)
        return 0;
    Pathways__V1__Envelope **envs = calloc((size_t)c->o.batch_max, sizeof *envs);
    if (!envs)
        return -1;
    int garbled = 0, gap = 0, total = 0;
    int n = receive(c, envs, c->o.batch_max, &garbled);
    /* Linger briefly for more: under load this turns many small
     * transactions into few large ones, for at most LINGER_MS of latency. */
    int64_t linger_end = pw_mono_ms() + LINGER_MS;
    while (n > 0 && n < c->o.batch_max && pw_mono_ms() < linger_end) {
        zmq_pollitem_t item = {.socket = zsock_resolve(c->sub), .events = ZMQ_POLLIN};
        if (zmq_poll(&item, 1, 1) <= 0)
            break;
        n += receive(c, envs + n, c->o.batch_max - n, &garbled);
    }
    c->last_news_ms = pw_mono_ms();
    int backing_off = c->retry_at_ms && pw_mono_ms() < c->retry_at_ms;
    if (n > 0 && !backing_off && ensure_loaded(c, db) == 0) {
        for (uint32_t p = 0; p < c->nparts && total >= 0; p++) {
            if (!c->lease.owned[p])
                continue;
            int rc = apply_received(c, db, envs, n, p, &gap);
            total = rc < 0 ? -1 : total + rc;
            if (c->retry_at_ms)
                break;
        }
    } else if (n > 0 && !backing_off) {
        total = -1;
    }
    for (int i = 0; i < n; i++)
        pw_free_envelope(&envs[i]);
    free(envs);
    if (gap)
        c->gaps++;
    if (gap || garbled)
        c->need_catchup = 1;
    if (c->need_catchup && total >= 0) {
        int rc = pw_consumer_catch_up(c, db);
        total = rc < 0 ? -1 : total + rc;
    }
    return total;
}

/* Renews leases every ttl/3; when the owned partitions change, offsets
 * are reloaded and the table re-read. */
static int maybe_rebalance(pw_consumer_t *c, pw_db_t *db, int64_t now)
{
    if (!c->nparts)
        return ensure_loaded(c, db);
    if (now < c->next_rebalance_ms)
        return 0;
    int changed;
    if (pw_lease_rebalance(db, c->consumer, c->stream, c->nparts, &c->lease, &changed) != 0)
        return -1;
    c->next_rebalance_ms = now + c->lease.ttl_ms / 3;
    if (changed) {
        c->nparts = 0;
        c->need_catchup = 1;
        return ensure_loaded(c, db);
    }
    return 0;
}

int pw_consumer_tick(pw_consumer_t *c, pw_db_t *db)
{
    int64_t now = pw_mono_ms();
    if (maybe_rebalance(c, db, now) != 0)
        return -1;
    if (now >= c->next_replay_ms) {
        c->next_replay_ms = now + REPLAY_CHECK_MS;
        if (consumer_replay_requested(c, db) < 0)
            return -1;
    }
    int retry_due = c->retry_at_ms && now >= c->retry_at_ms;
    int idle_due = now - c->last_news_ms >= c->o.idle_catchup_ms;
    if (!c->need_catchup && !retry_due && !idle_due)
        return 0;
    if (idle_due)
        c->nparts = 0; /* re-read offsets: an administrator may have moved them */
    return pw_consumer_catch_up(c, db);
}

void pw_consumer_release(pw_consumer_t *c, pw_db_t *db)
{
    if (!pw_db_broken(db) && pw_lease_release_all(db, c->consumer, c->stream, &c->lease) != 0)
        pw_warn("could not release leases: %s", pw_db_error(db));
}
