/* Reactions to an employee's changed facts, one enrollment at a time: see
 * reactions.h. Each reaction is a rule saying which enrollments it concerns
 * and what it does to them, so the loop over the rows is written once. */
#include "reactions.h"

#include <stdio.h>
#include <string.h>

#include "cohort.h"
#include "determination.h"

static const char *SQL_FOR_EMPLOYEE =
    "SELECT id, program, state, COALESCE(cohort_id, '') AS cohort_id,"
    " COALESCE(paused_from, '') AS paused_from, pause_reason, review_flag"
    " FROM enrollment.enrollment WHERE employer = $1 AND employee = $2 ORDER BY id FOR UPDATE";

/* One enrollment row as the rules see it. */
typedef struct {
    int64_t id;
    const char *program;
    enr_state_t state;
    const char *cohort_id;
    const char *paused_from;
    const char *pause_reason;
    int flagged;
} row_t;

static void reason_with_detail(char *out, size_t len, const char *what, const char *detail)
{
    if (detail && *detail)
        snprintf(out, len, "%s (%s)", what, detail);
    else
        snprintf(out, len, "%s", what);
}

/* Decides the move for one row: returns 1 and fills c->to/reason_code, or
 * 0 when the reaction does not concern the row. Leave and standing concern
 * people who applied or went further: an invitation is neither paused nor
 * flagged (applying checks eligibility again), so a leave never resends it. */
static int decide(enr_reaction_t what, const row_t *r, enr_change_t *c)
{
    switch (what) {
    case ENR_REACT_EXIT:
        c->to = ENR_STATE_EXITED;
        c->reason_code = ENR_REASON_TERMINATED;
        return enr_state_is_active(r->state);
    case ENR_REACT_PAUSE:
        c->to = ENR_STATE_PAUSED;
        c->reason_code = ENR_REASON_LEAVE;
        return enr_state_is_active(r->state) && r->state != ENR_STATE_PAUSED &&
               r->state != ENR_STATE_INVITED;
    case ENR_REACT_RESUME:
        c->reason_code = ENR_REASON_LEAVE_END;
        return r->state == ENR_STATE_PAUSED && strcmp(r->pause_reason, ENR_REASON_LEAVE) == 0 &&
               enr_state_parse(r->paused_from, &c->to) == 0;
    case ENR_REACT_FLAG:
        c->to = r->state;
        c->reason_code = ENR_REASON_STANDING;
        return enr_state_is_active(r->state) && r->state != ENR_STATE_INVITED && !r->flagged;
    }
    return 0;
}

int enr_react_concerns(enr_reaction_t what, enr_state_t state, const char *paused_from,
                       const char *pause_reason, int flagged)
{
    row_t r = {.state = state,
               .paused_from = paused_from ? paused_from : "",
               .pause_reason = pause_reason ? pause_reason : "",
               .flagged = flagged};
    enr_change_t scratch = {0};
    return decide(what, &r, &scratch);
}

static const char *sentence(enr_reaction_t what)
{
    switch (what) {
    case ENR_REACT_EXIT:
        return "employment terminated";
    case ENR_REACT_PAUSE:
        return "on leave";
    case ENR_REACT_RESUME:
        return "back from leave";
    case ENR_REACT_FLAG:
        return "lost good standing; staff to review";
    }
    return "";
}

static enr_result_t react_row(pw_db_t *db, const enr_emitter_t *emit, enr_reaction_t what,
                              const enr_cause_t *cause, const row_t *r, char *err, size_t errlen)
{
    char reason[256];
    reason_with_detail(reason, sizeof reason, sentence(what), cause->detail);
    enr_change_t c = {
        .employer = cause->employer,
        .employee = cause->employee,
        .program = r->program,
        .cohort_id = r->cohort_id,
        .reason = reason,
        .actor = ENR_ACTOR_SYSTEM,
        .cause_event_id = cause->cause_event_id,
        .effective_date = cause->date,
        .facts_json = cause->facts,
    };
    if (!decide(what, r, &c))
        return ENR_OK;
    if (what == ENR_REACT_FLAG)
        return enr_lifecycle_flag(db, emit, r->id, r->state, 1, &c, err, errlen);
    enr_result_t out = enr_lifecycle_move(db, emit, r->id, r->state, &c, err, errlen);
    if (out == ENR_OK && what == ENR_REACT_EXIT && *r->cohort_id &&
        enr_cohort_held_seat(r->state, r->paused_from) &&
        enr_cohort_promote(db, emit, r->cohort_id, cause->cause_event_id, cause->date, err,
                           errlen) < 0)
        return ENR_ERR_DB;
    return out;
}

enr_result_t enr_react(pw_db_t *db, const enr_emitter_t *emit, enr_reaction_t what,
                       const enr_cause_t *cause, char *err, size_t errlen)
{
    const char *p[2] = {cause->employer, cause->employee};
    PGresult *res = pw_db_prepared(db, "enr_for_employee", SQL_FOR_EMPLOYEE, 2, p);
    if (!res) {
        snprintf(err, errlen, "read enrollments: %s", pw_db_error(db));
        return ENR_ERR_DB;
    }
    enr_result_t out = ENR_OK;
    for (int i = 0; i < PQntuples(res) && out == ENR_OK; i++) {
        row_t r = {
            .id = pw_db_get_i64(res, i, "id"),
            .program = pw_db_get(res, i, "program"),
            .cohort_id = pw_db_get(res, i, "cohort_id"),
            .paused_from = pw_db_get(res, i, "paused_from"),
            .pause_reason = pw_db_get(res, i, "pause_reason"),
            .flagged = strcmp(pw_db_get(res, i, "review_flag"), "t") == 0,
        };
        if (enr_state_parse(pw_db_get(res, i, "state"), &r.state) != 0)
            continue;
        out = react_row(db, emit, what, cause, &r, err, errlen);
    }
    PQclear(res);
    return out;
}
