/* Commands on one participant's enrollment: apply, enroll (or waitlist),
 * withdraw/exit, progress to placement, clear a review flag. Each checks
 * everything before its first write, so a refusal changes nothing even
 * before the rollback. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "command.h"
#include "determination.h"
#include "eligibility.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;

/* last_date: the latest effective date of a milestone on record; the
 * system's invitations do not count (one may be dated after the history
 * an import records). */
static const char *SQL_ROW =
    "SELECT e.id, e.state, COALESCE(e.cohort_id, '') AS cohort_id,"
    " COALESCE(e.paused_from, '') AS paused_from, e.review_flag, e.at_risk,"
    " COALESCE((SELECT max(t.effective_date) FROM enrollment.transition t"
    "  WHERE t.enrollment_id = e.id AND t.kind = 'transition' AND t.to_state <> 'invited'),"
    "  '') AS last_date"
    " FROM enrollment.enrollment e WHERE e.employer = $1 AND e.employee = $2 AND e.program = $3"
    " FOR UPDATE OF e";

/* The participant a command names, and their enrollment row if any. */
typedef struct {
    const char *employer;
    const char *employee;
    const char *program;
    int exists;
    int64_t id;
    enr_state_t state;
    char cohort_id[ENR_COHORT_ID_MAX + 1];
    char paused_from[16];
    int flagged;
    int at_risk;
    char last_date[PW_DATE_LEN]; /* latest milestone's effective date, or "" */
} subject_t;

/* Validates ref and loads the enrollment (locked). Returns 0 or -1. */
static int load_subject(enr_cmd_t *x, const Pathways__V1__EnrollmentRef *ref, subject_t *s)
{
    if (!ref)
        return enr_cmd_fail(x, ENR_E_INVALID, "ref (employer, employee) is required");
    if (enr_cmd_text(x, "employer", ref->employer, 1) ||
        enr_cmd_text(x, "employee", ref->employee, 1) ||
        enr_cmd_text(x, "program", ref->program, 0))
        return -1;
    *s = (subject_t){.employer = ref->employer,
                     .employee = ref->employee,
                     .program = *ref->program ? ref->program : ENR_DEFAULT_PROGRAM};
    const char *p[3] = {s->employer, s->employee, s->program};
    PGresult *res = pw_db_prepared(x->db, "enr_cmd_row", SQL_ROW, 3, p);
    if (!res)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "read enrollment: %s", pw_db_error(x->db));
    s->exists = PQntuples(res) == 1;
    int rc = 0;
    if (s->exists) {
        s->id = pw_db_get_i64(res, 0, "id");
        snprintf(s->cohort_id, sizeof s->cohort_id, "%s", pw_db_get(res, 0, "cohort_id"));
        snprintf(s->paused_from, sizeof s->paused_from, "%s", pw_db_get(res, 0, "paused_from"));
        s->flagged = strcmp(pw_db_get(res, 0, "review_flag"), "t") == 0;
        s->at_risk = strcmp(pw_db_get(res, 0, "at_risk"), "t") == 0;
        snprintf(s->last_date, sizeof s->last_date, "%s", pw_db_get(res, 0, "last_date"));
        if (enr_state_parse(pw_db_get(res, 0, "state"), &s->state) != 0)
            rc = enr_cmd_fail(x, ENR_E_UNAVAILABLE, "stored state '%s' is unknown",
                              pw_db_get(res, 0, "state"));
    }
    PQclear(res);
    return rc;
}

static int need_enrollment(enr_cmd_t *x, const subject_t *s)
{
    if (s->exists)
        return 0;
    return enr_cmd_fail(x, ENR_E_UNKNOWN_ENR, "%s/%s has no enrollment in %s", s->employer,
                        s->employee, s->program);
}

/* Refuses a move the lifecycle forbids, naming the participant. */
static int check_move(enr_cmd_t *x, const subject_t *s, enr_state_t to)
{
    char why[128];
    enr_state_t from = s->exists ? s->state : ENR_STATE_NONE;
    /* A pause ends with the leave (the facts), not by a command. */
    if (from == ENR_STATE_PAUSED && to != ENR_STATE_WITHDRAWN && to != ENR_STATE_EXITED)
        return enr_cmd_fail(x, ENR_E_ILLEGAL,
                            "%s/%s in %s is paused (from %s); it resumes when the leave ends",
                            s->employer, s->employee, s->program, s->paused_from);
    if (enr_transition_check(from, to, why, sizeof why) == 0)
        return 0;
    return enr_cmd_fail(x, ENR_E_ILLEGAL, "%s/%s in %s: %s", s->employer, s->employee, s->program,
                        why);
}

