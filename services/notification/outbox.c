/* Outbox rows and their lifecycle events (see outbox.h for the delivery
 * guarantee). */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "pathways/topology.h"
#include "pathways/codec.h"

#define NTF_KEY_MAX 512

/* The batch's rows in one statement. A trigger replayed (here or in an
 * earlier batch) inserts nothing; the result lists the rows inserted with
 * their place in the batch (ord, 1-based), in batch order, so they are
 * announced in the order one-at-a-time queuing would have used. */
static const char *SQL_ENQUEUE =
    "WITH q AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    "   $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS q(trigger_event_id, trigger,"
    "   recipient, employer, employee, program, channel, context, ord)),"
    " ins AS (INSERT INTO notification.outbox (trigger_event_id, trigger, recipient, employer,"
    "   employee, program, channel, context, state)"
    "   SELECT DISTINCT ON (trigger_event_id, recipient, channel) trigger_event_id, trigger,"
    "   recipient, employer, employee, program, channel, context::jsonb, 'queued' FROM q"
    "   ORDER BY trigger_event_id, recipient, channel, ord"
    "   ON CONFLICT (trigger_event_id, recipient, channel) DO NOTHING"
    "   RETURNING notification_id, trigger_event_id, recipient, channel)"
    " SELECT ins.notification_id, min(q.ord) AS ord FROM ins"
    " JOIN q USING (trigger_event_id, recipient, channel)"
    " GROUP BY ins.notification_id ORDER BY ord";

#define ENQUEUE_COLUMNS 8

/* One statement per batch: claims due rows and reads, with them, what
 * sending needs from this schema -- the employee's directory entry and
 * the person's preferences (the employee, or '#hr' for HR; providers have
 * none) -- so no row costs a lookup of its own. */
static const char *SQL_CLAIM =
    "WITH c AS (UPDATE notification.outbox SET state = 'sending', claimed_at = now(),"
    "   updated_at = now()"
    "   WHERE notification_id IN (SELECT notification_id FROM notification.outbox"
    "     WHERE state IN ('queued', 'retrying') AND next_attempt_at <= now()"
    "     ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
    "   RETURNING notification_id, trigger, recipient, employer, employee, program, channel,"
    "   context::text AS context, attempts, address_waits, next_attempt_at,"
    "   COALESCE((extract(epoch FROM now() - address_wait_since) * 1000)::bigint, 0)"
    "     AS address_waited_ms, reclaimed_at IS NOT NULL AS reclaimed)"
    " SELECT c.notification_id, c.trigger, c.recipient, c.employer, c.employee, c.program,"
    " c.channel, c.context, c.attempts, c.address_waits, c.address_waited_ms, c.reclaimed,"
    " COALESCE(r.email, '') AS email,"
    " COALESCE(r.given_name, '') AS given_name, COALESCE(r.language, '') AS language,"
    " (p.person IS NOT NULL) AS pref_found, COALESCE(p.opted_out, false) AS opted_out,"
    " COALESCE(c.channel = ANY (p.channels), false) AS channel_ok,"
    " COALESCE(p.language, '') AS pref_language"
    " FROM c LEFT JOIN notification.recipient r"
    "   ON r.employer = c.employer AND r.employee = c.employee"
    " LEFT JOIN notification.preference p ON p.employer = c.employer"
    "   AND p.person = CASE c.recipient WHEN 'employee' THEN c.employee"
    "   WHEN 'hr' THEN '#hr' END"
    " ORDER BY c.next_attempt_at, c.notification_id";

static const char *SQL_RECLAIM =
    "UPDATE notification.outbox SET state = 'retrying', next_attempt_at = now(),"
    " last_error = 'reclaimed: delivery may have happened', reclaimed_at = now(),"
    " updated_at = now()"
    " WHERE state = 'sending' AND claimed_at < now() - make_interval(secs => $1::int)";

/* The row's new state and its attempt row in one statement, only while
 * the row is still "sending". Attempts are numbered per notification,
 * across administrators' retries. */
static const char *SQL_RECORD =
    "WITH u AS (UPDATE notification.outbox SET state = $2, attempts = $3, address_waits = $4,"
    "   next_attempt_at = now() + make_interval(secs => $5::double precision / 1000),"
    "   sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END,"
    "   dead_at = CASE WHEN $2 = 'dead' THEN now() ELSE dead_at END,"
    "   cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() ELSE cancelled_at END,"
    "   address = CASE WHEN $7 <> '' THEN $7 ELSE address END,"
    "   address_wait_since = CASE WHEN $8 = 'no_address' AND $2 = 'retrying'"
    "     THEN COALESCE(address_wait_since, now()) END,"
    "   last_error = $6, updated_at = now()"
    "   WHERE notification_id = $1 AND state = 'sending' RETURNING notification_id)"
    " INSERT INTO notification.attempt (notification_id, attempt, result, error, channel, address)"
    " SELECT u.notification_id, (SELECT count(*) + 1 FROM notification.attempt a"
    "   WHERE a.notification_id = u.notification_id), $8, $6, $9, $7 FROM u"
    " RETURNING notification_id";

static Pathways__V1__DeliveryState state_enum(const char *s)
{
    if (strcmp(s, "queued") == 0)
        return PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_QUEUED;
    if (strcmp(s, "sending") == 0)
        return PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_SENDING;
    if (strcmp(s, "sent") == 0)
        return PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_SENT;
    if (strcmp(s, "retrying") == 0)
        return PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_RETRYING;
    if (strcmp(s, "dead") == 0)
        return PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_DEAD;
    if (strcmp(s, "cancelled") == 0)
        return PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_CANCELLED;
    return PATHWAYS__V1__DELIVERY_STATE__DELIVERY_STATE_UNSPECIFIED;
}

static const char *outcome_name(ntf_outcome_t o)
{
    static const char *names[] = {"sent",       "temporary", "permanent",
                                  "no_address", "opted_out", "no_contact"};
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "temporary";
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

int ntf_outbox_announce(const ntf_publisher_t *pub, const ntf_announce_t *a, char *err,
                        size_t errlen)
{
    char key[NTF_KEY_MAX];
    int n = snprintf(key, sizeof key, "%s/%s", nz(a->employer), nz(a->employee));
    if (n < 0 || (size_t)n >= sizeof key) {
        snprintf(err, errlen, "stream key too long");
        return -1;
    }
    Pathways__V1__NotificationChanged ev = PATHWAYS__V1__NOTIFICATION_CHANGED__INIT;
    ev.notification_id = (char *)nz(a->notification_id);
    ev.trigger = (char *)nz(a->trigger);
    ev.employer = (char *)nz(a->employer);
    ev.employee = (char *)nz(a->employee);
    ev.recipient = (char *)(a->recipient ? a->recipient : NTF_RECIPIENT_EMPLOYEE);
    ev.channel = a->channel && strcmp(a->channel, NTF_CHANNEL_WEBHOOK) == 0
                     ? PATHWAYS__V1__CHANNEL__CHANNEL_WEBHOOK
                     : PATHWAYS__V1__CHANNEL__CHANNEL_EMAIL;
    ev.state = state_enum(nz(a->state));
    ev.attempts = (uint32_t)(a->attempts < 0 ? 0 : a->attempts);
    /* No error text on the stream: no consumer reads it, and a mail
     * server's refusal can quote the address. It stays in
     * notification.attempt, readable by administrators. */
    if (pub->append(pub->ctx, PW_STREAM_NOTIFICATION, NTF_EVENT_TYPE, key, NULL, &ev.base) != 0) {
        snprintf(err, errlen, "cannot append NotificationChanged");
        return -1;
    }
    return 0;
}

int ntf_queue_add(ntf_queue_t *b, const ntf_enqueue_t *q)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        ntf_enqueue_t *rows = realloc(b->rows, cap * sizeof *rows);
        if (!rows)
            return -1;
        b->rows = rows;
        b->cap = cap;
    }
    b->rows[b->n++] = *q;
    return 0;
}

