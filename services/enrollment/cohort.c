/* Cohort seats, waitlist promotion and the start of training; see cohort.h.
 * The seat-holding states in SQL_LOCK mirror enr_state_holds_seat(). */
#include "cohort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eligibility.h"

static const char *SQL_LOCK =
    "WITH c AS (SELECT program, status, capacity, start_date::text AS start_date,"
    "  end_date::text AS end_date, (cardinality(employers) = 0 OR $2 = ANY (employers)) AS serves"
    "  FROM enrollment.cohort WHERE cohort_id = $1 FOR UPDATE)"
    " SELECT c.program, c.status, c.capacity, c.serves, c.start_date, c.end_date,"
    " (SELECT count(*) FROM enrollment.enrollment e WHERE e.cohort_id = $1 AND"
    "  (e.state IN ('enrolled', 'in_training', 'completed', 'certified', 'placed') OR"
    "   (e.state = 'paused' AND e.paused_from IN ('enrolled', 'in_training')))) AS taken,"
    " (SELECT count(*) FROM enrollment.enrollment e WHERE e.cohort_id = $1"
    "  AND e.state = 'waitlisted') AS waiting FROM c";

static const char *SQL_NEXT_WAITING =
    "SELECT id, employer, employee, program FROM enrollment.enrollment"
    " WHERE cohort_id = $1 AND state = 'waitlisted' ORDER BY waitlist_seq, id LIMIT 1 FOR UPDATE";

static const char *SQL_ENROLLED =
    "SELECT id, employer, employee, program, review_flag FROM enrollment.enrollment"
    " WHERE cohort_id = $1 AND state = 'enrolled' ORDER BY id FOR UPDATE";

static const char *const STATUS_NAMES[] = {NULL,          "planned",  "open",
                                           "in_progress", "finished", "cancelled"};
#define N_STATUS (sizeof STATUS_NAMES / sizeof STATUS_NAMES[0])

const char *enr_cohort_status_name(Pathways__V1__CohortStatus s)
{
    return (int)s > 0 && (size_t)s < N_STATUS ? STATUS_NAMES[s] : NULL;
}

Pathways__V1__CohortStatus enr_cohort_status_parse(const char *name)
{
    for (size_t i = 1; name && i < N_STATUS; i++)
        if (strcmp(STATUS_NAMES[i], name) == 0)
            return (Pathways__V1__CohortStatus)i;
    return PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_UNSPECIFIED;
}

int enr_cohort_status_allowed(const char *from, const char *to)
{
    static const char *const EDGES[][2] = {
        {"planned", "open"},         {"planned", "in_progress"},   {"planned", "cancelled"},
        {"open", "planned"},         {"open", "in_progress"},      {"open", "cancelled"},
        {"in_progress", "finished"}, {"in_progress", "cancelled"},
    };
    for (size_t i = 0; i < sizeof EDGES / sizeof EDGES[0]; i++)
        if (strcmp(EDGES[i][0], from) == 0 && strcmp(EDGES[i][1], to) == 0)
            return 1;
    return 0;
}

int enr_cohort_lock(pw_db_t *db, const char *cohort_id, const char *employer, enr_cohort_t *out,
                    char *err, size_t errlen)
{
    const char *p[2] = {cohort_id, employer ? employer : ""};
    PGresult *res = pw_db_prepared(db, "enr_cohort_lock", SQL_LOCK, 2, p);
    if (!res) {
        snprintf(err, errlen, "read cohort: %s", pw_db_error(db));
        return -1;
    }
    int found = PQntuples(res) == 1;
    if (found) {
        snprintf(out->program, sizeof out->program, "%s", pw_db_get(res, 0, "program"));
        snprintf(out->status, sizeof out->status, "%s", pw_db_get(res, 0, "status"));
        out->capacity = (int)pw_db_get_i64(res, 0, "capacity");
        out->serves_employer = strcmp(pw_db_get(res, 0, "serves"), "t") == 0;
        out->taken = (int)pw_db_get_i64(res, 0, "taken");
        out->waiting = (int)pw_db_get_i64(res, 0, "waiting");
        snprintf(out->start_date, sizeof out->start_date, "%s", pw_db_get(res, 0, "start_date"));
        snprintf(out->end_date, sizeof out->end_date, "%s", pw_db_get(res, 0, "end_date"));
    }
    PQclear(res);
    return found;
}

int enr_cohort_held_seat(enr_state_t from, const char *paused_from)
{
    enr_state_t before;
    if (from == ENR_STATE_PAUSED)
        return paused_from && enr_state_parse(paused_from, &before) == 0 &&
               enr_state_holds_seat(before);
    return enr_state_holds_seat(from);
}

