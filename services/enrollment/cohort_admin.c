/* Cohort commands: create and update. An update that starts the cohort
 * starts training (eligibility checked again); one that adds seats or
 * reopens it promotes waiters. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "command.h"
#include "determination.h"

#define CAPACITY_MAX 10000

typedef Pathways__V1__EnrollmentCommand cmd_t;
typedef Pathways__V1__Cohort cohort_msg_t;

static const char *SQL_CREATE =
    "INSERT INTO enrollment.cohort (cohort_id, program, name, provider, employers, start_date,"
    " end_date, capacity, status, created_by) VALUES ($1, $2, $3, $4,"
    " ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6::date, $7::date, $8::integer, $9,"
    " $10) ON CONFLICT (cohort_id) DO NOTHING RETURNING cohort_id";

static const char *SQL_CURRENT =
    "SELECT program, name, provider, array_to_json(employers)::text AS employers,"
    " start_date::text AS start_date, end_date::text AS end_date, capacity, status"
    " FROM enrollment.cohort WHERE cohort_id = $1 FOR UPDATE";

static const char *SQL_UPDATE =
    "UPDATE enrollment.cohort SET name = $2, provider = $3,"
    " employers = ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), start_date = $5::date,"
    " end_date = $6::date, capacity = $7::integer, status = $8, updated_at = now()"
    " WHERE cohort_id = $1";

/* A cohort's fields as text, ready for SQL. */
typedef struct {
    char program[ENR_TEXT_MAX_LEN + 1];
    char name[ENR_TEXT_MAX_LEN + 1];
    char provider[ENR_TEXT_MAX_LEN + 1];
    char *employers; /* JSON array, malloc'd */
    char start[PW_DATE_LEN];
    char end[PW_DATE_LEN];
    char capacity[16];
    char status[16];
} fields_t;

static int check_id(enr_cmd_t *x, const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > ENR_COHORT_ID_MAX)
        return enr_cmd_fail(x, ENR_E_INVALID, "cohort_id: 1 to %d characters", ENR_COHORT_ID_MAX);
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
            return enr_cmd_fail(x, ENR_E_INVALID,
                                "cohort_id: lower-case letters, digits, '.', '_' and '-' only");
    return 0;
}

/* The employers as a JSON array, each checked. NULL with a refusal. */
static char *employers_json(enr_cmd_t *x, const cohort_msg_t *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < c->n_employers; i++) {
        if (enr_cmd_text(x, "employers[]", c->employers[i], 1) != 0) {
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, json_string(c->employers[i]));
    }
    char *text = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!text && !*x->code)
        enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
    return text;
}

/* Overlays the message's given fields on f (f holds the current values, or
 * defaults for a new cohort) and checks the result. */
static int merge(enr_cmd_t *x, const cohort_msg_t *c, fields_t *f)
{
    if (enr_cmd_text(x, "name", c->name, 0) || enr_cmd_text(x, "provider", c->provider, 0))
        return -1;
    if (*c->name)
        snprintf(f->name, sizeof f->name, "%s", c->name);
    if (*c->provider)
        snprintf(f->provider, sizeof f->provider, "%s", c->provider);
    if (*c->start_date && enr_cmd_date(x, "start_date", c->start_date, f->start) != 0)
        return -1;
    if (*c->end_date && enr_cmd_date(x, "end_date", c->end_date, f->end) != 0)
        return -1;
    if (c->capacity > CAPACITY_MAX)
        return enr_cmd_fail(x, ENR_E_INVALID, "capacity: 1 to %d", CAPACITY_MAX);
    if (c->capacity)
        snprintf(f->capacity, sizeof f->capacity, "%u", c->capacity);
    if (c->status != PATHWAYS__V1__COHORT_STATUS__COHORT_STATUS_UNSPECIFIED) {
        const char *name = enr_cohort_status_name(c->status);
        if (!name)
            return enr_cmd_fail(x, ENR_E_INVALID, "status: unknown value %d", (int)c->status);
        snprintf(f->status, sizeof f->status, "%s", name);
    }
    if (c->n_employers) {
        char *json = employers_json(x, c);
        if (!json)
            return -1;
        free(f->employers);
        f->employers = json;
    }
    if (!*f->provider || !*f->start || !*f->end || !*f->capacity)
        return enr_cmd_fail(x, ENR_E_INVALID,
                            "provider, start_date, end_date and capacity are required");
    if (strcmp(f->end, f->start) < 0)
        return enr_cmd_fail(x, ENR_E_INVALID, "end_date %s is before start_date %s", f->end,
                            f->start);
    return 0;
}

int enr_cmd_cohort_create(enr_cmd_t *x, const cmd_t *cmd)
{
    const cohort_msg_t *c = cmd->cohort_create->cohort;
    if (!c)
        return enr_cmd_fail(x, ENR_E_INVALID, "cohort is required");
    if (check_id(x, c->cohort_id) || enr_cmd_text(x, "program", c->program, 0))
        return -1;
    fields_t f = {.status = "planned", .employers = strdup("[]")};
    snprintf(f.program, sizeof f.program, "%s", *c->program ? c->program : ENR_DEFAULT_PROGRAM);
    int rc = merge(x, c, &f);
    if (rc == 0 && strcmp(f.status, "planned") != 0 && strcmp(f.status, "open") != 0)
        rc = enr_cmd_fail(x, ENR_E_COHORT_STATUS, "a new cohort is planned or open, not %s",
                          f.status);
    if (rc == 0) {
        const char *p[10] = {c->cohort_id, f.program, f.name,     f.provider, f.employers,
                             f.start,      f.end,     f.capacity, f.status,   x->actor};
        PGresult *res = pw_db_prepared(x->db, "enr_cohort_create", SQL_CREATE, 10, p);
        if (!res)
            rc = enr_cmd_fail(x, ENR_E_UNAVAILABLE, "create cohort: %s", pw_db_error(x->db));
        else if (PQntuples(res) == 0)
            rc = enr_cmd_fail(x, ENR_E_COHORT_EXISTS, "cohort '%s' already exists", c->cohort_id);
        PQclear(res);
    }
    free(f.employers);
    return rc == 0 ? enr_view_cohorts(x, c->cohort_id, NULL) : -1;
}

