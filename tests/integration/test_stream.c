/* Durable streams against a real PostgreSQL and real ZeroMQ sockets:
 * gap-free commit-ordered seqs, exactly-once consumption with offsets,
 * catch-up on gaps, dead letters, retries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/stream.h"
#include "stream_check.h"
#include "testdb.h"

static char db_url[1024];

typedef struct {
    int reject_poison; /* payload "poison" -> PW_APPLY_REJECT */
    int retry_flaky;   /* payload "flaky" -> PW_APPLY_RETRY */
    int calls;
} handler_ctx_t;

/* Records each applied event in it_effect; the primary key on event_id
 * makes a second application fail loudly. */
static pw_apply_t record_effect(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                size_t errlen)
{
    handler_ctx_t *h = ctx;
    h->calls++;
    if (h->reject_poison && ev->payload_len == 6 && memcmp(ev->payload, "poison", 6) == 0) {
        snprintf(err, errlen, "poison payload");
        return PW_APPLY_REJECT;
    }
    if (h->retry_flaky && ev->payload_len == 5 && memcmp(ev->payload, "flaky", 5) == 0) {
        snprintf(err, errlen, "flaky dependency");
        return PW_APPLY_RETRY;
    }
    char seq[24];
    snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
    const char *params[] = {ev->event_id, ev->stream, seq};
    return pw_db_exec(db, "INSERT INTO it_effect (event_id, stream, seq) VALUES ($1, $2, $3)", 3,
                      params) == 0
               ? PW_APPLY_OK
               : PW_APPLY_RETRY;
}

typedef struct {
    int reject_poison;
    int calls, largest, singles;
} batch_ctx_t;

/* A set-based handler: one INSERT ... SELECT unnest(...) for the whole
 * batch; a "poison" payload anywhere rejects the batch. */
static pw_apply_t record_batch(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n, char *err,
                               size_t errlen)
{
    batch_ctx_t *h = ctx;
    h->calls++;
    h->largest = (int)n > h->largest ? (int)n : h->largest;
    h->singles += n == 1;
    char ids[4096] = "{", seqs[2048] = "{";
    for (size_t i = 0; i < n; i++) {
        if (h->reject_poison && evs[i].payload_len == 6 &&
            memcmp(evs[i].payload, "poison", 6) == 0) {
            snprintf(err, errlen, "poison payload");
            return PW_APPLY_REJECT;
        }
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s\"%s\"", i ? "," : "",
                 evs[i].event_id);
        snprintf(seqs + strlen(seqs), sizeof seqs - strlen(seqs), "%s%lld", i ? "," : "",
                 (long long)evs[i].seq);
    }
    strcat(ids, "}");
    strcat(seqs, "}");
    const char *params[] = {ids, evs[0].stream, seqs};
    return pw_db_exec(db,
                      "INSERT INTO it_effect (event_id, stream, seq) SELECT e, $2, s "
                      "FROM unnest($1::text[], $3::bigint[]) AS u(e, s)",
                      3, params) == 0
               ? PW_APPLY_OK
               : PW_APPLY_RETRY;
}

