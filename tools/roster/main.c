/* pathways-roster: turns an employer's whole-roster CSV export into partner
 * events. Reads the export (column mapping configurable), diffs it against
 * the last accepted export kept in --state, publishes the events through
 * the partner path with acknowledgement and retry (pathways-publish's
 * sender), and only then records the export as accepted. Exit 0 when every
 * event got a definite answer, 1 when some stayed unacknowledged or a
 * problem stopped the run, 2 on usage errors. Unreadable rows are reported
 * with their line and skipped; they do not change the exit status. */
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "export.h"
#include "pathways/codec.h"
#include "pathways/config.h"
#include "pathways/date.h"
#include "sender.h"
#include "state.h"
#include "intopt.h"

#define SHOW_PROBLEMS 50

typedef struct {
    const char *employer, *file, *state_dir, *map_file, *export_id;
    char export_date[PW_DATE_LEN];
    char endpoint[PW_ENDPOINT_MAX];
    int dry_run;
    sender_opts_t send;
} options_t;

static void usage(FILE *f)
{
    fprintf(f, "usage: pathways-roster --employer ID --file ROSTER.csv --state DIR\n"
               "                       [--map MAP] [--export-id ID] [--date YYYY-MM-DD]\n"
               "                       [--dry-run] [--batch N] [--endpoint tcp://HOST:PORT]\n"
               "                       [--timeout-ms MS] [--retries N]\n"
               "\n"
               "  --employer ID   the employer the export belongs to\n"
               "  --file F        the CSV export (header line, then one row per employee)\n"
               "  --state DIR     where the last accepted export of each employer is kept\n"
               "  --map MAP       column mapping: lines 'column FIELD HEADER' and\n"
               "                  'code FIELD RAW VALUE' (default: headers named like the\n"
               "                  fields: employee, status, employment_type, scheduled_hours,\n"
               "                  standing, job_family, job_title, hire_date, termination_date,\n"
               "                  reason_code, given_name, family_name, email, phone, language)\n"
               "  --export-id ID  names the export in event ids (default: a hash of the file)\n"
               "  --date D        effective date of the changes (default: today)\n"
               "  --dry-run       print the changes; publish and record nothing\n");
}

static int option(options_t *o, int c)
{
    int32_t d;
    switch (c) {
    case 'E':
        o->employer = optarg;
        return 0;
    case 'f':
        o->file = optarg;
        return 0;
    case 's':
        o->state_dir = optarg;
        return 0;
    case 'm':
        o->map_file = optarg;
        return 0;
    case 'x':
        o->export_id = optarg;
        return 0;
    case 'n':
        o->dry_run = 1;
        return 0;
    case 'e':
        snprintf(o->endpoint, sizeof o->endpoint, "%s", optarg);
        return 0;
    case 'd':
        if (pw_date_parse(optarg, &d) != 0)
            return -1;
        snprintf(o->export_date, sizeof o->export_date, "%s", optarg);
        return 0;
    case 'b':
        return pwt_parse_int(optarg, 1, PW_MAX_BATCH_EVENTS, &o->send.batch);
    case 't':
        return pwt_parse_int(optarg, 1, 3600000, &o->send.timeout_ms);
    case 'r':
        return pwt_parse_int(optarg, 0, 1000, &o->send.retries);
    default:
        return -2;
    }
}

