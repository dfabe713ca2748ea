/* The forecast timer's work: find what is due, re-evaluate, commit. */
#include "recheck.h"

#include <stdio.h>
#include <stdlib.h>

#include "determination.h"
#include "evaluate.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "registry.h"

static const char DUE_SQL[] =
    "SELECT employer, employee FROM eligibility.current_determination"
    " WHERE program = $1 AND eligible_from IS NOT NULL AND eligible_from <= $2::date"
    " ORDER BY eligible_from, employer, employee LIMIT $3";

/* Reads the due keys into emps (facts keys only). Returns how many or -1. */
static int due_keys(pw_db_t *db, const char *program, int32_t today, elig_employee_t *emps)
{
    char date[PW_DATE_LEN], limit[16];
    pw_date_format(today, date);
    snprintf(limit, sizeof limit, "%d", ELIG_RECHECK_BATCH);
    const char *params[3] = {program, date, limit};
    PGresult *res = pw_db_prepared(db, "elig_recheck_due", DUE_SQL, 3, params);
    if (!res)
        return -1;
    int n = PQntuples(res);
    for (int i = 0; i < n; i++)
        elig_facts_init(&emps[i].facts, pw_db_get(res, i, "employer"),
                        pw_db_get(res, i, "employee"));
    PQclear(res);
    return n;
}

int elig_recheck_due(pw_service_t *svc, const elig_rules_t *rules, const char *intake,
                     int32_t today, size_t *done)
{
    pw_db_t *db = pw_service_db(svc);
    elig_employee_t *emps = calloc(ELIG_RECHECK_BATCH, sizeof *emps);
    /* keep_unchanged: the current row is rewritten even when nothing else
     * changed, so a due date can never stay due. */
    elig_eval_t ev = {
        .svc = svc, .rules = rules, .today = today, .keep_unchanged = 1, .intake = intake};
    char cause[32], date[PW_DATE_LEN];
    int rc = -1;
    *done = 0;
    if (!emps || !(ev.dets = elig_det_batch_new()))
        goto done;
    int n = due_keys(db, rules->program, today, emps);
    if (n <= 0) {
        rc = n == 0 ? 0 : -1;
        goto done;
    }
    pw_date_format(today, date);
    snprintf(cause, sizeof cause, "recheck:%s", date);
    if (pw_db_begin(db) != 0)
        goto done;
    if (elig_eval_keys(&ev, db, emps, (size_t)n, cause) != 0) {
        pw_service_rollback(svc);
        goto done;
    }
    if (pw_service_commit(svc) != 0)
        goto done;
    *done = (size_t)n;
    pw_info("forecast re-check: %d employees re-evaluated for %s", n, date);
    rc = 0;
done:
    elig_det_batch_destroy(&ev.dets);
    elig_employees_free(emps, ELIG_RECHECK_BATCH);
    return rc;
}
