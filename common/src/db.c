/* One libpq connection with lazy prepared statements and reconnect. Every
 * PGresult that leaves this module belongs to the caller. Waiting on the
 * server is in db_wait.c. */
#include "pathways/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"
#include "pathways/log.h"
#include "db_internal.h"

#define DB_RETRY_MS           1000
#define DB_PREPARED_FIRST_CAP 64

void pw_db_opts_default(pw_db_opts_t *o)
{
    pw_config_t cfg;
    char err[256];
    memset(&cfg, 0, sizeof cfg);
    /* The defaults are the configuration table's (environment ignored). */
    if (pw_config_defaults(&cfg, err, sizeof err) != 0)
        pw_error("%s", err);
    pw_db_opts_from_config(o, &cfg, NULL);
}

void pw_db_opts_from_config(pw_db_opts_t *o, const pw_config_t *cfg, const char *name)
{
    memset(o, 0, sizeof *o);
    snprintf(o->application_name, sizeof o->application_name, "pathways%s%s", name ? "-" : "",
             name ? name : "");
    o->connect_timeout_s = cfg->db_connect_timeout_s;
    o->statement_timeout_ms = cfg->db_statement_timeout_ms;
    o->idle_in_txn_timeout_ms = cfg->db_idle_in_txn_timeout_ms;
    o->keepalive_idle_s = cfg->db_keepalive_idle_s;
}

pw_db_t *pw_db_new_with(const char *url, const pw_db_opts_t *opts)
{
    pw_db_t *db = calloc(1, sizeof *db);
    if (!db)
        return NULL;
    db->url = strdup(url ? url : "");
    if (!db->url) {
        free(db);
        return NULL;
    }
    db->opts = *opts;
    db->statement_timeout_ms = opts->statement_timeout_ms;
    db->broken = 1;
    if (pw_db_ensure(db) != 0) /* not fatal: callers retry with pw_db_ensure */
        pw_debug("database not reachable yet: %s", db->error);
    return db;
}

pw_db_t *pw_db_new(const char *url)
{
    pw_db_opts_t o;
    pw_db_opts_default(&o);
    return pw_db_new_with(url, &o);
}

void pw_db_destroy(pw_db_t **p)
{
    if (!p || !*p)
        return;
    pw_db_t *db = *p;
    if (db->conn)
        PQfinish(db->conn);
    free(db->prepared);
    free(db->url);
    free(db);
    *p = NULL;
}

void pw_db_set_interrupt(pw_db_t *db, pw_db_interrupt_fn fn, void *ctx)
{
    db->interrupt = fn;
    db->interrupt_ctx = ctx;
}

int64_t pw_db_waiting_ms(const pw_db_t *db)
{
    int64_t since = atomic_load(&db->waiting_since_ms);
    return since ? pw_mono_ms() - since : 0;
}

/* A connection lost inside a transaction stays lost until the caller rolls
 * back: reconnecting would run the rest of the transaction in autocommit. */
static int lost_in_txn(pw_db_t *db)
{
    if (!db->broken || !db->in_txn)
        return 0;
    if (!strstr(db->error, "inside a transaction")) {
        char why[DB_ERR_LEN];
        snprintf(why, sizeof why,
                 "connection lost inside a transaction (%.400s); roll back and "
                 "run it again whole",
                 db->error);
        db_set_error(db, why);
    }
    return 1;
}

int pw_db_ensure(pw_db_t *db)
{
    if (db->conn && !db->broken && PQstatus(db->conn) == CONNECTION_OK)
        return 0;
    if (lost_in_txn(db))
        return -1;
    int64_t now = pw_mono_ms();
    if (now < db->next_connect_ms)
        return -1; /* the last attempt failed a moment ago; its error stands */
    if (db->conn)
        PQfinish(db->conn);
    db->conn = NULL;
    db->nprepared = 0;
    db->in_txn = 0;
    db->broken = 1;
    if (db_connect(db) != 0) {
        db->next_connect_ms = pw_mono_ms() + DB_RETRY_MS;
        return -1;
    }
    db->broken = 0;
    db->generation++;
    db->statement_timeout_ms = db->opts.statement_timeout_ms; /* a new session */
    return 0;
}

int pw_db_broken(const pw_db_t *db)
{
    return db->broken;
}

const char *pw_db_error(const pw_db_t *db)
{
    return db->error;
}

PGconn *pw_db_conn(pw_db_t *db)
{
    return db->conn;
}

uint64_t pw_db_generation(const pw_db_t *db)
{
    return db->generation;
}

