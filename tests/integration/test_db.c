/* The database module against a real PostgreSQL: a connection lost inside
 * a transaction is never reconnected silently (the transaction fails and
 * is retried whole), waits are bounded (interrupt hook, connect timeout),
 * the session settings arrive, the prepared-statement cache grows, and an
 * unknown column fails loudly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pathways/date.h"
#include "pathways/stream.h"
#include "testdb.h"

#define WAIT_MS 10000

static char db_url[1024];

static pw_db_t *fresh(void)
{
    pw_db_t *db = pw_testdb_fresh("pathways_it_db", "common", db_url, sizeof db_url);
    assert_int_equal(pw_db_exec_script(db, "CREATE TABLE it_row (id int PRIMARY KEY); "
                                           "CREATE TABLE it_effect (event_id text PRIMARY KEY, "
                                           "seq bigint)"),
                     0);
    return db;
}

static int64_t count_rows(pw_db_t *other, const char *table)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) AS n FROM %s", table);
    PGresult *r = pw_db_query(other, sql, 0, NULL);
    assert_non_null(r);
    int64_t n = pw_db_get_i64(r, 0, "n");
    PQclear(r);
    return n;
}

static int64_t backend_pid(pw_db_t *db)
{
    PGresult *r = pw_db_query(db, "SELECT pg_backend_pid() AS pid", 0, NULL);
    assert_non_null(r);
    int64_t pid = pw_db_get_i64(r, 0, "pid");
    PQclear(r);
    return pid;
}

/* Terminates backend pid from another session and waits until it is gone. */
static void terminate(pw_db_t *other, int64_t pid)
{
    char p[24];
    snprintf(p, sizeof p, "%lld", (long long)pid);
    const char *params[] = {p};
    assert_int_equal(pw_db_exec(other, "SELECT pg_terminate_backend($1::int)", 1, params), 0);
    int64_t deadline = pw_mono_ms() + WAIT_MS;
    for (;;) {
        PGresult *r = pw_db_query(
            other, "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1::int", 1, params);
        assert_non_null(r);
        int64_t n = pw_db_get_i64(r, 0, "n");
        PQclear(r);
        if (n == 0)
            return;
        assert_true(pw_mono_ms() < deadline);
    }
}

static int insert_row(pw_db_t *db, int id)
{
    char v[16];
    snprintf(v, sizeof v, "%d", id);
    const char *params[] = {v};
    return pw_db_exec(db, "INSERT INTO it_row (id) VALUES ($1::int)", 1, params);
}

/* Before: the statement after the loss reconnected in autocommit, so row 3
 * stayed and COMMIT "succeeded" with a warning. */
static void test_lost_connection_fails_the_transaction(void **state)
{
    (void)state;
    pw_db_t *db = fresh();
    pw_db_t *other = pw_db_new(db_url);
    assert_int_equal(pw_db_begin(db), 0);
    assert_int_equal(insert_row(db, 1), 0);
    terminate(other, backend_pid(db));
    assert_int_equal(insert_row(db, 2), -1);
    assert_true(pw_db_broken(db));
    assert_int_equal(insert_row(db, 3), -1); /* not reconnected */
    assert_non_null(strstr(pw_db_error(db), "inside a transaction"));
    assert_int_equal(pw_db_ensure(db), -1);
    assert_int_equal(pw_db_commit(db), -1);
    assert_int_equal(count_rows(other, "it_row"), 0);
    pw_db_rollback(db);
    assert_false(pw_db_in_txn(db));
    /* Retried whole on a new connection. */
    assert_int_equal(pw_db_begin(db), 0);
    for (int id = 1; id <= 3; id++)
        assert_int_equal(insert_row(db, id), 0);
    assert_int_equal(pw_db_commit(db), 0);
    assert_int_equal(count_rows(other, "it_row"), 3);
    pw_db_destroy(&other);
    pw_db_destroy(&db);
}

/* A COMMIT after a failed statement is answered ROLLBACK: that is a failure. */
static void test_commit_of_failed_transaction_fails(void **state)
{
    (void)state;
    pw_db_t *db = fresh();
    assert_int_equal(pw_db_begin(db), 0);
    assert_int_equal(insert_row(db, 1), 0);
    assert_int_equal(insert_row(db, 1), -1); /* duplicate key */
    assert_false(pw_db_broken(db));
    assert_int_equal(pw_db_commit(db), -1);
    assert_non_null(strstr(pw_db_error(db), "rolled back"));
    assert_int_equal(pw_db_commit(db), -1); /* none open */
    assert_int_equal(count_rows(db, "it_row"), 0);
    pw_db_destroy(&db);
}

