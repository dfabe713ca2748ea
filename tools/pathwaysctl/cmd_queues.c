/* pathwaysctl status, wait-idle and queues: the streams' heads and the
 * consumers' progress, read from the database (see queues.h), and the
 * queues' status judged over a sliding window (see lagwindow.h). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "pathways/date.h"
#include "lagwindow.h"
#include "queues.h"
#include "intopt.h"

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
    optind = 0;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c == 'h')
            return 1;
        if (c == 'j' && allow_json) {
            o->json = 1;
        } else if (c == 't' && allow_timeout) {
            if (pwt_int_option(argv[0], "--timeout", optarg, 0, 86400, &o->timeout_s) != 0)
                return 2;
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
        if (o->missing)
            continue; /* no offset row: wait-idle and queues report it */
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
        if (o->missing)
            continue;
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
        const char *expected[PW_SVC_COUNT + 1];
        pw_topology_consumers(h->stream, expected);
        for (const char *const *c = expected; *c; c++) {
            const ctl_offset_t *o = ctl_queues_find(q, *c, h->stream, h->partition);
            if (o && o->offset == h->head)
                continue;
            n++;
            if (out && o && !o->missing)
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

/* ---- queues: the table administrators watch --------------------------- */

#define QUEUES_DEFAULT_WINDOW_S    3
#define QUEUES_DEFAULT_INTERVAL_MS 500
#define QUEUES_MAX_WINDOW_S        300

typedef struct {
    int json, watch, count;
    int window_s, interval_ms;
} queues_opts_t;

/* Returns 0, 1 for --help, 2 on a usage error. */
static int parse_queues(int argc, char **argv, queues_opts_t *o)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"watch", no_argument, NULL, 'w'},
        {"window", required_argument, NULL, 'W'},
        {"interval", required_argument, NULL, 'i'},
        {"count", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    optind = 0;
    while (!bad && (c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c == 'h')
            return 1;
        if (c == 'j')
            o->json = 1;
        else if (c == 'w')
            o->watch = 1;
        else if (c == 'W')
            bad = pwt_int_option("pathwaysctl queues", "--window", optarg, 1, QUEUES_MAX_WINDOW_S,
                                 &o->window_s);
        else if (c == 'i')
            bad = pwt_int_option("pathwaysctl queues", "--interval", optarg, 100, 60000,
                                 &o->interval_ms);
        else if (c == 'n')
            bad = pwt_int_option("pathwaysctl queues", "--count", optarg, 1, 1000000, &o->count);
        else
            bad = 1;
    }
    if (!bad && optind < argc) {
        fprintf(stderr, "pathwaysctl queues: unexpected argument '%s'\n", argv[optind]);
        bad = 1;
    }
    return bad ? 2 : 0;
}

static void queues_help(void)
{
    printf("usage: pathwaysctl queues [--window SECONDS] [--interval MS] [--watch [--count N]]\n"
           "                          [--json]\n\n"
           "One row per stream, partition and consumer: head, offset, lag (events), the\n"
           "age in seconds of the oldest unprocessed event, dead letters not replayed, and\n"
           "a status judged over a sliding window (as Burrow does for Kafka): the command\n"
           "samples the stream tables every --interval ms (default %d) for --window\n"
           "seconds (default %d) before it answers.\n"
           "  ok       caught up, or the offset moved during the window\n"
           "  stalled  behind and not moving, but alive: retrying the next event (see\n"
           "           DETAIL; a dead letter at PATHWAYS_MAX_ATTEMPTS) or holding its lease\n"
           "  stopped  behind, not moving, no live instance holds the partition and no\n"
           "           retries (service down, or a consumer that never ran)\n"
           "TREND is the lag's direction over the window (rising/falling/steady).\n"
           "--watch keeps sampling and reprints every interval over the last window\n"
           "(--count N stops after N reports). --json prints one JSON document per report\n"
           "({\"window_seconds\",\"queues\":[...]}; one line each with --watch).\n"
           "Exit status: 0, or 1 when the database cannot be read.\n",
           QUEUES_DEFAULT_INTERVAL_MS, QUEUES_DEFAULT_WINDOW_S);
}