/* Milestones are recorded in the order they happened: none dated before
 * the latest one on record. */
static int check_order(enr_cmd_t *x, const subject_t *s, const char *date)
{
    if (!s->exists || !*s->last_date || strcmp(date, s->last_date) >= 0)
        return 0;
    return enr_cmd_fail(x, ENR_E_OUT_OF_ORDER,
                        "%s/%s in %s: effective_date %s is before %s, the date of the latest "
                        "milestone on record",
                        s->employer, s->employee, s->program, date, s->last_date);
}

/* Checks eligibility again; on success *facts holds the determination
 * used (caller frees). */
static int check_eligible(enr_cmd_t *x, const subject_t *s, char **facts)
{
    char why[512];
    int ok =
        enr_eligibility_check(x->db, s->employer, s->employee, s->program, why, sizeof why, facts);
    if (ok == 1)
        return 0;
    free(*facts);
    *facts = NULL;
    if (ok == -1)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", why);
    return enr_cmd_fail(x, ok == -2 ? ENR_E_UNKNOWN_EMP : ENR_E_NOT_ELIGIBLE, "%s", why);
}

/* A change for s, by the command's actor, caused by the command. */
static enr_change_t change_for(const enr_cmd_t *x, const subject_t *s, enr_state_t to,
                               const char *date)
{
    return (enr_change_t){
        .employer = s->employer,
        .employee = s->employee,
        .program = s->program,
        .to = to,
        .cohort_id = s->cohort_id, /* events name the cohort they concern */
        .actor = x->actor,
        .cause_event_id = x->cause,
        .effective_date = date,
        .historical = x->historical,
    };
}

static int move(enr_cmd_t *x, const subject_t *s, const enr_change_t *c)
{
    char err[512] = "";
    enr_result_t r = s->exists
                         ? enr_lifecycle_move(x->db, &x->emit, s->id, s->state, c, err, sizeof err)
                         : enr_lifecycle_create(x->db, &x->emit, c, err, sizeof err);
    return enr_cmd_fail_result(x, r, err);
}

/* An application dated in the past: the employee is known and was
 * eligible by that date (the first eligible determination on file), or the
 * command names the exception. *facts receives what was used. */
static int check_eligible_by(enr_cmd_t *x, const subject_t *s, const char *date,
                             const char *exception, char **facts)
{
    char first[PW_DATE_LEN] = "", why[512];
    int found =
        enr_eligibility_first(x->db, s->employer, s->employee, s->program, first, why, sizeof why);
    if (found == -1)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", why);
    if (found == -2)
        return enr_cmd_fail(x, ENR_E_UNKNOWN_EMP, "%s", why);
    int before = !*first || strcmp(date, first) < 0;
    if (before && !*exception)
        return enr_cmd_fail(x, ENR_E_BEFORE_ELIG,
                            "%s/%s applied on %s, %s%s; an application before eligibility needs "
                            "an eligibility exception with its reason",
                            s->employer, s->employee, date,
                            *first ? "before first being eligible on " : "and was never eligible",
                            first);
    json_t *o = json_pack("{s:s, s:s, s:s}", "basis", "history", "first_eligible", first,
                          "eligibility_exception", before ? exception : "");
    *facts = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return *facts ? 0 : enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
}

int enr_cmd_apply(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__ApplyCommand *a = cmd->apply;
    subject_t s;
    char date[PW_DATE_LEN];
    char *facts = NULL;
    if (load_subject(x, a->ref, &s) || enr_cmd_effective_date(x, a->effective_date, date) ||
        enr_cmd_text(x, "eligibility_exception", a->eligibility_exception, 0) ||
        check_move(x, &s, ENR_STATE_APPLIED) || check_order(x, &s, date))
        return -1;
    if (enr_cmd_is_past(x, date) ? check_eligible_by(x, &s, date, a->eligibility_exception, &facts)
                                 : check_eligible(x, &s, &facts))
        return -1;
    enr_change_t c = change_for(x, &s, ENR_STATE_APPLIED, date);
    c.reason_code = "applied";
    c.reason = enr_cmd_is_past(x, date) ? "applied; recorded from history"
                                        : "applied; eligibility confirmed";
    c.facts_json = facts;
    int rc = move(x, &s, &c);
    free(facts);
    return rc;
}

