/* The database module: one libpq connection, parameterized statements only,
 * reconnect on failure. Every function that returns a PGresult* transfers
 * ownership: the caller PQclear()s it on every path.
 *
 * Errors: functions return 0 on success or -1 with the server's message in
 * pw_db_error(db). pw_db_broken(db) tells a lost connection (retry later)
 * from a statement error (the data is at fault).
 *
 * Never blocking for good: the connection is non-blocking and every wait
 * (connecting, sending, awaiting an answer) polls in short ticks, so a
 * frozen server cannot hold the caller past the connect timeout, the
 * answer deadline (statement timeout plus a grace) or its interrupt hook.
 *
 * Never reconnecting inside a transaction: once a connection is lost
 * between pw_db_begin and commit/rollback, every statement and the commit
 * fail until the caller rolls back; the transaction is then retried whole,
 * never finished half in autocommit. */
#ifndef PATHWAYS_DB_H
#define PATHWAYS_DB_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "pathways/config.h"

typedef struct pw_db pw_db_t;

/* Session settings, sent in the startup packet (a URL that sets the same
 * libpq keyword, e.g. ?application_name= or ?options=, wins). */
typedef struct {
    char application_name[64];  /* seen in pg_stat_activity */
    int connect_timeout_s;      /* give up connecting after this long */
    int statement_timeout_ms;   /* server cancels longer statements; 0 off */
    int idle_in_txn_timeout_ms; /* server ends idle open transactions; 0 off */
    int keepalive_idle_s;       /* TCP keepalive probes after this much silence */
} pw_db_opts_t;

/* The defaults (PATHWAYS_DB_* in config.c), application_name "pathways". */
void pw_db_opts_default(pw_db_opts_t *o);
/* The settings from cfg, with application_name "pathways-<name>". */
void pw_db_opts_from_config(pw_db_opts_t *o, const pw_config_t *cfg, const char *name);

/* Connects to url. Returns NULL on out-of-memory only; a failed connection
 * still returns a handle whose pw_db_ensure() will retry. Caller owns it.
 * pw_db_new uses pw_db_opts_default; opts is copied. */
pw_db_t *pw_db_new(const char *url);
pw_db_t *pw_db_new_with(const char *url, const pw_db_opts_t *opts);
/* Closes the connection and frees; accepts NULL, nulls *p. */
void pw_db_destroy(pw_db_t **p);

/* Reconnects when the connection is down, at most once a second (a failed
 * attempt makes the next calls within the second fail at once, so a loop
 * that answers "unavailable" stays fast). Refuses (-1) while a transaction
 * whose connection was lost is still open: roll back first. Returns 0 when
 * usable. */
int pw_db_ensure(pw_db_t *db) __attribute__((warn_unused_result));
int pw_db_broken(const pw_db_t *db);
const char *pw_db_error(const pw_db_t *db);
/* The libpq connection, NULL while broken. For PQescape* and notice
 * processors only: statements go through this module's functions. */
PGconn *pw_db_conn(pw_db_t *db);
/* Counts successful connections: a change tells the caller it reconnected
 * (cached state such as consumer offsets must be re-read). */
uint64_t pw_db_generation(const pw_db_t *db);

/* Called every poll tick (100 ms) while waiting on the server; returning
 * non-zero abandons the statement: the connection is closed and the call
 * fails as a lost connection. For shutdown while the server hangs. */
typedef int (*pw_db_interrupt_fn)(void *ctx);
void pw_db_set_interrupt(pw_db_t *db, pw_db_interrupt_fn fn, void *ctx);
/* How long the current call has been waiting on the server, in ms (0 when
 * none is). Safe to call from another thread (readiness probes). */
int64_t pw_db_waiting_ms(const pw_db_t *db);

/* Sets this session's statement timeout (and the client's answer deadline
 * with it): ms, 0 for none, -1 for the configured one. Returns 0 or -1. */
int pw_db_set_statement_timeout(pw_db_t *db, int ms) __attribute__((warn_unused_result));
/* Runs a script of several statements (simple query protocol, no
 * parameters): migrations. */
int pw_db_exec_script(pw_db_t *db, const char *sql) __attribute__((warn_unused_result));
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
 * (and again after a reconnect). name and sql must stay valid (literals).
 * The set of names grows as needed; when it cannot grow the call fails
 * (out of memory) before anything is prepared. */
PGresult *pw_db_prepared(pw_db_t *db, const char *name, const char *sql, int nparams,
                         const char *const *params) __attribute__((warn_unused_result));
PGresult *pw_db_prepared_bin(pw_db_t *db, const char *name, const char *sql, int nparams,
                             const char *const *params, const int *lengths, const int *formats)
    __attribute__((warn_unused_result));

int pw_db_begin(pw_db_t *db) __attribute__((warn_unused_result));
/* Fails (-1) when the connection was lost since pw_db_begin, when a
 * statement of the transaction failed (the server answers ROLLBACK), and
 * when no transaction is open. */
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
 * borrowed from res; "" for NULL (check pw_db_isnull when it matters). A
 * column the result does not have, or a row past its end, is a programming
 * error: it is logged with the columns the result does have, and the
 * process aborts, rather than reading "" or 0. */
const char *pw_db_get(const PGresult *res, int row, const char *column);
int pw_db_isnull(const PGresult *res, int row, const char *column);
int64_t pw_db_get_i64(const PGresult *res, int row, const char *column);
/* Decodes a bytea column (hex text format) into a malloc'd buffer the
 * caller frees. Returns NULL on error. */
uint8_t *pw_db_get_bytea(const PGresult *res, int row, const char *column, size_t *len);

#endif
