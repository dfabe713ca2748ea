/* The outbox: notifications waiting to be delivered, and what happened to
 * each (notification.outbox, notification.attempt). Every state change is
 * announced as NotificationChanged on stream "notification" in the same
 * transaction.
 *
 * Delivery guarantee. A row is claimed (state "sending", committed), then
 * delivered with no transaction open, then its result is recorded in a
 * second transaction. If the process dies between delivery and record, the
 * row stays "sending"; it is reclaimed (at start-up, or when its claim is
 * older than a lease) and delivered again with the SAME notification id in
 * Message-ID / X-Pathways-Notification-Id / the file sink's JSON. So
 * delivery toward the receiver is at-least-once, and a receiver dedupes by
 * the notification id; on our side one trigger never makes two rows. */
#ifndef PATHWAYS_NOTIFICATION_OUTBOX_H
#define PATHWAYS_NOTIFICATION_OUTBOX_H

#include <stdint.h>

#include "backoff.h"
#include "pathways/db.h"
#include "publisher.h"
#include "routes.h"

#define NTF_EVENT_TYPE "org.pathways.notification.changed.v1"

/* A notification to queue; strings borrowed. */
typedef struct {
    const char *trigger_event_id; /* the stream event that caused it */
    const char *trigger;          /* "invitation", "exited"... */
    const char *recipient;        /* "employee", "hr", "provider" */
    const char *employer;
    const char *employee;
    const char *program;
    const char *channel; /* "email", "webhook" */
    const char *context; /* JSON object of the trigger's variables; NULL: {} */
} ntf_enqueue_t;

/* One state change to announce as NotificationChanged; strings borrowed. */
typedef struct {
    const char *notification_id;
    const char *trigger;
    const char *employer;
    const char *employee;
    const char *recipient;
    const char *channel;
    const char *state;
    int attempts;
    const char *error;
} ntf_announce_t;

/* Appends the NotificationChanged event for a (stream key employer/employee).
 * Returns 0 or -1 with err. */
int ntf_outbox_announce(const ntf_publisher_t *pub, const ntf_announce_t *a, char *err,
                        size_t errlen) __attribute__((warn_unused_result));

/* A batch of notifications to queue, in order; strings borrowed. Zero-
 * initialize; ntf_queue_release when done. */
typedef struct {
    ntf_enqueue_t *rows;
    size_t n, cap;
} ntf_queue_t;

/* Appends a copy of *q (its strings stay borrowed). Returns 0 or -1 (OOM). */
int ntf_queue_add(ntf_queue_t *b, const ntf_enqueue_t *q) __attribute__((warn_unused_result));
void ntf_queue_release(ntf_queue_t *b);

/* Queues the batch inside the caller's open transaction in one statement
 * and announces each new row (state QUEUED) in batch order. A (trigger
 * event, recipient, channel) queued before, or earlier in the batch, is
 * skipped. Returns the number newly queued, -1 with err. */
int ntf_outbox_enqueue(pw_db_t *db, const ntf_publisher_t *pub, const ntf_queue_t *b, char *err,
                       size_t errlen) __attribute__((warn_unused_result));

/* Inside the caller's transaction, one statement: marks up to limit due
 * rows (queued or retrying, next_attempt_at passed) "sending", skipping
 * rows another worker holds. Returns their rows (columns notification_id,
 * trigger, recipient, employer, employee, program, channel, context,
 * attempts, address_waits, address_waited_ms (how long it has waited for
 * an address, 0 when it is not waiting), reclaimed (t when it was once
 * left in "sending" and put back); the employee's directory entry: email,
 * given_name, language, "" when none; the person's preferences:
 * pref_found, opted_out, channel_ok, pref_language); caller PQclear()s.
 * NULL on error. */
PGresult *ntf_outbox_claim(pw_db_t *db, int limit) __attribute__((warn_unused_result));

/* Puts "sending" rows back to "retrying", due now: all of them when
 * lease_s is 0 (start-up), else those claimed more than lease_s seconds
 * ago. Returns the number reclaimed or -1. Autocommits. */
int ntf_outbox_reclaim(pw_db_t *db, int lease_s) __attribute__((warn_unused_result));

/* The result of one delivery try of a claimed row; strings borrowed. */
typedef struct {
    const char *notification_id;
    const char *trigger;
    const char *employer;
    const char *employee;
    ntf_outcome_t outcome;
    ntf_decision_t decision;
    const char *error;     /* "" on success */
    const char *recipient; /* NULL: "employee" */
    const char *channel;   /* NULL: "email" */
    const char *address;   /* where it went; NULL: "" */
} ntf_record_t;

/* Inside the caller's transaction, one statement: applies r->decision to
 * the row (only if it is still "sending") and appends the attempt row;
 * then announces the new state. Returns 1 recorded, 0 when the row was no
 * longer "sending" (reclaimed meanwhile; nothing written), -1 with err. */
int ntf_outbox_record(pw_db_t *db, const ntf_publisher_t *pub, const ntf_record_t *r, char *err,
                      size_t errlen) __attribute__((warn_unused_result));

#endif
