/* pathways-bench-amqp: the peer benchmark. Moves the same partner events
 * (each pathways.v1.EmployeeEvent encoded as one message, as
 * pathways-publish encodes them) through a RabbitMQ durable queue, the way a
 * team would move them with a broker: persistent messages (delivery mode 2)
 * with publisher confirms (at most --window unconfirmed), and a consumer on
 * a second connection with manual acks (prefetch --prefetch, acking every
 * --ack-every messages with multiple=true), publishing and consuming at the
 * same time. Prints JSON: messages, seconds until every message was
 * confirmed and until every message was consumed and acked, and the rates.
 *
 *   pathways-bench-amqp --file EVENTS.jsonl --port 25672 [--count N]
 *                       [--queue NAME] [--window 1000] [--prefetch 1000]
 *                       [--ack-every 100]
 */
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"

typedef struct {
    feed_t *feed;
    size_t count;
    int port;
    const char *queue;
    int window, prefetch, ack_every;
    double t0, confirmed_at, consumed_at;
    size_t confirmed, consumed;
    char err[256];
    int failed;
} bench_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int rpc_ok(bench_t *b, amqp_connection_state_t c, const char *what)
{
    amqp_rpc_reply_t r = amqp_get_rpc_reply(c);
    if (r.reply_type == AMQP_RESPONSE_NORMAL)
        return 0;
    snprintf(b->err, sizeof b->err, "%s failed (reply type %d)", what, (int)r.reply_type);
    return -1;
}

/* A connection with channel 1 open and the durable queue declared. */
static amqp_connection_state_t open_conn(bench_t *b)
{
    amqp_connection_state_t c = amqp_new_connection();
    amqp_socket_t *s = amqp_tcp_socket_new(c);
    if (!s || amqp_socket_open(s, "127.0.0.1", b->port) != AMQP_STATUS_OK) {
        snprintf(b->err, sizeof b->err, "cannot connect to 127.0.0.1:%d", b->port);
        amqp_destroy_connection(c);
        return NULL;
    }
    amqp_rpc_reply_t r = amqp_login(c, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest");
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {
        snprintf(b->err, sizeof b->err, "login failed");
        amqp_destroy_connection(c);
        return NULL;
    }
    amqp_channel_open(c, 1);
    if (rpc_ok(b, c, "channel.open") == 0) {
        amqp_queue_declare(c, 1, amqp_cstring_bytes(b->queue), 0, 1, 0, 0, amqp_empty_table);
        if (rpc_ok(b, c, "queue.declare") == 0)
            return c;
    }
    amqp_destroy_connection(c);
    return NULL;
}

static void close_conn(amqp_connection_state_t c)
{
    amqp_channel_close(c, 1, AMQP_REPLY_SUCCESS);
    amqp_connection_close(c, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(c);
}

/* Reads one frame (waiting at most wait_us) and counts confirms. */
static int read_confirm(bench_t *b, amqp_connection_state_t c, uint64_t *confirmed, long wait_us)
{
    amqp_frame_t f;
    struct timeval tv = {.tv_sec = wait_us / 1000000, .tv_usec = wait_us % 1000000};
    int rc = amqp_simple_wait_frame_noblock(c, &f, &tv);
    if (rc == AMQP_STATUS_TIMEOUT)
        return 0;
    if (rc != AMQP_STATUS_OK)
        return snprintf(b->err, sizeof b->err, "publisher: %s", amqp_error_string2(rc)), -1;
    if (f.frame_type == AMQP_FRAME_METHOD && f.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        amqp_basic_ack_t *a = f.payload.method.decoded;
        *confirmed = a->multiple ? a->delivery_tag : *confirmed + 1;
    } else if (f.frame_type == AMQP_FRAME_METHOD && f.payload.method.id == AMQP_BASIC_NACK_METHOD) {
        return snprintf(b->err, sizeof b->err, "publisher: broker nacked a message"), -1;
    }
    return 0;
}

static void *publisher_main(void *arg)
{
    bench_t *b = arg;
    amqp_connection_state_t c = open_conn(b);
    uint64_t published = 0, confirmed = 0;
    if (!c)
        return b->failed = 1, NULL;
    amqp_confirm_select(c, 1);
    amqp_basic_properties_t props = {._flags = AMQP_BASIC_DELIVERY_MODE_FLAG |
                                               AMQP_BASIC_CONTENT_TYPE_FLAG,
                                     .delivery_mode = 2,
                                     .content_type = amqp_cstring_bytes("application/x-protobuf")};
    if (rpc_ok(b, c, "confirm.select") < 0)
        b->failed = 1;
    while (!b->failed && confirmed < b->count) {
        if (published < b->count && published - confirmed < (uint64_t)b->window) {
            const feed_event_t *ev = &b->feed->events[published];
            amqp_bytes_t body = {.len = ev->len, .bytes = ev->bytes};
            if (amqp_basic_publish(c, 1, amqp_empty_bytes, amqp_cstring_bytes(b->queue), 0, 0,
                                   &props, body) != AMQP_STATUS_OK) {
                snprintf(b->err, sizeof b->err, "basic.publish failed");
                b->failed = 1;
            }
            published++;
            /* Take confirms that are already there without waiting. */
            if (read_confirm(b, c, &confirmed, 0) < 0)
                b->failed = 1;
        } else if (read_confirm(b, c, &confirmed, 1000000) < 0) {
            b->failed = 1;
        }
    }
    b->confirmed = (size_t)confirmed;
    b->confirmed_at = now_s();
    close_conn(c);
    return NULL;
}

static void *consumer_main(void *arg)
{
    bench_t *b = arg;
    amqp_connection_state_t c = open_conn(b);
    uint64_t last_tag = 0, acked_tag = 0;
    if (!c)
        return b->failed = 1, NULL;
    amqp_basic_qos(c, 1, 0, (uint16_t)b->prefetch, 0);
    amqp_basic_consume(c, 1, amqp_cstring_bytes(b->queue), amqp_empty_bytes, 0, 0, 0,
                       amqp_empty_table);
    if (rpc_ok(b, c, "basic.consume") < 0)
        b->failed = 1;
    while (!b->failed && b->consumed < b->count) {
        amqp_envelope_t env;
        struct timeval tv = {.tv_sec = 30};
        amqp_maybe_release_buffers(c);
        amqp_rpc_reply_t r = amqp_consume_message(c, &env, &tv, 0);
        if (r.reply_type != AMQP_RESPONSE_NORMAL) {
            snprintf(b->err, sizeof b->err, "consumer: no message within 30 s");
            b->failed = 1;
            break;
        }
        last_tag = env.delivery_tag;
        b->consumed++;
        amqp_destroy_envelope(&env);
        if (b->consumed % (size_t)b->ack_every == 0 || b->consumed == b->count) {
            amqp_basic_ack(c, 1, last_tag, 1);
            acked_tag = last_tag;
        }
    }
    (void)acked_tag;
    b->consumed_at = now_s();
    close_conn(c);
    return NULL;
}

static int parse(bench_t *b, int argc, char **argv, const char **file)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--file"))
            *file = v;
        else if (!strcmp(k, "--port"))
            b->port = atoi(v);
        else if (!strcmp(k, "--count"))
            b->count = (size_t)atol(v);
        else if (!strcmp(k, "--queue"))
            b->queue = v;
        else if (!strcmp(k, "--window"))
            b->window = atoi(v);
        else if (!strcmp(k, "--prefetch"))
            b->prefetch = atoi(v);
        else if (!strcmp(k, "--ack-every"))
            b->ack_every = atoi(v);
        else
            return -1;
    }
    return *file && b->port > 0 && b->window > 0 && b->prefetch > 0 && b->prefetch < 65536 &&
                   b->ack_every > 0
               ? 0
               : -1;
}

