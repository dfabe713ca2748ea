/* One libpq connection with lazy prepared statements and reconnect. Every
 * PGresult that leaves this module belongs to the caller. */
#include "pathways/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/log.h"

#define DB_MAX_PREPARED 128
#define DB_ERR_LEN      512

struct pw_db {
    char *url;
    PGconn *conn;
    int in_txn;
    int broken;
    char error[DB_ERR_LEN];
    const char *prepared[DB_MAX_PREPARED]; /* names (literals) prepared on conn */
    int nprepared;
};

static void db_set_error(pw_db_t *db, const char *msg)
{
    snprintf(db->error, sizeof db->error, "%s", msg ? msg : "unknown error");
    size_t n = strlen(db->error);
    while (n > 0 && (db->error[n - 1] == '\n' || db->error[n - 1] == ' '))
        db->error[--n] = '\0';
}

pw_db_t *pw_db_new(const char *url)
{
    pw_db_t *db = calloc(1, sizeof *db);
    if (!db)
        return NULL;
    db->url = strdup(url ? url : "");
    if (!db->url) {
        free(db);
        return NULL;
    }
    db->broken = 1;
    if (pw_db_ensure(db) != 0) /* not fatal: callers retry with pw_db_ensure */
        pw_debug("database not reachable yet: %s", db->error);
    return db;
}

void pw_db_destroy(pw_db_t **p)
{
    if (!p || !*p)
        return;
    pw_db_t *db = *p;
    if (db->conn)
        PQfinish(db->conn);
    free(db->url);
    free(db);
    *p = NULL;
}

/* Server notices (warnings, "terminating connection ...") go to the JSON
 * log instead of raw lines on stderr. */
static void log_notice(void *arg, const char *message)
{
    (void)arg;
    char text[512];
    snprintf(text, sizeof text, "%s", message);
    text[strcspn(text, "\n")] = '\0';
    pw_logkv(PW_LOG_WARN, "database notice", "notice", text, (char *)NULL);
}

int pw_db_ensure(pw_db_t *db)
{
    if (db->conn && !db->broken && PQstatus(db->conn) == CONNECTION_OK)
        return 0;
    if (db->conn)
        PQfinish(db->conn);
    db->nprepared = 0;
    db->in_txn = 0;
    db->conn = PQconnectdb(db->url);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        db_set_error(db, PQerrorMessage(db->conn));
        db->broken = 1;
        return -1;
    }
    db->broken = 0;
    PQsetNoticeProcessor(db->conn, log_notice, NULL);
    PGresult *r = PQexec(db->conn, "SET application_name = 'pathways'; "
                                   "SET client_min_messages = warning");
    PQclear(r);
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

/* Checks a result; on failure records the error, notes a lost connection,
 * frees the result and returns NULL. */
static PGresult *db_check(pw_db_t *db, PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN)
        return res;
    db_set_error(db, res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
    if (PQstatus(db->conn) != CONNECTION_OK)
        db->broken = 1;
    PQclear(res);
    return NULL;
}

PGresult *pw_db_query_bin(pw_db_t *db, const char *sql, int nparams, const char *const *params,
                          const int *lengths, const int *formats)
{
    if (db->broken && pw_db_ensure(db) != 0)
        return NULL;
    return db_check(db, PQexecParams(db->conn, sql, nparams, NULL, params, lengths, formats, 0));
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

static int db_is_prepared(const pw_db_t *db, const char *name)
{
    for (int i = 0; i < db->nprepared; i++)
        if (db->prepared[i] == name || strcmp(db->prepared[i], name) == 0)
            return 1;
    return 0;
}

PGresult *pw_db_prepared_bin(pw_db_t *db, const char *name, const char *sql, int nparams,
                             const char *const *params, const int *lengths, const int *formats)
{
    if (db->broken && pw_db_ensure(db) != 0)
        return NULL;
    if (!db_is_prepared(db, name)) {
        PGresult *p = db_check(db, PQprepare(db->conn, name, sql, nparams, NULL));
        if (!p)
            return NULL;
        PQclear(p);
        if (db->nprepared < DB_MAX_PREPARED)
            db->prepared[db->nprepared++] = name;
    }
    return db_check(db, PQexecPrepared(db->conn, name, nparams, params, lengths, formats, 0));
}

PGresult *pw_db_prepared(pw_db_t *db, const char *name, const char *sql, int nparams,
                         const char *const *params)
{
    return pw_db_prepared_bin(db, name, sql, nparams, params, NULL, NULL);
}

int pw_db_begin(pw_db_t *db)
{
    if (db->broken && pw_db_ensure(db) != 0)
        return -1;
    if (pw_db_exec(db, "BEGIN", 0, NULL) != 0)
        return -1;
    db->in_txn = 1;
    return 0;
}

int pw_db_commit(pw_db_t *db)
{
    int rc = pw_db_exec(db, "COMMIT", 0, NULL);
    db->in_txn = 0;
    return rc;
}

void pw_db_rollback(pw_db_t *db)
{
    if (!db->conn || db->broken) {
        db->in_txn = 0;
        return;
    }
    if (PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
        PGresult *r = PQexec(db->conn, "ROLLBACK");
        PQclear(r);
    }
    db->in_txn = 0;
}

int pw_db_in_txn(const pw_db_t *db)
{
    return db->in_txn;
}

int pw_db_copy_begin(pw_db_t *db, const char *copy_sql)
{
    PGresult *r = db_check(db, PQexec(db->conn, copy_sql));
    if (!r)
        return -1;
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    return ok ? 0 : -1;
}

int pw_db_copy_send(pw_db_t *db, const char *data, size_t len)
{
    if (PQputCopyData(db->conn, data, (int)len) != 1) {
        db_set_error(db, PQerrorMessage(db->conn));
        return -1;
    }
    return 0;
}

int pw_db_copy_end(pw_db_t *db)
{
    if (PQputCopyEnd(db->conn, NULL) != 1) {
        db_set_error(db, PQerrorMessage(db->conn));
        return -1;
    }
    int rc = 0;
    PGresult *r;
    while ((r = PQgetResult(db->conn)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            db_set_error(db, PQresultErrorMessage(r));
            rc = -1;
        }
        PQclear(r);
    }
    if (PQstatus(db->conn) != CONNECTION_OK)
        db->broken = 1;
    return rc;
}

const char *pw_db_get(const PGresult *res, int row, const char *column)
{
    int col = PQfnumber(res, column);
    if (col < 0 || row >= PQntuples(res))
        return "";
    return PQgetvalue(res, row, col);
}

int pw_db_isnull(const PGresult *res, int row, const char *column)
{
    int col = PQfnumber(res, column);
    return col < 0 || row >= PQntuples(res) || PQgetisnull(res, row, col);
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
