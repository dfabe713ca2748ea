/* Eligible spells: since when an employee has met every criterion of a
 * program, and when the last spell ended, from the effective dates of the
 * facts. Pure: no I/O.
 *
 * Each criterion reads some fact groups (status, hours, job, standing...) or
 * the tenure, which passes from a computable day (period start + minimum). A
 * group's value changes only on or after the date it was last set
 * (facts.h), so every criterion's verdicts form runs in effective time, and
 * the days on which all criteria hold up to the determination's as_of are
 * exactly [the latest of the runs' first days, as_of]. So a spell keeps,
 * per criterion, the first day of its current passing run:
 *   - a criterion on tenure_days: the day time makes it pass (period
 *     start + the employer's minimum), always recomputed (a corrected hire
 *     date or a rehire moves it);
 *   - a dated criterion that passed at the previous evaluation and still
 *     passes keeps its day (a job change between two listed families, or a
 *     title-only change, does not restart the run);
 *   - one that starts to pass takes its group's effective date (the day the
 *     fact that makes it pass took effect; after a rule change, the fact's
 *     date, as the rule applies to the facts as they were);
 *   - context criteria with no effective date (employer participation,
 *     program state) do not bound the spell.
 * eligible_since is the latest of those days; eligible_until, once an
 * ELIGIBLE determination is followed by one that is not, is the effective
 * date of the fact change that made a criterion fail (the determination's
 * as_of when no fact changed: a rule change or a context criterion), kept
 * until the next spell starts. */
#ifndef ELIG_SPELL_H
#define ELIG_SPELL_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "rules.h"

/* Bytes of the text form (a PostgreSQL date[] literal) of any spell. */
#define ELIG_SPELL_TEXT_MAX (2 + ELIG_MAX_CRITERIA * PW_DATE_LEN)

typedef struct {
    /* Per criterion slot (elig_criterion_def_t.slot): the first day of its current passing
     * run; ELIG_NO_DATE when it does not pass, has no date, or nothing was
     * known before. */
    int32_t held[ELIG_MAX_CRITERIA];
    int32_t until; /* end of the last spell, ELIG_NO_DATE none */
} elig_spell_t;

/* Nothing known: the first evaluation dates each passing criterion from its
 * group's effective date. */
void elig_spell_init(elig_spell_t *s);

/* Advances s past r, the evaluation of f under rules as of r->as_of, and
 * sets r->eligible_since and r->eligible_until. previous_outcome is the
 * outcome of the evaluation before (0: none). */
void elig_spell_update(elig_spell_t *s, const elig_rules_t *rules, const elig_facts_t *f,
                       int previous_outcome, elig_result_t *r);

/* The held days as a date[] literal ("{2026-01-05,NULL,...}": at least the
 * eight slots of the first format, more when later slots hold days), at
 * most len bytes. */
void elig_spell_format(const elig_spell_t *s, char *out, size_t len);

/* Reads a literal from elig_spell_format into s->held (s->until is left
 * alone). Returns 0, or -1 (s->held all ELIG_NO_DATE) for NULL, "" or
 * anything else. */
int elig_spell_parse(const char *text, elig_spell_t *s) __attribute__((warn_unused_result));

#endif
