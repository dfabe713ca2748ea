/* Re-evaluation of every employee on file under a program's rules, page by
 * page in key order, and the tally of what changed (per employer and
 * direction). The same walk serves the dry run (nothing written, only
 * counted) and the applied run (determinations stored and changes appended
 * in the caller's transaction), so their numbers agree by construction. */
#ifndef ELIG_REEVAL_H
#define ELIG_REEVAL_H

#include <stdint.h>

#include "pathways/codec.h"
#include "pathways/service.h"
#include "rules.h"
#include "scope.h"

/* Employees read and evaluated per round trip. */
#define ELIG_REEVAL_PAGE 10000

typedef struct elig_tally elig_tally_t;

/* Caller owns the result (NULL on out-of-memory). */
elig_tally_t *elig_tally_new(void);
void elig_tally_destroy(elig_tally_t **p);
uint64_t elig_tally_evaluated(const elig_tally_t *t);
uint64_t elig_tally_changed(const elig_tally_t *t);
/* How many were eligible after their evaluation. */
uint64_t elig_tally_eligible(const elig_tally_t *t);

/* Fills result's changes (sorted by employer, from, to) from t; the storage
 * belongs to t and lives until it is destroyed. Returns 0 or -1. */
int elig_tally_fill(elig_tally_t *t, Pathways__V1__ProgramLoadResult *result)
    __attribute__((warn_unused_result));

/* Re-evaluates every employee on file in scope (scope.h: those the rule
 * change can affect) as of today under rules. svc NULL: a dry run on db
 * (reads only). Otherwise inside svc's open transaction: changed
 * determinations are stored and appended to "eligibility". cause is the
 * determinations' cause_event_id; intake the program's, carried on them.
 * Returns 0 or -1. */
int elig_reeval_all(pw_db_t *db, pw_service_t *svc, const elig_rules_t *rules, const char *intake,
                    const elig_scope_t *scope, int32_t today, const char *cause,
                    elig_tally_t *tally) __attribute__((warn_unused_result));

/* Announces again, in svc's open transaction, the determination of every
 * employee eligible now under rules: each is evaluated as of today and
 * appended to "eligibility" with intake whether or not it changed (a
 * change is also stored), so that enrollment invites those it could not
 * while the program's intake was paused or closed (those already in the
 * program are left as they are there). *announced is how many were
 * appended eligible. Returns 0 or -1. */
int elig_reeval_announce(pw_service_t *svc, const elig_rules_t *rules, const char *intake,
                         int32_t today, const char *cause, uint64_t *announced)
    __attribute__((warn_unused_result));

#endif
