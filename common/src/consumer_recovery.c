/* The consumer's recovery paths: an event that fails is retried with
 * backoff or moved to the dead letters (careful mode, one savepoint per
 * event), and a dead letter an administrator asks for is applied again,
 * exactly once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer_internal.h"
#include "pathways/date.h"
#include "pathways/log.h"

#define RETRY_BASE_MS 100
#define RETRY_CAP_MS  5000
#define REPLAY_BATCH  50

/* Records one more failed attempt of ev; returns the attempts so far. */
static int record_attempt(pw_consumer_t *c, pw_db_t *db, const pw_event_t *ev, const char *err)
{
    char part[16], seq[24];
    snprintf(part, sizeof part, "%u", ev->partition);
    snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
    const char *params[] = {c->consumer, c->stream, part, seq, err};
    PGresult *r = pw_db_prepared(db, "consumer_attempt",
                                 "INSERT INTO stream.attempt AS a (consumer, stream, partition, "
                                 "seq, attempts, last_error) VALUES ($1, $2, $3::int, $4::bigint, "
                                 "1, $5) ON CONFLICT (consumer, stream, partition, seq) DO UPDATE "
                                 "SET attempts = a.attempts + 1, last_error = $5, "
                                 "updated_at = now() RETURNING attempts",
                                 5, params);
    if (!r)
        return -1;
    int n = (int)pw_db_get_i64(r, 0, "attempts");
    PQclear(r);
    c->retried++;
    return n;
}

/* Moves ev to the dead letters (its attempt row goes with it). */
static int dead_letter(pw_consumer_t *c, pw_db_t *db, const pw_event_t *ev, int attempts,
                       const char *reason)
{
    char part[16], seq[24], att[16];
    snprintf(part, sizeof part, "%u", ev->partition);
    snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
    snprintf(att, sizeof att, "%d", attempts);
    const char *params[] = {
        c->consumer, c->stream, part, seq, ev->type, ev->event_id, (const char *)ev->payload,
        att,         reason};
    int lengths[] = {0, 0, 0, 0, 0, 0, (int)ev->payload_len, 0, 0};
    int formats[] = {0, 0, 0, 0, 0, 0, 1, 0, 0};
    PGresult *r = pw_db_prepared_bin(
        db, "consumer_dead_letter",
        "WITH gone AS (DELETE FROM stream.attempt WHERE consumer = $1 AND stream = $2 AND "
        "partition = $3::int AND seq = $4::bigint) INSERT INTO stream.dead_letter (consumer, "
        "stream, partition, seq, type, event_id, payload, attempts, reason) VALUES ($1, $2, "
        "$3::int, $4::bigint, $5, $6, $7, $8::int, $9) ON CONFLICT DO NOTHING",
        9, params, lengths, formats);
    if (!r)
        return -1;
    PQclear(r);
    c->dead++;
    pw_logkv(PW_LOG_WARN, "event dead-lettered", "consumer", c->consumer, "stream", c->stream,
             "seq", seq, "event_id", ev->event_id, "reason", reason, NULL);
    return 0;
}

static void schedule_retry(pw_consumer_t *c, int attempts)
{
    int64_t delay = RETRY_BASE_MS;
    for (int i = 1; i < attempts && delay < RETRY_CAP_MS; i++)
        delay *= 2;
    c->retry_at_ms = pw_mono_ms() + (delay < RETRY_CAP_MS ? delay : RETRY_CAP_MS);
}

/* Careful mode, after the fast path failed: each event under a savepoint,
 * so one bad event cannot take the batch down. Returns events handled
 * (applied or dead-lettered) or -1. */