void ntf_queue_release(ntf_queue_t *b)
{
    free(b->rows);
    *b = (ntf_queue_t){0};
}

static int bind_queue(const ntf_queue_t *b, ntf_columns_t *cols, const char **params)
{
    if (ntf_columns_init(cols, ENQUEUE_COLUMNS) != 0)
        return -1;
    for (size_t i = 0; i < b->n; i++) {
        const ntf_enqueue_t *q = &b->rows[i];
        const char *row[ENQUEUE_COLUMNS] = {
            q->trigger_event_id, q->trigger,     q->recipient, q->employer,
            q->employee,         nz(q->program), q->channel,   q->context ? q->context : "{}"};
        ntf_columns_add(cols, row);
    }
    return ntf_columns_params(cols, params);
}

/* Announces the rows res says were inserted. Returns how many, or -1. */
static int announce_queued(const ntf_queue_t *b, const ntf_publisher_t *pub, const PGresult *res,
                           char *err, size_t errlen)
{
    int n = PQntuples(res);
    for (int i = 0; i < n; i++) {
        int64_t ord = pw_db_get_i64(res, i, "ord");
        if (ord < 1 || (size_t)ord > b->n) {
            snprintf(err, errlen, "queue notification: row %lld out of the batch", (long long)ord);
            return -1;
        }
        const ntf_enqueue_t *q = &b->rows[ord - 1];
        ntf_announce_t a = {pw_db_get(res, i, "notification_id"),
                            q->trigger,
                            q->employer,
                            q->employee,
                            q->recipient,
                            q->channel,
                            "queued",
                            0,
                            ""};
        if (ntf_outbox_announce(pub, &a, err, errlen) != 0)
            return -1;
    }
    return n;
}

