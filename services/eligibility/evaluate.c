/* The evaluation step: rules, signature, history row, stream append. */
#include "evaluate.h"

#include <stdio.h>
#include <string.h>

#define KEY_MAX (2 * ELIG_SUBJECT_MAX + 2)

int elig_eval_employee(const elig_eval_t *ev, elig_employee_t *emp, const char *cause,
                       elig_change_t *change)
{
    elig_result_t result;
    char signature[ELIG_SIGNATURE_MAX], key[KEY_MAX];
    elig_rules_evaluate(ev->rules, &emp->facts, ev->today, &result);
    elig_spell_update(&emp->spell, ev->rules, &emp->facts, emp->outcome, &result);
    elig_result_signature(&result, signature, sizeof signature);
    /* Downstream reacts to the employment status too (a terminated enrollee
     * is exited), so a status change is a change even when the verdicts
     * stay the same (leave -> terminated is "not eligible" both times). */
    size_t used = strlen(signature);
    snprintf(signature + used, sizeof signature - used, "|status=%d", emp->facts.status);
    change->changed = strcmp(signature, emp->signature) != 0;
    change->from = emp->outcome;
    change->to = result.outcome;
    if (ev->dets && (change->changed || ev->keep_unchanged) &&
        elig_det_batch_add(ev->dets, ev->rules, &emp->facts, &result, &emp->spell, emp->outcome,
                           signature, cause, change->changed) != 0)
        return -1;
    int announce = ev->announce && result.outcome == PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    if ((change->changed || announce) && ev->svc) {
        elig_det_msg_t msg;
        snprintf(key, sizeof key, "%s/%s", emp->facts.employer, emp->facts.employee);
        elig_det_msg_build(&msg, ev->rules, &emp->facts, &result, emp->outcome, cause);
        msg.msg.intake = (char *)(ev->intake ? ev->intake : "");
        if (pw_service_append(ev->svc, ELIG_STREAM_ELIGIBILITY, ELIG_TYPE_DETERMINED, key, NULL,
                              &msg.msg.base) != 0)
            return -1;
    }
    emp->outcome = result.outcome;
    snprintf(emp->signature, sizeof emp->signature, "%s", signature);
    return 0;
}

int elig_eval_keys(const elig_eval_t *ev, pw_db_t *db, elig_employee_t *emps, size_t n,
                   const char *cause)
{
    if (elig_registry_load(db, ev->rules, emps, n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        elig_change_t change;
        if (elig_eval_employee(ev, &emps[i], cause, &change) != 0)
            return -1;
    }
    return elig_det_batch_store(ev->dets, db);
}