static void print_queues_table(const ctl_window_t *w, int64_t window_ms)
{
    printf("%-14s %4s %-14s %10s %10s %8s %9s %5s %-8s %-7s %s\n", "STREAM", "PART", "CONSUMER",
           "HEAD", "OFFSET", "LAG", "OLDEST_S", "DEAD", "STATUS", "TREND", "DETAIL");
    for (size_t i = 0; i < w->n; i++) {
        const ctl_series_t *s = &w->series[i];
        ctl_verdict_t v = ctl_window_judge(s, window_ms);
        printf("%-14s %4d %-14s %10lld %10lld %8lld %9.1f %5lld %-8s %-7s %s\n", s->last.stream,
               s->last.partition, s->last.consumer, (long long)s->last.head,
               (long long)s->last.offset, (long long)v.lag, s->last.age_seconds,
               (long long)s->last.dead_letters, pw_queue_status_name(v.status),
               ctl_trend_name(v.trend), v.detail);
    }
}

static void print_queues_json(const ctl_window_t *w, int64_t window_ms, int compact)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < w->n; i++) {
        const ctl_series_t *s = &w->series[i];
        ctl_verdict_t v = ctl_window_judge(s, window_ms);
        json_array_append_new(
            rows,
            json_pack("{s:s, s:i, s:s, s:I, s:I, s:I, s:f, s:I, s:i, s:s, s:s, s:I, s:s}", "stream",
                      s->last.stream, "partition", s->last.partition, "consumer", s->last.consumer,
                      "head", (json_int_t)s->last.head, "offset", (json_int_t)s->last.offset, "lag",
                      (json_int_t)v.lag, "oldest_age_seconds", s->last.age_seconds, "dead_letters",
                      (json_int_t)s->last.dead_letters, "retry_attempts", s->last.retry_attempts,
                      "status", pw_queue_status_name(v.status), "lag_trend",
                      ctl_trend_name(v.trend), "offset_moved", (json_int_t)v.moved, "detail",
                      v.detail));
    }
    json_t *doc =
        json_pack("{s:f, s:o}", "window_seconds", (double)window_ms / 1000.0, "queues", rows);
    json_dumpf(doc, stdout, compact ? JSON_COMPACT : JSON_INDENT(2));
    fputc('\n', stdout);
    fflush(stdout);
    json_decref(doc);
}

/* Loads one sample of every queue into w. Returns 0 or -1 (printed). */
static int sample(pw_db_t *db, ctl_window_t *w)
{
    ctl_queues_t q;
    char err[512];
    if (pw_db_ensure(db) != 0 || ctl_queues_load(db, &q, err, sizeof err) < 0) {
        fprintf(stderr, "pathwaysctl queues: %s\n", pw_db_error(db));
        return -1;
    }
    int rc = ctl_window_add(w, &q, pw_mono_ms());
    ctl_queues_clear(&q);
    if (rc != 0)
        fprintf(stderr, "pathwaysctl queues: out of memory\n");
    return rc;
}

static void report(const ctl_window_t *w, const queues_opts_t *o)
{
    int64_t window_ms = (int64_t)o->window_s * 1000;
    if (o->json) {
        print_queues_json(w, window_ms, o->watch);
        return;
    }
    if (o->watch && isatty(STDOUT_FILENO))
        printf("\033[H\033[2J"); /* clear the terminal, like watch(1) */
    if (o->watch) {
        time_t now = time(NULL);
        char stamp[32];
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
        printf("-- %s (window %d s)\n", stamp, o->window_s);
    }
    print_queues_table(w, window_ms);
    fflush(stdout);
}

int ctl_queues(ctl_t *ctl, int argc, char **argv)
{
    queues_opts_t o = {.window_s = QUEUES_DEFAULT_WINDOW_S,
                       .interval_ms = QUEUES_DEFAULT_INTERVAL_MS};
    int rc = parse_queues(argc, argv, &o);
    if (rc == 1)
        return queues_help(), CTL_OK;
    if (rc)
        return CTL_USAGE;
    /* Keep the samples of one window within the ring. */
    int min_interval = o.window_s * 1000 / (CTL_WINDOW_SAMPLES - 2);
    if (o.interval_ms < min_interval)
        o.interval_ms = min_interval;
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    ctl_window_t w = {0};
    int64_t start = pw_mono_ms(), filled = start + (int64_t)o.window_s * 1000;
    int reports = 0;
    rc = CTL_OK;
    for (;;) {
        if (sample(db, &w) != 0) {
            rc = CTL_FAIL;
            break;
        }
        if (pw_mono_ms() >= filled) {
            report(&w, &o);
            if (!o.watch || (o.count && ++reports >= o.count))
                break;
        }
        sleep_ms(o.interval_ms);
    }
    ctl_window_clear(&w);
    pw_db_destroy(&db);
    return rc;
}
