/* Enrollment state changes: table check, row update, audit row, event. The
 * update names the expected current state, so two writers racing on one
 * enrollment cannot both move it (the loser gets ENR_ERR_STALE). */
#include "lifecycle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define ENR_KEY_MAX 512

static const char *SQL_CREATE =
    "INSERT INTO enrollment.enrollment (employer, employee, program, state, cohort_id,"
    " reason_code) VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6)"
    " ON CONFLICT (employer, employee, program) DO NOTHING RETURNING id";

/* $2 is the target state, $5 the expected current one. The waitlist number
 * survives a pause so a resumed waiter keeps their place; it goes once the
 * person holds a seat or leaves. */
static const char *SQL_MOVE =
    "UPDATE enrollment.enrollment SET state = $2, reason_code = $3,"
    " cohort_id = COALESCE(NULLIF($4, ''), cohort_id),"
    " waitlist_seq = CASE WHEN $2 = 'waitlisted'"
    "   THEN COALESCE(waitlist_seq, nextval('enrollment.waitlist_seq'))"
    "   WHEN $2 = 'paused' THEN waitlist_seq END,"
    " paused_from = CASE WHEN $2 = 'paused' THEN $5 END,"
    " pause_reason = CASE WHEN $2 = 'paused' THEN $3 ELSE '' END,"
    " credential = CASE WHEN $2 = 'certified' THEN $6 ELSE credential END,"
    " credential_date = CASE WHEN $2 = 'certified' THEN NULLIF($7, '')::date"
    "   ELSE credential_date END,"
    " new_role = CASE WHEN $2 = 'placed' THEN $8 ELSE new_role END,"
    " placed_date = CASE WHEN $2 = 'placed' THEN NULLIF($7, '')::date ELSE placed_date END,"
    " updated_at = now() WHERE id = $1 AND state = $5 RETURNING id";

static const char *SQL_FLAG =
    "UPDATE enrollment.enrollment SET review_flag = $2::boolean,"
    " review_reason = CASE WHEN $2::boolean THEN $3 ELSE '' END, updated_at = now()"
    " WHERE id = $1 AND review_flag <> $2::boolean RETURNING id";

static const char *SQL_AUDIT =
    "INSERT INTO enrollment.transition (enrollment_id, from_state, to_state, reason_code,"
    " reason, actor, cause_event_id, facts, kind, effective_date)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)";

#define KIND_TRANSITION "transition"

static const char *nz(const char *s)
{
    return s ? s : "";
}

static void set_err(char *err, size_t errlen, const char *what, pw_db_t *db)
{
    snprintf(err, errlen, "%s: %s", what, pw_db_error(db));
}

static enr_result_t audit(pw_db_t *db, int64_t id, enr_state_t from, enr_state_t to,
                          const char *kind, const enr_change_t *c, char *err, size_t errlen)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    const char *p[10] = {idtext,
                         enr_state_name(from),
                         enr_state_name(to),
                         nz(c->reason_code),
                         nz(c->reason),
                         nz(c->actor),
                         nz(c->cause_event_id),
                         c->facts_json ? c->facts_json : "{}",
                         kind,
                         nz(c->effective_date)};
    PGresult *res = pw_db_prepared(db, "enr_audit", SQL_AUDIT, 10, p);
    if (!res) {
        set_err(err, errlen, "audit transition", db);
        return ENR_ERR_DB;
    }
    PQclear(res);
    return ENR_OK;
}

static enr_result_t announce(const enr_emitter_t *emit, const char *type, enr_state_t from,
                             enr_state_t to, const enr_change_t *c, char *err, size_t errlen)
{
    char key[ENR_KEY_MAX];
    int n = snprintf(key, sizeof key, "%s/%s", nz(c->employer), nz(c->employee));
    if (n < 0 || (size_t)n >= sizeof key) {
        snprintf(err, errlen, "stream key too long");
        return ENR_ERR_ILLEGAL;
    }
    Pathways__V1__EnrollmentChanged ev = PATHWAYS__V1__ENROLLMENT_CHANGED__INIT;
    ev.employer = (char *)nz(c->employer);
    ev.employee = (char *)nz(c->employee);
    ev.program = (char *)nz(c->program);
    ev.from_state = from;
    ev.to_state = to;
    ev.cohort_id = (char *)nz(c->cohort_id);
    ev.reason_code = (char *)nz(c->reason_code);
    ev.reason = (char *)nz(c->reason);
    ev.actor = (char *)nz(c->actor);
    ev.effective_date = (char *)nz(c->effective_date);
    ev.cause_event_id = (char *)nz(c->cause_event_id);
    ev.credential = (char *)(to == ENR_STATE_CERTIFIED ? nz(c->credential) : "");
    ev.new_role = (char *)(to == ENR_STATE_PLACED ? nz(c->new_role) : "");
    ev.review_flag = strcmp(type, ENR_EVENT_REVIEW_FLAGGED) == 0;
    if (emit->fn(emit->ctx, ENR_STREAM, type, key, NULL, &ev.base) != 0) {
        snprintf(err, errlen, "cannot append EnrollmentChanged");
        return ENR_ERR_DB;
    }
    return ENR_OK;
}

