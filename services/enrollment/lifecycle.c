/* Enrollment state changes: table check, row update, audit row, event. The
 * update names the expected current state, so two writers racing on one
 * enrollment cannot both move it (the loser gets ENR_ERR_STALE). */
#include "lifecycle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pathways/topology.h"
#include "pathways/pgarray.h"

#define ENR_KEY_MAX 512

/* Creates a whole list of enrollments and their audit rows in one
 * statement. The first change naming an (employer, employee, program)
 * wins; one that exists already creates nothing, except that an
 * invitation re-opens an invitation withdrawn because eligibility was lost
 * ($14): the employee is eligible again. $12/$13: the audit's from_state
 * for a new enrollment and kind. Returns the ordinals (1-based) of the
 * changes that created or re-opened an enrollment, with the state each
 * came from (prior: the rows as they were before the statement). */
static const char *SQL_CREATE_MANY =
    "WITH c AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    "  $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])"
    "  WITH ORDINALITY AS c(employer, employee, program, state, cohort_id, reason_code, reason,"
    "  actor, cause_event_id, facts, effective_date, ord)),"
    " one AS (SELECT DISTINCT ON (employer, employee, program) * FROM c"
    "  ORDER BY employer, employee, program, ord),"
    " prior AS (SELECT e.id, e.state FROM enrollment.enrollment e"
    "  JOIN one USING (employer, employee, program)),"
    " ins AS (INSERT INTO enrollment.enrollment AS cur (employer, employee, program, state,"
    "  cohort_id, reason_code) SELECT employer, employee, program, state, NULLIF(cohort_id, ''),"
    "  reason_code FROM one ORDER BY ord ON CONFLICT (employer, employee, program) DO UPDATE"
    "  SET state = EXCLUDED.state, reason_code = EXCLUDED.reason_code, cohort_id = NULL,"
    "  updated_at = now() WHERE cur.state = 'withdrawn' AND cur.reason_code = $14"
    "  AND EXCLUDED.state = 'invited'"
    "  RETURNING id, employer, employee, program),"
    " made AS (SELECT i.id, o.*, COALESCE(p.state, $12) AS from_state FROM ins i"
    "  JOIN one o USING (employer, employee, program) LEFT JOIN prior p ON p.id = i.id),"
    " audit AS (INSERT INTO enrollment.transition (enrollment_id, from_state, to_state,"
    "  reason_code, reason, actor, cause_event_id, facts, kind, effective_date)"
    "  SELECT id, from_state, state, reason_code, reason, actor, cause_event_id,"
    "  COALESCE(facts, '{}')::jsonb, $13, effective_date FROM made ORDER BY ord)"
    " SELECT ord, from_state FROM made ORDER BY ord";

/* Moves a list of enrollments, each named by (employer, employee, program)
 * and in state $12, to its change's state, with their audit rows, in one
 * statement; one change per enrollment (the caller's promise). $13: the
 * audit's kind; $14: the reason_code kept for the move. Returns the
 * ordinals of the changes that moved an enrollment and its cohort. */
static const char *SQL_MOVE_MANY =
    "WITH c AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    "  $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])"
    "  WITH ORDINALITY AS c(employer, employee, program, state, cohort_id, reason_code, reason,"
    "  actor, cause_event_id, facts, effective_date, ord)),"
    " moved AS (UPDATE enrollment.enrollment e SET state = c.state, reason_code = c.reason_code,"
    "  updated_at = now() FROM c WHERE e.employer = c.employer AND e.employee = c.employee"
    "  AND e.program = c.program AND e.state = $12 AND c.reason_code = $14"
    "  RETURNING e.id, c.ord, COALESCE(e.cohort_id, '') AS cohort_id),"
    " audit AS (INSERT INTO enrollment.transition (enrollment_id, from_state, to_state,"
    "  reason_code, reason, actor, cause_event_id, facts, kind, effective_date)"
    "  SELECT m.id, $12, c.state, c.reason_code, c.reason, c.actor, c.cause_event_id,"
    "  COALESCE(c.facts, '{}')::jsonb, $13, c.effective_date FROM moved m JOIN c USING (ord)"
    "  ORDER BY ord)"
    " SELECT ord, cohort_id FROM moved ORDER BY ord";

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

