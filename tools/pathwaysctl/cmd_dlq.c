/* pathwaysctl dlq: dead letters, the events a consumer gave up on.
 *   list     what is parked (by default those not replayed yet)
 *   show     one dead letter with its payload
 *   replay   ask the consumer that failed to apply the event again, once:
 *            sets replay_requested_at; the consumer runtime applies it in
 *            the same transaction that sets replayed_at
 *   purge    delete dead letters for good; needs --reason; audited
 * Every replay request and purge is written to stream.admin_audit. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "idset.h"
#include "pathways/date.h"
#include "queues.h"
#include "intopt.h"

#define DLQ_DEFAULT_LIMIT 100
#define DLQ_MAX_IDS       1000 /* on the command line */
#define DLQ_BATCH         500  /* rows a replay or purge changes per transaction */
#define DLQ_POLL_MS       200

typedef struct {
    const char *consumer, *stream, *reason;
    int all, json, dry_run, limit, wait_s;
    id_set_t ids; /* from the command line */
} dlq_opts_t;

/* Adds a dead-letter id given on the command line. Returns 0 or -1. */
static int add_id(dlq_opts_t *o, const char *text)
{
    int64_t v;
    if (pwt_parse_i64(text, 1, INT64_MAX, &v) != 0 || o->ids.n == DLQ_MAX_IDS ||
        id_set_add(&o->ids, v) != 0) {
        fprintf(stderr, "pathwaysctl dlq: '%s' is not a dead-letter id (at most %d)\n", text,
                DLQ_MAX_IDS);
        return -1;
    }
    return 0;
}

static int parse_opt(dlq_opts_t *o, int c)
{
    switch (c) {
    case 'c':
        o->consumer = optarg;
        return 0;
    case 's':
        o->stream = optarg;
        return 0;
    case 'r':
        o->reason = optarg;
        return 0;
    case 'a':
        o->all = 1;
        return 0;
    case 'j':
        o->json = 1;
        return 0;
    case 'd':
        o->dry_run = 1;
        return 0;
    case 'l':
    case 'w':
        return pwt_int_option("pathwaysctl dlq", c == 'l' ? "--limit" : "--wait", optarg, 0,
                              1000000, c == 'l' ? &o->limit : &o->wait_s);
    default:
        return -1;
    }
}

/* Parses options (any of them; each subcommand checks what it needs) and
 * ids. Returns 0, 1 for --help, 2 on a usage error. */
static int parse(int argc, char **argv, dlq_opts_t *o)
{
    static const struct option longopts[] = {
        {"consumer", required_argument, NULL, 'c'}, {"stream", required_argument, NULL, 's'},
        {"reason", required_argument, NULL, 'r'},   {"limit", required_argument, NULL, 'l'},
        {"wait", required_argument, NULL, 'w'},     {"all", no_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},           {"dry-run", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    int c;
    *o = (dlq_opts_t){.limit = DLQ_DEFAULT_LIMIT};
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h')
            return 1;
        if (parse_opt(o, c) != 0)
            return 2;
    }
    for (; optind < argc; optind++)
        if (add_id(o, argv[optind]) != 0)
            return 2;
    return id_set_close(&o->ids) == 0 ? 0 : 2;
}

static const char LIST_SQL[] =
    "SELECT d.id, d.consumer, d.stream, d.partition, d.seq, d.type, d.event_id, d.attempts, "
    "       d.reason, octet_length(d.payload) AS bytes, "
    "       to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created, "
    "       CASE WHEN d.replayed_at IS NOT NULL THEN 'replayed' "
    "            WHEN d.replay_requested_at IS NOT NULL THEN 'replay_requested' "
    "            ELSE 'dead' END AS state, coalesce(d.replay_error, '') AS replay_error, "
    "       coalesce(to_char(d.replayed_at AT TIME ZONE 'UTC', "
    "                'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS replayed, "
    "       coalesce(d.replay_requested_by, '') AS requested_by, e.key, "
    "       translate(encode(d.payload, 'base64'), E'\\n', '') AS payload_base64 "
    "  FROM stream.dead_letter d "
    "  LEFT JOIN stream.event e ON e.stream = d.stream AND e.partition = d.partition "
    "   AND e.seq = d.seq "
    " WHERE ($1::bigint[] IS NULL OR d.id = ANY($1::bigint[])) "
    "   AND ($2::text IS NULL OR d.consumer = $2) AND ($3::text IS NULL OR d.stream = $3) "
    "   AND ($4::boolean OR d.replayed_at IS NULL) "
    " ORDER BY d.id LIMIT $5::int";

static PGresult *select_rows(pw_db_t *db, const dlq_opts_t *o, int include_replayed)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%d", o->limit ? o->limit : DLQ_MAX_IDS);
    const char *params[] = {id_set_literal(&o->ids), o->consumer, o->stream,
                            include_replayed ? "true" : "false", limit};
    return pw_db_prepared(db, "ctl_dlq_list", LIST_SQL, 5, params);
}

