/* pathwaysctl status and wait-idle: the streams' heads and the consumers'
 * progress, read from the database (see queues.h). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "pathways/date.h"
#include "queues.h"

#define POLL_MS              200
#define DEFAULT_IDLE_TIMEOUT 60

/* Parses the options of a subcommand that knows only flags in `flags`
 * ("json") or "--timeout SECONDS". Returns 0, 1 for --help, 2 on error. */
typedef struct {
    int json;
    int timeout_s;
} queue_opts_t;

static int parse(int argc, char **argv, int allow_json, int allow_timeout, queue_opts_t *o)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    char *end;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c == 'h')
            return 1;
        if (c == 'j' && allow_json) {
            o->json = 1;
        } else if (c == 't' && allow_timeout) {
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 86400)
                return fprintf(stderr, "%s: --timeout: seconds expected\n", argv[0]), 2;
            o->timeout_s = (int)v;
        } else {
            if (c != '?')
                fprintf(stderr, "%s: unknown option\n", argv[0]);
            return 2;
        }
    }
    if (optind < argc)
        return fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]), 2;
    return 0;
}

static void print_table(const ctl_queues_t *q)
{
    printf("%-16s %9s %12s\n", "STREAM", "PARTITION", "HEAD");
    for (size_t i = 0; i < q->nheads; i++)
        printf("%-16s %9d %12lld\n", q->heads[i].stream, q->heads[i].partition,
               (long long)q->heads[i].head);
    printf("\n%-16s %-16s %9s %12s %12s %10s %10s %6s\n", "CONSUMER", "STREAM", "PARTITION",
           "OFFSET", "HEAD", "LAG", "AGE_S", "DEAD");
    for (size_t i = 0; i < q->noffsets; i++) {
        const ctl_offset_t *o = &q->offsets[i];
        printf("%-16s %-16s %9d %12lld %12lld %10lld %10.1f %6lld\n", o->consumer, o->stream,
               o->partition, (long long)o->offset, (long long)o->head,
               (long long)(o->head - o->offset), o->age_seconds, (long long)o->dead_letters);
    }
}

static void print_json(const ctl_queues_t *q)
{
    json_t *streams = json_array(), *consumers = json_array();
    for (size_t i = 0; i < q->nheads; i++)
        json_array_append_new(streams, json_pack("{s:s, s:i, s:I}", "stream", q->heads[i].stream,
                                                 "partition", q->heads[i].partition, "head",
                                                 (json_int_t)q->heads[i].head));
    for (size_t i = 0; i < q->noffsets; i++) {
        const ctl_offset_t *o = &q->offsets[i];
        json_array_append_new(
            consumers,
            json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:f, s:I}", "consumer", o->consumer, "stream",
                      o->stream, "partition", o->partition, "offset", (json_int_t)o->offset, "head",
                      (json_int_t)o->head, "lag", (json_int_t)(o->head - o->offset), "age_seconds",
                      o->age_seconds, "dead_letters", (json_int_t)o->dead_letters));
    }
    json_t *doc = json_pack("{s:o, s:o}", "streams", streams, "consumers", consumers);
    json_dumpf(doc, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(doc);
}

int ctl_status(ctl_t *ctl, int argc, char **argv)
{
    queue_opts_t o = {0};
    int rc = parse(argc, argv, 1, 0, &o);
    if (rc == 1) {
        printf("usage: pathwaysctl status [--json]\n\n"
               "Per stream and partition the head seq; per consumer its offset, lag\n"
               "(head - offset), the age in seconds of its oldest unprocessed event and its\n"
               "dead letters not yet replayed. --json prints {\"streams\":[...],\n"
               "\"consumers\":[...]} for scripts.\n");
        return CTL_OK;
    }
    if (rc)
        return CTL_USAGE;
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    ctl_queues_t q;
    char err[512];
    rc = CTL_OK;
    if (ctl_queues_load(db, &q, err, sizeof err) < 0) {
        fprintf(stderr, "pathwaysctl status: %s\n", err);
        rc = CTL_FAIL;
    } else {
        if (o.json)
            print_json(&q);
        else
            print_table(&q);
        ctl_queues_clear(&q);
    }
    pw_db_destroy(&db);
    return rc;
}

/* Counts (and, when out is given, prints) the expected consumers that are
 * behind a non-empty head. */
