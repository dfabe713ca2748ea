/* Result building: rows of enrollments, audit records, cohorts and action
 * teams copied into the heap-built EnrollmentResult (every string and
 * sub-message malloc'd, so pw_msg_free releases the whole tree). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "command.h"
#include "pathways/codec.h"
#include "transitions.h"

#define VIEW_ROWS_MAX 5000 /* keeps a reply well under the message bound */

static const char *SQL_ENROLLMENTS =
    "SELECT e.employer, e.employee, e.program, e.state, COALESCE(e.cohort_id, '') AS cohort_id,"
    " e.reason_code, e.review_flag, e.review_reason, COALESCE(e.paused_from, '') AS paused_from,"
    " e.credential, COALESCE(e.credential_date::text, '') AS credential_date, e.new_role,"
    " COALESCE(e.placed_date::text, '') AS placed_date,"
    " to_char(e.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS updated_at,"
    " CASE WHEN e.state = 'waitlisted' THEN (SELECT count(*) FROM enrollment.enrollment w"
    "  WHERE w.cohort_id = e.cohort_id AND w.state = 'waitlisted'"
    "  AND (w.waitlist_seq, w.id) <= (e.waitlist_seq, e.id)) ELSE 0 END AS waitlist_position"
    " FROM enrollment.enrollment e"
    " WHERE ($1 = '' OR e.employer = $1) AND ($2 = '' OR e.employee = $2)"
    " AND ($3 = '' OR e.program = $3) AND ($4 = '' OR e.cohort_id = $4)"
    " ORDER BY e.state = 'waitlisted', e.waitlist_seq NULLS FIRST, e.employer, e.employee,"
    " e.program LIMIT 5000";

static const char *SQL_HISTORY =
    "SELECT t.from_state, t.to_state, t.kind, t.reason_code, t.reason, t.actor,"
    " t.cause_event_id, t.effective_date, t.facts::text AS facts_json,"
    " to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at"
    " FROM enrollment.transition t JOIN enrollment.enrollment e ON e.id = t.enrollment_id"
    " WHERE e.employer = $1 AND e.employee = $2 AND ($3 = '' OR e.program = $3)"
    " ORDER BY t.id LIMIT 5000";

/* Seat states mirror enr_state_holds_seat(). */
static const char *SQL_COHORTS =
    "SELECT c.cohort_id, c.program, c.name, c.provider, array_to_json(c.employers)::text AS"
    " employers, c.start_date::text AS start_date, c.end_date::text AS end_date, c.capacity,"
    " c.status, (SELECT count(*) FROM enrollment.enrollment e WHERE e.cohort_id = c.cohort_id"
    "  AND (e.state IN ('enrolled', 'in_training', 'completed', 'certified', 'placed') OR"
    "   (e.state = 'paused' AND e.paused_from IN ('enrolled', 'in_training')))) AS seats_taken,"
    " (SELECT count(*) FROM enrollment.enrollment e WHERE e.cohort_id = c.cohort_id"
    "  AND e.state = 'waitlisted') AS waitlisted"
    " FROM enrollment.cohort c WHERE ($1 = '' OR c.cohort_id = $1) AND ($2 = '' OR c.program = $2)"
    " ORDER BY c.start_date, c.cohort_id LIMIT 5000";

static const char *SQL_TEAMS =
    "SELECT t.team_id, t.name, t.description, COALESCE(m.org_id, '') AS organization,"
    " COALESCE(m.person, '') AS person, COALESCE(m.display_name, '') AS display_name,"
    " COALESCE(to_char(m.joined_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
    " AS joined_at FROM enrollment.action_team t LEFT JOIN enrollment.team_member m"
    " ON m.team_id = t.team_id AND m.left_at IS NULL"
    " WHERE t.active AND ($1 = '' OR t.team_id = $1)"
    " ORDER BY t.name, t.team_id, m.org_id, m.person LIMIT 5000";

/* A heap copy for a message field; the shared empty string when out of
 * memory (never freed by protobuf-c). */
static char *dup(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    return d ? d : (char *)protobuf_c_empty_string;
}