static json_t *row_json(const PGresult *r, int i, int with_payload)
{
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I, s:s, s:I, s:s, s:s}", "id",
        (json_int_t)pw_db_get_i64(r, i, "id"), "consumer", pw_db_get(r, i, "consumer"), "stream",
        pw_db_get(r, i, "stream"), "partition", (json_int_t)pw_db_get_i64(r, i, "partition"), "seq",
        (json_int_t)pw_db_get_i64(r, i, "seq"), "type", pw_db_get(r, i, "type"), "event_id",
        pw_db_get(r, i, "event_id"), "attempts", (json_int_t)pw_db_get_i64(r, i, "attempts"),
        "reason", pw_db_get(r, i, "reason"), "payload_bytes",
        (json_int_t)pw_db_get_i64(r, i, "bytes"), "created_at", pw_db_get(r, i, "created"), "state",
        pw_db_get(r, i, "state"));
    json_object_set_new(j, "replayed_at", json_string(pw_db_get(r, i, "replayed")));
    json_object_set_new(j, "replay_error", json_string(pw_db_get(r, i, "replay_error")));
    if (with_payload) {
        json_object_set_new(j, "key", json_string(pw_db_get(r, i, "key")));
        json_object_set_new(j, "replay_requested_by", json_string(pw_db_get(r, i, "requested_by")));
        json_object_set_new(j, "payload_base64", json_string(pw_db_get(r, i, "payload_base64")));
    }
    return j;
}

