/* The database module's inside, shared by db.c (statements, transactions,
 * results) and db_wait.c (connecting and waiting without blocking). */
#ifndef PATHWAYS_DB_INTERNAL_H
#define PATHWAYS_DB_INTERNAL_H

#include <stdatomic.h>

#include "pathways/db.h"

#define DB_ERR_LEN 512

struct pw_db {
    char *url;
    PGconn *conn; /* NULL after a lost or abandoned connection */
    int in_txn;
    int broken;
    char error[DB_ERR_LEN];
    const char **prepared; /* names (literals) prepared on conn */
    size_t nprepared, cap_prepared;
    pw_db_opts_t opts;
    int statement_timeout_ms; /* in force now (opts' unless changed) */
    pw_db_interrupt_fn interrupt;
    void *interrupt_ctx;
    int64_t next_connect_ms; /* after a failed attempt: not before */
    uint64_t generation;
    _Atomic int64_t waiting_since_ms; /* 0 when not waiting on the server */
};

/* Records msg (trailing newlines cut) as the last error. */
void db_set_error(pw_db_t *db, const char *msg);
/* Closes the connection and marks it broken with why as the error. */
void db_drop(pw_db_t *db, const char *why);
/* Opens a connection (non-blocking, within connect_timeout_s). 0 or -1. */
int db_connect(pw_db_t *db);
/* After a PQsend* call returned sent: flushes, waits for the answer and
 * returns its result (the first error of several, or the last result; a
 * COPY IN result as soon as it comes), or NULL with the error recorded. */
PGresult *db_await(pw_db_t *db, int sent);
/* Flushes what libpq has queued (COPY data). Returns 0 or -1. */
int db_flush(pw_db_t *db);

#endif