/* Returns 0, 1 for --help, 2 on a usage error (message printed). */
static int parse_options(int argc, char **argv, options_t *o)
{
    static const struct option longopts[] = {
        {"employer", required_argument, NULL, 'E'},
        {"file", required_argument, NULL, 'f'},
        {"state", required_argument, NULL, 's'},
        {"map", required_argument, NULL, 'm'},
        {"export-id", required_argument, NULL, 'x'},
        {"date", required_argument, NULL, 'd'},
        {"dry-run", no_argument, NULL, 'n'},
        {"batch", required_argument, NULL, 'b'},
        {"endpoint", required_argument, NULL, 'e'},
        {"timeout-ms", required_argument, NULL, 't'},
        {"retries", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, li = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
        if (c == 'h')
            return 1;
        int bad = option(o, c);
        if (bad == -2)
            return 2;
        if (bad)
            return fprintf(stderr, "pathways-roster: bad value for --%s: '%s'\n", longopts[li].name,
                           optarg),
                   2;
    }
    if (optind < argc)
        return fprintf(stderr, "pathways-roster: unexpected argument '%s'\n", argv[optind]), 2;
    if (!o->employer || !o->file || !o->state_dir)
        return fprintf(stderr, "pathways-roster: --employer, --file and --state are required\n"), 2;
    size_t len = strlen(o->employer);
    if (!len || len > 64 ||
        strspn(o->employer, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
                            "uvwxyz0123456789._-") != len)
        return fprintf(stderr, "pathways-roster: --employer: 1-64 characters of [A-Za-z0-9._-]\n"),
               2;
    if (o->export_id && (strlen(o->export_id) > 40 ||
                         strspn(o->export_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
                                              "yz0123456789._-") != strlen(o->export_id)))
        return fprintf(stderr, "pathways-roster: --export-id: 1-40 characters of [A-Za-z0-9._-]\n"),
               2;
    return 0;
}

static void report(const options_t *o, const export_t *x, const diff_out_t *d, const diff_in_t *in)
{
    for (size_t i = 0; i < x->n_problems && i < SHOW_PROBLEMS; i++)
        printf("%s:%ld: skipped: %s\n", o->file, x->problems[i].line, x->problems[i].reason);
    if (x->n_problems > SHOW_PROBLEMS)
        printf("... and %zu more rows skipped\n", x->n_problems - SHOW_PROBLEMS);
    if (in->no_absent)
        printf("%s: a row without a readable employee id was skipped, so nobody is terminated"
               " for being absent from this export\n",
               o->file);
    printf("roster %s export %s (%s): %zu rows, %zu readable, %zu skipped\n", o->employer,
           in->export_id, in->export_date, x->records, zhash_size(x->rows), x->n_problems);
    printf("changes:");
    for (int c = 0; c < CH_COUNT; c++)
        printf(" %s=%zu", diff_change_name((change_t)c), d->counts[c]);
    printf(" (absent=%zu, contact-only not sent=%zu, new but terminated=%zu)\n", d->absent,
           d->contact_only, d->skipped_terminated_new);
}

/* Publishes the events and, once every one has a definite answer, records
 * the new state (employees with a rejected change keep their old row, so
 * the next export sends it again). Returns the exit code. */
static int publish(const options_t *o, const diff_in_t *in, diff_out_t *d)
{
    char err[512];
    size_t counts[4] = {0};
    if (d->feed->count && sender_run(d->feed, &o->send, err, sizeof err) < 0)
        fprintf(stderr, "pathways-roster: %s\n", err);
    for (size_t i = 0; i < d->feed->count; i++) {
        const feed_event_t *ev = &d->feed->events[i];
        counts[ev->result]++;
        if (ev->result == FEED_REJECTED)
            printf("rejected %s: %s\n", ev->id, ev->reason ? ev->reason : "");
    }
    printf("published: accepted=%zu duplicate=%zu rejected=%zu unacknowledged=%zu\n",
           counts[FEED_ACCEPTED], counts[FEED_DUPLICATE], counts[FEED_REJECTED],
           counts[FEED_PENDING]);
    if (counts[FEED_PENDING]) {
        printf("state not updated: run again with the same file to resume (resent events"
               " are duplicates)\n");
        return 1;
    }
    zhash_t *next = diff_next_state(in, d);
    int rc = next && roster_state_save(o->state_dir, o->employer, in->export_id, next, err,
                                       sizeof err) == 0
                 ? 0
                 : 1;
    if (rc)
        fprintf(stderr, "pathways-roster: state not saved: %s\n", next ? err : "out of memory");
    else if (counts[FEED_REJECTED])
        printf("rejected changes are not recorded: the next export will send them again\n");
    zhash_destroy(&next);
    return rc;
}

static int run(options_t *o)
{
    row_map_t map;
    roster_state_t state;
    export_t x;
    diff_out_t d = {0};
    char err[512];
    int rc = 1;
    row_map_init(&map);
    if (o->map_file && row_map_load(&map, o->map_file, err, sizeof err) != 0)
        return fprintf(stderr, "pathways-roster: %s\n", err), 2;
    if (roster_state_open(&state, o->state_dir, o->employer, err, sizeof err) != 0) {
        fprintf(stderr, "pathways-roster: %s\n", err);
        roster_state_close(&state);
        return 1;
    }
    if (export_read(&x, o->file, &map, err, sizeof err) != 0) {
        fprintf(stderr, "pathways-roster: %s\n", err);
        goto done;
    }
    diff_in_t in = {.employer = o->employer,
                    .export_id = o->export_id ? o->export_id : x.export_id,
                    .export_date = o->export_date,
                    .prev = state.rows,
                    .now = x.rows,
                    .withheld = x.withheld,
                    .no_absent = x.id_unreadable};
    if (diff_run(&in, &d) != 0) {
        fprintf(stderr, "pathways-roster: out of memory\n");
        goto done;
    }
    report(o, &x, &d, &in);
    rc = o->dry_run ? (printf("dry run: nothing published or recorded\n"), 0) : publish(o, &in, &d);
done:
    diff_out_release(&d);
    export_release(&x);
    roster_state_close(&state);
    return rc;
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
    if (!o.export_date[0])
        pw_date_format(pw_date_today(), o.export_date);
    if (sender_default_endpoint(o.endpoint, sizeof o.endpoint, err, sizeof err) < 0)
        return fprintf(stderr, "pathways-roster: %s\n", err), 2;
    o.send.endpoint = o.endpoint;
    zsys_handler_set(NULL); /* let Ctrl-C stop the tool */
    return run(&o);
}