static void print_json_rows(const PGresult *r, int with_payload, int single)
{
    json_t *doc = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(doc, row_json(r, i, with_payload));
    json_t *out = single && json_array_size(doc) == 1 ? json_incref(json_array_get(doc, 0))
                                                      : json_pack("{s:O}", "dead_letters", doc);
    json_dumpf(out, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(out);
    json_decref(doc);
}

static void print_list(const PGresult *r, int limit)
{
    printf("%6s %-14s %-14s %4s %8s %-17s %4s %-20s %s\n", "ID", "CONSUMER", "STREAM", "PART",
           "SEQ", "STATE", "ATT", "CREATED", "REASON");
    for (int i = 0; i < PQntuples(r); i++)
        printf("%6lld %-14s %-14s %4lld %8lld %-17s %4lld %-20s %.60s\n",
               (long long)pw_db_get_i64(r, i, "id"), pw_db_get(r, i, "consumer"),
               pw_db_get(r, i, "stream"), (long long)pw_db_get_i64(r, i, "partition"),
               (long long)pw_db_get_i64(r, i, "seq"), pw_db_get(r, i, "state"),
               (long long)pw_db_get_i64(r, i, "attempts"), pw_db_get(r, i, "created"),
               pw_db_get(r, i, "reason"));
    printf("%d dead letter(s)%s\n", PQntuples(r),
           PQntuples(r) == limit ? " (the limit: --limit N shows more)" : "");
}

static void print_show(const PGresult *r, int i)
{
    static const char *const fields[] = {"consumer", "stream",       "type",        "event_id",
                                         "key",      "state",        "created",     "replayed",
                                         "reason",   "replay_error", "requested_by"};
    printf("%-13s %lld\n", "id", (long long)pw_db_get_i64(r, i, "id"));
    printf("%-13s %lld/%lld\n", "position", (long long)pw_db_get_i64(r, i, "partition"),
           (long long)pw_db_get_i64(r, i, "seq"));
    printf("%-13s %lld\n", "attempts", (long long)pw_db_get_i64(r, i, "attempts"));
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        printf("%-13s %s\n", fields[k], pw_db_get(r, i, fields[k]));
    printf("%-13s %lld bytes (base64 below; decode with the stream's message type)\n%s\n",
           "payload", (long long)pw_db_get_i64(r, i, "bytes"), pw_db_get(r, i, "payload_base64"));
}

/* Opens the database and checks the schema. NULL with a message printed. */
static pw_db_t *open_db(const ctl_t *ctl)
{
    pw_db_t *db = ctl_db_connect(ctl);
    char err[512];
    if (db && ctl_ops_schema_check(db, err, sizeof err) != 0) {
        fprintf(stderr, "pathwaysctl dlq: %s\n", err);
        pw_db_destroy(&db);
    }
    return db;
}

static int dlq_list(ctl_t *ctl, int argc, char **argv)
{
    dlq_opts_t o;
    int rc = parse(argc, argv, &o);
    if (rc == 1)
        return printf("usage: pathwaysctl dlq list [--consumer C] [--stream S] [--all] "
                      "[--limit N] [--json]\n\n"
                      "Dead letters in id order; --all includes those already replayed.\n"
                      "STATE: dead, replay_requested (waiting for the consumer), replayed.\n"),
               CTL_OK;
    if (rc || o.ids.n) {
        id_set_free(&o.ids);
        return rc ? CTL_USAGE : (fprintf(stderr, "dlq list: no ids expected\n"), CTL_USAGE);
    }
    pw_db_t *db = open_db(ctl);
    if (!db)
        return CTL_FAIL;
    PGresult *r = select_rows(db, &o, o.all);
    if (r && o.json)
        print_json_rows(r, 0, 0);
    else if (r)
        print_list(r, o.limit);
    else
        fprintf(stderr, "pathwaysctl dlq list: %s\n", pw_db_error(db));
    PQclear(r);
    pw_db_destroy(&db);
    return r ? CTL_OK : CTL_FAIL;
}

static int dlq_show(ctl_t *ctl, int argc, char **argv)
{
    dlq_opts_t o;
    int rc = parse(argc, argv, &o);
    if (rc == 1)
        return printf("usage: pathwaysctl dlq show ID [--json]\n\n"
                      "One dead letter: where it was (consumer, stream, partition/seq), why\n"
                      "it failed, its state and its payload (base64).\n"),
               CTL_OK;
    if (rc || o.ids.n != 1) {
        id_set_free(&o.ids);
        return rc ? CTL_USAGE : (fprintf(stderr, "dlq show: one ID expected\n"), CTL_USAGE);
    }
    pw_db_t *db = open_db(ctl);
    if (!db) {
        id_set_free(&o.ids);
        return CTL_FAIL;
    }
    PGresult *r = select_rows(db, &o, 1);
    rc = CTL_OK;
    if (!r) {
        fprintf(stderr, "pathwaysctl dlq show: %s\n", pw_db_error(db));
        rc = CTL_FAIL;
    } else if (PQntuples(r) == 0) {
        fprintf(stderr, "pathwaysctl dlq show: no dead letter %s\n", argv[argc - 1]);
        rc = CTL_FAIL;
    } else if (o.json) {
        print_json_rows(r, 1, 1);
    } else {
        print_show(r, 0);
    }
    PQclear(r);
    pw_db_destroy(&db);
    id_set_free(&o.ids);
    return rc;
}

/* The rows an action may take, a batch at a time in id order: $1 ids,
 * $2 consumer, $3 stream, $6 after this id, $7 at most this many. */
#define DLQ_PICK(state)                                                                            \
    "pick AS (SELECT id FROM stream.dead_letter WHERE " state                                      \
    "   AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[])) "                                     \
    "   AND ($2::text IS NULL OR consumer = $2) AND ($3::text IS NULL OR stream = $3) "            \
    "   AND id > $6::bigint ORDER BY id LIMIT $7::int FOR UPDATE)"

/* $4 actor, $5 reason. */
static const char REPLAY_SQL[] = "WITH " DLQ_PICK(
    "replayed_at IS NULL AND replay_requested_at IS NULL") ", "
                                                           "     r AS (UPDATE stream.dead_letter d "
                                                           "SET replay_requested_at = now(), "
                                                           "           replay_requested_by = $4, "
                                                           "replay_error = NULL FROM pick WHERE "
                                                           "d.id = pick.id "
                                                           "     RETURNING d.id, d.consumer, "
                                                           "d.stream, d.partition, d.seq, "
                                                           "d.event_id), "
                                                           "     a AS (INSERT INTO "
                                                           "stream.admin_audit (actor, action, "
                                                           "target, reason, detail) "
                                                           "           SELECT $4, 'dlq_replay', "
                                                           "'dead_letter/' || id, $5, "
                                                           "jsonb_build_object("
                                                           "           'consumer', consumer, "
                                                           "'stream', stream, 'partition', "
                                                           "partition, 'seq', seq, "
                                                           "           'event_id', event_id) FROM "
                                                           "r) "
                                                           "SELECT id, consumer, stream, "
                                                           "partition, seq FROM r ORDER BY id";

/* A dead letter whose replay is under way stays; replayed ones may go. */
static const char PURGE_SQL[] = "WITH " DLQ_PICK(
    "(replay_requested_at IS NULL OR replayed_at IS NOT NULL)") ", "
                                                                "     d AS (DELETE FROM "
                                                                "stream.dead_letter x USING pick "
                                                                "WHERE x.id = pick.id "
                                                                "     RETURNING x.*), "
                                                                "     a AS (INSERT INTO "
                                                                "stream.admin_audit (actor, "
                                                                "action, target, reason, detail) "
                                                                "           SELECT $4, "
                                                                "'dlq_purge', 'dead_letter/' || "
                                                                "id, $5, jsonb_build_object("
                                                                "           'consumer', consumer, "
                                                                "'stream', stream, 'partition', "
                                                                "partition, 'seq', seq, "
                                                                "           'event_id', event_id, "
                                                                "'type', type, 'attempts', "
                                                                "attempts, 'error', reason, "
                                                                "           'replayed_at', "
                                                                "replayed_at, 'payload_bytes', "
                                                                "octet_length(payload)) FROM d) "
                                                                "SELECT id, consumer, stream, "
                                                                "partition, seq FROM d ORDER BY id";

static const char PENDING_SQL[] =
    "SELECT count(*) FILTER (WHERE replayed_at IS NULL AND replay_requested_at IS NOT NULL) "
    "       AS pending, "
    "       count(*) FILTER (WHERE replayed_at IS NULL AND replay_requested_at IS NULL) AS failed "
    "  FROM stream.dead_letter WHERE id = ANY($1::bigint[])";

typedef struct {
    const char *verb; /* "replay" / "purge" */
    const char *past; /* for the summary line */
    const char *stmt, *sql;
    int needs_reason;
    const char *help;
} action_t;

/* What an action changed, batch after batch. */
typedef struct {
    id_set_t ids;
    json_t *json; /* ids for --json, NULL otherwise */
} done_t;

/* Records (and, without --json, prints) the rows of one batch. */
static int note_batch(done_t *d, const action_t *a, const dlq_opts_t *o, const PGresult *r)
{
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t id = pw_db_get_i64(r, i, "id");
        if (id_set_add(&d->ids, id) != 0)
            return -1;
        if (d->json)
            json_array_append_new(d->json, json_integer(id));
        else
            printf("  %s %s: %s on %s seq %s\n", o->dry_run ? "would" : "", a->verb,
                   pw_db_get(r, i, "consumer"), pw_db_get(r, i, "stream"), pw_db_get(r, i, "seq"));
    }
    return 0;
}

