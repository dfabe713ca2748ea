/* Determinations: the current one per program (rewritten by every
 * evaluation) and the history of changes (a row per published
 * determination), written for a whole batch in one statement, and the
 * Determination message published on the "eligibility" stream. */
#ifndef ELIG_DETERMINATION_H
#define ELIG_DETERMINATION_H

#include "facts.h"
#include "pathways/codec.h"
#include "pathways/db.h"
#include "rules.h"
#include "spell.h"
#include "pathways/buf.h"

typedef struct elig_det_batch elig_det_batch_t;

/* Caller owns the result (NULL on out-of-memory). */
elig_det_batch_t *elig_det_batch_new(void);
void elig_det_batch_destroy(elig_det_batch_t **p);
/* Forgets the rows added so far. */
void elig_det_batch_clear(elig_det_batch_t *b);
size_t elig_det_batch_count(const elig_det_batch_t *b);

/* Adds one evaluation of f under rules (result r, the spell after it,
 * previous outcome or 0, r's signature, the causing event id, whether it is
 * published). Returns 0 or -1 on out-of-memory. */
int elig_det_batch_add(elig_det_batch_t *b, const elig_rules_t *rules, const elig_facts_t *f,
                       const elig_result_t *r, const elig_spell_t *spell, int previous_outcome,
                       const char *signature, const char *cause_event_id, int published)
    __attribute__((warn_unused_result));

/* Inside the caller's transaction: appends a history row per published
 * evaluation and upserts the current row of each (employer, employee, program) to its last
 * evaluation. Returns 0 or -1 (see pw_db_error). */
int elig_det_batch_store(elig_det_batch_t *b, pw_db_t *db) __attribute__((warn_unused_result));

/* A Determination message with its storage; every string is borrowed from
 * the facts and result it was built from. */
typedef struct {
    Pathways__V1__Determination msg;
    Pathways__V1__Criterion crit[ELIG_MAX_CRITERIA];
    Pathways__V1__Criterion *crit_ptrs[ELIG_MAX_CRITERIA];
    Pathways__V1__EmployeeFacts facts;
    Pathways__V1__ScheduledHours hours;
    char hire_date[PW_DATE_LEN];
    char eligible_from[PW_DATE_LEN];
    char eligible_since[PW_DATE_LEN];
    char as_of[PW_DATE_LEN];
} elig_det_msg_t;

/* Fills m; valid while rules, f, r and cause_event_id live. */
void elig_det_msg_build(elig_det_msg_t *m, const elig_rules_t *rules, const elig_facts_t *f,
                        const elig_result_t *r, int previous_outcome, const char *cause_event_id);

/* The JSON stored for the criteria and the frozen decision facts (no
 * contact details), appended to out. */
void elig_det_criteria_json(const elig_result_t *r, pw_buf_t *out);
void elig_det_facts_json(const elig_facts_t *f, pw_buf_t *out);

#endif