static void append_n(pw_db_t *db, pw_appender_t *a, const char *stream, int n, const char *body)
{
    assert_int_equal(pw_db_begin(db), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(
            pw_appender_add(a, stream, "t.v1", "emp/1", NULL, (const uint8_t *)body, strlen(body)),
            0);
    assert_int_equal(pw_appender_flush(a, db), 0);
    assert_int_equal(pw_db_commit(db), 0);
}

static int setup(void **state)
{
    pw_db_t *db = pw_testdb_fresh("pathways_it_stream", "common", db_url, sizeof db_url);
    assert_int_equal(pw_db_exec(db,
                                "CREATE TABLE it_effect (event_id text PRIMARY KEY, stream text, "
                                "seq bigint)",
                                0, NULL),
                     0);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    pw_db_destroy((pw_db_t **)state);
    return 0;
}

static void test_append_is_gap_free_across_rollback(void **state)
{
    pw_db_t *db = *state;
    pw_appender_t *a = pw_appender_new();
    append_n(db, a, "s_gap", 3, "x");
    pw_appender_publish(a, NULL);
    /* A rolled-back append must not burn seqs. */
    assert_int_equal(pw_db_begin(db), 0);
    assert_int_equal(pw_appender_add(a, "s_gap", "t.v1", "emp/1", NULL, (const uint8_t *)"y", 1),
                     0);
    assert_int_equal(pw_appender_flush(a, db), 0);
    pw_db_rollback(db);
    pw_appender_discard(a);
    append_n(db, a, "s_gap", 2, "z");
    pw_appender_publish(a, NULL);
    assert_int_equal(scalar(db, "SELECT max(seq) FROM stream.event WHERE stream = 's_gap'"), 5);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.event WHERE stream = 's_gap'"), 5);
    assert_int_equal(scalar(db, "SELECT seq FROM stream.head WHERE stream = 's_gap'"), 5);
    pw_appender_destroy(&a);
    assert_null(a);
}

typedef struct {
    int txns, per_txn;
    int failed;
} writer_arg_t;

static void *writer(void *arg)
{
    writer_arg_t *w = arg;
    pw_db_t *db = pw_db_new(db_url);
    pw_appender_t *a = pw_appender_new();
    for (int t = 0; t < w->txns && !w->failed; t++) {
        if (pw_db_begin(db) != 0)
            w->failed = 1;
        for (int i = 0; i < w->per_txn && !w->failed; i++)
            if (pw_appender_add(a, "s_conc", "t.v1", "k", NULL, (const uint8_t *)"p", 1) != 0)
                w->failed = 1;
        if (w->failed || pw_appender_flush(a, db) != 0 || pw_db_commit(db) != 0)
            w->failed = 1;
        pw_appender_discard(a);
    }
    pw_appender_destroy(&a);
    pw_db_destroy(&db);
    return NULL;
}

static void test_concurrent_writers_get_contiguous_seqs(void **state)
{
    pw_db_t *db = *state;
    writer_arg_t args[3] = {{40, 5, 0}, {40, 5, 0}, {40, 5, 0}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, writer, &args[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 3; i++)
        assert_int_equal(args[i].failed, 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.event WHERE stream = 's_conc'"), 600);
    assert_int_equal(scalar(db, "SELECT max(seq) FROM stream.event WHERE stream = 's_conc'"), 600);
    assert_int_equal(scalar(db, "SELECT count(DISTINCT seq) FROM stream.event "
                                "WHERE stream = 's_conc'"),
                     600);
}

static pw_consumer_t *table_consumer(const char *name, const char *stream, handler_ctx_t *h,
                                     const char *endpoint, int max_attempts)
{
    pw_consumer_opts_t o = {.consumer = name,
                            .stream = stream,
                            .endpoint = endpoint,
                            .batch_max = 4,
                            .max_attempts = max_attempts,
                            .idle_catchup_ms = 50,
                            .apply = record_effect,
                            .ctx = h};
    pw_consumer_t *c = pw_consumer_new(&o);
    assert_non_null(c);
    return c;
}

static void test_catch_up_applies_exactly_once(void **state)
{
    pw_db_t *db = *state;
    pw_appender_t *a = pw_appender_new();
    append_n(db, a, "s_once", 10, "x");
    pw_appender_publish(a, NULL);
    handler_ctx_t h = {0};
    pw_consumer_t *c = table_consumer("once", "s_once", &h, NULL, 3);
    assert_int_equal(pw_consumer_catch_up(c, db), 10);
    assert_int_equal(pw_consumer_catch_up(c, db), 0);
    pw_consumer_release(c, db); /* a clean stop hands its partitions over */
    pw_consumer_destroy(&c);
    /* A restarted consumer resumes from its stored offset. */
    c = table_consumer("once", "s_once", &h, NULL, 3);
    assert_int_equal(pw_consumer_catch_up(c, db), 0);
    append_n(db, a, "s_once", 3, "x");
    pw_appender_publish(a, NULL);
    assert_int_equal(pw_consumer_catch_up(c, db), 3);
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_once'"), 13);
    assert_int_equal(scalar(db, "SELECT seq FROM stream.consumer_offset WHERE consumer = 'once'"),
                     13);
    pw_consumer_destroy(&c);
    pw_appender_destroy(&a);
}

/* Waits until the SUB socket has something (or 2 s). */
static void wait_readable(pw_consumer_t *c)
{
    zpoller_t *p = zpoller_new(pw_consumer_socket(c), NULL);
    zpoller_wait(p, 2000);
    zpoller_destroy(&p);
}

static void test_live_path_and_gap_catch_up(void **state)
{
    pw_db_t *db = *state;
    /* XPUB: the test sees the consumer's subscription arrive. */
    zsock_t *pub = zsock_new_xpub("tcp://127.0.0.1:*");
    assert_non_null(pub);
    char ep[128];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", atoi(strrchr(zsock_endpoint(pub), ':') + 1));
    handler_ctx_t h = {0};
    pw_consumer_t *c = table_consumer("live", "s_live", &h, ep, 3);
    assert_int_equal(pw_consumer_catch_up(c, db), 0);
    wait_subscribed(pub);
    pw_appender_t *a = pw_appender_new();
    append_n(db, a, "s_live", 3, "x");
    pw_appender_publish(a, pub);
    wait_readable(c);
    int got = 0;
    for (int i = 0; i < 20 && got < 3; i++) {
        got += pw_consumer_on_readable(c, db);
        if (got < 3)
            wait_readable(c);
    }
    assert_int_equal(got, 3);
    /* Lose two events on the way (committed, never published), then
     * publish one: the consumer sees the gap and reads the table. */
    append_n(db, a, "s_live", 2, "x");
    pw_appender_discard(a);
    append_n(db, a, "s_live", 1, "x");
    pw_appender_publish(a, pub);
    wait_readable(c);
    assert_int_equal(pw_consumer_gaps(c), 0);
    assert_int_equal(pw_consumer_on_readable(c, db), 3);
    assert_int_equal(pw_consumer_gaps(c), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_live'"), 6);
    pw_consumer_destroy(&c);
    pw_appender_destroy(&a);
    zsock_destroy(&pub);
}

/* PATHWAYS_MAX_MESSAGE_BYTES reaches the appender (payload bound and
 * envelope encoding), the SUB socket (ZMQ_MAXMSGSIZE) and the envelope
 * decoder: a 5 MiB payload, over the old fixed 4 MiB, is appended and
 * applied from the live path. The envelope is flushed and rolled back, so
 * the table never has it: only the SUB socket can deliver it. */
static void test_large_messages_follow_the_configured_limit(void **state)
{
    pw_db_t *db = *state;
    const size_t big = PW_MAX_MESSAGE_BYTES + 1024 * 1024, limit = 8 * 1024 * 1024;
    uint8_t *payload = calloc(1, big);
    assert_non_null(payload);
    pw_appender_t *a = pw_appender_new();
    assert_int_equal(pw_appender_add(a, "s_big", "t.v1", "emp/1", NULL, payload, big), -1);
    pw_appender_set_max_message(a, limit);
    assert_int_equal(pw_stream_ensure(db, "s_big", 1), 0);
    zsock_t *pub = zsock_new_pub("tcp://127.0.0.1:*");
    assert_non_null(pub);
    char ep[128];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", atoi(strrchr(zsock_endpoint(pub), ':') + 1));
    handler_ctx_t h = {0};
    pw_consumer_opts_t o = {.consumer = "big",
                            .stream = "s_big",
                            .endpoint = ep,
                            .batch_max = 4,
                            .idle_catchup_ms = 600000,
                            .max_message_bytes = limit,
                            .apply = record_effect,
                            .ctx = &h};
    pw_consumer_t *c = pw_consumer_new(&o);
    assert_non_null(c);
    assert_int_equal(pw_consumer_catch_up(c, db), 0);
    /* Resent until the subscription has reached the publisher. */
    int64_t deadline = pw_mono_ms() + 15000;
    while (h.calls == 0 && pw_mono_ms() < deadline) {
        assert_int_equal(pw_db_begin(db), 0);
        assert_int_equal(pw_appender_add(a, "s_big", "t.v1", "emp/1", NULL, payload, big), 0);
        assert_int_equal(pw_appender_flush(a, db), 0);
        pw_db_rollback(db);
        pw_appender_publish(a, pub);
        zpoller_t *p = zpoller_new(pw_consumer_socket(c), NULL);
        zpoller_wait(p, 200);
        zpoller_destroy(&p);
        assert_true(pw_consumer_on_readable(c, db) >= 0);
    }
    assert_int_equal(h.calls, 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_big'"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.event WHERE stream = 's_big'"), 0);
    pw_consumer_destroy(&c);
    pw_appender_destroy(&a);
    zsock_destroy(&pub);
    free(payload);
}

static void test_poison_goes_to_dead_letters_and_offset_moves_on(void **state)
{
    pw_db_t *db = *state;
    pw_appender_t *a = pw_appender_new();
    append_n(db, a, "s_poison", 2, "ok");
    append_n(db, a, "s_poison", 1, "poison");
    append_n(db, a, "s_poison", 2, "ok");
    pw_appender_publish(a, NULL);
    handler_ctx_t h = {.reject_poison = 1};
    pw_consumer_t *c = table_consumer("poison", "s_poison", &h, NULL, 3);
    int total = 0;
    for (int i = 0; i < 5; i++)
        total += pw_consumer_catch_up(c, db);
    assert_int_equal(total, 5);
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_poison'"), 4);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.dead_letter WHERE "
                                "consumer = 'poison' AND seq = 3 AND reason = 'poison payload' "
                                "AND payload = 'poison'::bytea"),
                     1);
    assert_int_equal(scalar(db, "SELECT seq FROM stream.consumer_offset WHERE "
                                "consumer = 'poison'"),
                     5);
    assert_int_equal(pw_consumer_dead(c), 1);
    /* The cause is fixed; an administrator asks for a replay: applied once,
     * however often the consumer ticks afterwards. */
    h.reject_poison = 0;
    assert_int_equal(pw_db_exec(db,
                                "UPDATE stream.dead_letter SET replay_requested_at = now() "
                                "WHERE consumer = 'poison'",
                                0, NULL),
                     0);
    int64_t end = pw_mono_ms() + 3000;
    while (pw_mono_ms() < end &&
           scalar(db, "SELECT count(*) FROM stream.dead_letter WHERE consumer = 'poison' "
                      "AND replayed_at IS NOT NULL") == 0) {
        assert_true(pw_consumer_tick(c, db) >= 0);
        zclock_sleep(20);
    }
    for (int i = 0; i < 5; i++) {
        assert_true(pw_consumer_tick(c, db) >= 0);
        zclock_sleep(20);
    }
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_poison'"), 5);
    pw_consumer_destroy(&c);
    pw_appender_destroy(&a);
}

/* A batch handler sees whole batches; when one fails, the batch is applied
 * again one event at a time and only the poison event is dead-lettered. */
static void test_batch_handler_and_careful_fallback(void **state)
{
    pw_db_t *db = *state;
    pw_appender_t *a = pw_appender_new();
    append_n(db, a, "s_batch", 8, "ok");
    append_n(db, a, "s_batch", 1, "poison");
    append_n(db, a, "s_batch", 3, "ok");
    pw_appender_publish(a, NULL);
    batch_ctx_t h = {.reject_poison = 1};
    pw_consumer_opts_t o = {.consumer = "batch",
                            .stream = "s_batch",
                            .batch_max = 8,
                            .max_attempts = 3,
                            .idle_catchup_ms = 50,
                            .apply_batch = record_batch,
                            .ctx = &h};
    o.apply = record_effect; /* both set: refused */
    assert_null(pw_consumer_new(&o));
    o.apply = NULL;
    pw_consumer_t *c = pw_consumer_new(&o);
    assert_non_null(c);
    int total = 0;
    for (int i = 0; i < 10 && total < 12; i++)
        total += pw_consumer_catch_up(c, db);
    assert_int_equal(total, 12);
    assert_int_equal(h.largest, 8); /* the first batch went through whole */
    assert_true(h.singles >= 4);    /* the failing batch, one event at a time */
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_batch'"), 11);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.dead_letter WHERE "
                                "consumer = 'batch' AND seq = 9"),
                     1);
    assert_int_equal(scalar(db, "SELECT seq FROM stream.consumer_offset WHERE consumer = 'batch'"),
                     12);
    pw_consumer_destroy(&c);
    pw_appender_destroy(&a);
}

static void test_transient_failure_retried_then_dead_lettered(void **state)
{
    pw_db_t *db = *state;
    pw_appender_t *a = pw_appender_new();
    append_n(db, a, "s_flaky", 1, "ok");
    append_n(db, a, "s_flaky", 1, "flaky");
    append_n(db, a, "s_flaky", 1, "ok");
    pw_appender_publish(a, NULL);
    handler_ctx_t h = {.retry_flaky = 1};
    pw_consumer_t *c = table_consumer("flaky", "s_flaky", &h, NULL, 3);
    assert_int_equal(pw_consumer_catch_up(c, db), 1); /* stops before the flaky one */
    assert_int_equal(scalar(db, "SELECT attempts FROM stream.attempt WHERE consumer = 'flaky'"), 1);
    int64_t deadline = pw_mono_ms() + 5000;
    while (pw_consumer_dead(c) == 0 && pw_mono_ms() < deadline) {
        assert_true(pw_consumer_tick(c, db) >= 0);
        zclock_sleep(20);
    }
    assert_int_equal(pw_consumer_dead(c), 1);
    while (scalar(db, "SELECT seq FROM stream.consumer_offset WHERE consumer = 'flaky'") < 3 &&
           pw_mono_ms() < deadline) {
        assert_true(pw_consumer_tick(c, db) >= 0);
        zclock_sleep(20);
    }
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_flaky'"), 2);
    assert_int_equal(scalar(db, "SELECT attempts FROM stream.dead_letter WHERE "
                                "consumer = 'flaky'"),
                     3);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.attempt WHERE consumer = 'flaky'"), 0);
    pw_consumer_destroy(&c);
    pw_appender_destroy(&a);
}

static pw_consumer_t *group_consumer(const char *stream, handler_ctx_t *h)
{
    pw_consumer_opts_t o = {.consumer = "group",
                            .stream = stream,
                            .batch_max = 50,
                            .max_attempts = 3,
                            .idle_catchup_ms = 20,
                            .lease_ttl_ms = 600,
                            .apply = record_effect,
                            .ctx = h};
    pw_consumer_t *c = pw_consumer_new(&o);
    assert_non_null(c);
    return c;
}

/* Drives both consumers' ticks (b may be NULL) once, then rests 10 ms. */
static void tick_group(pw_db_t *db1, pw_consumer_t *a, pw_db_t *db2, pw_consumer_t *b)
{
    if (a)
        assert_true(pw_consumer_tick(a, db1) >= 0);
    if (b)
        assert_true(pw_consumer_tick(b, db2) >= 0);
    zclock_sleep(10);
}

/* The sum of the group's stored offsets on s_group: the number of events
 * applied and committed over all partitions. */
static int64_t group_offsets(pw_db_t *db)
{
    return scalar(db, "SELECT coalesce(sum(seq), 0) FROM stream.consumer_offset WHERE "
                      "consumer = 'group' AND stream = 's_group'");
}

/* Ticks the consumers until their offsets have reached `events` (so nothing
 * is left to apply and counts are final), failing after 10 s. */
static void run_group_to(pw_db_t *db1, pw_consumer_t *a, pw_db_t *db2, pw_consumer_t *b,
                         int64_t events)
{
    int64_t deadline = pw_mono_ms() + 10000;
    while (group_offsets(db1) < events && pw_mono_ms() < deadline)
        tick_group(db1, a, db2, b);
    assert_int_equal(group_offsets(db1), events);
}

static void append_keys(pw_db_t *db, pw_appender_t *a, const char *stream, int from, int n)
{
    assert_int_equal(pw_db_begin(db), 0);
    for (int i = from; i < from + n; i++) {
        char key[32];
        snprintf(key, sizeof key, "emp/%d", i);
        assert_int_equal(pw_appender_add(a, stream, "t.v1", key, NULL, (const uint8_t *)"x", 1), 0);
    }
    assert_int_equal(pw_appender_flush(a, db), 0);
    assert_int_equal(pw_db_commit(db), 0);
    pw_appender_publish(a, NULL);
}

static void test_partitions_shared_and_taken_over(void **state)
{
    pw_db_t *db = *state;
    pw_db_t *db2 = pw_db_new(db_url);
    pw_appender_t *a = pw_appender_new();
    pw_appender_set_partitions(a, 4);
    append_keys(db, a, "s_group", 0, 200);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.head WHERE stream = 's_group'"), 4);
    handler_ctx_t h1 = {0}, h2 = {0};
    pw_consumer_t *c1 = group_consumer("s_group", &h1);
    pw_consumer_t *c2 = group_consumer("s_group", &h2);
    /* Two live instances split the four partitions between them. */
    int64_t deadline = pw_mono_ms() + 10000;
    while ((pw_consumer_owned(c1) != 2 || pw_consumer_owned(c2) != 2) && pw_mono_ms() < deadline)
        tick_group(db, c1, db2, c2);
    assert_int_equal(pw_consumer_owned(c1), 2);
    assert_int_equal(pw_consumer_owned(c2), 2);
    run_group_to(db, c1, db2, c2, 200);
    /* Work that arrives now (the first 200 are all applied) is shared. */
    int before1 = h1.calls, before2 = h2.calls;
    append_keys(db, a, "s_group", 200, 200);
    run_group_to(db, c1, db2, c2, 400);
    assert_true(h1.calls > before1 && h2.calls > before2);
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_group'"), 400);
    /* c2 dies without a word; its partitions move to c1 once the leases
     * expire, and what was published meanwhile is applied exactly once. */
    pw_consumer_destroy(&c2);
    append_keys(db, a, "s_group", 400, 200);
    deadline = pw_mono_ms() + 5000;
    while (pw_consumer_owned(c1) < 4 && pw_mono_ms() < deadline)
        tick_group(db, c1, NULL, NULL);
    assert_int_equal(pw_consumer_owned(c1), 4);
    run_group_to(db, c1, NULL, NULL, 600);
    assert_int_equal(scalar(db, "SELECT count(*) FROM it_effect WHERE stream = 's_group'"), 600);
    pw_consumer_destroy(&c1);
    pw_appender_destroy(&a);
    pw_db_destroy(&db2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_is_gap_free_across_rollback),
        cmocka_unit_test(test_concurrent_writers_get_contiguous_seqs),
        cmocka_unit_test(test_catch_up_applies_exactly_once),
        cmocka_unit_test(test_live_path_and_gap_catch_up),
        cmocka_unit_test(test_large_messages_follow_the_configured_limit),
        cmocka_unit_test(test_poison_goes_to_dead_letters_and_offset_moves_on),
        cmocka_unit_test(test_batch_handler_and_careful_fallback),
        cmocka_unit_test(test_transient_failure_retried_then_dead_lettered),
        cmocka_unit_test(test_partitions_shared_and_taken_over),
    };
    return cmocka_run_group_tests_name("stream", tests, setup, teardown);
}
