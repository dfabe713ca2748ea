/* One evaluation step shared by everything that decides: a partner event,
 * a rule change and a forecast re-check. Evaluates an employee under the
 * rules, compares with the current determination's signature, records the
 * determination row and, when it changed (or is eligible and the run
 * announces), appends it to stream "eligibility" (unless the run is a dry
 * run). */
#ifndef ELIG_EVALUATE_H
#define ELIG_EVALUATE_H

#include "determination.h"
#include "pathways/service.h"
#include "pathways/topology.h"
#include "registry.h"
#include "rules.h"

#define ELIG_STREAM_ELIGIBILITY PW_STREAM_ELIGIBILITY
#define ELIG_TYPE_DETERMINED    "org.pathways.eligibility.determined.v1"

typedef struct {
    pw_service_t *svc; /* where changes are appended; NULL: dry run (nothing kept) */
    const elig_rules_t *rules;
    elig_det_batch_t *dets; /* rows to store; NULL on a dry run */
    int32_t today;
    int keep_unchanged; /* also record history rows for unchanged evaluations */
    int announce;       /* also append an unchanged eligible determination */
    const char *intake; /* the program's intake, carried on the messages ("" unknown) */
} elig_eval_t;

/* The outcome before and after one evaluation. */
typedef struct {
    int changed;
    int from; /* previous outcome (0: none) */
    int to;
} elig_change_t;

/* Evaluates emp (updating its outcome and signature) with cause as the
 * determination's cause_event_id. Returns 0 and fills *change, or -1 on
 * out-of-memory or a failed append. */
int elig_eval_employee(const elig_eval_t *ev, elig_employee_t *emp, const char *cause,
                       elig_change_t *change) __attribute__((warn_unused_result));

/* Loads emps[0..n) (facts keys set) with their context under ev->rules,
 * evaluates each with cause, and stores the determinations in ev->dets, in
 * the caller's transaction. Returns 0 or -1. */
int elig_eval_keys(const elig_eval_t *ev, pw_db_t *db, elig_employee_t *emps, size_t n,
                   const char *cause) __attribute__((warn_unused_result));

#endif
