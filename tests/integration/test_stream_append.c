/* Stream appends against a real PostgreSQL and real ZeroMQ sockets: the
 * one-statement path for a few events and the COPY path store the same rows
 * with gap-free seqs and publish the stored seqs; a spill writes what a long
 * transaction holds inside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/stream.h"
#include "stream_check.h"
#include "testdb.h"

static char db_url[1024];

static int setup(void **state)
{
    *state = pw_testdb_fresh("pathways_it_stream_append", "common", db_url, sizeof db_url);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    pw_db_destroy((pw_db_t **)state);
    return 0;
}

/* Appends n events to stream in one transaction, event i with a payload of
 * every byte value rotated by i (NULs, quotes, backslashes, tabs, newlines
 * and high bytes), a key and type with the COPY and array specials, and id
 * "<prefix>-<i>"; returns the seqs the appender gave them. */
static void append_hostile(pw_db_t *db, pw_appender_t *a, const char *stream, int n,
                           const char *prefix)
{
    assert_int_equal(pw_db_begin(db), 0);
    for (int i = 0; i < n; i++) {
        uint8_t body[256];
        char id[64];
        for (int b = 0; b < 256; b++)
            body[b] = (uint8_t)(b + i);
        snprintf(id, sizeof id, "%s-%d", prefix, i);
        assert_int_equal(
            pw_appender_add(a, stream, "t.v1 \"q\"\t\\", "emp/{1,\"x\"}\n", id, body, sizeof body),
            0);
    }
    assert_int_equal(pw_appender_flush(a, db), 0);
    assert_int_equal(pw_db_commit(db), 0);
}

/* Receives n envelopes of stream s_paths from sub; each one's seq must be
 * the stored seq of its event. */
static void expect_published(pw_db_t *db, zsock_t *sub, int n)
{
    char sql[256];
    for (int i = 0; i < n; i++) {
        await_input(sub);
        zmsg_t *m = zmsg_recv(sub);
        assert_non_null(m);
        assert_int_equal(zmsg_size(m), 2);
        zframe_t *body = zmsg_last(m);
        Pathways__V1__Envelope *env =
            pathways__v1__envelope__unpack(NULL, zframe_size(body), zframe_data(body));
        assert_non_null(env);
        snprintf(sql, sizeof sql,
                 "SELECT seq FROM stream.event WHERE stream = 's_paths' AND event_id = '%.64s'",
                 env->event_id);
        if (scalar(db, sql) != (int64_t)env->seq)
            fail_msg("%s published with seq %llu, stored with another", env->event_id,
                     (unsigned long long)env->seq);
        pathways__v1__envelope__free_unpacked(env, NULL);
        zmsg_destroy(&m);
    }
}

/* Whatever the path -- one statement for a few events on one partition,
 * COPY for many -- the rows are the events as given, with gap-free seqs in
 * the order they were added, and the seqs the appender publishes are the
 * stored ones. */
static void test_small_and_copy_paths_store_the_same(void **state)
{
    pw_db_t *db = *state;
    pw_appender_t *a = pw_appender_new();
    const int sizes[] = {1, 3, 32, 33, 200};
    char prefix[16], sql[512];
    int64_t total = 0;
    zsock_t *pub, *sub = subscribed("s_paths", &pub);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        snprintf(prefix, sizeof prefix, "p%zu", s);
        append_hostile(db, a, "s_paths", sizes[s], prefix);
        pw_appender_publish(a, pub);
        expect_published(db, sub, sizes[s]);
        total += sizes[s];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM stream.event WHERE stream = 's_paths' AND event_id LIKE "
                 "'%s-%%' AND type = 't.v1 \"q\"' || chr(9) || '\\' AND key = 'emp/{1,\"x\"}' "
                 "|| chr(10) AND payload = (SELECT string_agg(set_byte('\\x00'::bytea, 0, "
                 "(b + split_part(event_id, '-', 2)::int) %% 256), ''::bytea ORDER BY b) "
                 "FROM generate_series(0, 255) b) AND seq = (SELECT min(seq) FROM "
                 "stream.event WHERE stream = 's_paths' AND event_id LIKE '%s-%%') + "
                 "split_part(event_id, '-', 2)::int",
                 prefix, prefix);
        if (scalar(db, sql) != sizes[s])
            fail_msg("%d events in one transaction: stored differently", sizes[s]);
    }
    assert_int_equal(scalar(db, "SELECT max(seq) FROM stream.event WHERE stream = 's_paths'"),
                     total);
    assert_int_equal(scalar(db, "SELECT count(DISTINCT seq) FROM stream.event "
                                "WHERE stream = 's_paths'"),
                     total);
    assert_int_equal(scalar(db, "SELECT seq FROM stream.head WHERE stream = 's_paths'"), total);
    pw_appender_destroy(&a);
    zsock_destroy(&sub);
    zsock_destroy(&pub);
}