/* Runs one batch in its own transaction (rolled back on --dry-run).
 * Returns the rows (caller frees) or NULL with the error printed. */
static PGresult *run_batch(pw_db_t *db, const action_t *a, const dlq_opts_t *o, int64_t after)
{
    char from[24], limit[16];
    snprintf(from, sizeof from, "%lld", (long long)after);
    snprintf(limit, sizeof limit, "%d", DLQ_BATCH);
    const char *params[] = {id_set_literal(&o->ids),    o->consumer, o->stream, ctl_actor(),
                            o->reason ? o->reason : "", from,        limit};
    if (pw_db_begin(db) != 0)
        goto fail;
    PGresult *r = pw_db_prepared(db, a->stmt, a->sql, 7, params);
    if (!r)
        goto fail;
    if (o->dry_run)
        pw_db_rollback(db);
    else if (pw_db_commit(db) != 0) {
        PQclear(r);
        goto fail;
    }
    return r;
fail:
    fprintf(stderr, "pathwaysctl dlq %s: %s\n", a->verb, pw_db_error(db));
    pw_db_rollback(db);
    return NULL;
}

/* Runs an action over every selected row, DLQ_BATCH at a time, so any
 * number of dead letters costs bounded memory and short transactions.
 * Returns 0, or -1 (printed) with the batches before it done. */
