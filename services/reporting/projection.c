/* Stream events -> reporting projections. Each handler validates what it
 * stores (identity fields present, UTF-8, bounded, dates real) before any
 * write, so a rejected event leaves no trace; the SQL guards make every
 * upsert safe to repeat. Names, emails and phones in employee facts are
 * never read. */
#include "projection.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "vocab.h"

#define SEQ_LEN 24

/* Current facts follow the newest effective date: the WHERE clause drops a
 * late event's facts (its status still enters the history below). A row
 * made by a determination has no effective date yet and takes anything.
 * Fields an event leaves out ($n NULL) keep their stored value. */
static const char SQL_EMPLOYEE_UPSERT[] =
    "INSERT INTO reporting.employee AS e (employer, employee, seen_employee, job_family,"
    " employment_type, status, hire_date, period_start, terminated_on, termination_reason,"
    " facts_effective_on, updated_at)"
    " VALUES ($1, $2, true, $3, $4, $5, $6::date, $7::date, $8::date, $9, $10::date, now())"
    " ON CONFLICT (employer, employee) DO UPDATE SET seen_employee = true,"
    " job_family = COALESCE(EXCLUDED.job_family, e.job_family),"
    " employment_type = COALESCE(EXCLUDED.employment_type, e.employment_type),"
    " status = COALESCE(EXCLUDED.status, e.status),"
    " hire_date = COALESCE(EXCLUDED.hire_date, e.hire_date),"
    " period_start = COALESCE(EXCLUDED.period_start, e.period_start),"
    " terminated_on = CASE WHEN EXCLUDED.status IS NULL THEN e.terminated_on"
    "                 ELSE EXCLUDED.terminated_on END,"
    " termination_reason = CASE WHEN EXCLUDED.status IS NULL THEN e.termination_reason"
    "                      ELSE EXCLUDED.termination_reason END,"
    " facts_effective_on = GREATEST(e.facts_effective_on, EXCLUDED.facts_effective_on),"
    " updated_at = now()"
    " WHERE e.facts_effective_on IS NULL OR EXCLUDED.facts_effective_on IS NULL"
    "    OR EXCLUDED.facts_effective_on >= e.facts_effective_on";

static const char SQL_STATUS_INSERT[] =
    "INSERT INTO reporting.employee_status (employer, event_id, employee, effective_on, status,"
    " event_type, reason_code, seq) VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8::bigint)"
    " ON CONFLICT (employer, event_id) DO NOTHING";

/* Outcome columns follow the newest determination (by stream seq); the
 * first-eligibility facts ($7-$9, NULL unless eligible) keep the earliest
 * eligible date ever seen. */
static const char SQL_DETERMINATION_UPSERT[] =
    "INSERT INTO reporting.employee AS e (employer, employee, outcome, outcome_program,"
    " outcome_as_of, eligible_from, first_eligible_on, tenure_days_at_eligibility,"
    " job_family_at_eligibility, eligibility_seq, updated_at)"
    " VALUES ($1, $2, $3, $4, $5::date, $6::date, $7::date, $8::integer, $9, $10::bigint, now())"
    " ON CONFLICT (employer, employee) DO UPDATE SET"
    " (outcome, outcome_program, outcome_as_of, eligible_from, eligibility_seq) ="
    "   (SELECT CASE WHEN newer THEN EXCLUDED.outcome ELSE e.outcome END,"
    "           CASE WHEN newer THEN EXCLUDED.outcome_program ELSE e.outcome_program END,"
    "           CASE WHEN newer THEN EXCLUDED.outcome_as_of ELSE e.outcome_as_of END,"
    "           CASE WHEN newer THEN EXCLUDED.eligible_from ELSE e.eligible_from END,"
    "           GREATEST(e.eligibility_seq, EXCLUDED.eligibility_seq)"
    "    FROM (SELECT e.eligibility_seq IS NULL"
    "                 OR EXCLUDED.eligibility_seq >= e.eligibility_seq AS newer) AS g),"
    " (first_eligible_on, tenure_days_at_eligibility, job_family_at_eligibility) ="
    "   (SELECT CASE WHEN earlier THEN EXCLUDED.first_eligible_on ELSE e.first_eligible_on END,"
    "           CASE WHEN earlier THEN EXCLUDED.tenure_days_at_eligibility"
    "                ELSE e.tenure_days_at_eligibility END,"
    "           CASE WHEN earlier THEN EXCLUDED.job_family_at_eligibility"
    "                ELSE e.job_family_at_eligibility END"
    "    FROM (SELECT EXCLUDED.first_eligible_on IS NOT NULL AND (e.first_eligible_on IS NULL"
    "                 OR EXCLUDED.first_eligible_on < e.first_eligible_on) AS earlier) AS f),"
    " updated_at = now()";

