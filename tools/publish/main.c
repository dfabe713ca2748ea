/* pathways-publish: sends a partner feed (JSON lines) to eligibility's
 * command endpoint as PublishBatch messages and reports how every event was
 * acknowledged. Exit 0 when every readable event got an answer (accepted,
 * duplicate or rejected), 1 when some stayed unacknowledged, 2 on usage
 * errors. */
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "pathways/codec.h"
#include "pathways/config.h"
#include "sender.h"
#include "intopt.h"

#define SHOW_REJECTIONS 10
#define SHOW_UNREADABLE 20
#define JSON_LIST_MAX   100

typedef struct {
    const char *file;
    char endpoint[PW_ENDPOINT_MAX];
    int json;
    sender_opts_t send;
} options_t;

typedef struct {
    size_t counts[4]; /* by feed_result_t */
    size_t unreadable;
} totals_t;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: pathways-publish --file EVENTS.jsonl [--batch N] [--connections N]\n"
            "                        [--window N] [--endpoint tcp://HOST:PORT]\n"
            "                        [--timeout-ms MS] [--retries N] [--json] [--quiet]\n"
            "\n"
            "  --file F          JSON lines, one employee event each ('-': stdin)\n"
            "  --batch N         events per PublishBatch (default 500, max %u)\n"
            "  --connections N   DEALER sockets; an employee's events always share one\n"
            "                    (default 1)\n"
            "  --window N        outstanding batches per connection (default 1, which\n"
            "                    keeps each employee's events in order across retries)\n"
            "  --endpoint E      eligibility's command endpoint (default from\n"
            "                    PATHWAYS_PORT_BASE / PATHWAYS_CONNECT_HOST)\n"
            "  --timeout-ms MS   wait for an acknowledgement (default 10000)\n"
            "  --retries N       resends of an unacknowledged event (default 20)\n"
            "  --json            print the result as JSON\n"
            "  --quiet           do not report timeouts and refused batches on stderr\n",
            PW_MAX_BATCH_EVENTS);
}