static int takes_people(const enr_cohort_t *c)
{
    return strcmp(c->status, "planned") == 0 || strcmp(c->status, "open") == 0 ||
           strcmp(c->status, "in_progress") == 0;
}

/* Promotes the first waiter of cohort_id. Returns 1, 0 when nobody
 * waits, or -1 with err. */
static int promote_one(pw_db_t *db, const enr_emitter_t *emit, const char *cohort_id,
                       const char *cause, const char *date, char *err, size_t errlen)
{
    const char *p[1] = {cohort_id};
    PGresult *res = pw_db_prepared(db, "enr_next_waiting", SQL_NEXT_WAITING, 1, p);
    if (!res) {
        snprintf(err, errlen, "read waitlist: %s", pw_db_error(db));
        return -1;
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 0;
    }
    enr_change_t c = {
        .employer = pw_db_get(res, 0, "employer"),
        .employee = pw_db_get(res, 0, "employee"),
        .program = pw_db_get(res, 0, "program"),
        .to = ENR_STATE_ENROLLED,
        .cohort_id = cohort_id,
        .reason_code = ENR_REASON_PROMOTED,
        .reason = "a seat opened in the cohort",
        .actor = ENR_ACTOR_SYSTEM,
        .cause_event_id = cause,
        .effective_date = date,
    };
    enr_result_t r = enr_lifecycle_move(db, emit, pw_db_get_i64(res, 0, "id"), ENR_STATE_WAITLISTED,
                                        &c, err, errlen);
    PQclear(res);
    return r == ENR_OK ? 1 : -1;
}

int enr_cohort_promote(pw_db_t *db, const enr_emitter_t *emit, const char *cohort_id,
                       const char *cause, const char *date, char *err, size_t errlen)
{
    enr_cohort_t c;
    int found = enr_cohort_lock(db, cohort_id, NULL, &c, err, errlen);
    if (found <= 0)
        return found; /* a cohort that is gone has nobody to promote */
    if (!takes_people(&c))
        return 0;
    int promoted = 0;
    for (int free_seats = c.capacity - c.taken; free_seats > 0; free_seats--) {
        int r = promote_one(db, emit, cohort_id, cause, date, err, errlen);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        promoted++;
    }
    return promoted;
}

/* Starts one enrolled participant, or flags them when no longer eligible. */
static enr_result_t start_one(pw_db_t *db, const enr_emitter_t *emit, const PGresult *res, int i,
                              enr_change_t *c, char *err, size_t errlen)
{
    char why[512];
    char *facts = NULL;
    c->employer = pw_db_get(res, i, "employer");
    c->employee = pw_db_get(res, i, "employee");
    c->program = pw_db_get(res, i, "program");
    int64_t id = pw_db_get_i64(res, i, "id");
    int ok =
        enr_eligibility_check(db, c->employer, c->employee, c->program, why, sizeof why, &facts);
    if (ok == -1) {
        snprintf(err, errlen, "%s", why);
        return ENR_ERR_DB;
    }
    c->facts_json = facts;
    enr_result_t r = ENR_OK;
    if (ok == 1) {
        c->reason_code = ENR_REASON_STARTED;
        c->reason = "cohort started; eligibility confirmed";
        r = enr_lifecycle_move(db, emit, id, ENR_STATE_ENROLLED, c, err, errlen);
    } else if (strcmp(pw_db_get(res, i, "review_flag"), "t") != 0) {
        c->reason_code = "not_eligible_at_start";
        c->reason = why;
        r = enr_lifecycle_flag(db, emit, id, ENR_STATE_ENROLLED, 1, c, err, errlen);
    }
    free(facts);
    c->facts_json = NULL;
    return r;
}

int enr_cohort_start_training(pw_db_t *db, const enr_emitter_t *emit, const char *cohort_id,
                              const char *actor, const char *cause, const char *date, char *err,
                              size_t errlen)
{
    const char *p[1] = {cohort_id};
    PGresult *res = pw_db_prepared(db, "enr_cohort_enrolled", SQL_ENROLLED, 1, p);
    if (!res) {
        snprintf(err, errlen, "read cohort roster: %s", pw_db_error(db));
        return -1;
    }
    enr_change_t c = {
        .to = ENR_STATE_IN_TRAINING,
        .cohort_id = cohort_id,
        .actor = actor,
        .cause_event_id = cause,
        .effective_date = date,
    };
    enr_result_t r = ENR_OK;
    for (int i = 0; i < PQntuples(res) && r == ENR_OK; i++)
        r = start_one(db, emit, res, i, &c, err, errlen);
    PQclear(res);
    return r == ENR_OK ? 0 : -1;
}
