/* Summary figures: three statements (employees, enrollments, notifications),
 * each grouped by employer and ordered bytewise, merged by employer in one
 * pass. The enrolled-state list mirrors reporting_state_is_enrolled(). */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "eligibility_sql.h"
#include "pathways/log.h"

/* $1: employer, or NULL for every employer. */
/* An employee counts once: by their outcome over every program
 * (eligibility_sql.h). */
static const char SQL_SUMMARY_EMPLOYEES[] =
    "SELECT employer, count(*) AS employees,"
    " count(*) FILTER (WHERE outcome = 'eligible') AS eligible,"
    " count(*) FILTER (WHERE outcome = 'not_eligible') AS not_eligible,"
    " count(*) FILTER (WHERE outcome = 'needs_review') AS needs_review,"
    " count(*) FILTER (WHERE status = 'terminated') AS terminated"
    " FROM (SELECT e.employer, e.status, " ELIGIBILITY_ANY_OUTCOME_SQL " AS outcome"
    "  FROM reporting.employee e"
    "  WHERE seen_employee AND ($1::text IS NULL OR employer = $1::text)) s"
    " GROUP BY employer ORDER BY employer COLLATE \"C\"";

static const char SQL_SUMMARY_ENROLLMENTS[] =
    "SELECT employer, count(*) FILTER (WHERE ever_invited) AS invited,"
    " count(*) FILTER (WHERE state IN ('enrolled', 'in_training', 'completed', 'certified',"
    " 'placed')) AS enrolled,"
    " count(*) FILTER (WHERE state = 'exited') AS exited"
    " FROM reporting.enrollment"
    " WHERE $1::text IS NULL OR employer = $1::text"
    " GROUP BY employer ORDER BY employer COLLATE \"C\"";

static const char SQL_SUMMARY_NOTIFICATIONS[] =
    "SELECT employer, count(DISTINCT notification_id) AS notifications"
    " FROM reporting.notification"
    " WHERE $1::text IS NULL OR employer = $1::text"
    " GROUP BY employer ORDER BY employer COLLATE \"C\"";

/* A result column and the row field it fills. */
typedef struct {
    const char *column;
    size_t offset;
} figure_t;

#define FIGURE(name)                                                                               \
    {                                                                                              \
#name, offsetof(reporting_summary_row_t, name)                                             \
    }

static const figure_t EMPLOYEE_FIGURES[] = {
    FIGURE(employees),    FIGURE(eligible),   FIGURE(not_eligible),
    FIGURE(needs_review), FIGURE(terminated),
};
static const figure_t ENROLLMENT_FIGURES[] = {FIGURE(invited), FIGURE(enrolled), FIGURE(exited)};
static const figure_t NOTIFICATION_FIGURES[] = {FIGURE(notifications)};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void set_figures(reporting_summary_row_t *row, const PGresult *res, int r, const figure_t *f,
                        size_t nf)
{
    for (size_t k = 0; k < nf; k++) {
        int64_t v = pw_db_get_i64(res, r, f[k].column);
        *(uint64_t *)(void *)((char *)row + f[k].offset) = v > 0 ? (uint64_t)v : 0;
    }
}

/* Makes one row per result row (the employee group decides who is listed). */
static int fill_rows(reporting_summary_t *s, const PGresult *res)
{
    int n = PQntuples(res);
    if (n == 0)
        return 0;
    s->rows = calloc((size_t)n, sizeof *s->rows);
    if (!s->rows)
        return -1;
    for (int r = 0; r < n; r++) {
        reporting_summary_row_t *row = &s->rows[s->count];
        row->employer = strdup(pw_db_get(res, r, "employer"));
        if (!row->employer)
            return -1;
        s->count++;
        set_figures(row, res, r, EMPLOYEE_FIGURES, COUNT(EMPLOYEE_FIGURES));
    }
    return 0;
}

/* Merges a group ordered by employer into the (equally ordered) rows;
 * employers not listed already have no employees and stay absent. */
static void merge_rows(reporting_summary_t *s, const PGresult *res, const figure_t *f, size_t nf)
{
    size_t i = 0;
    for (int r = 0; r < PQntuples(res) && i < s->count; r++) {
        const char *employer = pw_db_get(res, r, "employer");
        while (i < s->count && strcmp(s->rows[i].employer, employer) < 0)
            i++;
        if (i < s->count && strcmp(s->rows[i].employer, employer) == 0)
            set_figures(&s->rows[i], res, r, f, nf);
    }
}

static PGresult *run(pw_db_t *db, const char *name, const char *sql, const char *employer)
{
    const char *p[] = {employer};
    PGresult *res = pw_db_prepared(db, name, sql, 1, p);
    if (!res)
        pw_warn("summary query %s failed: %s", name, pw_db_error(db));
    return res;
}

static int read_groups(pw_db_t *db, const char *employer, reporting_summary_t *s)
{
    PGresult *res = run(db, "reporting_summary_employees", SQL_SUMMARY_EMPLOYEES, employer);
    if (!res)
        return -1;
    int rc = fill_rows(s, res);
    PQclear(res);
    if (rc != 0 || s->count == 0)
        return rc;
    res = run(db, "reporting_summary_enrollments", SQL_SUMMARY_ENROLLMENTS, employer);
    if (!res)
        return -1;
    merge_rows(s, res, ENROLLMENT_FIGURES, COUNT(ENROLLMENT_FIGURES));
    PQclear(res);
    res = run(db, "reporting_summary_notifications", SQL_SUMMARY_NOTIFICATIONS, employer);
    if (!res)
        return -1;
    merge_rows(s, res, NOTIFICATION_FIGURES, COUNT(NOTIFICATION_FIGURES));
    PQclear(res);
    return 0;
}

/* Opens a read-only snapshot unless the caller holds a transaction.
 * Returns 1 when it opened one, 0 when not needed, -1 on error. */
static int open_snapshot(pw_db_t *db)
{
    if (pw_db_in_txn(db))
        return 0;
    if (pw_db_begin(db) != 0)
        return -1;
    if (pw_db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0, NULL) !=
        0) {
        pw_db_rollback(db);
        return -1;
    }
    return 1;
}

reporting_summary_t *reporting_summary_query(pw_db_t *db, const char *employer)
{
    reporting_summary_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (employer && !*employer)
        employer = NULL;
    int own = open_snapshot(db);
    int rc = own < 0 ? -1 : read_groups(db, employer, s);
    if (own == 1) {
        if (rc == 0)
            rc = pw_db_commit(db);
        else
            pw_db_rollback(db);
    }
    if (rc != 0)
        reporting_summary_destroy(&s);
    return s;
}

void reporting_summary_destroy(reporting_summary_t **p)
{
    if (!p || !*p)
        return;
    reporting_summary_t *s = *p;
    for (size_t i = 0; i < s->count; i++)
        free(s->rows[i].employer);
    free(s->rows);
    free(s);
    *p = NULL;
}
