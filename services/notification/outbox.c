/* Outbox rows and their lifecycle events (see outbox.h for the delivery
 * guarantee). */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"

#define NTF_KEY_MAX 512

static const char *SQL_ENQUEUE =
    "INSERT INTO notification.outbox (trigger_event_id, trigger, recipient, employer, employee,"
    " program, channel, state) VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued')"
    " ON CONFLICT (trigger_event_id, recipient, channel) DO NOTHING RETURNING notification_id";

static const char *SQL_CLAIM =
    "UPDATE notification.outbox SET state = 'sending', claimed_at = now(), updated_at = now()"
    " WHERE notification_id IN (SELECT notification_id FROM notification.outbox"
    "   WHERE state IN ('queued', 'retrying') AND next_attempt_at <= now()"
    "   ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
    " RETURNING notification_id, trigger, employer, employee, program, channel, attempts,"
    " address_waits";

static const char *SQL_RECLAIM =
    "UPDATE notification.outbox SET state = 'retrying', next_attempt_at = now(),"
    " last_error = 'reclaimed: delivery may have happened', updated_at = now()"
    " WHERE state = 'sending' AND claimed_at < now() - make_interval(secs => $1::int)";

static const char *SQL_RECORD =
    "UPDATE notification.outbox SET state = $2, attempts = $3, address_waits = $4,"
    " next_attempt_at = now() + make_interval(secs => $5::double precision / 1000),"
    " sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END,"
    " last_error = $6, updated_at = now()"
    " WHERE notification_id = $1 AND state = 'sending' RETURNING notification_id";

static const char *SQL_ATTEMPT =
    "INSERT INTO notification.attempt (notification_id, attempt, result, error)"
    " VALUES ($1, $2, $3, $4)";

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
    static const char *names[] = {"sent", "temporary", "permanent", "no_address"};
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "temporary";
}

/* Appends NotificationChanged for one row. Returns 0 or -1 with err. */
static int announce(const ntf_publisher_t *pub, const char *id, const char *trigger,
                    const char *employer, const char *employee, const char *state, int attempts,
                    const char *error, char *err, size_t errlen)
{
    char key[NTF_KEY_MAX];
    int n = snprintf(key, sizeof key, "%s/%s", employer, employee);
    if (n < 0 || (size_t)n >= sizeof key) {
        snprintf(err, errlen, "stream key too long");
        return -1;
    }
    Pathways__V1__NotificationChanged ev = PATHWAYS__V1__NOTIFICATION_CHANGED__INIT;
    ev.notification_id = (char *)id;
    ev.trigger = (char *)trigger;
    ev.employer = (char *)employer;
    ev.employee = (char *)employee;
    ev.channel = PATHWAYS__V1__CHANNEL__CHANNEL_EMAIL;
    ev.state = state_enum(state);
    ev.attempts = (uint32_t)(attempts < 0 ? 0 : attempts);
    ev.error = (char *)(error ? error : "");
    if (pub->append(pub->ctx, NTF_STREAM, NTF_EVENT_TYPE, key, NULL, &ev.base) != 0) {
        snprintf(err, errlen, "cannot append NotificationChanged");
        return -1;
    }
    return 0;
}

int ntf_outbox_enqueue(pw_db_t *db, const ntf_publisher_t *pub, const ntf_enqueue_t *q, char *err,
                       size_t errlen)
{
    const char *p[7] = {q->trigger_event_id, q->trigger,  q->recipient,
                        q->employer,         q->employee, q->program ? q->program : "",
                        q->channel};
    PGresult *res = pw_db_prepared(db, "ntf_enqueue", SQL_ENQUEUE, 7, p);
    if (!res) {
        snprintf(err, errlen, "queue notification: %s", pw_db_error(db));
        return -1;
    }
    int created = PQntuples(res) == 1;
    int rc = created ? announce(pub, pw_db_get(res, 0, "notification_id"), q->trigger, q->employer,
                                q->employee, "queued", 0, "", err, errlen)
                     : 0;
    PQclear(res);
    return rc != 0 ? -1 : created;
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
    char attempts[16], waits[16], delay[24], tries[16];
    snprintf(attempts, sizeof attempts, "%d", d->attempts);
    snprintf(waits, sizeof waits, "%d", d->address_waits);
    snprintf(delay, sizeof delay, "%lld", (long long)d->delay_ms);
    snprintf(tries, sizeof tries, "%d", d->attempts + d->address_waits);
    const char *error = r->error ? r->error : "";
    const char *p[6] = {r->notification_id, d->state, attempts, waits, delay, error};
    PGresult *res = pw_db_prepared(db, "ntf_record", SQL_RECORD, 6, p);
    if (!res) {
        snprintf(err, errlen, "record delivery: %s", pw_db_error(db));
        return -1;
    }
    int updated = PQntuples(res) == 1;
    PQclear(res);
    if (!updated)
        return 0;
    const char *a[4] = {r->notification_id, tries, outcome_name(r->outcome), error};
    res = pw_db_prepared(db, "ntf_attempt", SQL_ATTEMPT, 4, a);
    if (!res) {
        snprintf(err, errlen, "record attempt: %s", pw_db_error(db));
        return -1;
    }
    PQclear(res);
    if (announce(pub, r->notification_id, r->trigger, r->employer, r->employee, d->state,
                 d->attempts, error, err, errlen) != 0)
        return -1;
    return 1;
}