typedef struct {
    pw_db_t *killer;
    int calls;
} kill_ctx_t;

/* On its first call, loses its connection after one effect. */
static pw_apply_t apply_and_lose(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                 size_t errlen)
{
    kill_ctx_t *k = ctx;
    char seq[24];
    snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
    const char *params[] = {ev->event_id, seq};
    if (pw_db_exec(db, "INSERT INTO it_effect (event_id, seq) VALUES ($1, $2::bigint)", 2,
                   params) != 0) {
        snprintf(err, errlen, "%s", pw_db_error(db));
        return PW_APPLY_RETRY;
    }
    if (k->calls++ == 0)
        terminate(k->killer, backend_pid(db));
    return PW_APPLY_OK;
}

/* A consumer whose connection dies mid-batch applies the batch again,
 * whole, once reconnected: every effect once, the offset at the end. */
static void test_consumer_retries_the_batch_whole(void **state)
{
    (void)state;
    pw_db_t *db = fresh();
    pw_appender_t *a = pw_appender_new();
    assert_int_equal(pw_stream_ensure(db, "it_db", 1), 0);
    assert_int_equal(pw_db_begin(db), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(pw_appender_add(a, "it_db", "t", "k", NULL, (const uint8_t *)"x", 1), 0);
    assert_int_equal(pw_appender_flush(a, db), 0);
    assert_int_equal(pw_db_commit(db), 0);
    pw_appender_discard(a);
    kill_ctx_t k = {.killer = pw_db_new(db_url)};
    pw_consumer_opts_t o = {.consumer = "it_db_consumer",
                            .stream = "it_db",
                            .batch_max = 10,
                            .apply = apply_and_lose,
                            .ctx = &k};
    pw_consumer_t *c = pw_consumer_new(&o);
    assert_non_null(c);
    assert_int_equal(pw_consumer_catch_up(c, db), -1); /* the batch failed whole */
    assert_int_equal(count_rows(k.killer, "it_effect"), 0);
    int64_t deadline = pw_mono_ms() + WAIT_MS;
    while (pw_db_ensure(db) != 0) /* at most one attempt a second */
        assert_true(pw_mono_ms() < deadline);
    pw_consumer_reset(c);
    assert_int_equal(pw_consumer_catch_up(c, db), 5);
    assert_int_equal(count_rows(k.killer, "it_effect"), 5);
    assert_int_equal(pw_consumer_applied(c), 5);
    pw_consumer_destroy(&c);
    pw_db_destroy(&k.killer);
    pw_appender_destroy(&a);
    pw_db_destroy(&db);
}

static int after_deadline(void *ctx)
{
    return pw_mono_ms() >= *(int64_t *)ctx;
}

/* The interrupt hook abandons a statement the server takes its time over. */
static void test_interrupt_abandons_a_waiting_statement(void **state)
{
    (void)state;
    pw_db_t *db = fresh();
    int64_t start = pw_mono_ms(), stop_at = start + 300;
    pw_db_set_interrupt(db, after_deadline, &stop_at);
    assert_int_equal(pw_db_exec(db, "SELECT pg_sleep(30)", 0, NULL), -1);
    int64_t took = pw_mono_ms() - start;
    assert_true(took >= 300 && took < 3000);
    assert_true(pw_db_broken(db));
    assert_non_null(strstr(pw_db_error(db), "shutting down"));
    pw_db_set_interrupt(db, NULL, NULL);
    pw_db_destroy(&db);
}

/* A server that accepts TCP but never answers: the connect gives up at
 * connect_timeout_s, and the next attempt within a second fails at once. */
static void test_connect_timeout_and_retry_pacing(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    char url[128];
    snprintf(url, sizeof url, "postgresql://nobody@127.0.0.1:%d/none", ntohs(sa.sin_port));
    pw_db_opts_t o;
    pw_db_opts_default(&o);
    o.connect_timeout_s = 2;
    int64_t start = pw_mono_ms();
    pw_db_t *db = pw_db_new_with(url, &o);
    int64_t took = pw_mono_ms() - start;
    assert_non_null(db);
    assert_true(pw_db_broken(db));
    assert_true(took >= 1900 && took < 5000);
    start = pw_mono_ms();
    assert_int_equal(pw_db_ensure(db), -1);
    assert_true(pw_mono_ms() - start < 100);
    pw_db_destroy(&db);
    close(fd);
}

static void expect_setting(pw_db_t *db, const char *name, const char *want)
{
    const char *params[] = {name};
    PGresult *r = pw_db_query(db, "SELECT current_setting($1) AS v", 1, params);
    assert_non_null(r);
    assert_string_equal(pw_db_get(r, 0, "v"), want);
    PQclear(r);
}

static void test_session_settings(void **state)
{
    (void)state;
    pw_db_t *admin = fresh();
    pw_db_destroy(&admin);
    pw_config_t cfg;
    char err[256];
    assert_int_equal(pw_config_defaults(&cfg, err, sizeof err), 0);
    cfg.db_statement_timeout_ms = 1234;
    cfg.db_idle_in_txn_timeout_ms = 4321;
    cfg.db_keepalive_idle_s = 7;
    pw_db_opts_t o;
    pw_db_opts_from_config(&o, &cfg, "eligibility");
    pw_db_t *db = pw_db_new_with(db_url, &o);
    assert_false(pw_db_broken(db));
    expect_setting(db, "application_name", "pathways-eligibility");
    expect_setting(db, "statement_timeout", "1234ms");
    expect_setting(db, "idle_in_transaction_session_timeout", "4321ms");
    assert_string_equal(PQparameterStatus(pw_db_conn(db), "application_name"),
                        "pathways-eligibility");
    PQconninfoOption *info = PQconninfo(pw_db_conn(db));
    int seen = 0;
    for (PQconninfoOption *i = info; i && i->keyword; i++)
        if (!strcmp(i->keyword, "keepalives_idle") && i->val && !strcmp(i->val, "7"))
            seen = 1;
    PQconninfoFree(info);
    assert_true(seen);
    /* The server's statement timeout is in force, and migrations lift it. */
    assert_int_equal(pw_db_exec(db, "SELECT pg_sleep(2)", 0, NULL), -1);
    assert_non_null(strstr(pw_db_error(db), "statement timeout"));
    assert_int_equal(pw_db_set_statement_timeout(db, 0), 0);
    expect_setting(db, "statement_timeout", "0");
    assert_int_equal(pw_db_set_statement_timeout(db, -1), 0);
    expect_setting(db, "statement_timeout", "1234ms");
    pw_db_destroy(&db);
}

#define MANY_NAMES 300

/* More distinct prepared statements than the old fixed cache (128). */
static void test_prepared_cache_grows(void **state)
{
    (void)state;
    static char names[MANY_NAMES][32];
    pw_db_t *db = fresh();
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < MANY_NAMES; i++) {
            snprintf(names[i], sizeof names[i], "it_prepared_%d", i);
            char v[16];
            snprintf(v, sizeof v, "%d", i);
            const char *params[] = {v};
            PGresult *r = pw_db_prepared(db, names[i], "SELECT $1::int + 1 AS n", 1, params);
            assert_non_null(r);
            assert_int_equal(pw_db_get_i64(r, 0, "n"), i + 1);
            PQclear(r);
        }
    pw_db_destroy(&db);
}

