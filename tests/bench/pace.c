/* pathways-bench-pace: a paced partner for the latency benchmark. Sends a
 * feed (JSON lines, as pathways-synth writes them) to eligibility's command
 * endpoint as PublishBatch messages at a fixed offered rate, open loop: batch
 * k is due at start + k * batch / rate whether or not earlier batches were
 * acknowledged, so a slow server cannot slow the offered load down
 * (no coordinated omission). Each batch's acknowledgement latency is taken
 * from its due time to the arrival of its PublishAck.
 *
 *   pathways-bench-pace --file EVENTS.jsonl --rate 5000 [--batch 50]
 *                       [--endpoint tcp://127.0.0.1:PORT] [--count N]
 *                       [--timeout-ms 30000]
 *
 * Prints one JSON object: offered and achieved rates, batches, events
 * accepted / not accepted, and latency p50 / p90 / p99 / max in ms.
 * Exit 0 when every batch was acknowledged, 1 otherwise, 2 on usage. */
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "feed.h"
#include "pathways/codec.h"
#include "pathways/config.h"

#define ACK_TYPE "pathways.v1.PublishAck"

typedef struct {
    const char *file;
    char endpoint[PW_ENDPOINT_MAX];
    double rate;
    int batch;
    long count;
    int timeout_ms;
} pace_opts_t;

typedef struct {
    int64_t due_us;  /* when the batch was due (open-loop schedule) */
    int64_t sent_us; /* when it actually went out */
    int64_t ack_us;  /* 0 until acknowledged */
    size_t accepted, other;
} batch_rec_t;

typedef struct {
    const pace_opts_t *o;
    feed_t *feed;
    size_t nevents; /* events used from the feed */
    size_t nbatches;
    batch_rec_t *recs;
    size_t sent, acked;
    pwt_client_t *client;
    int64_t start_us;
} pacer_t;

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: pathways-bench-pace --file EVENTS.jsonl --rate EVENTS_PER_S [--batch N]\n"
               "                           [--endpoint E] [--count N] [--timeout-ms MS]\n");
}

static int parse_options(int argc, char **argv, pace_opts_t *o)
{
    static const struct option longopts[] = {
        {"file", required_argument, NULL, 'f'},  {"rate", required_argument, NULL, 'r'},
        {"batch", required_argument, NULL, 'b'}, {"endpoint", required_argument, NULL, 'e'},
        {"count", required_argument, NULL, 'n'}, {"timeout-ms", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            o->file = optarg;
            break;
        case 'r':
            o->rate = atof(optarg);
            break;
        case 'b':
            o->batch = atoi(optarg);
            break;
        case 'e':
            snprintf(o->endpoint, sizeof o->endpoint, "%s", optarg);
            break;
        case 'n':
            o->count = atol(optarg);
            break;
        case 't':
            o->timeout_ms = atoi(optarg);
            break;
        case 'h':
            return 1;
        default:
            return 2;
        }
    }
    if (!o->file || o->rate <= 0 || o->batch < 1 || o->batch > (int)PW_MAX_BATCH_EVENTS ||
        o->count < 0 || o->timeout_ms < 1)
        return 2;
    return 0;
}

static feed_t *load(const char *path)
{
    char err[256];
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "pathways-bench-pace: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    feed_t *feed = feed_load(f, err, sizeof err);
    fclose(f);
    if (!feed)
        fprintf(stderr, "pathways-bench-pace: %s: %s\n", path, err);
    return feed;
}

/* Encodes and sends batch k (events k*batch ...). Returns 0 or -1. */
static int send_batch(pacer_t *p, size_t k)
{
    size_t first = k * (size_t)p->o->batch, n = (size_t)p->o->batch;
    if (first + n > p->nevents)
        n = p->nevents - first;
    Pathways__V1__EmployeeEvent **events = calloc(n, sizeof *events);
    char id[32], err[256];
    int rc = -1;
    size_t i;
    if (!events)
        return -1;
    for (i = 0; i < n; i++) {
        const feed_event_t *ev = &p->feed->events[first + i];
        if (!(events[i] = pw_decode_employee_event(ev->bytes, ev->len)))
            goto done;
    }
    snprintf(id, sizeof id, "pace-%zu", k);
    Pathways__V1__PublishBatch msg = PATHWAYS__V1__PUBLISH_BATCH__INIT;
    msg.batch_id = id;
    msg.n_events = n;
    msg.events = events;
    rc = pwt_client_send_msg(p->client, &msg.base, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "pathways-bench-pace: batch %zu: %s\n", k, err);
done:
    for (size_t j = 0; j < i; j++)
        pw_free_employee_event(&events[j]);
    free(events);
    return rc;
}

/* Records the acknowledgement in reply (type, bytes). */
static void on_reply(pacer_t *p, const char *type, const uint8_t *data, size_t len)
{
    if (strcmp(type, ACK_TYPE) != 0)
        return;
    Pathways__V1__PublishAck *ack = pw_decode_publish_ack(data, len);
    if (!ack)
        return;
    size_t k;
    if (sscanf(ack->batch_id, "pace-%zu", &k) == 1 && k < p->nbatches && !p->recs[k].ack_us) {
        batch_rec_t *r = &p->recs[k];
        r->ack_us = mono_us();
        for (size_t i = 0; i < ack->n_acks; i++) {
            if (ack->acks[i]->result == PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED)
                r->accepted++;
            else
                r->other++;
        }
        p->acked++;
    }
    pw_free_publish_ack(&ack);
}

