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

#include "triggers.h"

/* Inside the caller's transaction: cancels the pending reminders of
 * (employer, employee, program) except those for keep_cohort (NULL: all).
 * Returns 0 or -1 with err. */
int ntf_reminders_cancel(pw_db_t *db, const char *employer, const char *employee,
                         const char *program, const char *keep_cohort, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Inside the caller's transaction: stores the reminders for an ENROLLED
 * event (source_event_id) when the start date is known. Returns the number
 * stored, or -1 with err. */
int ntf_reminders_schedule(pw_db_t *db, const ntf_triggers_t *t, const char *source_event_id,
                           const Pathways__V1__EnrollmentChanged *e, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Queues the reminders due today (pw_date_today) in one transaction it
 * opens and ends through t->pub. Returns the number queued or cancelled,
 * or -1 on a database failure. */
int ntf_reminders_tick(pw_db_t *db, const ntf_triggers_t *t) __attribute__((warn_unused_result));

#endif