/* State follows the newest transition (by stream seq). Milestone dates keep
 * the first time each was reached; exits keep the latest. $4 is the state's
 * name and $5 its effective date. */
static const char SQL_ENROLLMENT_UPSERT[] =
    "INSERT INTO reporting.enrollment AS e (employer, employee, program, state, state_since,"
    " cohort_id, ever_invited, invited_on, applied_on, enrolled_on, training_on, completed_on,"
    " certified_on, placed_on, withdrawn_on, exited_on, exit_reason, credential, new_role,"
    " last_seq, updated_at)"
    " VALUES ($1, $2, $3, $4::text, $5::date, $6, $4::text = 'invited',"
    " CASE WHEN $4::text = 'invited' THEN $5::date END,"
    " CASE WHEN $4::text = 'applied' THEN $5::date END,"
    " CASE WHEN $4::text = 'enrolled' THEN $5::date END,"
    " CASE WHEN $4::text = 'in_training' THEN $5::date END,"
    " CASE WHEN $4::text = 'completed' THEN $5::date END,"
    " CASE WHEN $4::text = 'certified' THEN $5::date END,"
    " CASE WHEN $4::text = 'placed' THEN $5::date END,"
    " CASE WHEN $4::text = 'withdrawn' THEN $5::date END,"
    " CASE WHEN $4::text = 'exited' THEN $5::date END,"
    " $7, $8, $9, $10::bigint, now())"
    " ON CONFLICT (employer, employee, program) DO UPDATE SET"
    " state = CASE WHEN EXCLUDED.last_seq >= e.last_seq THEN EXCLUDED.state ELSE e.state END,"
    " state_since = CASE WHEN EXCLUDED.last_seq >= e.last_seq"
    "               THEN EXCLUDED.state_since ELSE e.state_since END,"
    " cohort_id = CASE WHEN EXCLUDED.last_seq >= e.last_seq"
    "             THEN COALESCE(EXCLUDED.cohort_id, e.cohort_id)"
    "             ELSE COALESCE(e.cohort_id, EXCLUDED.cohort_id) END,"
    " ever_invited = e.ever_invited OR EXCLUDED.ever_invited,"
    " invited_on = LEAST(e.invited_on, EXCLUDED.invited_on),"
    " applied_on = LEAST(e.applied_on, EXCLUDED.applied_on),"
    " enrolled_on = LEAST(e.enrolled_on, EXCLUDED.enrolled_on),"
    " training_on = LEAST(e.training_on, EXCLUDED.training_on),"
    " completed_on = LEAST(e.completed_on, EXCLUDED.completed_on),"
    " certified_on = LEAST(e.certified_on, EXCLUDED.certified_on),"
    " placed_on = LEAST(e.placed_on, EXCLUDED.placed_on),"
    " withdrawn_on = GREATEST(e.withdrawn_on, EXCLUDED.withdrawn_on),"
    " exited_on = GREATEST(e.exited_on, EXCLUDED.exited_on),"
    " exit_reason = CASE WHEN EXCLUDED.last_seq >= e.last_seq AND EXCLUDED.exit_reason IS NOT NULL"
    "               THEN EXCLUDED.exit_reason ELSE e.exit_reason END,"
    " credential = COALESCE(EXCLUDED.credential, e.credential),"
    " new_role = COALESCE(EXCLUDED.new_role, e.new_role),"
    " last_seq = GREATEST(e.last_seq, EXCLUDED.last_seq), updated_at = now()";

/* Who, what and why are fixed by the first event of a notification; the
 * delivery state follows the newest event (by stream seq). */
