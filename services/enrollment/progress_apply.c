/* A progress event's checks, record and effects (progress_apply.h). Per
 * event, not set-based: a cohort is a few dozen people and a provider's
 * batch a day of sessions, and each event may move its participant, whose
 * next event must see the move. */
#include "progress_apply.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "transitions.h"

#define D(x) PATHWAYS__V1__PROGRESS_EVENT__DETAIL_##x

static const char *SQL_SEEN =
    "SELECT 1 FROM enrollment.progress_event WHERE provider = $1 AND event_id = $2";
static const char *SQL_COHORT =
    "SELECT program, provider, status, start_date::text AS start_date,"
    " end_date::text AS end_date FROM enrollment.cohort WHERE cohort_id = $1";
static const char *SQL_PERSON =
    "SELECT e.id, e.state, COALESCE(e.cohort_id, '') AS cohort_id,"
    " COALESCE(e.paused_from, '') AS paused_from,"
    " COALESCE((SELECT max(t.effective_date) FROM enrollment.transition t"
    "  WHERE t.enrollment_id = e.id AND t.kind = 'transition' AND t.to_state <> 'invited'),"
    "  '') AS last_date"
    " FROM enrollment.enrollment e WHERE e.employer = $1 AND e.employee = $2"
    " AND e.program = $3 FOR UPDATE OF e";
static const char *SQL_RECORD =
    "INSERT INTO enrollment.progress_event (provider, event_id, cohort_id, employer, employee,"
    " program, kind, event_date, status, item, detail, batch_id, actor)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10, $11::jsonb, $12, $13)"
    " ON CONFLICT DO NOTHING RETURNING 1";
static const char *SQL_ABSENCES =
    "SELECT count(*) AS n, COALESCE(min(event_date)::text, '') AS since"
    " FROM enrollment.progress_event WHERE employer = $1 AND employee = $2 AND program = $3"
    " AND kind = 'attendance' AND status = 'absent'"
    " AND event_date > $4::date - $5::int AND event_date <= $4::date";

/* The cohort and the participant an event names. */
typedef struct {
    char program[128], provider[128], status[16], start[PW_DATE_LEN], end[PW_DATE_LEN];
    int64_t id;
    enr_state_t state;
    char cohort_id[ENR_COHORT_ID_MAX + 1], paused_from[16], last_date[PW_DATE_LEN];
} target_t;

/* What the event does to the enrollment: no move (to NONE), or a move. */
typedef struct {
    enr_state_t to;
    const char *reason_code;
    char reason[ENR_PROGRESS_TEXT_MAX + 64];
    const char *credential;
} effect_t;

static int db_fail(const enr_progress_ctx_t *ctx, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, pw_db_error(ctx->db));
    return -1;
}

/* 1 when seen, 0 when not, -1 on a database error. */
static int seen(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, char *err,
                size_t errlen)
{
    const char *p[2] = {ev->source, ev->id};
    PGresult *r = pw_db_prepared(ctx->db, "enr_progress_seen", SQL_SEEN, 2, p);
    if (!r)
        return db_fail(ctx, "read progress ledger", err, errlen);
    int n = PQntuples(r);
    PQclear(r);
    return n > 0;
}

/* Loads the cohort; 1 found, 0 not, -1 database error. */
static int load_cohort(const enr_progress_ctx_t *ctx, const char *cohort_id, target_t *t, char *err,
                       size_t errlen)
{
    const char *p[1] = {cohort_id};
    PGresult *r = pw_db_prepared(ctx->db, "enr_progress_cohort", SQL_COHORT, 1, p);
    if (!r)
        return db_fail(ctx, "read cohort", err, errlen);
    int found = PQntuples(r) == 1;
    if (found) {
        snprintf(t->program, sizeof t->program, "%s", pw_db_get(r, 0, "program"));
        snprintf(t->provider, sizeof t->provider, "%s", pw_db_get(r, 0, "provider"));
        snprintf(t->status, sizeof t->status, "%s", pw_db_get(r, 0, "status"));
        snprintf(t->start, sizeof t->start, "%s", pw_db_get(r, 0, "start_date"));
        snprintf(t->end, sizeof t->end, "%s", pw_db_get(r, 0, "end_date"));
    }
    PQclear(r);
    return found;
}