static int run_action(pw_db_t *db, const action_t *a, const dlq_opts_t *o, done_t *d)
{
    int64_t after = 0;
    for (;;) {
        PGresult *r = run_batch(db, a, o, after);
        if (!r)
            return -1;
        int n = PQntuples(r);
        if (n > 0)
            after = pw_db_get_i64(r, n - 1, "id");
        int rc = note_batch(d, a, o, r);
        PQclear(r);
        if (rc != 0)
            return fprintf(stderr, "pathwaysctl dlq %s: out of memory\n", a->verb), -1;
        if (n < DLQ_BATCH)
            return id_set_close(&d->ids);
    }
}

/* Ids given on the command line that the action left alone, and why. */
static void explain_skipped(pw_db_t *db, const dlq_opts_t *o, const done_t *d)
{
    if (!o->ids.n || d->ids.n == o->ids.n)
        return;
    PGresult *r = select_rows(db, o, 1);
    for (int i = 0; r && i < PQntuples(r); i++) {
        int64_t id = pw_db_get_i64(r, i, "id");
        if (!id_set_has(&d->ids, id))
            fprintf(stderr, "  id %lld left alone: state %s\n", (long long)id,
                    pw_db_get(r, i, "state"));
    }
    int found = r ? PQntuples(r) : 0;
    if (found < o->ids.n)
        fprintf(stderr, "  %d id(s) match no dead letter\n", o->ids.n - found);
    PQclear(r);
}