static const char SQL_NOTIFICATION_UPSERT[] =
    "INSERT INTO reporting.notification AS n (notification_id, employer, employee, trigger,"
    " channel, state, attempts, last_seq, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::integer, $8::bigint, now())"
    " ON CONFLICT (notification_id) DO UPDATE SET"
    " state = CASE WHEN EXCLUDED.last_seq >= n.last_seq THEN EXCLUDED.state ELSE n.state END,"
    " channel = COALESCE(n.channel, EXCLUDED.channel),"
    " attempts = GREATEST(n.attempts, EXCLUDED.attempts),"
    " last_seq = GREATEST(n.last_seq, EXCLUDED.last_seq), updated_at = now()";

/* ---- shared helpers ---- */

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

/* 1 when every non-NULL value is bounded, NUL-free UTF-8: PostgreSQL would
 * refuse anything else, and a refusal must be a rejection, not a retry. */
static int texts_ok(const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = v[i] ? strlen(v[i]) : 0;
        if (v[i] && (len > REPORTING_MAX_TEXT || !pw_utf8_valid(v[i], len)))
            return 0;
    }
    return 1;
}

static pw_apply_t reject(const pw_event_t *ev, const char *why, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s (stream %s seq %" PRId64 ")", why, ev->stream ? ev->stream : "?",
             ev->seq);
    return PW_APPLY_REJECT;
}

static pw_apply_t write_row(pw_db_t *db, const char *name, const char *sql, int n,
                            const char *const *params, char *err, size_t errlen)
{
    PGresult *res = pw_db_prepared(db, name, sql, n, params);
    if (!res) {
        snprintf(err, errlen, "%s: %s", name, pw_db_error(db));
        return PW_APPLY_RETRY;
    }
    PQclear(res);
    return PW_APPLY_OK;
}

static int has_type(const pw_event_t *ev, const char *type)
{
    return ev->type && strcmp(ev->type, type) == 0;
}

/* ---- employee stream ---- */

/* The facts one employee event writes; strings borrowed from the event. */
typedef struct {
    const char *employer, *employee, *job_family, *employment_type, *status;
    const char *hire_date, *period_start, *terminated_on, *termination_reason, *effective;
    const char *event_id, *event_type, *reason_code;
} employee_row_t;

/* Fills r from e. Returns NULL, or why the event cannot be applied. */
static const char *employee_row(const Pathways__V1__EmployeeEvent *e, const pw_event_t *ev,
                                employee_row_t *r)
{
    const Pathways__V1__EmployeeFacts *f = e->data;
    int32_t days;
    memset(r, 0, sizeof *r);
    r->employer = opt(e->source);
    r->employee = opt(e->subject);
    r->event_type = opt(e->type);
    if (!r->employer || !r->employee || !r->event_type)
        return "employee event without source, subject or type";
    if (reporting_date_field(e->effective_date, &r->effective, &days) != 0)
        return "employee event with an invalid effective_date";
    if (f && reporting_date_field(f->hire_date, &r->hire_date, &days) != 0)
        return "employee event with an invalid hire_date";
    r->status = reporting_status_after(
        e->type, f ? f->status : PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_UNSPECIFIED);
    r->job_family = f ? opt(f->job_family) : NULL;
    r->employment_type = f ? reporting_employment_type_name(f->employment_type) : NULL;
    r->reason_code = f ? opt(f->reason_code) : NULL;
    reporting_period_t period = reporting_period_start(e->type);
    if (period == REPORTING_PERIOD_REHIRE)
        r->period_start = r->effective ? r->effective : r->hire_date;
    else if (period == REPORTING_PERIOD_HIRE)
        r->period_start = r->hire_date ? r->hire_date : r->effective;
    if (r->status && strcmp(r->status, "terminated") == 0) {
        r->terminated_on = r->effective;
        r->termination_reason = r->reason_code;
    }
    r->event_id = opt(e->id) ? e->id : opt(ev->event_id);
    const char *texts[] = {r->employer,   r->employee,    r->event_type,
                           r->job_family, r->reason_code, r->event_id};
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return "employee event with oversized or invalid text";
    return NULL;
}

/* Adds the event to the dated status history when it states a status. */
static pw_apply_t employee_history(pw_db_t *db, const pw_event_t *ev, const employee_row_t *r,
                                   char *err, size_t errlen)
{
    const char *on = r->effective ? r->effective : r->period_start;
    if (!r->status || !on || !r->event_id)
        return PW_APPLY_OK;
    char seq[SEQ_LEN];
    snprintf(seq, sizeof seq, "%" PRId64, ev->seq);
    const char *p[] = {r->employer, r->event_id,   r->employee,    on,
                       r->status,   r->event_type, r->reason_code, seq};
    return write_row(db, "reporting_status_insert", SQL_STATUS_INSERT, 8, p, err, errlen);
}