int consumer_apply_careful(pw_consumer_t *c, pw_db_t *db, const pw_event_t *evs, int n)
{
    if (pw_db_begin(db) != 0)
        return -1;
    uint32_t p = evs[0].partition;
    int done = 0, dead = 0;
    char err[ERR_LEN];
    for (; done < n; done++) {
        const pw_event_t *ev = &evs[done];
        size_t mark = c->o.appender ? pw_appender_pending(c->o.appender) : 0;
        if (pw_db_exec(db, "SAVEPOINT ev", 0, NULL) != 0)
            goto fail;
        err[0] = '\0';
        pw_apply_t rc = consumer_apply(c, db, ev, 1, err, sizeof err);
        if (rc == PW_APPLY_OK && pw_db_exec(db, "RELEASE SAVEPOINT ev", 0, NULL) == 0)
            continue;
        if (pw_db_broken(db))
            goto fail;
        if (!err[0])
            snprintf(err, sizeof err, "%s", pw_db_error(db));
        if (pw_db_exec(db, "ROLLBACK TO SAVEPOINT ev", 0, NULL) != 0)
            goto fail;
        if (c->o.appender)
            pw_appender_truncate(c->o.appender, mark);
        int attempts = rc == PW_APPLY_REJECT ? c->o.max_attempts : record_attempt(c, db, ev, err);
        if (attempts < 0)
            goto fail;
        if (attempts < c->o.max_attempts) {
            schedule_retry(c, attempts);
            break; /* keep order: nothing after ev applies before it */
        }
        if (dead_letter(c, db, ev, attempts, err) != 0)
            goto fail;
        dead++;
    }
    if (done > 0 && consumer_advance_offset(c, db, p, evs[done - 1].seq) != 0)
        goto fail;
    if (consumer_finish_batch(c, db) != 0)
        return -1;
    if (done > 0)
        c->offsets[p] = evs[done - 1].seq;
    c->applied += (uint64_t)(done - dead);
    c->last_news_ms = pw_mono_ms();
    return done;
fail:
    consumer_abort_batch(c, db);
    return -1;
}

/* Applies one requested dead letter again, exactly once: the effects and
 * replayed_at commit together; a failure is recorded and the request
 * cleared (an administrator may ask again). Returns 1 applied, 0 not. */
static int replay_one(pw_consumer_t *c, pw_db_t *db, const PGresult *r, int i)
{
    pw_event_t ev;
    uint8_t *buf = consumer_event_from_row(c, r, i, &ev);
    const char *id = pw_db_get(r, i, "id");
    char err[ERR_LEN] = "";
    int ok = 0;
    if (buf && pw_db_begin(db) == 0) {
        if (consumer_apply(c, db, &ev, 1, err, sizeof err) == PW_APPLY_OK) {
            const char *params[] = {id};
            PGresult *u = pw_db_prepared(db, "consumer_replay_done",
                                         "UPDATE stream.dead_letter SET replayed_at = now(), "
                                         "replay_error = NULL WHERE id = $1::bigint AND "
                                         "replayed_at IS NULL",
                                         1, params);
            ok = u && atoi(PQcmdTuples(u)) == 1;
            PQclear(u);
        }
        if (ok)
            ok = consumer_finish_batch(c, db) == 0;
        else
            consumer_abort_batch(c, db);
    }
    free(buf);
    if (ok)
        c->replayed++;
    if (!ok && !pw_db_broken(db)) {
        if (!err[0])
            snprintf(err, sizeof err, "%s", buf ? pw_db_error(db) : "unreadable payload");
        const char *params[] = {id, err};
        PGresult *u = pw_db_prepared(db, "consumer_replay_failed",
                                     "UPDATE stream.dead_letter SET replay_error = $2, "
                                     "replay_requested_at = NULL WHERE id = $1::bigint",
                                     2, params);
        PQclear(u);
    }
    pw_logkv(ok ? PW_LOG_INFO : PW_LOG_WARN,
             ok ? "dead letter replayed" : "dead letter replay failed", "consumer", c->consumer,
             "stream", c->stream, "dead_letter_id", id, "error", err, NULL);
    return ok;
}

int consumer_replay_requested(pw_consumer_t *c, pw_db_t *db)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%d", REPLAY_BATCH);
    const char *params[] = {c->consumer, c->stream, limit};
    PGresult *r = pw_db_prepared(
        db, "consumer_replay_list",
        "SELECT d.id, e.partition, e.seq, e.type, e.key, e.event_id, "
        "(extract(epoch FROM e.occurred_at) * 1000000)::bigint AS at_us, e.payload "
        "FROM stream.dead_letter d JOIN stream.event e ON e.stream = d.stream AND "
        "e.partition = d.partition AND e.seq = d.seq WHERE d.consumer = $1 AND d.stream = $2 "
        "AND d.replay_requested_at IS NOT NULL AND d.replayed_at IS NULL ORDER BY d.id "
        "LIMIT $3::int",
        3, params);
    if (!r)
        return -1;
    int n = 0;
    for (int i = 0; i < PQntuples(r); i++)
        n += replay_one(c, db, r, i);
    PQclear(r);
    return n;
}