/* Appends item to a repeated field. Returns 0 or -1 (item not taken). */
static int push(void ***arr, size_t *n, void *item)
{
    void **grown = realloc(*arr, (*n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    grown[(*n)++] = item;
    *arr = grown;
    return 0;
}

static enr_state_t state_of(const char *name)
{
    enr_state_t s = ENR_STATE_NONE;
    return enr_state_parse(name, &s) == 0 ? s : ENR_STATE_NONE;
}

static PGresult *query(enr_cmd_t *x, const char *name, const char *sql, int n, const char **p)
{
    PGresult *res = pw_db_prepared(x->db, name, sql, n, p);
    if (!res)
        enr_cmd_fail(x, ENR_E_UNAVAILABLE, "read: %s", pw_db_error(x->db));
    return res;
}

/* Repeated strings arrive as a JSON array of strings. */
static void set_strings(char ***out, size_t *n, const char *text)
{
    json_t *arr = json_loads(text, 0, NULL);
    size_t count = json_array_size(arr);
    *out = count ? calloc(count, sizeof **out) : NULL;
    for (size_t i = 0; *out && i < count; i++)
        (*out)[(*n)++] = dup(json_string_value(json_array_get(arr, i)));
    json_decref(arr);
}

/* Fills every field of m that has a column of the same name in row i:
 * strings copied, bools from 't', counts, the state and cohort-status enums
 * from their stored names, repeated strings from a JSON array. The queries
 * above name their columns after the fields for this. */
static void fill_from_row(ProtobufCMessage *m, const PGresult *res, int i)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned k = 0; k < d->n_fields; k++) {
        const ProtobufCFieldDescriptor *f = &d->fields[k];
        if (PQfnumber(res, f->name) < 0)
            continue;
        char *at = (char *)m + f->offset;
        const char *v = pw_db_get(res, i, f->name);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (f->type == PROTOBUF_C_TYPE_STRING)
                set_strings((char ***)(void *)at,
                            (size_t *)(void *)((char *)m + f->quantifier_offset), v);
        } else if (f->type == PROTOBUF_C_TYPE_STRING) {
            *(char **)(void *)at = dup(v);
        } else if (f->type == PROTOBUF_C_TYPE_BOOL) {
            *(protobuf_c_boolean *)(void *)at = strcmp(v, "t") == 0;
        } else if (f->type == PROTOBUF_C_TYPE_UINT32) {
            *(uint32_t *)(void *)at = (uint32_t)pw_db_get_i64(res, i, f->name);
        } else if (f->type == PROTOBUF_C_TYPE_ENUM) {
            *(int *)(void *)at = f->descriptor == &pathways__v1__enrollment_state__descriptor
                                     ? (int)state_of(v)
                                     : (int)enr_cohort_status_parse(v);
        }
    }
}

/* A new message of type d from row i (see fill_from_row); NULL on OOM. */
static void *from_row(const ProtobufCMessageDescriptor *d, const PGresult *res, int i)
{
    ProtobufCMessage *m = malloc(d->sizeof_message);
    if (!m)
        return NULL;
    protobuf_c_message_init(d, m);
    fill_from_row(m, res, i);
    return m;
}

/* Runs a query and appends one message of type d per row to a repeated
 * field (*arr, *count). */
static int append_rows(enr_cmd_t *x, const char *name, const char *sql, int n, const char **p,
                       const ProtobufCMessageDescriptor *d, void ***arr, size_t *count)
{
    PGresult *res = query(x, name, sql, n, p);
    if (!res)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && i < VIEW_ROWS_MAX && rc == 0; i++) {
        void *item = from_row(d, res, i);
        if (!item || push(arr, count, item) != 0) {
            pw_msg_free((ProtobufCMessage **)&item);
            rc = enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
        }
    }
    PQclear(res);
    return rc;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

int enr_view_enrollments(enr_cmd_t *x, const char *employer, const char *employee,
                         const char *program, const char *cohort_id)
{
    const char *p[4] = {nz(employer), nz(employee), nz(program), nz(cohort_id)};
    void **arr = (void **)x->result->enrollments;
    int rc =
        append_rows(x, "enr_view_enrollments", SQL_ENROLLMENTS, 4, p,
                    &pathways__v1__enrollment_view__descriptor, &arr, &x->result->n_enrollments);
    x->result->enrollments = (Pathways__V1__EnrollmentView **)arr;
    return rc;
}

