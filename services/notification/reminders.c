/* Durable cohort reminders (reminders.h). */
#include "reminders.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"
#include "pathways/log.h"

#define REMINDER_BATCH 100
#define ID_MAX         300

static const char *SQL_CANCEL =
    "UPDATE notification.reminder SET state = 'cancelled', updated_at = now()"
    " WHERE employer = $1 AND employee = $2 AND program = $3 AND state = 'pending'"
    " AND ($4::text IS NULL OR cohort_id <> $4)";

static const char *SQL_SCHEDULE =
    "INSERT INTO notification.reminder (source_event_id, days_before, employer, employee,"
    " program, cohort_id, cohort_start_date, due_date) VALUES ($1, $2::int, $3, $4, $5, $6,"
    " $7::date, $7::date - $2::int) ON CONFLICT (source_event_id, days_before) DO NOTHING";

static const char *SQL_DUE =
    "SELECT id, source_event_id, days_before, employer, employee, program, cohort_id,"
    " cohort_start_date::text AS start, ($2::date > cohort_start_date) AS stale,"
    " (cohort_start_date - $2::date) AS days_left FROM notification.reminder"
    " WHERE state = 'pending' AND due_date <= $2::date ORDER BY due_date, id"
    " LIMIT $1 FOR UPDATE SKIP LOCKED";

static const char *SQL_DONE =
    "UPDATE notification.reminder SET state = $2, updated_at = now() WHERE id = $1::bigint";

int ntf_reminders_cancel(pw_db_t *db, const char *employer, const char *employee,
                         const char *program, const char *keep_cohort, char *err, size_t errlen)
{
    const char *p[4] = {employer, employee, program ? program : "", keep_cohort};
    if (pw_db_exec(db, SQL_CANCEL, 4, p) != 0) {
        snprintf(err, errlen, "cancel reminders: %s", pw_db_error(db));
        return -1;
    }
    return 0;
}

static const char *start_date_of(const ntf_triggers_t *t, const Pathways__V1__EnrollmentChanged *e)
{
    if (e->cohort_start_date && *e->cohort_start_date)
        return e->cohort_start_date;
    return t->contacts ? ntf_contacts_cohort_start(t->contacts, e->cohort_id) : NULL;
}

int ntf_reminders_schedule(pw_db_t *db, const ntf_triggers_t *t, const char *source_event_id,
                           const Pathways__V1__EnrollmentChanged *e, char *err, size_t errlen)
{
    int days[NTF_MAX_REMINDERS];
    size_t n = ntf_routes_reminders(t->routes, e->program, days, NTF_MAX_REMINDERS);
    const char *start = start_date_of(t, e);
    int32_t start_day, today = pw_date_today();
    if (n == 0 || !e->cohort_id || !*e->cohort_id || !start)
        return 0;
    if (pw_date_parse(start, &start_day) != 0) {
        pw_logkv(PW_LOG_WARN, "cohort start date ignored: not YYYY-MM-DD", "cohort", e->cohort_id,
                 "start", start, (char *)NULL);
        return 0;
    }
    int stored = 0;
    for (size_t i = 0; i < n; i++) {
        if (start_day - days[i] < today)
            continue; /* that day has passed: no late reminder */
        char d[16];
        snprintf(d, sizeof d, "%d", days[i]);
        const char *p[7] = {source_event_id, d,    e->employer, e->employee, e->program,
                            e->cohort_id,    start};
        if (pw_db_exec(db, SQL_SCHEDULE, 7, p) != 0) {
            snprintf(err, errlen, "schedule reminder: %s", pw_db_error(db));
            return -1;
        }
        stored++;
    }
    return stored;
}

/* Queues (or, when its cohort has started, cancels) one due reminder. */
static int fire(pw_db_t *db, const ntf_triggers_t *t, const PGresult *res, int i, char *err,
                size_t errlen)
{
    int stale = strcmp(pw_db_get(res, i, "stale"), "t") == 0;
    const char *done[2] = {pw_db_get(res, i, "id"), stale ? "cancelled" : "queued"};
    if (!stale) {
        char id[ID_MAX];
        snprintf(id, sizeof id, "reminder/%s/%s", pw_db_get(res, i, "source_event_id"),
                 pw_db_get(res, i, "days_before"));
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "cohort_id", pw_db_get(res, i, "cohort_id"),
                      "cohort_start_date", pw_db_get(res, i, "start"), "days_until_start",
                      pw_db_get(res, i, "days_left"), "reason", "-", "effective_date",
                      pw_db_get(res, i, "start"));
        char *context = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        int rc =
            context ? ntf_queue_routes(db, t, id, NTF_TRIGGER_REMINDER,
                                       pw_db_get(res, i, "employer"), pw_db_get(res, i, "employee"),
                                       pw_db_get(res, i, "program"), context, err, errlen)
                    : -1;
        free(context);
        if (rc < 0)
            return -1;
    }
    if (pw_db_exec(db, SQL_DONE, 2, done) != 0) {
        snprintf(err, errlen, "reminder state: %s", pw_db_error(db));
        return -1;
    }
    return 0;
}

int ntf_reminders_tick(pw_db_t *db, const ntf_triggers_t *t)
{
    char today[PW_DATE_LEN], lim[16], err[256] = "";
    pw_date_format(pw_date_today(), today);
    snprintf(lim, sizeof lim, "%d", REMINDER_BATCH);
    const char *p[2] = {lim, today};
    if (pw_db_begin(db) != 0)
        return -1;
    PGresult *res = pw_db_query(db, SQL_DUE, 2, p);
    int n = res ? PQntuples(res) : -1;
    for (int i = 0; i < n; i++)
        if (fire(db, t, res, i, err, sizeof err) != 0)
            n = -1;
    PQclear(res);
    if (n < 0) {
        pw_logkv(PW_LOG_ERROR, "cannot queue reminders", "error", *err ? err : pw_db_error(db),
                 (char *)NULL);
        t->pub->rollback(t->pub->ctx, db);
        return -1;
    }
    return t->pub->commit(t->pub->ctx, db) == 0 ? n : -1;
}