/* Locks and loads the participant's enrollment; 1 found, 0 not, -1 error. */
static int load_person(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, target_t *t,
                       char *err, size_t errlen)
{
    const char *p[3] = {ev->employer, ev->employee, t->program};
    PGresult *r = pw_db_prepared(ctx->db, "enr_progress_person", SQL_PERSON, 3, p);
    if (!r)
        return db_fail(ctx, "read enrollment", err, errlen);
    int found = PQntuples(r) == 1 && enr_state_parse(pw_db_get(r, 0, "state"), &t->state) == 0;
    if (found) {
        t->id = pw_db_get_i64(r, 0, "id");
        snprintf(t->cohort_id, sizeof t->cohort_id, "%s", pw_db_get(r, 0, "cohort_id"));
        snprintf(t->paused_from, sizeof t->paused_from, "%s", pw_db_get(r, 0, "paused_from"));
        snprintf(t->last_date, sizeof t->last_date, "%s", pw_db_get(r, 0, "last_date"));
    }
    PQclear(r);
    return found;
}

static int in_cohort_state(enr_state_t s)
{
    return enr_state_holds_seat(s) || s == ENR_STATE_PAUSED;
}

/* The cohort checks: known, run by the event's provider, the date within
 * its days (a credential may come after the end: exams follow training).
 * Returns 1 when they pass, 0 with why, -1 on a database error. */
static int check_cohort(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, target_t *t,
                        pw_reason_t *why, char *err, size_t errlen)
{
    int found = load_cohort(ctx, ev->cohort_id, t, err, errlen);
    if (found <= 0)
        return found < 0
                   ? -1
                   : (pw_reason_set(why, "unknown_cohort", "no cohort '%.64s'", ev->cohort_id), 0);
    if (strcmp(t->provider, ev->source) != 0)
        return pw_reason_set(why, "forbidden_cohort", "cohort %.64s is not run by provider %.64s",
                             ev->cohort_id, ev->source),
               0;
    int late = strcmp(ev->date, t->end) > 0 && ev->detail_case != D(CREDENTIAL);
    if (strcmp(ev->date, t->start) < 0 || late)
        return pw_reason_set(why, "outside_cohort_dates",
                             "date %s is outside cohort %.64s (%s to %s)", ev->date, ev->cohort_id,
                             t->start, t->end),
               0;
    return 1;
}

static int check_person(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, target_t *t,
                        pw_reason_t *why, char *err, size_t errlen)
{
    int found = load_person(ctx, ev, t, err, errlen);
    if (found < 0)
        return -1;
    if (!found || strcmp(t->cohort_id, ev->cohort_id) != 0 || !in_cohort_state(t->state))
        return pw_reason_set(
                   why, "not_in_cohort", "%.64s/%.64s is not a participant of cohort %.64s%s%s",
                   ev->employer, ev->employee, ev->cohort_id,
                   found && !strcmp(t->cohort_id, ev->cohort_id) ? " any more: " : "",
                   found && !strcmp(t->cohort_id, ev->cohort_id) ? enr_state_name(t->state) : ""),
               0;
    return 1;
}

/* Decides the move the event makes, if any. */
static void decide(const enr_progress_event_t *ev, const target_t *t, effect_t *fx)
{
    *fx = (effect_t){.to = ENR_STATE_NONE};
    switch (ev->detail_case) {
    case D(ATTENDANCE):
        if (ev->attendance->status == PATHWAYS__V1__ATTENDANCE_STATUS__ATTENDANCE_STATUS_PRESENT &&
            t->state == ENR_STATE_ENROLLED) {
            fx->to = ENR_STATE_IN_TRAINING;
            fx->reason_code = "first_attendance";
            snprintf(fx->reason, sizeof fx->reason, "first attendance (session %.128s)",
                     ev->attendance->session_id);
        }
        break;
    case D(COMPLETED):
        fx->to = ENR_STATE_COMPLETED;
        fx->reason_code = "completed";
        snprintf(fx->reason, sizeof fx->reason, "training completed (provider %.64s)", ev->source);
        break;
    case D(CREDENTIAL):
        fx->to = ENR_STATE_CERTIFIED;
        fx->reason_code = "certified";
        fx->credential = ev->credential->credential;
        snprintf(fx->reason, sizeof fx->reason, "%.64s by %.64s, id %.100s",
                 ev->credential->credential, ev->credential->issuer, ev->credential->credential_id);
        break;
    case D(WITHDRAWN):
        fx->to = ENR_STATE_WITHDRAWN;
        fx->reason_code = ev->withdrawn->reason_code;
        snprintf(fx->reason, sizeof fx->reason, "%s", ev->withdrawn->reason);
        break;
    default:
        break;
    }
}

/* The lifecycle's checks of a move. Returns 1 or 0 with why. */
static int check_move(const enr_progress_event_t *ev, const target_t *t, const effect_t *fx,
                      pw_reason_t *why)
{
    char text[128];
    if (fx->to == ENR_STATE_NONE)
        return 1;
    if (enr_transition_check(t->state, fx->to, text, sizeof text) != 0)
        return pw_reason_set(why, "illegal_transition", "%.64s/%.64s: %s", ev->employer,
                             ev->employee, text),
               0;
    if (*t->last_date && strcmp(ev->date, t->last_date) < 0)
        return pw_reason_set(why, "date_out_of_order",
                             "%.64s/%.64s: date %s is before %s, the latest milestone on record",
                             ev->employer, ev->employee, ev->date, t->last_date),
               0;
    return 1;
}