/* The seat counts an enroll decision used, frozen into the audit. */
static char *seat_facts(const char *cohort_id, const enr_cohort_t *c)
{
    json_t *o =
        json_pack("{s:s, s:s, s:i, s:i, s:i}", "cohort_id", cohort_id, "cohort_status", c->status,
                  "capacity", c->capacity, "seats_taken", c->taken, "waitlisted", c->waiting);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}

/* Whether the cohort took people on date: planned or open today; for an
 * admission from history, any cohort not cancelled that had not ended. */
static int check_cohort_open(enr_cmd_t *x, const char *cohort_id, const enr_cohort_t *c,
                             const char *date)
{
    if (!enr_cmd_is_past(x, date)) {
        if (strcmp(c->status, "planned") == 0 || strcmp(c->status, "open") == 0)
            return 0;
        return enr_cmd_fail(x, ENR_E_COHORT_CLOSED,
                            "cohort %s is %s; enrollment needs it planned or open", cohort_id,
                            c->status);
    }
    if (strcmp(c->status, "cancelled") == 0)
        return enr_cmd_fail(x, ENR_E_COHORT_CLOSED, "cohort %s is cancelled", cohort_id);
    if (strcmp(date, c->end_date) > 0)
        return enr_cmd_fail(x, ENR_E_COHORT_CLOSED, "cohort %s ended on %s, before %s", cohort_id,
                            c->end_date, date);
    return 0;
}

/* Locks the cohort and checks it takes this participant on date. */
static int check_cohort(enr_cmd_t *x, const subject_t *s, const char *cohort_id, const char *date,
                        enr_cohort_t *c)
{
    char err[256];
    int found = enr_cohort_lock(x->db, cohort_id, s->employer, c, err, sizeof err);
    if (found < 0)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", err);
    if (found == 0)
        return enr_cmd_fail(x, ENR_E_UNKNOWN_COH, "no cohort '%s'", cohort_id);
    if (strcmp(c->program, s->program) != 0)
        return enr_cmd_fail(x, ENR_E_PROGRAM, "cohort %s is for program %s, not %s", cohort_id,
                            c->program, s->program);
    if (!c->serves_employer)
        return enr_cmd_fail(x, ENR_E_NOT_SERVED, "cohort %s does not serve employer %s", cohort_id,
                            s->employer);
    return check_cohort_open(x, cohort_id, c, date);
}

int enr_cmd_enroll(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__EnrollCommand *e = cmd->enroll;
    subject_t s;
    enr_cohort_t c;
    char date[PW_DATE_LEN];
    if (load_subject(x, e->ref, &s) || enr_cmd_text(x, "cohort_id", e->cohort_id, 1) ||
        enr_cmd_effective_date(x, e->effective_date, date) || need_enrollment(x, &s) ||
        check_move(x, &s, ENR_STATE_ENROLLED) || check_order(x, &s, date) ||
        check_cohort(x, &s, e->cohort_id, date, &c))
        return -1;
    int full = c.taken >= c.capacity;
    if (full && !e->waitlist_if_full)
        return enr_cmd_fail(x, ENR_E_COHORT_FULL,
                            "cohort %s is full (%d of %d seats taken, %d waiting); ask for the "
                            "waitlist to wait for a seat",
                            e->cohort_id, c.taken, c.capacity, c.waiting);
    char *facts = seat_facts(e->cohort_id, &c);
    if (!facts)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
    enr_change_t ch = change_for(x, &s, full ? ENR_STATE_WAITLISTED : ENR_STATE_ENROLLED, date);
    ch.cohort_id = e->cohort_id;
    ch.reason_code = full ? "cohort_full" : "seat_available";
    ch.reason = full ? "cohort full; waitlisted" : "enrolled in the cohort";
    ch.facts_json = facts;
    int rc = move(x, &s, &ch);
    free(facts);
    return rc;
}

