/* The database module: one libpq connection, parameterized statements only,
 * reconnect on failure. Every function that returns a PGresult* transfers
 * ownership: the caller PQclear()s it on every path.
 *
 * Errors: functions return 0 on success or -1 with the server's message in
 * pw_db_error(db). pw_db_broken(db) tells a lost connection (retry later)
 * from a statement error (the data is at fault). */
#ifndef PATHWAYS_DB_H
#define PATHWAYS_DB_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pw_db pw_db_t;

/* Connects to url. Returns NULL on out-of-memory only; a failed connection
 * still returns a handle whose pw_db_ensure() will retry. Caller owns it. */
pw_db_t *pw_db_new(const char *url);
/* Closes the connection and frees; accepts NULL, nulls *p. */
void pw_db_destroy(pw_db_t **p);

/* Reconnects when the connection is down. Returns 0 when usable. */
int pw_db_ensure(pw_db_t *db) __attribute__((warn_unused_result));
int pw_db_broken(const pw_db_t *db);
const char *pw_db_error(const pw_db_t *db);
PGconn *pw_db_conn(pw_db_t *db);

/* Runs a command with text parameters (NULL entries are SQL NULL); for
 * statements whose result is not needed. */
int pw_db_exec(pw_db_t *db, const char *sql, int nparams, const char *const *params)
    __attribute__((warn_unused_result));
/* Runs a query; returns the result (caller PQclear()s) or NULL on error. */
PGresult *pw_db_query(pw_db_t *db, const char *sql, int nparams, const char *const *params)
    __attribute__((warn_unused_result));
/* Same with per-parameter lengths and formats (binary bytea parameters). */
PGresult *pw_db_query_bin(pw_db_t *db, const char *sql, int nparams, const char *const *params,
                          const int *lengths, const int *formats)
    __attribute__((warn_unused_result));

/* Prepared statements by name: prepared lazily on first use per connection
 * (and again after a reconnect). sql must stay valid (a literal). */
PGresult *pw_db_prepared(pw_db_t *db, const char *name, const char *sql, int nparams,
                         const char *const *params) __attribute__((warn_unused_result));
PGresult *pw_db_prepared_bin(pw_db_t *db, const char *name, const char *sql, int nparams,
                             const char *const *params, const int *lengths, const int *formats)
    __attribute__((warn_unused_result));

int pw_db_begin(pw_db_t *db) __attribute__((warn_unused_result));
int pw_db_commit(pw_db_t *db) __attribute__((warn_unused_result));
/* Rolls back if a transaction is open; never fails loudly. */
void pw_db_rollback(pw_db_t *db);
int pw_db_in_txn(const pw_db_t *db);

/* COPY FROM STDIN: start with a "COPY ... FROM STDIN" statement, send text
 * rows, end. pw_db_copy_end returns -1 if the server rejected the data. */
int pw_db_copy_begin(pw_db_t *db, const char *copy_sql) __attribute__((warn_unused_result));
int pw_db_copy_send(pw_db_t *db, const char *data, size_t len) __attribute__((warn_unused_result));
int pw_db_copy_end(pw_db_t *db) __attribute__((warn_unused_result));

/* Result helpers that read columns by name, never by position. The value is
 * borrowed from res; "" for NULL (check pw_db_isnull when it matters). */
const char *pw_db_get(const PGresult *res, int row, const char *column);
int pw_db_isnull(const PGresult *res, int row, const char *column);
int64_t pw_db_get_i64(const PGresult *res, int row, const char *column);
/* Decodes a bytea column (hex text format) into a malloc'd buffer the
 * caller frees. Returns NULL on error. */
uint8_t *pw_db_get_bytea(const PGresult *res, int row, const char *column, size_t *len);

#endif