pw_apply_t reporting_apply_employee(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                    size_t errlen)
{
    (void)ctx;
    if (!ev->type ||
        strncmp(ev->type, REPORTING_EMPLOYEE_TYPE_STEM, strlen(REPORTING_EMPLOYEE_TYPE_STEM)) != 0)
        return PW_APPLY_OK; /* not an employee fact: nothing to project */
    Pathways__V1__EmployeeEvent *e = pw_decode_employee_event(ev->payload, ev->payload_len);
    if (!e)
        return reject(ev, "undecodable EmployeeEvent", err, errlen);
    employee_row_t r;
    const char *why = employee_row(e, ev, &r);
    pw_apply_t rc = why ? reject(ev, why, err, errlen) : PW_APPLY_OK;
    if (rc == PW_APPLY_OK) {
        const char *p[] = {
            r.employer,  r.employee,     r.job_family,    r.employment_type,    r.status,
            r.hire_date, r.period_start, r.terminated_on, r.termination_reason, r.effective};
        rc = write_row(db, "reporting_employee_upsert", SQL_EMPLOYEE_UPSERT, 10, p, err, errlen);
    }
    if (rc == PW_APPLY_OK)
        rc = employee_history(db, ev, &r, err, errlen);
    pw_free_employee_event(&e);
    return rc;
}

/* ---- eligibility stream ---- */

static pw_apply_t write_determination(pw_db_t *db, const pw_event_t *ev,
                                      const Pathways__V1__Determination *d, const char *outcome,
                                      char *err, size_t errlen)
{
    const char *as_of, *from, *hire = NULL;
    int32_t as_of_days = 0, from_days, hire_days = 0;
    const Pathways__V1__EmployeeFacts *f = d->facts;
    if (reporting_date_field(d->as_of, &as_of, &as_of_days) != 0 ||
        reporting_date_field(d->eligible_from, &from, &from_days) != 0 ||
        (f && reporting_date_field(f->hire_date, &hire, &hire_days) != 0))
        return reject(ev, "determination with an invalid date", err, errlen);
    const char *job_family = f ? opt(f->job_family) : NULL;
    const char *texts[] = {d->employer, d->employee, d->program, job_family};
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return reject(ev, "determination with oversized or invalid text", err, errlen);
    int eligible = d->outcome == PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE && as_of;
    char seq[SEQ_LEN], tenure[SEQ_LEN];
    snprintf(seq, sizeof seq, "%" PRId64, ev->seq);
    snprintf(tenure, sizeof tenure, "%" PRId32, as_of_days - hire_days);
    const char *p[] = {d->employer,
                       d->employee,
                       outcome,
                       opt(d->program),
                       as_of,
                       from,
                       eligible ? as_of : NULL,
                       eligible && hire ? tenure : NULL,
                       eligible ? job_family : NULL,
                       seq};
    return write_row(db, "reporting_determination_upsert", SQL_DETERMINATION_UPSERT, 10, p, err,
                     errlen);
}

pw_apply_t reporting_apply_eligibility(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                       size_t errlen)
{
    (void)ctx;
    if (!has_type(ev, REPORTING_TYPE_DETERMINED))
        return PW_APPLY_OK;
    Pathways__V1__Determination *d = pw_decode_determination(ev->payload, ev->payload_len);
    if (!d)
        return reject(ev, "undecodable Determination", err, errlen);
    const char *outcome = reporting_outcome_name(d->outcome);
    pw_apply_t rc;
    if (!opt(d->employer) || !opt(d->employee) || !outcome)
        rc = reject(ev, "determination without employer, employee or outcome", err, errlen);
    else
        rc = write_determination(db, ev, d, outcome, err, errlen);
    pw_free_determination(&d);
    return rc;
}

/* ---- enrollment stream ---- */