static int check_reason_code(enr_cmd_t *x, const char *code)
{
    if (enr_cmd_text(x, "reason_code", code, 1) != 0)
        return -1;
    for (const char *p = code; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return enr_cmd_fail(x, ENR_E_INVALID,
                                "reason_code: lower-case letters, digits and _ only, got '%.40s'",
                                code);
    return 0;
}

int enr_cmd_withdraw(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__WithdrawCommand *w = cmd->withdraw;
    enr_state_t to = w->exit ? ENR_STATE_EXITED : ENR_STATE_WITHDRAWN;
    subject_t s;
    char date[PW_DATE_LEN];
    if (load_subject(x, w->ref, &s) || check_reason_code(x, w->reason_code) ||
        enr_cmd_text(x, "reason", w->reason, 0) ||
        enr_cmd_effective_date(x, w->effective_date, date) || need_enrollment(x, &s) ||
        check_move(x, &s, to) || check_order(x, &s, date))
        return -1;
    enr_change_t c = change_for(x, &s, to, date);
    c.reason_code = w->reason_code;
    c.reason = w->reason;
    if (move(x, &s, &c) != 0)
        return -1;
    if (!*s.cohort_id || !enr_cohort_held_seat(s.state, s.paused_from))
        return 0;
    char err[256];
    if (enr_cohort_promote(x->db, &x->emit, s.cohort_id, x->cause, date, err, sizeof err) < 0)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", err);
    return 0;
}

/* The fields each forward step needs. Returns 0 or -1. */
static int check_progress_fields(enr_cmd_t *x, const Pathways__V1__ProgressCommand *p)
{
    if (enr_cmd_text(x, "reason", p->reason, 0) ||
        enr_cmd_text(x, "credential", p->credential, p->to_state == ENR_STATE_CERTIFIED) ||
        enr_cmd_text(x, "new_role", p->new_role, p->to_state == ENR_STATE_PLACED))
        return -1;
    switch (p->to_state) {
    case ENR_STATE_IN_TRAINING:
    case ENR_STATE_COMPLETED:
    case ENR_STATE_CERTIFIED:
    case ENR_STATE_PLACED:
        return 0;
    default:
        return enr_cmd_fail(x, ENR_E_INVALID,
                            "to_state must be in_training, completed, certified or placed");
    }
}

/* Starting training on date: the cohort is in progress (or, for a start
 * from history, finished) and had reached its start date, and the
 * participant is eligible today (a start dated today only; *facts: the
 * determination used). Returns 0 or -1. */
static int check_start(enr_cmd_t *x, const subject_t *s, const char *date, char **facts)
{
    enr_cohort_t c;
    char err[256];
    int found = *s->cohort_id ? enr_cohort_lock(x->db, s->cohort_id, NULL, &c, err, sizeof err) : 0;
    if (found < 0)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", err);
    int past = enr_cmd_is_past(x, date);
    if (found == 0 ||
        !(strcmp(c.status, "in_progress") == 0 || (past && strcmp(c.status, "finished") == 0)))
        return enr_cmd_fail(x, ENR_E_NOT_STARTED,
                            "cohort %s has not started; training starts with the cohort",
                            s->cohort_id);
    if (strcmp(date, c.start_date) < 0)
        return enr_cmd_fail(x, ENR_E_NOT_STARTED,
                            "cohort %s starts on %s; training cannot start on %s", s->cohort_id,
                            c.start_date, date);
    return past ? 0 : check_eligible(x, s, facts);
}

int enr_cmd_progress(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__ProgressCommand *p = cmd->progress;
    subject_t s;
    char date[PW_DATE_LEN];
    char *facts = NULL;
    if (load_subject(x, p->ref, &s) || check_progress_fields(x, p) ||
        enr_cmd_effective_date(x, p->effective_date, date) || need_enrollment(x, &s) ||
        check_move(x, &s, p->to_state) || check_order(x, &s, date) ||
        (p->to_state == ENR_STATE_IN_TRAINING && check_start(x, &s, date, &facts)))
        return -1;
    enr_change_t c = change_for(x, &s, p->to_state, date);
    c.reason_code = enr_state_name(p->to_state);
    c.reason = p->reason;
    c.credential = p->credential;
    c.new_role = p->new_role;
    c.facts_json = facts;
    int rc = move(x, &s, &c);
    free(facts);
    return rc;
}

int enr_cmd_review_clear(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__ReviewClearCommand *r = cmd->review_clear;
    subject_t s;
    if (load_subject(x, r->ref, &s) || enr_cmd_text(x, "reason", r->reason, 0) ||
        need_enrollment(x, &s))
        return -1;
    if (!(r->at_risk ? s.at_risk : s.flagged))
        return enr_cmd_fail(x, ENR_E_NOT_FLAGGED, "%s/%s in %s is not flagged %s", s.employer,
                            s.employee, s.program, r->at_risk ? "at risk" : "for review");
    enr_change_t c = change_for(x, &s, s.state, x->today);
    c.reason_code = r->at_risk ? "at_risk_cleared" : "review_cleared";
    c.reason = r->reason;
    char err[256] = "";
    enr_result_t rc =
        r->at_risk ? enr_lifecycle_at_risk(x->db, &x->emit, s.id, s.state, 0, &c, err, sizeof err)
                   : enr_lifecycle_flag(x->db, &x->emit, s.id, s.state, 0, &c, err, sizeof err);
    return enr_cmd_fail_result(x, rc, err);
}