/* Reads the cohort's current fields (locked). Returns 0 or -1. */
static int load_current(enr_cmd_t *x, const char *id, fields_t *f)
{
    const char *p[1] = {id};
    PGresult *res = pw_db_prepared(x->db, "enr_cohort_current", SQL_CURRENT, 1, p);
    if (!res)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "read cohort: %s", pw_db_error(x->db));
    int rc = 0;
    if (PQntuples(res) != 1) {
        rc = enr_cmd_fail(x, ENR_E_UNKNOWN_COH, "no cohort '%s'", id);
    } else {
        snprintf(f->program, sizeof f->program, "%s", pw_db_get(res, 0, "program"));
        snprintf(f->name, sizeof f->name, "%s", pw_db_get(res, 0, "name"));
        snprintf(f->provider, sizeof f->provider, "%s", pw_db_get(res, 0, "provider"));
        snprintf(f->start, sizeof f->start, "%s", pw_db_get(res, 0, "start_date"));
        snprintf(f->end, sizeof f->end, "%s", pw_db_get(res, 0, "end_date"));
        snprintf(f->capacity, sizeof f->capacity, "%s", pw_db_get(res, 0, "capacity"));
        snprintf(f->status, sizeof f->status, "%s", pw_db_get(res, 0, "status"));
        f->employers = strdup(pw_db_get(res, 0, "employers"));
        if (!f->employers)
            rc = enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
    }
    PQclear(res);
    return rc;
}

/* Checks a status change and the seats against the people in the cohort. */
static int check_update(enr_cmd_t *x, const char *id, const fields_t *before, const fields_t *after)
{
    enr_cohort_t c;
    char err[256];
    if (enr_cohort_lock(x->db, id, NULL, &c, err, sizeof err) != 1)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", err);
    if (strcmp(before->status, after->status) != 0) {
        if (!enr_cohort_status_allowed(before->status, after->status))
            return enr_cmd_fail(x, ENR_E_COHORT_STATUS, "cohort %s cannot go from %s to %s", id,
                                before->status, after->status);
        if (strcmp(after->status, "in_progress") == 0 && strcmp(x->today, after->start) < 0)
            return enr_cmd_fail(x, ENR_E_NOT_STARTED,
                                "cohort %s starts on %s; it cannot be in progress before (today "
                                "is %s)",
                                id, after->start, x->today);
        if (strcmp(after->status, "cancelled") == 0 && (c.taken || c.waiting))
            return enr_cmd_fail(x, ENR_E_COHORT_STATUS,
                                "cohort %s still has %d participants and %d waiting; withdraw "
                                "them before cancelling it",
                                id, c.taken, c.waiting);
    }
    if (atoi(after->capacity) < c.taken)
        return enr_cmd_fail(x, ENR_E_INVALID, "capacity %s is below the %d seats taken",
                            after->capacity, c.taken);
    return 0;
}

/* After the row changed: start training, fill freed or added seats. */
static int follow_up(enr_cmd_t *x, const char *id, const fields_t *before, const fields_t *after)
{
    char err[256];
    if (strcmp(before->status, "in_progress") != 0 && strcmp(after->status, "in_progress") == 0 &&
        enr_cohort_start_training(x->db, &x->emit, id, x->actor, x->cause, x->today, err,
                                  sizeof err) != 0)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", err);
    if (enr_cohort_promote(x->db, &x->emit, id, x->cause, x->today, err, sizeof err) < 0)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s", err);
    return 0;
}

static int update_row(enr_cmd_t *x, const char *id, const fields_t *f)
{
    const char *p[8] = {id,       f->name, f->provider, f->employers,
                        f->start, f->end,  f->capacity, f->status};
    PGresult *res = pw_db_prepared(x->db, "enr_cohort_update", SQL_UPDATE, 8, p);
    if (!res)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "update cohort: %s", pw_db_error(x->db));
    PQclear(res);
    return 0;
}

int enr_cmd_cohort_update(enr_cmd_t *x, const cmd_t *cmd)
{
    const cohort_msg_t *c = cmd->cohort_update->cohort;
    if (!c)
        return enr_cmd_fail(x, ENR_E_INVALID, "cohort is required");
    fields_t before = {0}, after = {0};
    int rc = check_id(x, c->cohort_id) || load_current(x, c->cohort_id, &before) ? -1 : 0;
    if (rc == 0) {
        after = before;
        after.employers = strdup(before.employers);
        if (!after.employers)
            rc = enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
    }
    if (rc == 0 && *c->program && strcmp(c->program, before.program) != 0)
        rc = enr_cmd_fail(x, ENR_E_INVALID, "a cohort's program cannot change");
    if (rc == 0)
        rc = merge(x, c, &after);
    if (rc == 0)
        rc = check_update(x, c->cohort_id, &before, &after);
    if (rc == 0)
        rc = update_row(x, c->cohort_id, &after);
    if (rc == 0)
        rc = follow_up(x, c->cohort_id, &before, &after);
    free(before.employers);
    free(after.employers);
    return rc == 0 ? enr_view_cohorts(x, c->cohort_id, NULL) : -1;
}