/* A spill writes what the appender holds inside the transaction and drops
 * it: a rollback takes the rows back, a commit keeps every row gap-free,
 * only the events added after the last spill are published (consumers read
 * the rest from the table), and a savepoint mark taken before a spill
 * still truncates what came after it. */
static void test_spill_writes_in_the_transaction(void **state)
{
    pw_db_t *db = *state;
    pw_appender_t *a = pw_appender_new();
    assert_int_equal(pw_stream_ensure(db, "s_spill", 1), 0);
    zsock_t *pub, *sub = subscribed("s_spill", &pub);
    /* Rolled back: nothing stays, no seq is burnt. */
    assert_int_equal(pw_db_begin(db), 0);
    assert_int_equal(pw_appender_add(a, "s_spill", "t.v1", "k", "r-1", (const uint8_t *)"x", 1), 0);
    assert_int_equal(pw_appender_spill(a, db), 0);
    assert_int_equal(pw_appender_bytes(a), 0);
    pw_db_rollback(db);
    pw_appender_discard(a);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.event WHERE stream = 's_spill'"), 0);
    /* Committed: 3 spilled, then 2 held; a mark taken after the first 3 and
     * truncated to after a second spill drops what came after it. */
    assert_int_equal(pw_db_begin(db), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pw_appender_add(a, "s_spill", "t.v1", "k", NULL, (const uint8_t *)"a", 1),
                         0);
    assert_int_equal(pw_appender_spill(a, db), 0);
    size_t mark = pw_appender_pending(a);
    assert_int_equal(mark, 3);
    assert_int_equal(pw_db_exec(db, "SAVEPOINT one", 0, NULL), 0);
    assert_int_equal(pw_appender_add(a, "s_spill", "t.v1", "k", NULL, (const uint8_t *)"b", 1), 0);
    assert_int_equal(pw_appender_spill(a, db), 0);
    assert_int_equal(pw_appender_add(a, "s_spill", "t.v1", "k", NULL, (const uint8_t *)"c", 1), 0);
    assert_int_equal(pw_db_exec(db, "ROLLBACK TO SAVEPOINT one", 0, NULL), 0);
    pw_appender_truncate(a, mark);
    assert_int_equal(pw_appender_pending(a), 3);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pw_appender_add(a, "s_spill", "t.v1", "k", NULL, (const uint8_t *)"d", 1),
                         0);
    assert_int_equal(pw_appender_flush(a, db), 0);
    assert_int_equal(pw_db_commit(db), 0);
    pw_appender_publish(a, pub);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.event WHERE stream = 's_spill'"), 5);
    assert_int_equal(scalar(db, "SELECT max(seq) FROM stream.event WHERE stream = 's_spill'"), 5);
    assert_int_equal(scalar(db, "SELECT count(*) FROM stream.event WHERE stream = 's_spill' "
                                "AND payload = 'd'::bytea AND seq IN (4, 5)"),
                     2);
    /* Published: the two held, with their stored seqs; nothing else. */
    for (uint64_t want = 4; want <= 5; want++) {
        await_input(sub);
        zmsg_t *m = zmsg_recv(sub);
        assert_non_null(m);
        zframe_t *body = zmsg_last(m);
        Pathways__V1__Envelope *env =
            pathways__v1__envelope__unpack(NULL, zframe_size(body), zframe_data(body));
        assert_non_null(env);
        assert_int_equal(env->seq, want);
        pathways__v1__envelope__free_unpacked(env, NULL);
        zmsg_destroy(&m);
    }
    zpoller_t *p = zpoller_new(sub, NULL);
    assert_null(zpoller_wait(p, 200));
    zpoller_destroy(&p);
    pw_appender_destroy(&a);
    zsock_destroy(&sub);
    zsock_destroy(&pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_and_copy_paths_store_the_same),
        cmocka_unit_test(test_spill_writes_in_the_transaction),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