enr_result_t enr_lifecycle_create(pw_db_t *db, const enr_emitter_t *emit, const enr_change_t *c,
                                  char *err, size_t errlen)
{
    if (enr_transition_check(ENR_STATE_NONE, c->to, err, errlen) != 0)
        return ENR_ERR_ILLEGAL;
    const char *p[6] = {nz(c->employer),       nz(c->employee),  nz(c->program),
                        enr_state_name(c->to), nz(c->cohort_id), nz(c->reason_code)};
    PGresult *res = pw_db_prepared(db, "enr_create", SQL_CREATE, 6, p);
    if (!res) {
        set_err(err, errlen, "create enrollment", db);
        return ENR_ERR_DB;
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        return ENR_EXISTS;
    }
    int64_t id = pw_db_get_i64(res, 0, "id");
    PQclear(res);
    enr_result_t r = audit(db, id, ENR_STATE_NONE, c->to, KIND_TRANSITION, c, err, errlen);
    if (r != ENR_OK)
        return r;
    return announce(emit, ENR_EVENT_TYPE, ENR_STATE_NONE, c->to, c, err, errlen);
}

enr_result_t enr_lifecycle_move(pw_db_t *db, const enr_emitter_t *emit, int64_t id,
                                enr_state_t from, const enr_change_t *c, char *err, size_t errlen)
{
    if (enr_transition_check(from, c->to, err, errlen) != 0)
        return ENR_ERR_ILLEGAL;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    const char *p[8] = {idtext,
                        enr_state_name(c->to),
                        nz(c->reason_code),
                        nz(c->cohort_id),
                        enr_state_name(from),
                        nz(c->credential),
                        nz(c->effective_date),
                        nz(c->new_role)};
    PGresult *res = pw_db_prepared(db, "enr_move", SQL_MOVE, 8, p);
    if (!res) {
        set_err(err, errlen, "move enrollment", db);
        return ENR_ERR_DB;
    }
    int moved = PQntuples(res);
    PQclear(res);
    if (moved != 1) {
        snprintf(err, errlen, "enrollment %" PRId64 " is no longer %s", id, enr_state_name(from));
        return ENR_ERR_STALE;
    }
    enr_result_t r = audit(db, id, from, c->to, KIND_TRANSITION, c, err, errlen);
    if (r != ENR_OK)
        return r;
    return announce(emit, ENR_EVENT_TYPE, from, c->to, c, err, errlen);
}

enr_result_t enr_lifecycle_flag(pw_db_t *db, const enr_emitter_t *emit, int64_t id,
                                enr_state_t state, int flag, const enr_change_t *c, char *err,
                                size_t errlen)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    const char *p[3] = {idtext, flag ? "true" : "false", nz(c->reason)};
    PGresult *res = pw_db_prepared(db, "enr_flag", SQL_FLAG, 3, p);
    if (!res) {
        set_err(err, errlen, "flag enrollment", db);
        return ENR_ERR_DB;
    }
    int changed = PQntuples(res);
    PQclear(res);
    if (changed != 1) {
        snprintf(err, errlen, "enrollment %" PRId64 " is %s flagged for review", id,
                 flag ? "already" : "not");
        return ENR_ERR_STALE;
    }
    const char *kind = flag ? "review_flagged" : "review_cleared";
    enr_result_t r = audit(db, id, state, state, kind, c, err, errlen);
    if (r != ENR_OK)
        return r;
    return announce(emit, flag ? ENR_EVENT_REVIEW_FLAGGED : ENR_EVENT_REVIEW_CLEARED, state,
                    ENR_STATE_NONE, c, err, errlen);
}