static const char *SQL_AT_RISK =
    "UPDATE enrollment.enrollment SET at_risk = $3::boolean,"
    " at_risk_reason = CASE WHEN $3::boolean THEN $2 ELSE '' END, updated_at = now()"
    " WHERE id = $1 AND at_risk <> $3::boolean RETURNING id";

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
    ev.at_risk = strcmp(type, ENR_EVENT_AT_RISK) == 0;
    ev.historical = c->historical != 0;
    if (emit->fn(emit->ctx, PW_STREAM_ENROLLMENT, type, key, NULL, &ev.base) != 0) {
        snprintf(err, errlen, "cannot append EnrollmentChanged");
        return ENR_ERR_DB;
    }
    return ENR_OK;
}

/* The columns of SQL_CREATE_MANY, one array each. */
enum {
    COL_EMPLOYER,
    COL_EMPLOYEE,
    COL_PROGRAM,
    COL_STATE,
    COL_COHORT,
    COL_REASON_CODE,
    COL_REASON,
    COL_ACTOR,
    COL_CAUSE,
    COL_FACTS,
    COL_DATE,
    N_COLS
};

static int add_change(pw_pgarray_t **cols, const enr_change_t *c)
{
    const char *v[N_COLS] = {
        [COL_EMPLOYER] = nz(c->employer),    [COL_EMPLOYEE] = nz(c->employee),
        [COL_PROGRAM] = nz(c->program),      [COL_STATE] = enr_state_name(c->to),
        [COL_COHORT] = nz(c->cohort_id),     [COL_REASON_CODE] = nz(c->reason_code),
        [COL_REASON] = nz(c->reason),        [COL_ACTOR] = nz(c->actor),
        [COL_CAUSE] = nz(c->cause_event_id), [COL_FACTS] = c->facts_json, /* NULL: {} */
        [COL_DATE] = nz(c->effective_date),
    };
    for (int k = 0; k < N_COLS; k++)
        if (pw_pgarray_add(cols[k], v[k]) != 0)
            return -1;
    return 0;
}

#define N_SCALARS 3 /* $12..$14 of SQL_CREATE_MANY and SQL_MOVE_MANY */

/* Runs a statement over the columns of cs[0..n) and three scalars; *res
 * receives its result. */
static enr_result_t run_rows(pw_db_t *db, const char *name, const char *sql,
                             const char *const scalars[N_SCALARS], const enr_change_t *cs, size_t n,
                             PGresult **res, char *err, size_t errlen)
{
    pw_pgarray_t *cols[N_COLS] = {0};
    const char *p[N_COLS + N_SCALARS];
    for (int k = 0; k < N_SCALARS; k++)
        p[N_COLS + k] = scalars[k];
    int ok = 1;
    for (int k = 0; k < N_COLS && ok; k++)
        ok = (cols[k] = pw_pgarray_new()) != NULL;
    for (size_t i = 0; i < n && ok; i++)
        ok = add_change(cols, &cs[i]) == 0;
    for (int k = 0; k < N_COLS && ok; k++)
        ok = (p[k] = pw_pgarray_text(cols[k])) != NULL;
    enr_result_t out = ENR_OK;
    if (!ok) {
        snprintf(err, errlen, "%s: out of memory", name);
        out = ENR_ERR_DB;
    } else if (!(*res = pw_db_prepared(db, name, sql, N_COLS + N_SCALARS, p))) {
        set_err(err, errlen, name, db);
        out = ENR_ERR_DB;
    }
    for (int k = 0; k < N_COLS; k++)
        pw_pgarray_destroy(&cols[k]);
    return out;
}

/* Reads the ordinal of row i of a *_MANY result; -1 with err when out of
 * range. */
static int64_t ordinal(const PGresult *res, int i, size_t n, char *err, size_t errlen)
{
    int64_t ord = pw_db_get_i64(res, i, "ord");
    if (ord < 1 || (uint64_t)ord > n) {
        snprintf(err, errlen, "ordinal %" PRId64 " out of range", ord);
        return -1;
    }
    return ord;
}

/* Announces the change of every row of a *_MANY result (column ord), from
 * the row's from_state when it has one (else from), naming the row's
 * cohort_id when it has one; marks created[ord - 1]. */
