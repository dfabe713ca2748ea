/* The publishing loop of one connection, and the threads that run them;
 * see sender.h. */
#include "sender.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "pathways/codec.h"
#include "pathways/config.h"
#include "pathways/date.h"

#define BACKOFF_BASE_MS 100
#define BACKOFF_MAX_MS  5000
/* Room for the batch id and each event's tag and length prefix. */
#define BATCH_OVERHEAD 256
#define EVENT_OVERHEAD 8
#define ACK_TYPE       "pathways.v1.PublishAck"

typedef struct {
    char id[64];
    size_t *idx; /* indices into the feed's events */
    size_t n;
    int attempt; /* 0 on the first send */
    int64_t deadline;
    int64_t not_before;
} batch_t;

/* A FIFO of batches (the window, or the resend queue). */
typedef struct {
    batch_t *items;
    size_t count, cap;
} queue_t;

typedef struct {
    feed_t *feed;
    const sender_opts_t *opts;
    int conn;
    size_t *shard; /* this connection's events, grouped by employee, in file order */
    size_t shard_n, shard_cap, next;
    pwt_client_t *client;
    queue_t window, resend;
    unsigned long sent;
    char err[256];
    int failed;
} worker_t;

static int queue_push(queue_t *q, const batch_t *b, int front)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        batch_t *items = realloc(q->items, cap * sizeof *items);
        if (!items)
            return -1;
        q->items = items;
        q->cap = cap;
    }
    if (front) {
        memmove(q->items + 1, q->items, q->count * sizeof *q->items);
        q->items[0] = *b;
    } else {
        q->items[q->count] = *b;
    }
    q->count++;
    return 0;
}

static batch_t queue_pop(queue_t *q, size_t at)
{
    batch_t b = q->items[at];
    memmove(q->items + at, q->items + at + 1, (q->count - at - 1) * sizeof *q->items);
    q->count--;
    return b;
}