/* 0 when statements may run: connected, or reconnected outside of a
 * transaction. */
static int db_ready(pw_db_t *db)
{
    if (!db->broken)
        return 0;
    return lost_in_txn(db) ? -1 : pw_db_ensure(db);
}

/* Checks a result; on failure records the error, notes a lost connection,
 * frees the result and returns NULL. */
static PGresult *db_check(pw_db_t *db, PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN)
        return res;
    if (res || db->conn)
        db_set_error(db, res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
    if (db->conn && PQstatus(db->conn) != CONNECTION_OK)
        db_drop(db, db->error);
    PQclear(res);
    return NULL;
}

PGresult *pw_db_query_bin(pw_db_t *db, const char *sql, int nparams, const char *const *params,
                          const int *lengths, const int *formats)
{
    if (db_ready(db) != 0)
        return NULL;
    int sent = PQsendQueryParams(db->conn, sql, nparams, NULL, params, lengths, formats, 0);
    return db_check(db, db_await(db, sent));
}

PGresult *pw_db_query(pw_db_t *db, const char *sql, int nparams, const char *const *params)
{
    return pw_db_query_bin(db, sql, nparams, params, NULL, NULL);
}

int pw_db_exec(pw_db_t *db, const char *sql, int nparams, const char *const *params)
{
    PGresult *r = pw_db_query(db, sql, nparams, params);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

int pw_db_exec_script(pw_db_t *db, const char *sql)
{
    if (db_ready(db) != 0)
        return -1;
    PGresult *r = db_check(db, db_await(db, PQsendQuery(db->conn, sql)));
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

int pw_db_set_statement_timeout(pw_db_t *db, int ms)
{
    char value[16];
    snprintf(value, sizeof value, "%d", ms < 0 ? db->opts.statement_timeout_ms : ms);
    const char *params[] = {value};
    if (pw_db_exec(db, "SELECT set_config('statement_timeout', $1, false)", 1, params) != 0)
        return -1;
    db->statement_timeout_ms = atoi(value);
    return 0;
}

static int db_is_prepared(const pw_db_t *db, const char *name)
{
    for (size_t i = 0; i < db->nprepared; i++)
        if (db->prepared[i] == name || strcmp(db->prepared[i], name) == 0)
            return 1;
    return 0;
}

/* Makes room for one more name before preparing it, so a statement is
 * never prepared on the server without being recorded. */
static int db_prepared_room(pw_db_t *db)
{
    if (db->nprepared < db->cap_prepared)
        return 0;
    size_t cap = db->cap_prepared ? db->cap_prepared * 2 : DB_PREPARED_FIRST_CAP;
    const char **names = realloc(db->prepared, cap * sizeof *names);
    if (!names) {
        db_set_error(db, "out of memory recording a prepared statement");
        return -1;
    }
    db->prepared = names;
    db->cap_prepared = cap;
    return 0;
}

PGresult *pw_db_prepared_bin(pw_db_t *db, const char *name, const char *sql, int nparams,
                             const char *const *params, const int *lengths, const int *formats)
{
    if (db_ready(db) != 0)
        return NULL;
    if (!db_is_prepared(db, name)) {
        if (db_prepared_room(db) != 0)
            return NULL;
        PGresult *p = db_check(db, db_await(db, PQsendPrepare(db->conn, name, sql, nparams, NULL)));
        if (!p)
            return NULL;
        PQclear(p);
        db->prepared[db->nprepared++] = name;
    }
    int sent = PQsendQueryPrepared(db->conn, name, nparams, params, lengths, formats, 0);
    return db_check(db, db_await(db, sent));
}

PGresult *pw_db_prepared(pw_db_t *db, const char *name, const char *sql, int nparams,
                         const char *const *params)
{
    return pw_db_prepared_bin(db, name, sql, nparams, params, NULL, NULL);
}

int pw_db_begin(pw_db_t *db)
{
    if (db_ready(db) != 0)
        return -1;
    if (pw_db_exec(db, "BEGIN", 0, NULL) != 0)
        return -1;
    db->in_txn = 1;
    return 0;
}

int pw_db_commit(pw_db_t *db)
{
    if (!db->in_txn) {
        db_set_error(db, "COMMIT without an open transaction");
        return -1;
    }
    if (lost_in_txn(db))
        return -1;
    /* With a synchronous standby, COMMIT waits for it; a statement_timeout
     * that fires during that wait makes the server answer COMMIT anyway
     * (committed locally, only a WARNING says "might not have been
     * replicated"), and the caller would acknowledge what a failover can
     * lose. So the commit runs without the server's timeout; the client's
     * answer deadline still bounds it, and a commit cut off by that deadline
     * fails here (outcome unknown: the partner retries, dedup answers). A
     * failed transaction gets a plain COMMIT, which the server rolls back. */
    const char *sql = PQtransactionStatus(db->conn) == PQTRANS_INTRANS
                          ? "SET LOCAL statement_timeout = 0; COMMIT"
                          : "COMMIT";
    PGresult *r = db_check(db, db_await(db, PQsendQuery(db->conn, sql)));
    db->in_txn = 0;
    if (!r)
        return -1;
    /* A transaction in which a statement failed "commits" as ROLLBACK. */
    int ok = strcmp(PQcmdStatus(r), "COMMIT") == 0;
    PQclear(r);
    if (!ok)
        db_set_error(db, "the transaction was rolled back: one of its statements had failed");
    return ok ? 0 : -1;
}

void pw_db_rollback(pw_db_t *db)
{
    db->in_txn = 0;
    if (!db->conn || db->broken || PQtransactionStatus(db->conn) == PQTRANS_IDLE)
        return;
    char keep[DB_ERR_LEN]; /* the error that made the caller roll back */
    memcpy(keep, db->error, sizeof keep);
    PGresult *r = db_check(db, db_await(db, PQsendQuery(db->conn, "ROLLBACK")));
    PQclear(r);
    memcpy(db->error, keep, sizeof keep);
}

int pw_db_in_txn(const pw_db_t *db)
{
    return db->in_txn;
}

int pw_db_copy_begin(pw_db_t *db, const char *copy_sql)
{
    if (db_ready(db) != 0)
        return -1;
    PGresult *r = db_check(db, db_await(db, PQsendQuery(db->conn, copy_sql)));
    if (!r)
        return -1;
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    return ok ? 0 : -1;
}

int pw_db_copy_send(pw_db_t *db, const char *data, size_t len)
{
    if (!db->conn || len > (size_t)INT32_MAX) {
        db_set_error(db, db->conn ? "COPY chunk too large" : "connection lost during COPY");
        return -1;
    }
    /* Non-blocking: libpq queues the data (its buffer grows); flush it. */
    if (PQputCopyData(db->conn, data, (int)len) != 1) {
        db_drop(db, PQerrorMessage(db->conn));
        return -1;
    }
    return db_flush(db);
}

int pw_db_copy_end(pw_db_t *db)
{
    if (!db->conn) {
        db_set_error(db, "connection lost during COPY");
        return -1;
    }
    int sent = PQputCopyEnd(db->conn, NULL) == 1;
    PGresult *r = db_check(db, db_await(db, sent));
    PQclear(r);
    return r ? 0 : -1;
}

/* An unknown column or a row past the end is the code's mistake, not the
 * data's: say which, and stop, rather than read "" or 0. */
static int db_column(const PGresult *res, int row, const char *column)
{
    int col = PQfnumber(res, column);
    if (col >= 0 && row >= 0 && row < PQntuples(res))
        return col;
    char have[256] = "";
    size_t used = 0;
    for (int i = 0; i < PQnfields(res) && used < sizeof have; i++)
        used += (size_t)snprintf(have + used, sizeof have - used, "%s%s", i ? "," : "",
                                 PQfname(res, i));
    char rowtxt[48];
    snprintf(rowtxt, sizeof rowtxt, "%d of %d", row, PQntuples(res));
    pw_logkv(PW_LOG_ERROR,
             col < 0 ? "programming error: no such column in the result"
                     : "programming error: no such row in the result",
             "column", column, "row", rowtxt, "columns", have, NULL);
    abort();
}

const char *pw_db_get(const PGresult *res, int row, const char *column)
{
    return PQgetvalue(res, row, db_column(res, row, column));
}

int pw_db_isnull(const PGresult *res, int row, const char *column)
{
    return PQgetisnull(res, row, db_column(res, row, column));
}

int64_t pw_db_get_i64(const PGresult *res, int row, const char *column)
{
    return strtoll(pw_db_get(res, row, column), NULL, 10);
}

uint8_t *pw_db_get_bytea(const PGresult *res, int row, const char *column, size_t *len)
{
    size_t n = 0;
    unsigned char *tmp = PQunescapeBytea((const unsigned char *)pw_db_get(res, row, column), &n);
    if (!tmp)
        return NULL;
    uint8_t *out = malloc(n ? n : 1);
    if (out) {
        memcpy(out, tmp, n);
        *len = n;
    }
    PQfreemem(tmp);
    return out;
}
