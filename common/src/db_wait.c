/* Connecting and waiting on the server without blocking: every wait polls
 * the socket in ticks of DB_TICK_MS and gives up at a deadline or when the
 * caller's interrupt hook says so. Why: libpq's blocking calls wait for a
 * frozen server for ever (TCP keeps the connection "up" while the server's
 * processes are stopped, so neither keepalives nor statement_timeout help),
 * and a service must still drain and exit on signals. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "pathways/date.h"
#include "pathways/log.h"
#include "db_internal.h"

#define DB_TICK_MS 100
/* An answer may come this long after the server's own statement timeout
 * would have cancelled the statement, before the client gives up. */
#define DB_ANSWER_GRACE_MS      5000
#define DB_KEEPALIVE_INTERVAL_S "5"
#define DB_KEEPALIVE_COUNT      "3"

void db_set_error(pw_db_t *db, const char *msg)
{
    char tmp[DB_ERR_LEN];
    snprintf(tmp, sizeof tmp, "%s", msg ? msg : "unknown error");
    size_t n = strlen(tmp);
    while (n > 0 && (tmp[n - 1] == '\n' || tmp[n - 1] == ' '))
        tmp[--n] = '\0';
    memcpy(db->error, tmp, n + 1);
}

void db_drop(pw_db_t *db, const char *why)
{
    db_set_error(db, why);
    if (db->conn)
        PQfinish(db->conn);
    db->conn = NULL;
    db->broken = 1;
}

/* Waits until the socket is ready for events. Returns 0, or -1 after
 * dropping the connection (deadline passed, interrupted, poll failed). */
static int db_wait(pw_db_t *db, short events, int64_t deadline, const char *what)
{
    for (;;) {
        char why[DB_ERR_LEN];
        if (db->interrupt && db->interrupt(db->interrupt_ctx)) {
            snprintf(why, sizeof why, "%s abandoned: shutting down", what);
            db_drop(db, why);
            return -1;
        }
        int64_t left = deadline ? deadline - pw_mono_ms() : DB_TICK_MS;
        if (left <= 0) {
            snprintf(why, sizeof why, "%s: no answer from the database in time", what);
            db_drop(db, why);
            return -1;
        }
        struct pollfd p = {.fd = PQsocket(db->conn), .events = events};
        int n = poll(&p, 1, (int)(left < DB_TICK_MS ? left : DB_TICK_MS));
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR) {
            snprintf(why, sizeof why, "%s: poll: %s", what, strerror(errno));
            db_drop(db, why);
            return -1;
        }
    }
}

/* The startup keywords: ours first, so the URL (dbname, expanded) wins. */
static PGconn *db_start(pw_db_t *db)
{
    char timeout[16], idle[16], options[160];
    const pw_db_opts_t *o = &db->opts;
    snprintf(timeout, sizeof timeout, "%d", o->connect_timeout_s);
    snprintf(idle, sizeof idle, "%d", o->keepalive_idle_s);
    snprintf(options, sizeof options,
             "-c statement_timeout=%d -c idle_in_transaction_session_timeout=%d "
             "-c client_min_messages=warning",
             o->statement_timeout_ms, o->idle_in_txn_timeout_ms);
    const char *const keys[] = {"application_name",
                                "connect_timeout",
                                "keepalives",
                                "keepalives_idle",
                                "keepalives_interval",
                                "keepalives_count",
                                "options",
                                "dbname",
                                NULL};
    const char *const vals[] = {
        o->application_name, timeout, "1",     idle, DB_KEEPALIVE_INTERVAL_S,
        DB_KEEPALIVE_COUNT,  options, db->url, NULL};
    return PQconnectStartParams(keys, vals, 1);
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

int db_connect(pw_db_t *db)
{
    db->conn = db_start(db);
    if (!db->conn || PQstatus(db->conn) == CONNECTION_BAD) {
        db_drop(db, db->conn ? PQerrorMessage(db->conn) : "out of memory");
        return -1;
    }
    int64_t deadline = pw_mono_ms() + (int64_t)db->opts.connect_timeout_s * 1000;
    atomic_store(&db->waiting_since_ms, pw_mono_ms());
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    int rc = 0;
    while (st != PGRES_POLLING_OK && rc == 0) {
        if (st == PGRES_POLLING_FAILED) {
            db_drop(db, PQerrorMessage(db->conn));
            rc = -1;
        } else if (db_wait(db, st == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline,
                           "connecting") != 0) {
            rc = -1;
        } else {
            st = PQconnectPoll(db->conn);
        }
    }
    atomic_store(&db->waiting_since_ms, 0);
    if (rc != 0)
        return -1;
    if (PQsetnonblocking(db->conn, 1) != 0) {
        db_drop(db, PQerrorMessage(db->conn));
        return -1;
    }
    PQsetNoticeProcessor(db->conn, log_notice, NULL);
    return 0;
}

static int64_t answer_deadline(const pw_db_t *db, int64_t now)
{
    int st = db->statement_timeout_ms;
    return st > 0 ? now + st + DB_ANSWER_GRACE_MS : 0;
}

/* Reads what arrived; 0, or -1 with the connection dropped. */
static int db_consume(pw_db_t *db)
{
    if (PQconsumeInput(db->conn))
        return 0;
    db_drop(db, PQerrorMessage(db->conn));
    return -1;
}

static int db_flush_until(pw_db_t *db, int64_t deadline)
{
    int rc;
    while ((rc = PQflush(db->conn)) == 1)
        if (db_wait(db, POLLIN | POLLOUT, deadline, "sending") != 0 || db_consume(db) != 0)
            return -1;
    if (rc < 0) {
        db_drop(db, PQerrorMessage(db->conn));
        return -1;
    }
    return 0;
}

int db_flush(pw_db_t *db)
{
    if (!db->conn)
        return -1;
    int64_t now = pw_mono_ms();
    atomic_store(&db->waiting_since_ms, now);
    int rc = db_flush_until(db, answer_deadline(db, now));
    atomic_store(&db->waiting_since_ms, 0);
    return rc;
}

/* Keeps the first error of a multi-statement answer, else the last. */
static PGresult *keep_result(PGresult *kept, PGresult *r)
{
    if (kept && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
        PQclear(r);
        return kept;
    }
    PQclear(kept);
    return r;
}

static int is_copy(const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH;
}

static PGresult *db_collect(pw_db_t *db, int64_t deadline)
{
    PGresult *kept = NULL;
    for (;;) {
        while (PQisBusy(db->conn))
            if (db_wait(db, POLLIN, deadline, "waiting for an answer") != 0 ||
                db_consume(db) != 0) {
                PQclear(kept);
                return NULL;
            }
        PGresult *r = PQgetResult(db->conn);
        if (!r)
            return kept;
        if (is_copy(r)) {
            PQclear(kept);
            return r;
        }
        kept = keep_result(kept, r);
    }
}

PGresult *db_await(pw_db_t *db, int sent)
{
    if (!sent) {
        db_set_error(db, PQerrorMessage(db->conn));
        if (PQstatus(db->conn) != CONNECTION_OK)
            db_drop(db, db->error);
        return NULL;
    }
    int64_t now = pw_mono_ms();
    int64_t deadline = answer_deadline(db, now);
    atomic_store(&db->waiting_since_ms, now);
    PGresult *r = db_flush_until(db, deadline) == 0 ? db_collect(db, deadline) : NULL;
    atomic_store(&db->waiting_since_ms, 0);
    if (!r && db->conn)
        db_set_error(db, PQerrorMessage(db->conn));
    return r;
}
