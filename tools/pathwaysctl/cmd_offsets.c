/* pathwaysctl offsets reset: moves a consumer's offset on one stream, back
 * (events re-applied) or forward (events skipped). A dry run by default: it
 * shows from -> to and how many events would be re-applied or skipped;
 * --apply does it, audited in stream.admin_audit. The update is a
 * compare-and-set on the offset the plan was made from: a running consumer
 * that moved meanwhile makes it fail (re-run to see the new plan). The
 * running service notices the reset when its own compare-and-set fails at
 * its next batch and reloads its offsets from the table. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "queues.h"
#include "intopt.h"

/* Partitions are numbered from 0; PATHWAYS_STREAM_PARTITIONS is 64 at most. */
#define OFFSETS_MAX_PARTITION 63

typedef struct {
    const char *consumer, *stream, *to_seq, *to_time, *reason;
    int partition, apply, json;
} reset_opts_t;

typedef struct {
    int64_t from, to, head;
} plan_t;

/* Returns 0, 1 for --help, 2 on a usage error. */
static int parse(int argc, char **argv, reset_opts_t *o)
{
    static const struct option longopts[] = {
        {"to-seq", required_argument, NULL, 's'},
        {"to-time", required_argument, NULL, 't'},
        {"partition", required_argument, NULL, 'p'},
        {"reason", required_argument, NULL, 'r'},
        {"apply", no_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h')
            return 1;
        if (c == 's')
            o->to_seq = optarg;
        else if (c == 't')
            o->to_time = optarg;
        else if (c == 'r')
            o->reason = optarg;
        else if (c == 'a')
            o->apply = 1;
        else if (c == 'j')
            o->json = 1;
        else if (c == 'p' && pwt_parse_int(optarg, 0, OFFSETS_MAX_PARTITION, &o->partition) == 0)
            continue;
        else
            return 2;
    }
    if (argc - optind != 2)
        return fprintf(stderr, "offsets reset: CONSUMER and STREAM expected\n"), 2;
    o->consumer = argv[optind];
    o->stream = argv[optind + 1];
    if (!o->to_seq == !o->to_time)
        return fprintf(stderr, "offsets reset: give exactly one of --to-seq N, --to-time T\n"), 2;
    int64_t seq;
    if (o->to_seq && pwt_parse_i64(o->to_seq, 0, INT64_MAX, &seq) != 0)
        return fprintf(stderr, "offsets reset: --to-seq: a seq >= 0 expected\n"), 2;
    return 0;
}

/* The target offset for --to-time: just before the first event at or after
 * T (by occurred_at), or the head when there is none. */
static const char PLAN_SQL[] =
    "SELECT o.seq AS from_seq, coalesce(h.seq, 0) AS head, "
    "       CASE WHEN $4::timestamptz IS NULL THEN $5::bigint "
    "            ELSE coalesce((SELECT min(e.seq) - 1 FROM stream.event e WHERE e.stream = $2 "
    "                   AND e.partition = $3::int AND e.occurred_at >= $4::timestamptz), "
    "                 coalesce(h.seq, 0)) END AS to_seq "
    "  FROM stream.consumer_offset o "
    "  LEFT JOIN stream.head h ON h.stream = o.stream AND h.partition = o.partition "
    " WHERE o.consumer = $1 AND o.stream = $2 AND o.partition = $3::int";

/* $1 consumer $2 stream $3 partition $4 to $5 from $6 actor $7 reason. */
static const char APPLY_SQL[] =
    "WITH u AS (UPDATE stream.consumer_offset SET seq = $4::bigint, updated_at = now() "
    "     WHERE consumer = $1 AND stream = $2 AND partition = $3::int AND seq = $5::bigint "
    "     RETURNING consumer), "
    "     gone AS (DELETE FROM stream.attempt WHERE consumer = $1 AND stream = $2 "
    "       AND partition = $3::int AND EXISTS (SELECT 1 FROM u)) "
    "INSERT INTO stream.admin_audit (actor, action, target, reason, detail) "
    "SELECT $6, 'offset_reset', 'consumer_offset/' || $1 || '/' || $2 || '/' || $3, $7, "
    "       jsonb_build_object('consumer', $1::text, 'stream', $2::text, 'partition', $3::int, "
    "       'from', $5::bigint, 'to', $4::bigint) FROM u "
    "RETURNING id";

/* Fills the plan. Returns 0, or -1 with the reason printed. */
static int make_plan(pw_db_t *db, const reset_opts_t *o, plan_t *p)
{
    char part[16];
    snprintf(part, sizeof part, "%d", o->partition);
    const char *params[] = {o->consumer, o->stream, part, o->to_time, o->to_seq};
    PGresult *r = pw_db_prepared(db, "ctl_offset_plan", PLAN_SQL, 5, params);
    if (!r)
        return fprintf(stderr, "pathwaysctl offsets reset: %s\n", pw_db_error(db)), -1;
    int found = PQntuples(r) == 1;
    if (found)
        *p = (plan_t){.from = pw_db_get_i64(r, 0, "from_seq"),
                      .head = pw_db_get_i64(r, 0, "head"),
                      .to = pw_db_get_i64(r, 0, "to_seq")};
    PQclear(r);
    if (!found)
        return fprintf(stderr,
                       "pathwaysctl offsets reset: consumer '%s' has no offset on %s/%d "
                       "(see `pathwaysctl queues`)\n",
                       o->consumer, o->stream, o->partition),
               -1;
    if (p->to > p->head)
        return fprintf(
                   stderr,
                   "pathwaysctl offsets reset: --to-seq %lld is past the head (%lld) of %s/%d\n",
                   (long long)p->to, (long long)p->head, o->stream, o->partition),
               -1;
    return 0;
}

/* Applies the plan. Returns CTL_OK, or CTL_FAIL with the reason printed. */
static int apply_plan(pw_db_t *db, const reset_opts_t *o, const plan_t *p)
{
    char part[16], to[24], from[24];
    snprintf(part, sizeof part, "%d", o->partition);
    snprintf(to, sizeof to, "%lld", (long long)p->to);
    snprintf(from, sizeof from, "%lld", (long long)p->from);
    const char *params[] = {
        o->consumer, o->stream, part, to, from, ctl_actor(), o->reason ? o->reason : ""};
    PGresult *r = pw_db_prepared(db, "ctl_offset_apply", APPLY_SQL, 7, params);
    if (!r)
        return fprintf(stderr, "pathwaysctl offsets reset: %s\n", pw_db_error(db)), CTL_FAIL;
    int ok = PQntuples(r) == 1;
    PQclear(r);
    if (!ok)
        fprintf(stderr,
                "pathwaysctl offsets reset: the offset moved from %lld while planning (the "
                "consumer is running); nothing changed, run it again\n",
                (long long)p->from);
    return ok ? CTL_OK : CTL_FAIL;
}

static void print_plan(const reset_opts_t *o, const plan_t *p, int done)
{
    int64_t reapply = p->to < p->from ? p->from - p->to : 0;
    int64_t skip = p->to > p->from ? p->to - p->from : 0;
    if (o->json) {
        json_t *doc = json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:b, s:b}", "consumer",
                                o->consumer, "stream", o->stream, "partition", o->partition, "from",
                                (json_int_t)p->from, "to", (json_int_t)p->to, "head",
                                (json_int_t)p->head, "reapply", (json_int_t)reapply, "skip",
                                (json_int_t)skip, "dry_run", !o->apply, "applied", done);
        json_dumpf(doc, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(doc);
        return;
    }
    printf("%s on %s/%d: offset %lld -> %lld (head %lld): ", o->consumer, o->stream, o->partition,
           (long long)p->from, (long long)p->to, (long long)p->head);
    if (reapply)
        printf("%lld event(s) %s re-applied\n", (long long)reapply, done ? "will be" : "would be");
    else if (skip)
        printf("%lld event(s) %s skipped, never applied\n", (long long)skip,
               done ? "will be" : "would be");
    else
        printf("no change\n");
    if (!o->apply)
        printf("dry run: nothing changed; add --apply to do it\n");
    else if (done)
        printf("applied; the running consumer picks it up at its next batch\n");
}

