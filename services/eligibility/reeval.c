/* Re-evaluating the employees a rule change can affect: pages of them,
 * one evaluation step each, one determination statement per page. */
#include "reeval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "determination.h"
#include "evaluate.h"
#include "registry.h"

#define TALLY_KEY_MAX (ELIG_SUBJECT_MAX + 8)

typedef struct {
    char employer[ELIG_SUBJECT_MAX + 1];
    int from, to;
    uint64_t count;
} tally_row_t;

struct elig_tally {
    zhash_t *rows;                         /* "from to employer" -> tally_row_t */
    uint64_t evaluated, changed, eligible; /* eligible: after evaluation */
    Pathways__V1__OutcomeChange *changes;
    Pathways__V1__OutcomeChange **ptrs;
};

elig_tally_t *elig_tally_new(void)
{
    elig_tally_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->rows = zhash_new();
    if (!t->rows) {
        free(t);
        return NULL;
    }
    return t;
}

void elig_tally_destroy(elig_tally_t **p)
{
    if (!p || !*p)
        return;
    elig_tally_t *t = *p;
    for (void *row = zhash_first(t->rows); row; row = zhash_next(t->rows))
        free(row);
    zhash_destroy(&t->rows);
    free(t->changes);
    free(t->ptrs);
    free(t);
    *p = NULL;
}

uint64_t elig_tally_evaluated(const elig_tally_t *t)
{
    return t->evaluated;
}

uint64_t elig_tally_changed(const elig_tally_t *t)
{
    return t->changed;
}

uint64_t elig_tally_eligible(const elig_tally_t *t)
{
    return t->eligible;
}

static int tally_add(elig_tally_t *t, const char *employer, const elig_change_t *c)
{
    char key[TALLY_KEY_MAX + ELIG_SUBJECT_MAX];
    t->evaluated++;
    if (c->to == PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE)
        t->eligible++;
    if (!c->changed)
        return 0;
    t->changed++;
    snprintf(key, sizeof key, "%s\x1f%d\x1f%d", employer, c->from, c->to);
    tally_row_t *row = zhash_lookup(t->rows, key);
    if (!row) {
        row = calloc(1, sizeof *row);
        if (!row || zhash_insert(t->rows, key, row) != 0) {
            free(row);
            return -1;
        }
        snprintf(row->employer, sizeof row->employer, "%s", employer);
        row->from = c->from;
        row->to = c->to;
    }
    row->count++;
    return 0;
}

int elig_tally_fill(elig_tally_t *t, Pathways__V1__ProgramLoadResult *result)
{
    zlist_t *keys = zhash_keys(t->rows);
    size_t n = zhash_size(t->rows), i = 0;
    free(t->changes);
    free(t->ptrs);
    t->changes = calloc(n ? n : 1, sizeof *t->changes);
    t->ptrs = calloc(n ? n : 1, sizeof *t->ptrs);
    if (!keys || !t->changes || !t->ptrs) {
        zlist_destroy(&keys);
        return -1;
    }
    zlist_sort(keys, NULL);
    for (const char *k = zlist_first(keys); k && i < n; k = zlist_next(keys), i++) {
        tally_row_t *row = zhash_lookup(t->rows, k);
        pathways__v1__outcome_change__init(&t->changes[i]);
        t->changes[i].employer = row->employer;
        t->changes[i].from_outcome = (Pathways__V1__Outcome)row->from;
        t->changes[i].to_outcome = (Pathways__V1__Outcome)row->to;
        t->changes[i].count = row->count;
        t->ptrs[i] = &t->changes[i];
    }
    zlist_destroy(&keys);
    result->n_changes = i;
    result->changes = t->ptrs;
    result->evaluated = t->evaluated;
    result->changed = t->changed;
    return 0;
}

/* Evaluates one page; stores its determinations on an applied run. */
static int run_page(const elig_eval_t *ev, pw_db_t *db, elig_employee_t *emps, size_t n,
                    const char *cause, elig_tally_t *tally)
{
    if (ev->dets)
        elig_det_batch_clear(ev->dets);
    for (size_t i = 0; i < n; i++) {
        elig_change_t change;
        if (elig_eval_employee(ev, &emps[i], cause, &change) != 0 ||
            tally_add(tally, emps[i].facts.employer, &change) != 0)
            return -1;
    }
    return ev->dets ? elig_det_batch_store(ev->dets, db) : 0;
}

/* Evaluates every employee on file in scope, page by page, as ev says. */
static int walk(elig_eval_t *ev, pw_db_t *db, const elig_scope_t *scope, const char *cause,
                elig_tally_t *tally)
{
    elig_employee_t *emps = calloc(ELIG_REEVAL_PAGE, sizeof *emps);
    char after_employer[ELIG_SUBJECT_MAX + 1] = "", after_employee[ELIG_SUBJECT_MAX + 1] = "";
    int rc = -1;
    if (!emps || (ev->svc && !(ev->dets = elig_det_batch_new())))
        goto done;
    for (;;) {
        size_t n = 0;
        if (elig_registry_page(db, ev->rules, scope, ev->today, after_employer, after_employee,
                               emps, ELIG_REEVAL_PAGE, &n) != 0 ||
            run_page(ev, db, emps, n, cause, tally) != 0)
            goto done;
        if (n < ELIG_REEVAL_PAGE)
            break;
        snprintf(after_employer, sizeof after_employer, "%s", emps[n - 1].facts.employer);
        snprintf(after_employee, sizeof after_employee, "%s", emps[n - 1].facts.employee);
    }
    rc = 0;
done:
    elig_det_batch_destroy(&ev->dets);
    elig_employees_free(emps, ELIG_REEVAL_PAGE);
    return rc;
}

int elig_reeval_all(pw_db_t *db, pw_service_t *svc, const elig_rules_t *rules, const char *intake,
                    const elig_scope_t *scope, int32_t today, const char *cause,
                    elig_tally_t *tally)
{
    elig_eval_t ev = {.svc = svc, .rules = rules, .today = today, .intake = intake};
    return walk(&ev, db, scope, cause, tally);
}

int elig_reeval_announce(pw_service_t *svc, const elig_rules_t *rules, const char *intake,
                         int32_t today, const char *cause, uint64_t *announced)
{
    elig_eval_t ev = {.svc = svc, .rules = rules, .today = today, .intake = intake, .announce = 1};
    elig_scope_t eligible_now = {.tenure_days = -1, .eligible = 1};
    elig_tally_t *tally = elig_tally_new();
    int rc = tally ? walk(&ev, pw_service_db(svc), &eligible_now, cause, tally) : -1;
    *announced = rc == 0 ? elig_tally_eligible(tally) : 0;
    elig_tally_destroy(&tally);
    return rc;
}