/* The event's status, item and detail for the record. */
static void describe(const enr_progress_event_t *ev, const char **status, const char **item,
                     json_t **detail)
{
    static const char *const attendance[] = {"", "present", "absent", "excused"};
    static const char *const exam[] = {"", "passed", "failed"};
    *status = "";
    *item = "";
    switch (ev->detail_case) {
    case D(ATTENDANCE):
        *status = attendance[ev->attendance->status];
        *item = ev->attendance->session_id;
        *detail = json_pack("{s:s}", "session_id", *item);
        break;
    case D(MODULE_COMPLETED):
        *item = ev->module_completed->module_id;
        *detail = json_pack("{s:s, s:s}", "module_id", *item, "name", ev->module_completed->name);
        break;
    case D(EXAM):
        *status = exam[ev->exam->result];
        *item = ev->exam->exam_id;
        *detail = json_pack("{s:s, s:s}", "exam_id", *item, "score", ev->exam->score);
        break;
    case D(CREDENTIAL):
        *item = ev->credential->credential_id;
        *detail = json_pack("{s:s, s:s, s:s}", "issuer", ev->credential->issuer, "credential_id",
                            *item, "credential", ev->credential->credential);
        break;
    case D(WITHDRAWN):
        *status = ev->withdrawn->reason_code;
        *detail = json_pack("{s:s, s:s}", "reason_code", *status, "reason", ev->withdrawn->reason);
        break;
    default:
        *detail = json_object();
        break;
    }
}

/* Records the event; 1 new, 0 a concurrent batch recorded it first, -1. */
static int record(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, const target_t *t,
                  char *err, size_t errlen)
{
    const char *status, *item;
    json_t *detail = NULL;
    describe(ev, &status, &item, &detail);
    char *json = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    if (!json) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *p[13] = {ev->source,
                         ev->id,
                         ev->cohort_id,
                         ev->employer,
                         ev->employee,
                         t->program,
                         enr_progress_kind(ev),
                         ev->date,
                         status,
                         item,
                         json,
                         ctx->batch_id ? ctx->batch_id : "",
                         ctx->actor};
    PGresult *r = pw_db_prepared(ctx->db, "enr_progress_record", SQL_RECORD, 13, p);
    free(json);
    if (!r)
        return db_fail(ctx, "record progress event", err, errlen);
    int n = PQntuples(r);
    PQclear(r);
    return n;
}

static enr_change_t change_for(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev,
                               const target_t *t, const char *cause)
{
    return (enr_change_t){.employer = ev->employer,
                          .employee = ev->employee,
                          .program = t->program,
                          .cohort_id = ev->cohort_id,
                          .actor = ctx->actor,
                          .cause_event_id = cause,
                          .effective_date = ev->date};
}

/* Makes the move, and gives a withdrawal's seat to the waitlist. */
static int move(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, target_t *t,
                const effect_t *fx, const char *cause, char *err, size_t errlen)
{
    enr_change_t c = change_for(ctx, ev, t, cause);
    c.to = fx->to;
    c.reason_code = fx->reason_code;
    c.reason = fx->reason;
    c.credential = fx->credential;
    enr_state_t from = t->state;
    if (enr_lifecycle_move(ctx->db, ctx->emit, t->id, from, &c, err, errlen) != ENR_OK)
        return -1; /* the row is locked and checked: only the database fails here */
    t->state = fx->to;
    if (fx->to == ENR_STATE_WITHDRAWN && enr_cohort_held_seat(from, t->paused_from) &&
        enr_cohort_promote(ctx->db, ctx->emit, ev->cohort_id, cause, ev->date, err, errlen) < 0)
        return -1;
    return 0;
}

/* The program's at-risk rule, after an absence or a failed exam; *fired
 * names the rule that raised the flag now, else stays NULL. */