int main(int argc, char **argv)
{
    bench_t b = {.queue = "pathways.bench", .window = 1000, .prefetch = 1000, .ack_every = 100};
    const char *file = NULL;
    char err[256];
    if (parse(&b, argc, argv, &file) < 0) {
        fprintf(stderr, "usage: pathways-bench-amqp --file EVENTS.jsonl --port PORT [--count N]"
                        " [--queue Q] [--window N] [--prefetch N] [--ack-every N]\n");
        return 2;
    }
    FILE *f = fopen(file, "r");
    if (!f || !(b.feed = feed_load(f, err, sizeof err))) {
        fprintf(stderr, "pathways-bench-amqp: cannot load %s\n", file);
        return 1;
    }
    fclose(f);
    if (!b.count || b.count > b.feed->count)
        b.count = b.feed->count;
    pthread_t pub, con;
    b.t0 = now_s();
    pthread_create(&con, NULL, consumer_main, &b);
    pthread_create(&pub, NULL, publisher_main, &b);
    pthread_join(pub, NULL);
    pthread_join(con, NULL);
    if (b.failed)
        fprintf(stderr, "pathways-bench-amqp: %s\n", b.err);
    double pub_s = b.confirmed_at - b.t0, all_s = b.consumed_at - b.t0;
    printf("{\"messages\": %zu, \"confirmed\": %zu, \"consumed\": %zu, \"confirm_seconds\": %.3f, "
           "\"seconds\": %.3f, \"confirmed_per_s\": %.1f, \"consumed_per_s\": %.1f}\n",
           b.count, b.confirmed, b.consumed, pub_s, all_s, (double)b.confirmed / pub_s,
           (double)b.consumed / all_s);
    feed_destroy(&b.feed);
    return b.failed ? 1 : 0;
}