static size_t lagging(const ctl_queues_t *q, FILE *out)
{
    size_t n = 0;
    for (size_t i = 0; i < q->nheads; i++) {
        const ctl_head_t *h = &q->heads[i];
        if (h->head <= 0)
            continue;
        for (const char *const *c = ctl_expected_consumers(h->stream); *c; c++) {
            const ctl_offset_t *o = ctl_queues_find(q, *c, h->stream, h->partition);
            if (o && o->offset == h->head)
                continue;
            n++;
            if (out && o)
                fprintf(out, "  %-14s on %s/%d: offset %lld of %lld (lag %lld, oldest %.1f s)\n",
                        *c, h->stream, h->partition, (long long)o->offset, (long long)h->head,
                        (long long)(h->head - o->offset), o->age_seconds);
            else if (out)
                fprintf(out, "  %-14s on %s/%d: no offset yet (head %lld)\n", *c, h->stream,
                        h->partition, (long long)h->head);
        }
    }
    return n;
}

static int same_heads(const ctl_queues_t *a, const ctl_queues_t *b)
{
    if (a->nheads != b->nheads)
        return 0;
    for (size_t i = 0; i < a->nheads; i++)
        if (a->heads[i].head != b->heads[i].head ||
            a->heads[i].partition != b->heads[i].partition ||
            strcmp(a->heads[i].stream, b->heads[i].stream) != 0)
            return 0;
    return 1;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void wait_idle_help(void)
{
    printf("usage: pathwaysctl wait-idle [--timeout SECONDS]\n\n"
           "Polls every %d ms until, for every stream head with seq > 0, each expected\n"
           "consumer's offset equals the head, and the heads did not move between two\n"
           "consecutive polls. Expected consumers: employee -> notification, reporting;\n"
           "eligibility -> enrollment, reporting; enrollment -> notification,\n"
           "reporting; notification -> reporting.\n"
           "Exit 0 when idle, 1 on timeout (default %d s) with the lagging consumers.\n",
           POLL_MS, DEFAULT_IDLE_TIMEOUT);
}

/* One poll. Returns 1 when idle (no lag and the heads equal the previous
 * poll's), 0 when not yet, -1 on a database error (kept in err). */
static int poll_once(pw_db_t *db, ctl_queues_t *prev, int *have_prev, char *err, size_t errlen)
{
    ctl_queues_t now;
    if (pw_db_ensure(db) != 0) {
        snprintf(err, errlen, "%s", pw_db_error(db));
        return -1;
    }
    if (ctl_queues_load(db, &now, err, errlen) < 0)
        return -1;
    int idle = *have_prev && lagging(&now, NULL) == 0 && same_heads(&now, prev);
    ctl_queues_clear(prev);
    *prev = now;
    *have_prev = 1;
    return idle;
}

int ctl_wait_idle(ctl_t *ctl, int argc, char **argv)
{
    queue_opts_t o = {.timeout_s = DEFAULT_IDLE_TIMEOUT};
    int rc = parse(argc, argv, 0, 1, &o);
    if (rc == 1)
        return wait_idle_help(), CTL_OK;
    if (rc)
        return CTL_USAGE;
    pw_db_t *db = pw_db_new(ctl->cfg.database_url);
    if (!db)
        return CTL_FAIL;
    ctl_queues_t last = {0};
    int have_last = 0, idle = 0;
    char err[512] = "";
    int64_t start = pw_mono_ms(), deadline = start + (int64_t)o.timeout_s * 1000;
    for (;;) {
        idle = poll_once(db, &last, &have_last, err, sizeof err);
        if (idle == 1 || pw_mono_ms() >= deadline)
            break;
        sleep_ms(POLL_MS);
    }
    if (idle == 1) {
        printf("idle: %zu stream partition(s), every expected consumer caught up (%.1f s)\n",
               last.nheads, (double)(pw_mono_ms() - start) / 1000.0);
    } else {
        fprintf(stderr, "pathwaysctl wait-idle: not idle after %d s\n", o.timeout_s);
        if (idle < 0)
            fprintf(stderr, "  database: %s\n", err);
        else if (have_last && lagging(&last, stderr) == 0)
            fprintf(stderr, "  no lag, but the stream heads are still moving\n");
    }
    ctl_queues_clear(&last);
    pw_db_destroy(&db);
    return idle == 1 ? CTL_OK : CTL_FAIL;
}
