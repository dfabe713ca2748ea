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
#define FOLLOW_COLUMNS 5
#define SCHED_COLUMNS  8
#define DONE_COLUMNS   2

/* $1..$5: the batch's transitions (ord, person, keep: the cohort enrolled
 * in, NULL for any other state); $6..$13: the reminders ENROLLED events
 * store. Reminders on file are cancelled by any transition of the batch
 * (they predate it); a new one only by a transition after its event. A
 * reminder stored again (replay) keeps its row: ON CONFLICT DO NOTHING,
 * the first of the batch wins. */
static const char *SQL_FOLLOW =
    "WITH f AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],"
    "   $5::text[]) AS f(ord, employer, employee, program, keep)),"
    " cancel AS (UPDATE notification.reminder r SET state = 'cancelled', updated_at = now()"
    "   FROM f WHERE r.employer = f.employer AND r.employee = f.employee"
    "   AND r.program = f.program AND r.state = 'pending'"
    "   AND (f.keep IS NULL OR r.cohort_id <> f.keep) RETURNING r.id),"
    " s AS (SELECT * FROM unnest($6::bigint[], $7::text[], $8::int[], $9::text[], $10::text[],"
    "   $11::text[], $12::text[], $13::date[]) AS s(ord, source_event_id, days_before,"
    "   employer, employee, program, cohort_id, start))"
    " INSERT INTO notification.reminder (source_event_id, days_before, employer, employee,"
    " program, cohort_id, cohort_start_date, due_date, state)"
    " SELECT DISTINCT ON (source_event_id, days_before) source_event_id, days_before, employer,"
    " employee, program, cohort_id, start, start - days_before,"
    " CASE WHEN EXISTS (SELECT 1 FROM f WHERE f.ord > s.ord AND f.employer = s.employer"
    "   AND f.employee = s.employee AND f.program = s.program"
    "   AND (f.keep IS NULL OR f.keep <> s.cohort_id)) THEN 'cancelled' ELSE 'pending' END"
    " FROM s ORDER BY source_event_id, days_before, ord"
    " ON CONFLICT (source_event_id, days_before) DO NOTHING";

static const char *SQL_DUE =
    "SELECT id, source_event_id, days_before, employer, employee, program, cohort_id,"
    " cohort_start_date::text AS start, ($2::date > cohort_start_date) AS stale,"
    " (cohort_start_date - $2::date) AS days_left FROM notification.reminder"
    " WHERE state = 'pending' AND due_date <= $2::date ORDER BY due_date, id"
    " LIMIT $1 FOR UPDATE SKIP LOCKED";

static const char *SQL_DONE =
    "UPDATE notification.reminder r SET state = d.state, updated_at = now()"
    " FROM unnest($1::bigint[], $2::text[]) AS d(id, state) WHERE r.id = d.id";

static const char *nz(const char *s)
{
    return s ? s : "";
}

int ntf_reminders_begin(ntf_reminder_batch_t *b)
{
    int rc = ntf_columns_init(&b->follow, FOLLOW_COLUMNS);
    return ntf_columns_init(&b->schedule, SCHED_COLUMNS) == 0 && rc == 0 ? 0 : -1;
}

void ntf_reminders_release(ntf_reminder_batch_t *b)
{
    ntf_columns_release(&b->follow);
    ntf_columns_release(&b->schedule);
}

static const char *start_date_of(const ntf_triggers_t *t, const Pathways__V1__EnrollmentChanged *e)
{
    if (e->cohort_start_date && *e->cohort_start_date)
        return e->cohort_start_date;
    return t->contacts ? ntf_contacts_cohort_start(t->contacts, e->cohort_id) : NULL;
}

/* The reminders an ENROLLED event stores. */
static void schedule(ntf_reminder_batch_t *b, const ntf_triggers_t *t, const char *ord,
                     const char *source_event_id, const Pathways__V1__EnrollmentChanged *e)
{
    int days[NTF_MAX_REMINDERS];
    size_t n = ntf_routes_reminders(t->routes, e->program, days, NTF_MAX_REMINDERS);
    const char *start = start_date_of(t, e);
    int32_t start_day, today = pw_date_today();
    if (n == 0 || !e->cohort_id || !*e->cohort_id || !start)
        return;
    if (pw_date_parse(start, &start_day) != 0) {
        pw_logkv(PW_LOG_WARN, "cohort start date ignored: not YYYY-MM-DD", "cohort", e->cohort_id,
                 "start", start, (char *)NULL);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (start_day - days[i] < today)
            continue; /* that day has passed: no late reminder */
        char d[16];
        snprintf(d, sizeof d, "%d", days[i]);
        const char *row[SCHED_COLUMNS] = {
            ord, source_event_id, d, e->employer, e->employee, nz(e->program), e->cohort_id, start};
        ntf_columns_add(&b->schedule, row);
    }
}

int ntf_reminders_follow(ntf_reminder_batch_t *b, const ntf_triggers_t *t, size_t ord,
                         const char *source_event_id, const Pathways__V1__EnrollmentChanged *e)
{
    char o[24];
    snprintf(o, sizeof o, "%zu", ord);
    int enrolled = e->to_state == PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_ENROLLED;
    const char *row[FOLLOW_COLUMNS] = {o, e->employer, e->employee, nz(e->program),
                                       enrolled ? nz(e->cohort_id) : NULL};
    ntf_columns_add(&b->follow, row);
    if (enrolled)
        schedule(b, t, o, source_event_id, e);
    return b->follow.failed || b->schedule.failed ? -1 : 0;
}