/* Returns 0, 1 for --help, 2 on a usage error (message printed). */
static int parse_options(int argc, char **argv, options_t *o)
{
    static const struct option longopts[] = {
        {"file", required_argument, NULL, 'f'},
        {"batch", required_argument, NULL, 'b'},
        {"connections", required_argument, NULL, 'c'},
        {"window", required_argument, NULL, 'w'},
        {"endpoint", required_argument, NULL, 'e'},
        {"timeout-ms", required_argument, NULL, 't'},
        {"retries", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0, li = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
        switch (c) {
        case 'f':
            o->file = optarg;
            break;
        case 'b':
            bad = pwt_parse_int(optarg, 1, PW_MAX_BATCH_EVENTS, &o->send.batch);
            break;
        case 'c':
            bad = pwt_parse_int(optarg, 1, 64, &o->send.connections);
            break;
        case 'w':
            bad = pwt_parse_int(optarg, 1, 64, &o->send.window);
            break;
        case 'e':
            snprintf(o->endpoint, sizeof o->endpoint, "%s", optarg);
            break;
        case 't':
            bad = pwt_parse_int(optarg, 1, 3600000, &o->send.timeout_ms);
            break;
        case 'r':
            bad = pwt_parse_int(optarg, 0, 1000, &o->send.retries);
            break;
        case 'j':
            o->json = 1;
            break;
        case 'q':
            o->send.verbose = 0;
            break;
        case 'h':
            return 1;
        default:
            return 2;
        }
        if (bad)
            return fprintf(stderr, "pathways-publish: bad value for --%s: '%s'\n",
                           longopts[li].name, optarg),
                   2;
    }
    if (optind < argc)
        return fprintf(stderr, "pathways-publish: unexpected argument '%s'\n", argv[optind]), 2;
    if (!o->file)
        return fprintf(stderr, "pathways-publish: --file is required\n"), 2;
    return 0;
}

static totals_t count(const feed_t *feed)
{
    totals_t t = {.unreadable = feed->unreadable_count};
    for (size_t i = 0; i < feed->count; i++)
        t.counts[feed->events[i].result]++;
    return t;
}

static void print_text(const feed_t *feed, const totals_t *t)
{
    for (size_t i = 0; i < feed->unreadable_count && i < SHOW_UNREADABLE; i++)
        printf("line %ld: unreadable: %s\n", feed->unreadable[i].line, feed->unreadable[i].reason);
    if (feed->unreadable_count > SHOW_UNREADABLE)
        printf("... and %zu more unreadable lines\n", feed->unreadable_count - SHOW_UNREADABLE);
    size_t shown = 0;
    for (size_t i = 0; i < feed->count; i++) {
        const feed_event_t *ev = &feed->events[i];
        if (ev->result == FEED_REJECTED && shown++ < SHOW_REJECTIONS)
            printf("rejected %s (line %ld): %s\n", ev->id, ev->line, ev->reason ? ev->reason : "");
    }
    if (shown > SHOW_REJECTIONS)
        printf("... and %zu more rejections\n", shown - SHOW_REJECTIONS);
    printf("accepted=%zu duplicate=%zu rejected=%zu unreadable=%zu unacknowledged=%zu\n",
           t->counts[FEED_ACCEPTED], t->counts[FEED_DUPLICATE], t->counts[FEED_REJECTED],
           t->unreadable, t->counts[FEED_PENDING]);
}

static void print_json(const feed_t *feed, const totals_t *t)
{
    json_t *rejections = json_array(), *unreadable = json_array();
    for (size_t i = 0; i < feed->count && json_array_size(rejections) < JSON_LIST_MAX; i++) {
        const feed_event_t *ev = &feed->events[i];
        if (ev->result == FEED_REJECTED)
            json_array_append_new(rejections, json_pack("{s:s, s:I, s:s}", "id", ev->id, "line",
                                                        (json_int_t)ev->line, "reason",
                                                        ev->reason ? ev->reason : ""));
    }
    for (size_t i = 0; i < feed->unreadable_count && i < JSON_LIST_MAX; i++)
        json_array_append_new(unreadable,
                              json_pack("{s:I, s:s}", "line", (json_int_t)feed->unreadable[i].line,
                                        "reason", feed->unreadable[i].reason));
    json_t *doc = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "accepted", (json_int_t)t->counts[FEED_ACCEPTED],
        "duplicate", (json_int_t)t->counts[FEED_DUPLICATE], "rejected",
        (json_int_t)t->counts[FEED_REJECTED], "unreadable", (json_int_t)t->unreadable,
        "unacknowledged", (json_int_t)t->counts[FEED_PENDING], "rejections", rejections,
        "unreadable_lines", unreadable);
    json_dumpf(doc, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(doc);
}

static feed_t *load(const char *path)
{
    char err[256];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        fprintf(stderr, "pathways-publish: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    feed_t *feed = feed_load(f, err, sizeof err);
    if (f != stdin)
        fclose(f);
    if (!feed)
        fprintf(stderr, "pathways-publish: %s: %s\n", path, err);
    return feed;
}

int main(int argc, char **argv)
{
    options_t o = {0};
    char err[512];
    sender_opts_init(&o.send);
    int rc = parse_options(argc, argv, &o);
    if (rc) {
        usage(rc == 1 ? stdout : stderr);
        return rc == 1 ? 0 : 2;
    }
    if (sender_default_endpoint(o.endpoint, sizeof o.endpoint, err, sizeof err) < 0) {
        fprintf(stderr, "pathways-publish: %s\n", err);
        return 2;
    }
    o.send.endpoint = o.endpoint;
    zsys_handler_set(NULL); /* let Ctrl-C stop the tool */
    feed_t *feed = load(o.file);
    if (!feed)
        return 1;
    if (sender_run(feed, &o.send, err, sizeof err) < 0)
        fprintf(stderr, "pathways-publish: %s\n", err);
    totals_t t = count(feed);
    if (o.json)
        print_json(feed, &t);
    else
        print_text(feed, &t);
    rc = t.counts[FEED_PENDING] ? 1 : 0;
    feed_destroy(&feed);
    return rc;
}