static pw_apply_t write_enrollment(pw_db_t *db, const pw_event_t *ev,
                                   const Pathways__V1__EnrollmentChanged *c, const char *state,
                                   char *err, size_t errlen)
{
    const char *since;
    int32_t days;
    if (reporting_date_field(c->effective_date, &since, &days) != 0)
        return reject(ev, "enrollment change with an invalid effective_date", err, errlen);
    int exiting = c->to_state == PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_EXITED ||
                  c->to_state == PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_WITHDRAWN;
    const char *texts[] = {c->employer,    c->employee,   c->program, c->cohort_id,
                           c->reason_code, c->credential, c->new_role};
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return reject(ev, "enrollment change with oversized or invalid text", err, errlen);
    char seq[SEQ_LEN];
    snprintf(seq, sizeof seq, "%" PRId64, ev->seq);
    const char *p[] = {c->employer,
                       c->employee,
                       c->program,
                       state,
                       since,
                       opt(c->cohort_id),
                       exiting ? opt(c->reason_code) : NULL,
                       opt(c->credential),
                       opt(c->new_role),
                       seq};
    return write_row(db, "reporting_enrollment_upsert", SQL_ENROLLMENT_UPSERT, 10, p, err, errlen);
}

pw_apply_t reporting_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                      size_t errlen)
{
    (void)ctx;
    if (!has_type(ev, REPORTING_TYPE_ENROLLMENT))
        return PW_APPLY_OK;
    Pathways__V1__EnrollmentChanged *c = pw_decode_enrollment_changed(ev->payload, ev->payload_len);
    if (!c)
        return reject(ev, "undecodable EnrollmentChanged", err, errlen);
    const char *state = reporting_state_name(c->to_state);
    pw_apply_t rc;
    if (!opt(c->employer) || !opt(c->employee) || !opt(c->program) || !state)
        rc = reject(ev, "enrollment change without employer, employee, program or state", err,
                    errlen);
    else
        rc = write_enrollment(db, ev, c, state, err, errlen);
    pw_free_enrollment_changed(&c);
    return rc;
}

/* ---- notification stream ---- */

static pw_apply_t write_notification(pw_db_t *db, const pw_event_t *ev,
                                     const Pathways__V1__NotificationChanged *n, char *err,
                                     size_t errlen)
{
    const char *texts[] = {n->notification_id, n->employer, n->employee, n->trigger};
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return reject(ev, "notification change with oversized or invalid text", err, errlen);
    const char *state = reporting_delivery_name(n->state);
    char seq[SEQ_LEN], attempts[SEQ_LEN];
    snprintf(seq, sizeof seq, "%" PRId64, ev->seq);
    snprintf(attempts, sizeof attempts, "%" PRIu32, n->attempts);
    const char *p[] = {n->notification_id,
                       n->employer,
                       n->employee,
                       opt(n->trigger) ? n->trigger : "unspecified",
                       reporting_channel_name(n->channel),
                       state ? state : "unspecified",
                       attempts,
                       seq};
    return write_row(db, "reporting_notification_upsert", SQL_NOTIFICATION_UPSERT, 8, p, err,
                     errlen);
}

pw_apply_t reporting_apply_notification(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                        size_t errlen)
{
    (void)ctx;
    if (!has_type(ev, REPORTING_TYPE_NOTIFICATION))
        return PW_APPLY_OK;
    Pathways__V1__NotificationChanged *n =
        pw_decode_notification_changed(ev->payload, ev->payload_len);
    if (!n)
        return reject(ev, "undecodable NotificationChanged", err, errlen);
    pw_apply_t rc;
    if (!opt(n->notification_id) || !opt(n->employer) || !opt(n->employee))
        rc = reject(ev, "notification change without id, employer or employee", err, errlen);
    else
        rc = write_notification(db, ev, n, err, errlen);
    pw_free_notification_changed(&n);
    return rc;
}

/* ---- registration ---- */

int reporting_projection_register(pw_service_t *svc)
{
    static const struct {
        pw_service_id_t owner;
        const char *stream;
        pw_apply_fn apply;
    } subs[] = {
        {PW_SVC_ELIGIBILITY, "employee", reporting_apply_employee},
        {PW_SVC_ELIGIBILITY, "eligibility", reporting_apply_eligibility},
        {PW_SVC_ENROLLMENT, "enrollment", reporting_apply_enrollment},
        {PW_SVC_NOTIFICATION, "notification", reporting_apply_notification},
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (pw_service_consume(svc, subs[i].owner, subs[i].stream, subs[i].apply, NULL) != 0) {
            pw_error("cannot consume stream %s", subs[i].stream);
            return -1;
        }
    }
    return 0;
}