static enr_result_t announce_rows(const enr_emitter_t *emit, const PGresult *res,
                                  const enr_change_t *cs, size_t n, enr_state_t from, char *created,
                                  char *err, size_t errlen)
{
    int from_col = PQfnumber(res, "from_state"), cohort_col = PQfnumber(res, "cohort_id");
    enr_result_t r = ENR_OK;
    for (int i = 0; r == ENR_OK && i < PQntuples(res); i++) {
        int64_t ord = ordinal(res, i, n, err, errlen);
        if (ord < 0)
            return ENR_ERR_DB;
        enr_change_t c = cs[ord - 1];
        enr_state_t was = from;
        if (from_col >= 0 && enr_state_parse(PQgetvalue(res, i, from_col), &was) != 0)
            was = from;
        if (cohort_col >= 0)
            c.cohort_id = PQgetvalue(res, i, cohort_col);
        if (created)
            created[ord - 1] = 1;
        r = announce(emit, ENR_EVENT_TYPE, was, c.to, &c, err, errlen);
    }
    return r;
}

/* A set-based statement over cs[0..n), each a move from from: checked
 * against the lifecycle, run, and its rows announced. */
static enr_result_t many(pw_db_t *db, const enr_emitter_t *emit, const char *name, const char *sql,
                         const char *const scalars[N_SCALARS], enr_state_t from,
                         const enr_change_t *cs, size_t n, char *created, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++)
        if (enr_transition_check(from, cs[i].to, err, errlen) != 0)
            return ENR_ERR_ILLEGAL;
    if (n == 0)
        return ENR_OK;
    PGresult *res = NULL;
    enr_result_t r = run_rows(db, name, sql, scalars, cs, n, &res, err, errlen);
    if (r == ENR_OK)
        r = announce_rows(emit, res, cs, n, from, created, err, errlen);
    PQclear(res);
    return r;
}

enr_result_t enr_lifecycle_create_many(pw_db_t *db, const enr_emitter_t *emit,
                                       const enr_change_t *cs, size_t n, char *created, char *err,
                                       size_t errlen)
{
    if (created)
        memset(created, 0, n);
    const char *const scalars[N_SCALARS] = {enr_state_name(ENR_STATE_NONE), KIND_TRANSITION,
                                            ENR_REASON_ELIGIBILITY_LOST};
    return many(db, emit, "enr_create_many", SQL_CREATE_MANY, scalars, ENR_STATE_NONE, cs, n,
                created, err, errlen);
}

enr_result_t enr_lifecycle_move_many(pw_db_t *db, const enr_emitter_t *emit, enr_state_t from,
                                     const char *reason_code, const enr_change_t *cs, size_t n,
                                     char *err, size_t errlen)
{
    if (enr_state_holds_seat(from) || from == ENR_STATE_WAITLISTED || from == ENR_STATE_PAUSED) {
        snprintf(err, errlen, "move many: %s has bookkeeping of its own", enr_state_name(from));
        return ENR_ERR_ILLEGAL;
    }
    const char *const scalars[N_SCALARS] = {enr_state_name(from), KIND_TRANSITION, reason_code};
    return many(db, emit, "enr_move_many", SQL_MOVE_MANY, scalars, from, cs, n, NULL, err, errlen);
}

enr_result_t enr_lifecycle_create(pw_db_t *db, const enr_emitter_t *emit, const enr_change_t *c,
                                  char *err, size_t errlen)
{
    char made = 0;
    enr_result_t r = enr_lifecycle_create_many(db, emit, c, 1, &made, err, errlen);
    return r == ENR_OK && !made ? ENR_EXISTS : r;
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

enr_result_t enr_lifecycle_at_risk(pw_db_t *db, const enr_emitter_t *emit, int64_t id,
                                   enr_state_t state, int flag, const enr_change_t *c, char *err,
                                   size_t errlen)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    const char *p[3] = {idtext, nz(c->reason), flag ? "true" : "false"};
    PGresult *res = pw_db_prepared(db, "enr_at_risk", SQL_AT_RISK, 3, p);
    if (!res) {
        set_err(err, errlen, "flag enrollment at risk", db);
        return ENR_ERR_DB;
    }
    int changed = PQntuples(res);
    PQclear(res);
    if (changed != 1) {
        snprintf(err, errlen, "enrollment %" PRId64 " is %s flagged at risk", id,
                 flag ? "already" : "not");
        return ENR_ERR_STALE;
    }
    enr_result_t r =
        audit(db, id, state, state, flag ? "at_risk_flagged" : "at_risk_cleared", c, err, errlen);
    if (r != ENR_OK || !flag)
        return r;
    return announce(emit, ENR_EVENT_AT_RISK, state, ENR_STATE_NONE, c, err, errlen);
}