int enr_view_cohorts(enr_cmd_t *x, const char *cohort_id, const char *program)
{
    const char *p[2] = {nz(cohort_id), nz(program)};
    void **arr = (void **)x->result->cohorts;
    int rc = append_rows(x, "enr_view_cohorts", SQL_COHORTS, 2, p,
                         &pathways__v1__cohort__descriptor, &arr, &x->result->n_cohorts);
    x->result->cohorts = (Pathways__V1__Cohort **)arr;
    return rc;
}

int enr_cmd_history(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd)
{
    const Pathways__V1__HistoryQuery *q = cmd->history;
    if (enr_cmd_text(x, "employer", q->employer, 1) || enr_cmd_text(x, "employee", q->employee, 1))
        return -1;
    const char *p[3] = {q->employer, q->employee, q->program};
    if (enr_view_enrollments(x, q->employer, q->employee, q->program, NULL) != 0)
        return -1;
    void **arr = (void **)x->result->history;
    int rc = append_rows(x, "enr_view_history", SQL_HISTORY, 3, p,
                         &pathways__v1__transition_record__descriptor, &arr, &x->result->n_history);
    x->result->history = (Pathways__V1__TransitionRecord **)arr;
    return rc;
}

int enr_cmd_list_enrollments(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd)
{
    const Pathways__V1__EnrollmentQuery *q = cmd->list_enrollments;
    return enr_view_enrollments(x, q->employer, q->employee, q->program, q->cohort_id);
}

int enr_cmd_list_cohorts(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd)
{
    const Pathways__V1__CohortQuery *q = cmd->list_cohorts;
    if (enr_view_cohorts(x, q->cohort_id, q->program) != 0)
        return -1;
    if (*q->cohort_id && x->result->n_cohorts == 0)
        return enr_cmd_fail(x, ENR_E_UNKNOWN_COH, "no cohort '%s'", q->cohort_id);
    /* One cohort: its roster too, waitlist in order. */
    return *q->cohort_id ? enr_view_enrollments(x, NULL, NULL, NULL, q->cohort_id) : 0;
}

/* Adds a member row to the last team of the result, opening a team when
 * the row starts a new one. Returns 0 or -1. */
static int team_row(Pathways__V1__EnrollmentResult *r, const PGresult *res, int i)
{
    const char *id = pw_db_get(res, i, "team_id");
    if (r->n_teams == 0 || strcmp(r->teams[r->n_teams - 1]->team_id, id) != 0) {
        void *t = from_row(&pathways__v1__action_team__descriptor, res, i);
        void **arr = (void **)r->teams;
        int rc = t ? push(&arr, &r->n_teams, t) : -1;
        r->teams = (Pathways__V1__ActionTeam **)arr;
        if (rc != 0)
            return pw_msg_free((ProtobufCMessage **)&t), -1;
    }
    if (!*pw_db_get(res, i, "person"))
        return 0;
    Pathways__V1__ActionTeam *t = r->teams[r->n_teams - 1];
    void *m = from_row(&pathways__v1__team_member__descriptor, res, i);
    void **arr = (void **)t->members;
    int rc = m ? push(&arr, &t->n_members, m) : -1;
    t->members = (Pathways__V1__TeamMember **)arr;
    if (rc != 0)
        return pw_msg_free((ProtobufCMessage **)&m), -1;
    return 0;
}

int enr_view_teams(enr_cmd_t *x, const char *team_id)
{
    const char *p[1] = {nz(team_id)};
    PGresult *res = query(x, "enr_view_teams", SQL_TEAMS, 1, p);
    if (!res)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && rc == 0; i++)
        if (team_row(x->result, res, i) != 0)
            rc = enr_cmd_fail(x, ENR_E_UNAVAILABLE, "out of memory");
    PQclear(res);
    return rc;
}

int enr_cmd_list_teams(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd)
{
    const char *team = cmd->list_teams->team_id;
    if (enr_view_teams(x, team) != 0)
        return -1;
    if (*team && x->result->n_teams == 0)
        return enr_cmd_fail(x, ENR_E_UNKNOWN_TEAM, "no action team '%s'", team);
    return 0;
}
