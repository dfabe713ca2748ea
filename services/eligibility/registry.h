/* The employee registry (eligibility.employee): loads the merged facts of a
 * batch's employees in one query and writes back the changed ones in one
 * multi-row upsert. Works inside the caller's transaction. */
#ifndef ELIG_REGISTRY_H
#define ELIG_REGISTRY_H

#include <stddef.h>

#include "facts.h"
#include "rules.h"
#include "pathways/db.h"
#include "scope.h"
#include "spell.h"

/* Long enough for elig_result_signature of any rules. */
#define ELIG_SIGNATURE_MAX 256

/* One employee touched by a batch. */
typedef struct {
    elig_facts_t facts;
    int exists;                         /* on file before this batch */
    int dirty;                          /* facts changed by this batch */
    int outcome;                        /* current determination's outcome, 0 none */
    char signature[ELIG_SIGNATURE_MAX]; /* current determination's, "" none */
    elig_spell_t spell;                 /* current determination's, nothing known: none */
    char last_event_id[ELIG_ID_MAX + 1];
} elig_employee_t;

/* Frees the texts of emps[0..n) and the array (NULL is fine). */
void elig_employees_free(elig_employee_t *emps, size_t n);

/* emps[i].facts.employer/employee name the keys (the rest is reset to
 * "nothing known"); fills what is on file, with the current determination of
 * rules->program (every program's state too when the rules read program.<id>).
 * Returns 0 or -1 (see pw_db_error). */
int elig_registry_load(pw_db_t *db, const elig_rules_t *rules, elig_employee_t *emps, size_t n)
    __attribute__((warn_unused_result));

/* Reads up to max employees on file in scope (as of today) after
 * (after_employer, after_employee) in key order ("" and "" for the first
 * page), with their context for rules->program, into emps; *n is how many.
 * Returns 0 or -1. */
int elig_registry_page(pw_db_t *db, const elig_rules_t *rules, const elig_scope_t *scope,
                       int32_t today, const char *after_employer, const char *after_employee,
                       elig_employee_t *emps, size_t max, size_t *n)
    __attribute__((warn_unused_result));

/* Upserts every dirty employee of emps. Returns 0 or -1. */
int elig_registry_save(pw_db_t *db, const elig_employee_t *emps, size_t n)
    __attribute__((warn_unused_result));

#endif