static int64_t backoff_ms(int attempt)
{
    int64_t ms = BACKOFF_BASE_MS;
    for (int i = 1; i < attempt && ms < BACKOFF_MAX_MS; i++)
        ms *= 2;
    return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

/* Queues the given events (a subset of a batch) for another attempt, at
 * the front; events past the retry limit stay unacknowledged. */
static int requeue(worker_t *w, const size_t *idx, size_t n, int attempt)
{
    if (n == 0)
        return 0;
    if (attempt > w->opts->retries)
        return 0;
    batch_t b = {.n = n, .attempt = attempt, .not_before = pw_mono_ms() + backoff_ms(attempt)};
    b.idx = malloc(n * sizeof *idx);
    if (!b.idx)
        return -1;
    memcpy(b.idx, idx, n * sizeof *idx);
    if (queue_push(&w->resend, &b, 1) < 0) {
        free(b.idx);
        return -1;
    }
    return 0;
}

/* Takes the next fresh events of the shard, bounded by count and bytes. */
static int take_fresh(worker_t *w, batch_t *b)
{
    size_t room = PW_MAX_MESSAGE_BYTES - BATCH_OVERHEAD, used = 0;
    memset(b, 0, sizeof *b);
    b->idx = malloc((size_t)w->opts->batch * sizeof *b->idx);
    if (!b->idx)
        return -1;
    while (w->next < w->shard_n && b->n < (size_t)w->opts->batch) {
        const feed_event_t *ev = &w->feed->events[w->shard[w->next]];
        if (b->n > 0 && used + ev->len + EVENT_OVERHEAD > room)
            break;
        used += ev->len + EVENT_OVERHEAD;
        b->idx[b->n++] = w->shard[w->next++];
    }
    /* An employee's events stay in one batch when they fit in one: the
     * service evaluates the state after each event as of the day before the
     * employee's next event in the same batch, and only the last one as of
     * today (README, "Eligible since"). */
    size_t run = b->n;
    while (w->next < w->shard_n && run > 0 &&
           w->feed->events[b->idx[run - 1]].shard_key ==
               w->feed->events[w->shard[w->next]].shard_key)
        run--;
    if (w->next < w->shard_n && run > 0 && run < b->n) {
        w->next -= b->n - run;
        b->n = run;
    }
    return 0;
}

/* Appends a length-delimited field (number, bytes) to out at *used. */
static size_t put_field(uint8_t *out, size_t used, unsigned number, const uint8_t *data, size_t len)
{
    uint64_t v = (uint64_t)number << 3 | 2;
    for (int pass = 0; pass < 2; pass++, v = len) {
        do {
            out[used++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
            v >>= 7;
        } while (v);
    }
    memcpy(out + used, data, len);
    return used + len;
}

/* Builds b's batch on the wire (batch_id = 1, each event's stored bytes =
 * 2: the layout of every partner batch) and sends it under the configured
 * type. Returns 0, or -1 when it could not be sent now. */
static int send_batch(worker_t *w, batch_t *b)
{
    size_t cap = BATCH_OVERHEAD;
    for (size_t k = 0; k < b->n; k++)
        cap += w->feed->events[b->idx[k]].len + EVENT_OVERHEAD;
    uint8_t *bytes = malloc(cap);
    if (!bytes)
        return -1;
    snprintf(b->id, sizeof b->id, "%ld-c%d-b%lu", (long)getpid(), w->conn, ++w->sent);
    size_t used = put_field(bytes, 0, 1, (const uint8_t *)b->id, strlen(b->id));
    for (size_t k = 0; k < b->n; k++) {
        const feed_event_t *ev = &w->feed->events[b->idx[k]];
        used = put_field(bytes, used, 2, ev->bytes, ev->len);
    }
    int rc = pwt_client_send(w->client, w->opts->batch_type, bytes, used);
    if (rc != 0)
        snprintf(w->err, sizeof w->err, "the connection cannot take a batch now");
    b->deadline = pw_mono_ms() + w->opts->timeout_ms;
    free(bytes);
    return rc;
}

/* Sends until the window is full or nothing is ready. */
static int fill_window(worker_t *w)
{
    while (w->window.count < (size_t)w->opts->window) {
        batch_t b;
        if (w->resend.count) {
            if (w->resend.items[0].not_before > pw_mono_ms())
                return 0;
            b = queue_pop(&w->resend, 0);
        } else if (w->next < w->shard_n) {
            if (take_fresh(w, &b) < 0)
                return -1;
        } else {
            return 0;
        }
        if (send_batch(w, &b) < 0) {
            /* The socket's queue is full or the batch could not be built:
             * try again after a backoff. */
            int rc = requeue(w, b.idx, b.n, b.attempt + 1);
            free(b.idx);
            if (rc < 0)
                return -1;
            continue;
        }
        if (queue_push(&w->window, &b, 0) < 0) {
            free(b.idx);
            return -1;
        }
    }
    return 0;
}

static feed_result_t result_of(Pathways__V1__AckResult r)
{
    switch (r) {
    case PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED:
        return FEED_ACCEPTED;
    case PATHWAYS__V1__ACK_RESULT__ACK_RESULT_DUPLICATE:
        return FEED_DUPLICATE;
    case PATHWAYS__V1__ACK_RESULT__ACK_RESULT_REJECTED:
        return FEED_REJECTED;
    default:
        return FEED_PENDING;
    }
}

/* The ack for event k of the batch: normally acks[k] (one per event, in
 * order); otherwise found by event id. */
static const Pathways__V1__EventAck *ack_for(const Pathways__V1__PublishAck *ack, size_t k,
                                             const char *id)
{
    if (k < ack->n_acks && strcmp(ack->acks[k]->event_id, id) == 0)
        return ack->acks[k];
    for (size_t i = 0; i < ack->n_acks; i++)
        if (strcmp(ack->acks[i]->event_id, id) == 0)
            return ack->acks[i];
    return NULL;
}

/* Records the acks of batch b; what has no definite answer is requeued. */
static int apply_ack(worker_t *w, const batch_t *b, const Pathways__V1__PublishAck *ack)
{
    size_t *again = malloc((b->n ? b->n : 1) * sizeof *again);
    size_t n_again = 0;
    if (!again)
        return -1;
    for (size_t k = 0; k < b->n; k++) {
        feed_event_t *ev = &w->feed->events[b->idx[k]];
        const Pathways__V1__EventAck *a = *ack->error_code ? NULL : ack_for(ack, k, ev->id);
        feed_result_t r = a ? result_of(a->result) : FEED_PENDING;
        if (r == FEED_PENDING)
            again[n_again++] = b->idx[k];
        else
            feed_set_result(ev, r, a->reason_code, a->reason);
    }
    if (*ack->error_code && w->opts->verbose)
        fprintf(stderr, "%s: batch %s refused (%s: %s), resending\n", w->opts->tool, b->id,
                ack->error_code, ack->error);
    int rc = requeue(w, again, n_again, b->attempt + 1);
    free(again);
    return rc;
}

static int on_reply(worker_t *w, const char *type, const uint8_t *data, size_t len)
{
    if (strcmp(type, ACK_TYPE) != 0) {
        fprintf(stderr, "%s: unexpected reply %.80s from %s\n", w->opts->tool, type,
                w->opts->endpoint);
        return 0;
    }
    Pathways__V1__PublishAck *ack = pw_decode_publish_ack(data, len);
    if (!ack) {
        fprintf(stderr, "%s: undecodable PublishAck (%zu bytes)\n", w->opts->tool, len);
        return 0;
    }
    int rc = 0;
    for (size_t i = 0; i < w->window.count; i++) {
        if (strcmp(w->window.items[i].id, ack->batch_id) == 0) {
            batch_t b = queue_pop(&w->window, i);
            rc = apply_ack(w, &b, ack);
            free(b.idx);
            break;
        }
    }
    pw_free_publish_ack(&ack);
    return rc;
}

/* No answer in time: abandon the socket (and any late replies with it) and
 * resend every outstanding batch, oldest first, on a fresh one. */
static int on_timeout(worker_t *w)
{
    if (w->opts->verbose)
        fprintf(stderr,
                "%s: connection %d: no acknowledgement within %d ms from %s, "
                "resending %zu batch(es)\n",
                w->opts->tool, w->conn, w->opts->timeout_ms, w->opts->endpoint, w->window.count);
    while (w->window.count) {
        batch_t b = queue_pop(&w->window, w->window.count - 1);
        int rc = requeue(w, b.idx, b.n, b.attempt + 1);
        free(b.idx);
        if (rc < 0)
            return -1;
    }
    return pwt_client_reconnect(w->client, w->err, sizeof w->err);
}

static int wait_ms(const worker_t *w)
{
    int64_t now = pw_mono_ms(), until;
    if (w->window.count)
        until = w->window.items[0].deadline;
    else if (w->resend.count)
        until = w->resend.items[0].not_before;
    else
        return 0;
    return until > now ? (int)(until - now) : 0;
}

static int step(worker_t *w)
{
    char *type = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    if (fill_window(w) < 0)
        return -1;
    int got = pwt_client_recv(w->client, wait_ms(w), &type, &data, &len, w->err, sizeof w->err);
    int rc = 0;
    if (got == 1)
        rc = on_reply(w, type, data, len);
    else if (got < 0)
        fprintf(stderr, "%s: %s\n", w->opts->tool, w->err);
    else if (w->window.count && w->window.items[0].deadline <= pw_mono_ms())
        rc = on_timeout(w);
    free(type);
    free(data);
    return rc;
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    w->client = pwt_client_new(w->opts->endpoint, w->err, sizeof w->err);
    if (!w->client) {
        w->failed = 1;
        return NULL;
    }
    while (w->next < w->shard_n || w->window.count || w->resend.count) {
        if (step(w) < 0) {
            w->failed = 1;
            break;
        }
    }
    pwt_client_destroy(&w->client);
    return NULL;
}

static void free_queue(queue_t *q)
{
    for (size_t i = 0; i < q->count; i++)
        free(q->items[i].idx);
    free(q->items);
    memset(q, 0, sizeof *q);
}

typedef struct {
    uint64_t key;
    size_t at;
} keyed_t;

static int by_key_then_place(const void *a, const void *b)
{
    const keyed_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Puts the shard's events of one employee next to each other, each
 * employee's in file order, so a history is not split over batches. */
static int group_by_employee(const feed_t *feed, worker_t *w)
{
    keyed_t *k = malloc((w->shard_n ? w->shard_n : 1) * sizeof *k);
    if (!k)
        return -1;
    for (size_t i = 0; i < w->shard_n; i++)
        k[i] = (keyed_t){feed->events[w->shard[i]].shard_key, w->shard[i]};
    qsort(k, w->shard_n, sizeof *k, by_key_then_place);
    for (size_t i = 0; i < w->shard_n; i++)
        w->shard[i] = k[i].at;
    free(k);
    return 0;
}

/* Splits the feed's events over the workers by shard key, each employee's
 * events together and in file order. */
static int shard_feed(feed_t *feed, worker_t *workers, int n)
{
    for (size_t i = 0; i < feed->count; i++) {
        worker_t *w = &workers[feed->events[i].shard_key % (uint64_t)n];
        if (w->shard_n == w->shard_cap) {
            size_t cap = w->shard_cap ? w->shard_cap * 2 : 256;
            size_t *s = realloc(w->shard, cap * sizeof *s);
            if (!s)
                return -1;
            w->shard = s;
            w->shard_cap = cap;
        }
        w->shard[w->shard_n++] = i;
    }
    for (int c = 0; c < n; c++)
        if (group_by_employee(feed, &workers[c]) != 0)
            return -1;
    return 0;
}

int sender_run(feed_t *feed, const sender_opts_t *opts, char *err, size_t errlen)
{
    int n = opts->connections, started = 0, rc = 0;
    worker_t *workers = calloc((size_t)n, sizeof *workers);
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    if (!workers || !threads || shard_feed(feed, workers, n) < 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
        goto done;
    }
    /* CZMQ sets itself up on the first socket, and that is not thread-safe:
     * two connections' threads racing there abort ("s_open_sockets == 0"
     * in zsys_set_thread_name_prefix_str, seen once in the benchmark's
     * 4-connection run). Set up here, before any thread starts. */
    zsys_init();
    for (; started < n; started++) {
        workers[started].feed = feed;
        workers[started].opts = opts;
        workers[started].conn = started;
        if (pthread_create(&threads[started], NULL, worker_main, &workers[started]) != 0) {
            snprintf(err, errlen, "cannot start a thread");
            rc = -1;
            break;
        }
    }
    for (int c = 0; c < started; c++) {
        pthread_join(threads[c], NULL);
        if (workers[c].failed && rc == 0) {
            snprintf(err, errlen, "connection %d: %s", c, workers[c].err);
            rc = -1;
        }
    }
done:
    for (int c = 0; workers && c < n; c++) {
        free_queue(&workers[c].window);
        free_queue(&workers[c].resend);
        free(workers[c].shard);
    }
    free(workers);
    free(threads);
    return rc;
}

void sender_opts_init(sender_opts_t *o)
{
    *o = (sender_opts_t){.batch = 500,
                         .window = 1,
                         .connections = 1,
                         .timeout_ms = 10000,
                         .retries = 20,
                         .verbose = 1,
                         .batch_type = "pathways.v1.PublishBatch",
                         .tool = "pathways-publish"};
}

int sender_service_endpoint(int service, char *endpoint, size_t len, char *err, size_t errlen)
{
    pw_config_t cfg;
    if (*endpoint)
        return 0;
    if (pw_config_load(&cfg, err, errlen) < 0)
        return -1;
    pw_config_endpoint(&cfg, (pw_service_id_t)service, PW_PORT_COMMAND, 0, endpoint, len);
    return 0;
}

int sender_default_endpoint(char *endpoint, size_t len, char *err, size_t errlen)
{
    return sender_service_endpoint(PW_SVC_ELIGIBILITY, endpoint, len, err, errlen);
}