static int offsets_reset(ctl_t *ctl, int argc, char **argv)
{
    reset_opts_t o = {0};
    int rc = parse(argc, argv, &o);
    if (rc == 1)
        return printf("usage: pathwaysctl offsets reset CONSUMER STREAM --to-seq N | --to-time T\n"
                      "                 [--partition P] [--apply] [--reason TEXT] [--json]\n\n"
                      "Moves CONSUMER's offset (the last seq it applied) on STREAM. --to-time\n"
                      "T (an ISO-8601 time) sets it just before the first event that occurred\n"
                      "at or after T. A dry run unless --apply. Moving back re-applies events:\n"
                      "only do it for consumers whose effects are idempotent or after undoing\n"
                      "them. Applied resets are audited in stream.admin_audit.\n"),
               CTL_OK;
    if (rc)
        return CTL_USAGE;
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    char err[512];
    plan_t p;
    rc = CTL_FAIL;
    if (o.apply && ctl_ops_schema_check(db, err, sizeof err) != 0)
        fprintf(stderr, "pathwaysctl offsets reset: %s\n", err);
    else if (make_plan(db, &o, &p) == 0) {
        rc = o.apply && p.to != p.from ? apply_plan(db, &o, &p) : CTL_OK;
        if (rc == CTL_OK)
            print_plan(&o, &p, o.apply && p.to != p.from);
    }
    pw_db_destroy(&db);
    return rc;
}

int ctl_offsets(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t table[] = {
        {"reset", "move a consumer's offset (dry run unless --apply)", offsets_reset},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl offsets", table, argc - 1, argv + 1);
}
