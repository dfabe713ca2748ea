/* "Cohort starting in N days": durable reminders (notification.reminder).
 * When an enrollment becomes ENROLLED in a cohort whose start date is known
 * (EnrollmentChanged.cohort_start_date, else the cohort's start_date in
 * contacts.yaml), one reminder per offset of the program's reminder_days is
 * stored, due on start - N days; offsets whose day has already passed are
 * skipped (no late reminders). A timer turns due reminders into
 * "cohort_starting" notifications, once each; a reminder whose cohort has
 * already started by then is cancelled, and any later transition of the
 * enrollment (exit, pause, another cohort) cancels the pending ones. Being
 * rows, reminders survive restarts. */
#ifndef PATHWAYS_NOTIFICATION_REMINDERS_H
#define PATHWAYS_NOTIFICATION_REMINDERS_H

#include "columns.h"
#include "triggers.h"

/* What one batch of enrollment events does to reminders, gathered first
 * and written in one statement (ntf_reminders_apply). */
typedef struct {
    ntf_columns_t follow;   /* every transition: pending reminders to cancel */
    ntf_columns_t schedule; /* ENROLLED events: reminders to store */
} ntf_reminder_batch_t;

/* Returns 0 or -1 (out of memory; ntf_reminders_release is still safe). */
int ntf_reminders_begin(ntf_reminder_batch_t *b) __attribute__((warn_unused_result));
void ntf_reminders_release(ntf_reminder_batch_t *b);

/* Adds the transition e, the batch's event number ord (1-based, in stream
 * order), whose event id is source_event_id: its pending reminders are
 * cancelled except those for the cohort it is enrolled in, and an ENROLLED
 * event with a known start date stores one reminder per offset whose day
 * has not passed. Returns 0 or -1 (out of memory). */
int ntf_reminders_follow(ntf_reminder_batch_t *b, const ntf_triggers_t *t, size_t ord,
                         const char *source_event_id, const Pathways__V1__EnrollmentChanged *e)
    __attribute__((warn_unused_result));

/* Inside the caller's transaction, one statement: cancels and stores what
 * the batch added, as applying its events one by one would. A reminder
 * that a later event of the same batch cancels is stored cancelled (one
 * row version, not two). Nothing to do: no statement. Returns 0 or -1
 * with err. */
int ntf_reminders_apply(pw_db_t *db, ntf_reminder_batch_t *b, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Queues the reminders due today (pw_date_today) in one transaction it
 * opens and ends through t->pub. Returns the number queued or cancelled,
 * or -1 on a database failure. */
int ntf_reminders_tick(pw_db_t *db, const ntf_triggers_t *t) __attribute__((warn_unused_result));

#endif