/* Runs fn in a child and expects it to abort with a logged reason. */
static void expect_abort(void (*fn)(pw_db_t *), pw_db_t *db)
{
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fn(db);
        _exit(0); /* reached only when nothing failed loudly */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void read_unknown_column(pw_db_t *db)
{
    PGresult *r = pw_db_query(db, "SELECT 1 AS a", 0, NULL);
    (void)pw_db_get_i64(r, 0, "b");
}

static void read_unknown_column_null(pw_db_t *db)
{
    PGresult *r = pw_db_query(db, "SELECT 1 AS a", 0, NULL);
    (void)pw_db_isnull(r, 0, "b");
}

static void read_past_last_row(pw_db_t *db)
{
    PGresult *r = pw_db_query(db, "SELECT 1 AS a", 0, NULL);
    (void)pw_db_get(r, 1, "a");
}

static void read_known_column(pw_db_t *db)
{
    PGresult *r = pw_db_query(db, "SELECT 1 AS a", 0, NULL);
    if (pw_db_get_i64(r, 0, "a") != 1)
        abort();
    PQclear(r);
    exit(3);
}

static void test_unknown_column_fails_loudly(void **state)
{
    (void)state;
    pw_db_t *db = fresh();
    expect_abort(read_unknown_column, db);
    expect_abort(read_unknown_column_null, db);
    expect_abort(read_past_last_row, db);
    /* The control: a known column does not abort. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        read_known_column(db);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    pw_db_destroy(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lost_connection_fails_the_transaction),
        cmocka_unit_test(test_commit_of_failed_transaction_fails),
        cmocka_unit_test(test_consumer_retries_the_batch_whole),
        cmocka_unit_test(test_interrupt_abandons_a_waiting_statement),
        cmocka_unit_test(test_connect_timeout_and_retry_pacing),
        cmocka_unit_test(test_session_settings),
        cmocka_unit_test(test_prepared_cache_grows),
        cmocka_unit_test(test_unknown_column_fails_loudly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