/* Sends what is due, then waits for replies until the next batch is due. */
static int run(pacer_t *p)
{
    double per_batch_us = 1e6 * p->o->batch / p->o->rate;
    int64_t last_progress = mono_us();
    p->start_us = mono_us();
    while (p->acked < p->nbatches) {
        int64_t now = mono_us();
        while (p->sent < p->nbatches &&
               p->start_us + (int64_t)(per_batch_us * (double)p->sent) <= now) {
            batch_rec_t *r = &p->recs[p->sent];
            r->due_us = p->start_us + (int64_t)(per_batch_us * (double)p->sent);
            if (send_batch(p, p->sent) < 0)
                return -1;
            r->sent_us = mono_us();
            p->sent++;
        }
        int64_t next = p->sent < p->nbatches
                           ? p->start_us + (int64_t)(per_batch_us * (double)p->sent)
                           : now + 100000;
        int wait_ms = next > now ? (int)((next - now + 999) / 1000) : 0;
        char *type = NULL, err[256];
        uint8_t *data = NULL;
        size_t len = 0;
        int got = pwt_client_recv(p->client, wait_ms, &type, &data, &len, err, sizeof err);
        if (got == 1) {
            on_reply(p, type, data, len);
            last_progress = mono_us();
        }
        free(type);
        free(data);
        if (mono_us() - last_progress > (int64_t)p->o->timeout_ms * 1000)
            return fprintf(stderr, "pathways-bench-pace: no acknowledgement for %d ms\n",
                           p->o->timeout_ms),
                   -1;
    }
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(const int64_t *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return (double)v[i] / 1000.0;
}

static void report(const pacer_t *p)
{
    int64_t *lat = malloc((p->nbatches ? p->nbatches : 1) * sizeof *lat);
    size_t n = 0, accepted = 0, other = 0;
    int64_t last_ack = p->start_us, last_sent = p->start_us;
    double send_lag_max = 0;
    for (size_t k = 0; lat && k < p->nbatches; k++) {
        const batch_rec_t *r = &p->recs[k];
        if (!r->ack_us)
            continue;
        lat[n++] = r->ack_us - r->due_us;
        accepted += r->accepted;
        other += r->other;
        last_ack = r->ack_us > last_ack ? r->ack_us : last_ack;
        last_sent = r->sent_us > last_sent ? r->sent_us : last_sent;
        double lag = (double)(r->sent_us - r->due_us) / 1000.0;
        send_lag_max = lag > send_lag_max ? lag : send_lag_max;
    }
    if (lat)
        qsort(lat, n, sizeof *lat, cmp_i64);
    double send_s = (double)(last_sent - p->start_us) / 1e6;
    double ack_s = (double)(last_ack - p->start_us) / 1e6;
    printf("{\"offered_rate\": %.1f, \"batch\": %d, \"events\": %zu, \"batches\": %zu, "
           "\"batches_acked\": %zu, \"accepted\": %zu, \"not_accepted\": %zu, "
           "\"send_seconds\": %.3f, \"ack_seconds\": %.3f, \"achieved_rate\": %.1f, "
           "\"max_send_lag_ms\": %.3f, \"ack_ms\": {\"p50\": %.3f, \"p90\": %.3f, "
           "\"p99\": %.3f, \"max\": %.3f}}\n",
           p->o->rate, p->o->batch, p->nevents, p->nbatches, n, accepted, other, send_s, ack_s,
           ack_s > 0 ? (double)(accepted + other) / ack_s : 0, send_lag_max, pct_ms(lat, n, 0.50),
           pct_ms(lat, n, 0.90), pct_ms(lat, n, 0.99), n ? (double)lat[n - 1] / 1000.0 : 0);
    free(lat);
}

int main(int argc, char **argv)
{
    pace_opts_t o = {.batch = 50, .timeout_ms = 30000};
    pacer_t p = {.o = &o};
    char err[512];
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return usage(rc == 1 ? stdout : stderr), rc == 1 ? 0 : 2;
    if (!*o.endpoint) {
        pw_config_t cfg;
        if (pw_config_load(&cfg, err, sizeof err) < 0)
            return fprintf(stderr, "pathways-bench-pace: %s\n", err), 2;
        pw_config_endpoint(&cfg, PW_SVC_ELIGIBILITY, PW_PORT_COMMAND, 0, o.endpoint,
                           sizeof o.endpoint);
    }
    zsys_handler_set(NULL);
    if (!(p.feed = load(o.file)))
        return 1;
    p.nevents = o.count && (size_t)o.count < p.feed->count ? (size_t)o.count : p.feed->count;
    p.nbatches = (p.nevents + (size_t)o.batch - 1) / (size_t)o.batch;
    p.recs = calloc(p.nbatches ? p.nbatches : 1, sizeof *p.recs);
    p.client = pwt_client_new(o.endpoint, err, sizeof err);
    if (!p.recs || !p.client) {
        fprintf(stderr, "pathways-bench-pace: %s\n", p.client ? "out of memory" : err);
        rc = 1;
    } else {
        rc = run(&p) < 0 ? 1 : 0;
        report(&p);
    }
    pwt_client_destroy(&p.client);
    free(p.recs);
    feed_destroy(&p.feed);
    return rc;
}
