/* Forecast re-checks. A determination whose only failing criteria are
 * time-based carries eligible_from; the current determination's
 * eligible_from column is the durable schedule (written with the
 * determination, so it survives restarts and is never out of step with
 * it). A periodic timer re-evaluates every employee whose date has come as
 * of pw_date_today() and emits the change then. */
#ifndef ELIG_RECHECK_H
#define ELIG_RECHECK_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/service.h"
#include "rules.h"

/* Employees re-checked per transaction. */
#define ELIG_RECHECK_BATCH 2000
/* How often the timer looks (ms). */
#define ELIG_RECHECK_INTERVAL_MS 1000

/* Re-evaluates, in one transaction on svc, up to ELIG_RECHECK_BATCH
 * employees whose eligible_from under rules->program is on or before today.
 * Stores *done (how many). Returns 0 (also when none were due) or -1. */
int elig_recheck_due(pw_service_t *svc, const elig_rules_t *rules, const char *intake,
                     int32_t today, size_t *done) __attribute__((warn_unused_result));

#endif