/* Waits until the requested replays are done or failed. Returns CTL_*. */
static int wait_replays(pw_db_t *db, const id_set_t *ids, int wait_s)
{
    const char *params[] = {id_set_literal(ids)};
    int64_t deadline = pw_mono_ms() + (int64_t)wait_s * 1000;
    for (;;) {
        PGresult *r = pw_db_prepared(db, "ctl_dlq_pending", PENDING_SQL, 1, params);
        if (!r)
            return fprintf(stderr, "pathwaysctl dlq replay: %s\n", pw_db_error(db)), CTL_FAIL;
        int64_t pending = pw_db_get_i64(r, 0, "pending"), failed = pw_db_get_i64(r, 0, "failed");
        PQclear(r);
        if (pending == 0 || pw_mono_ms() >= deadline) {
            printf("replayed %lld, failed again %lld, still waiting %lld\n",
                   (long long)(ids->n - failed - pending), (long long)failed, (long long)pending);
            return pending || failed ? CTL_FAIL : CTL_OK;
        }
        struct timespec ts = {0, DLQ_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int run_verb(ctl_t *ctl, const action_t *a, const dlq_opts_t *o)
{
    pw_db_t *db = open_db(ctl);
    if (!db)
        return CTL_FAIL;
    done_t d = {.json = o->json ? json_array() : NULL};
    int rc = run_action(db, a, o, &d) == 0 ? CTL_OK : CTL_FAIL;
    if (d.json) {
        json_t *doc =
            json_pack("{s:s, s:b, s:O}", "action", a->verb, "dry_run", o->dry_run, "ids", d.json);
        json_dumpf(doc, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(doc);
    } else {
        printf("%s%d dead letter(s) %s\n", o->dry_run ? "dry run: " : "", d.ids.n,
               o->dry_run ? "would be affected" : a->past);
    }
    if (rc == CTL_OK)
        explain_skipped(db, o, &d);
    if (rc == CTL_OK && !o->dry_run && o->wait_s > 0 && d.ids.n > 0 && !a->needs_reason)
        rc = wait_replays(db, &d.ids, o->wait_s);
    json_decref(d.json);
    id_set_free(&d.ids);
    pw_db_destroy(&db);
    return rc;
}

static int need_selection(const char *verb, const dlq_opts_t *o)
{
    if (o->ids.n && o->all)
        return fprintf(stderr, "pathwaysctl dlq %s: give ids or --all, not both\n", verb), -1;
    if (!o->ids.n && !o->all)
        return fprintf(stderr,
                       "pathwaysctl dlq %s: give dead-letter ids, or --all (with "
                       "--consumer/--stream to narrow it)\n",
                       verb),
               -1;
    return 0;
}

static const action_t REPLAY = {
    "replay",
    "queued for replay",
    "ctl_dlq_replay",
    REPLAY_SQL,
    0,
    "usage: pathwaysctl dlq replay ID... | --all [--consumer C] [--stream S]\n"
    "                          [--reason TEXT] [--wait SECONDS] [--dry-run] [--json]\n\n"
    "Asks the consumer that gave up on each event to apply it again. The\n"
    "consumer applies it exactly once: its effects and replayed_at commit\n"
    "together; a replay that fails again goes back to state dead with\n"
    "replay_error set. Replayed dead letters are never replayed twice.\n"
    "--wait waits for the consumers (exit 1 if any failed or timed out).\n"
    "Each request is written to stream.admin_audit.\n"};

static const action_t PURGE = {
    "purge",
    "purged",
    "ctl_dlq_purge",
    PURGE_SQL,
    1,
    "usage: pathwaysctl dlq purge ID... | --all [--consumer C] [--stream S]\n"
    "                         --reason TEXT [--dry-run] [--json]\n\n"
    "Deletes dead letters for good (their events stay in the stream). The\n"
    "reason, who (PATHWAYS_ACTOR or USER) and what was deleted are kept in\n"
    "stream.admin_audit. Dead letters whose replay is under way are kept.\n"};

/* replay and purge: parse, check the selection (and reason), run. */
static int dlq_action(ctl_t *ctl, const action_t *a, int argc, char **argv)
{
    dlq_opts_t o;
    int rc = parse(argc, argv, &o);
    if (rc == 1)
        rc = (fputs(a->help, stdout), CTL_OK);
    else if (rc || need_selection(a->verb, &o) != 0)
        rc = CTL_USAGE;
    else if (a->needs_reason && (!o.reason || !*o.reason))
        rc = (fprintf(stderr, "pathwaysctl dlq %s: --reason TEXT is required (it is audited)\n",
                      a->verb),
              CTL_USAGE);
    else
        rc = run_verb(ctl, a, &o);
    id_set_free(&o.ids);
    return rc;
}

static int dlq_replay(ctl_t *ctl, int argc, char **argv)
{
    return dlq_action(ctl, &REPLAY, argc, argv);
}

static int dlq_purge(ctl_t *ctl, int argc, char **argv)
{
    return dlq_action(ctl, &PURGE, argc, argv);
}

int ctl_dlq(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t table[] = {
        {"list", "dead letters (not yet replayed unless --all)", dlq_list},
        {"show", "one dead letter with its payload", dlq_show},
        {"replay", "have the consumer apply dead letters again, once", dlq_replay},
        {"purge", "delete dead letters (needs --reason; audited)", dlq_purge},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl dlq", table, argc - 1, argv + 1);
}