static int at_risk(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, const target_t *t,
                   const char *cause, const char **fired, char *err, size_t errlen)
{
    const enr_at_risk_rule_t *rule = enr_at_risk_for(ctx->rules, t->program);
    char reason[256] = "";
    const char *code = NULL;
    if (!rule || !enr_state_is_active(t->state))
        return 0;
    if (ev->detail_case == D(EXAM) && rule->failed_exam &&
        ev->exam->result == PATHWAYS__V1__EXAM_RESULT__EXAM_RESULT_FAILED) {
        code = "failed_exam";
        snprintf(reason, sizeof reason, "failed exam %.100s on %s", ev->exam->exam_id, ev->date);
    } else if (ev->detail_case == D(ATTENDANCE) && rule->absences &&
               ev->attendance->status ==
                   PATHWAYS__V1__ATTENDANCE_STATUS__ATTENDANCE_STATUS_ABSENT) {
        char days[16];
        snprintf(days, sizeof days, "%d", rule->within_days);
        const char *p[5] = {ev->employer, ev->employee, t->program, ev->date, days};
        PGresult *r = pw_db_prepared(ctx->db, "enr_progress_absences", SQL_ABSENCES, 5, p);
        if (!r)
            return db_fail(ctx, "count absences", err, errlen);
        int64_t n = pw_db_get_i64(r, 0, "n");
        if (n >= rule->absences) {
            code = "absences";
            snprintf(reason, sizeof reason,
                     "%" PRId64 " absences from %s to %s (rule: %d within %d days)", n,
                     pw_db_get(r, 0, "since"), ev->date, rule->absences, rule->within_days);
        }
        PQclear(r);
    }
    if (!code)
        return 0;
    enr_change_t c = change_for(ctx, ev, t, cause);
    c.reason_code = code;
    c.reason = reason;
    enr_result_t rc =
        enr_lifecycle_at_risk(ctx->db, ctx->emit, t->id, t->state, 1, &c, err, errlen);
    if (rc == ENR_OK)
        *fired = code;
    return rc == ENR_OK || rc == ENR_ERR_STALE ? 0 : -1;
}

/* Appends the accepted event to stream "progress" for reporting. */
static int announce(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev,
                    const target_t *t, const char *fired, const char *cause, char *err,
                    size_t errlen)
{
    const char *status, *item;
    json_t *detail = NULL;
    char key[2 * ENR_PROGRESS_ID_MAX + 2];
    describe(ev, &status, &item, &detail);
    json_decref(detail);
    snprintf(key, sizeof key, "%s/%s", ev->employer, ev->employee);
    Pathways__V1__ProgressRecorded r = PATHWAYS__V1__PROGRESS_RECORDED__INIT;
    r.provider = ev->source;
    r.event_id = ev->id;
    r.cohort_id = ev->cohort_id;
    r.employer = ev->employer;
    r.employee = ev->employee;
    r.program = (char *)t->program;
    r.kind = (char *)enr_progress_kind(ev);
    r.status = ev->detail_case == D(WITHDRAWN) ? "" : (char *)status;
    r.date = ev->date;
    r.at_risk = (char *)(fired ? fired : "");
    if (ctx->emit->fn(ctx->emit->ctx, ENR_PROGRESS_STREAM, ENR_PROGRESS_RECORDED_V1, key, cause,
                      &r.base) != 0) {
        snprintf(err, errlen, "cannot append ProgressRecorded");
        return -1;
    }
    return 0;
}

int enr_progress_apply(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, int *result,
                       pw_reason_t *why, char *err, size_t errlen)
{
    target_t t = {0};
    effect_t fx;
    char cause[ENR_PROGRESS_ORG_MAX + ENR_PROGRESS_ID_MAX + sizeof ENR_PROGRESS_CAUSE + 2];
    snprintf(cause, sizeof cause, "%s%s/%s", ENR_PROGRESS_CAUSE, ev->source, ev->id);
    *result = PW_ACK_REJECTED;
    int ok = seen(ctx, ev, err, errlen);
    if (ok != 0) {
        *result = PW_ACK_DUPLICATE;
        pw_reason_set(why, "duplicate", "this event id was accepted before");
        return ok < 0 ? -1 : 0;
    }
    if ((ok = check_cohort(ctx, ev, &t, why, err, errlen)) <= 0 ||
        (ok = check_person(ctx, ev, &t, why, err, errlen)) <= 0)
        return ok;
    decide(ev, &t, &fx);
    if (!check_move(ev, &t, &fx, why))
        return 0;
    if ((ok = record(ctx, ev, &t, err, errlen)) <= 0) {
        *result = PW_ACK_DUPLICATE;
        pw_reason_set(why, "duplicate", "this event id was accepted before");
        return ok;
    }
    *result = PW_ACK_ACCEPTED;
    why->code[0] = why->text[0] = '\0';
    const char *fired = NULL;
    if ((fx.to != ENR_STATE_NONE && move(ctx, ev, &t, &fx, cause, err, errlen) != 0) ||
        at_risk(ctx, ev, &t, cause, &fired, err, errlen) != 0)
        return -1;
    return announce(ctx, ev, &t, fired, cause, err, errlen);
}