int ntf_reminders_apply(pw_db_t *db, ntf_reminder_batch_t *b, char *err, size_t errlen)
{
    if (b->follow.rows == 0)
        return 0;
    const char *p[FOLLOW_COLUMNS + SCHED_COLUMNS];
    PGresult *res = ntf_columns_params(&b->follow, p) == 0 &&
                            ntf_columns_params(&b->schedule, p + FOLLOW_COLUMNS) == 0
                        ? pw_db_prepared(db, "ntf_reminders_follow", SQL_FOLLOW,
                                         FOLLOW_COLUMNS + SCHED_COLUMNS, p)
                        : NULL;
    if (!res) {
        snprintf(err, errlen, "follow reminders: %s", pw_db_error(db));
        return -1;
    }
    PQclear(res);
    return 0;
}

/* The variables of a due reminder's notification (malloc'd JSON text). */
static char *reminder_context(const PGresult *res, int i)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "cohort_id", pw_db_get(res, i, "cohort_id"),
                          "cohort_start_date", pw_db_get(res, i, "start"), "days_until_start",
                          pw_db_get(res, i, "days_left"), "reason", "-", "effective_date",
                          pw_db_get(res, i, "start"));
    char *context = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return context;
}

/* Due reminders, gathered: their notifications (borrowing ids and
 * contexts, owned here, one pair per reminder) and their new states. */
typedef struct {
    char **ids, **contexts;
    ntf_queue_t queue;
    ntf_columns_t done;
} due_t;

/* Queues (or, when its cohort has started, cancels) due reminder i. */
static int fire(due_t *due, const ntf_triggers_t *t, const PGresult *res, int i)
{
    int stale = strcmp(pw_db_get(res, i, "stale"), "t") == 0;
    const char *done[DONE_COLUMNS] = {pw_db_get(res, i, "id"), stale ? "cancelled" : "queued"};
    ntf_columns_add(&due->done, done);
    if (stale)
        return due->done.failed ? -1 : 0;
    char id[ID_MAX];
    snprintf(id, sizeof id, "reminder/%s/%s", pw_db_get(res, i, "source_event_id"),
             pw_db_get(res, i, "days_before"));
    due->ids[i] = strdup(id);
    due->contexts[i] = reminder_context(res, i);
    ntf_enqueue_t base = {due->ids[i],
                          NTF_TRIGGER_REMINDER,
                          NULL,
                          pw_db_get(res, i, "employer"),
                          pw_db_get(res, i, "employee"),
                          pw_db_get(res, i, "program"),
                          NULL,
                          due->contexts[i]};
    if (!due->ids[i] || !due->contexts[i] || due->done.failed)
        return -1;
    return ntf_queue_routes(&due->queue, t, &base, pw_db_get(res, i, "cohort_id"));
}

/* Queues every due reminder of res and records their states: two
 * statements. Returns 0 or -1 with err. */
static int fire_all(pw_db_t *db, const ntf_triggers_t *t, const PGresult *res, char *err,
                    size_t errlen)
{
    int n = PQntuples(res), rc = 0;
    due_t due = {0};
    due.ids = calloc((size_t)n + 1, sizeof(char *));
    due.contexts = calloc((size_t)n + 1, sizeof(char *));
    if (!due.ids || !due.contexts || ntf_columns_init(&due.done, DONE_COLUMNS) != 0)
        rc = -1;
    for (int i = 0; i < n && rc == 0; i++)
        rc = fire(&due, t, res, i);
    const char *p[DONE_COLUMNS];
    if (rc != 0)
        snprintf(err, errlen, "out of memory");
    else if (ntf_outbox_enqueue(db, t->pub, &due.queue, err, errlen) < 0)
        rc = -1;
    else if (n > 0) {
        PGresult *done = ntf_columns_params(&due.done, p) == 0
                             ? pw_db_prepared(db, "ntf_reminders_done", SQL_DONE, DONE_COLUMNS, p)
                             : NULL;
        if (!done) {
            snprintf(err, errlen, "reminder state: %s", pw_db_error(db));
            rc = -1;
        }
        PQclear(done);
    }
    for (int i = 0; i < n && due.ids && due.contexts; i++) {
        free(due.ids[i]);
        free(due.contexts[i]);
    }
    free(due.ids);
    free(due.contexts);
    ntf_queue_release(&due.queue);
    ntf_columns_release(&due.done);
    return rc;
}

int ntf_reminders_tick(pw_db_t *db, const ntf_triggers_t *t)
{
    char today[PW_DATE_LEN], lim[16], err[256] = "";
    pw_date_format(pw_date_today(), today);
    snprintf(lim, sizeof lim, "%d", REMINDER_BATCH);
    const char *p[2] = {lim, today};
    if (pw_db_begin(db) != 0)
        return -1;
    PGresult *res = pw_db_prepared(db, "ntf_reminders_due", SQL_DUE, 2, p);
    int n = res ? PQntuples(res) : -1;
    if (res && fire_all(db, t, res, err, sizeof err) != 0)
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