int ntf_outbox_enqueue(pw_db_t *db, const ntf_publisher_t *pub, const ntf_queue_t *b, char *err,
                       size_t errlen)
{
    if (b->n == 0)
        return 0;
    ntf_columns_t cols;
    const char *p[ENQUEUE_COLUMNS];
    PGresult *res = bind_queue(b, &cols, p) == 0
                        ? pw_db_prepared(db, "ntf_enqueue", SQL_ENQUEUE, ENQUEUE_COLUMNS, p)
                        : NULL;
    ntf_columns_release(&cols);
    if (!res) {
        snprintf(err, errlen, "queue notifications: %s", pw_db_error(db));
        return -1;
    }
    int rc = announce_queued(b, pub, res, err, errlen);
    PQclear(res);
    return rc;
}

PGresult *ntf_outbox_claim(pw_db_t *db, int limit)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit > 0 ? limit : 1);
    const char *p[1] = {lim};
    return pw_db_prepared(db, "ntf_claim", SQL_CLAIM, 1, p);
}

int ntf_outbox_reclaim(pw_db_t *db, int lease_s)
{
    char secs[16];
    snprintf(secs, sizeof secs, "%d", lease_s < 0 ? 0 : lease_s);
    const char *p[1] = {secs};
    PGresult *res = pw_db_prepared(db, "ntf_reclaim", SQL_RECLAIM, 1, p);
    if (!res)
        return -1;
    int n = atoi(PQcmdTuples(res));
    PQclear(res);
    return n;
}

int ntf_outbox_record(pw_db_t *db, const ntf_publisher_t *pub, const ntf_record_t *r, char *err,
                      size_t errlen)
{
    const ntf_decision_t *d = &r->decision;
    char attempts[16], waits[16], delay[24];
    snprintf(attempts, sizeof attempts, "%d", d->attempts);
    snprintf(waits, sizeof waits, "%d", d->address_waits);
    snprintf(delay, sizeof delay, "%lld", (long long)d->delay_ms);
    const char *error = r->error ? r->error : "";
    const char *channel = r->channel ? r->channel : NTF_CHANNEL_EMAIL;
    const char *p[9] = {
        r->notification_id,       d->state, attempts, waits, delay, error, nz(r->address),
        outcome_name(r->outcome), channel};
    PGresult *res = pw_db_prepared(db, "ntf_record", SQL_RECORD, 9, p);
    if (!res) {
        snprintf(err, errlen, "record delivery: %s", pw_db_error(db));
        return -1;
    }
    int updated = PQntuples(res) == 1;
    PQclear(res);
    if (!updated)
        return 0;
    ntf_announce_t ann = {r->notification_id, r->trigger,   r->employer,
                          r->employee,        r->recipient, channel,
                          d->state,           d->attempts,  error};
    if (ntf_outbox_announce(pub, &ann, err, errlen) != 0)
        return -1;
    return 1;
}
