/* Eligible spells: per-criterion passing runs, and the spell's first and
 * last days (see spell.h for why runs per criterion suffice). */
#include "spell.h"

#include <stdio.h>
#include <string.h>

#include "pathways/date.h"

#define PASS     PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
#define ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE

#define UNDATED (-1)

/* The fact group each criterion reads (UNDATED: context with no date;
 * tenure reads the hire group, but its run is computed). */
static const int CRIT_GROUP[ELIG_CRIT_COUNT] = {
    [ELIG_CRIT_STATUS] = ELIG_GROUP_STATUS,  [ELIG_CRIT_FULL_TIME] = ELIG_GROUP_HOURS,
    [ELIG_CRIT_JOB_FAMILY] = ELIG_GROUP_JOB, [ELIG_CRIT_STANDING] = ELIG_GROUP_STANDING,
    [ELIG_CRIT_TENURE] = ELIG_GROUP_HIRE,    [ELIG_CRIT_EMPLOYER] = UNDATED,
    [ELIG_CRIT_NOT_IN_PROGRAM] = UNDATED,    [ELIG_CRIT_NOT_IN_ROLE] = ELIG_GROUP_JOB,
};

void elig_spell_init(elig_spell_t *s)
{
    for (int k = 0; k < ELIG_CRIT_COUNT; k++)
        s->held[k] = ELIG_NO_DATE;
    s->until = ELIG_NO_DATE;
}

/* The first day tenure passes in the current employment period. */
static int32_t tenure_day(const elig_rules_t *rules, const elig_facts_t *f)
{
    int32_t start = f->period_start != ELIG_NO_DATE ? f->period_start : f->hire_date;
    return start == ELIG_NO_DATE ? ELIG_NO_DATE : start + elig_rules_min_tenure(rules, f->employer);
}

/* The first day of criterion c's passing run, given the day it had at the
 * previous evaluation (ELIG_NO_DATE: not passing or not known). */
static int32_t run_start(const elig_rules_t *rules, const elig_facts_t *f, elig_crit_t c,
                         int32_t before)
{
    if (c == ELIG_CRIT_TENURE)
        return tenure_day(rules, f);
    if (CRIT_GROUP[c] == UNDATED)
        return ELIG_NO_DATE;
    return before != ELIG_NO_DATE ? before : f->group_date[CRIT_GROUP[c]];
}

/* The day criterion c stopped passing: its group's effective date when
 * the group changed after its run started, else the evaluation's date (a
 * rule change, or a context criterion). */
static int32_t stop_day(const elig_facts_t *f, elig_crit_t c, int32_t before, int32_t as_of)
{
    if (CRIT_GROUP[c] == UNDATED)
        return as_of;
    int32_t changed = f->group_date[CRIT_GROUP[c]];
    if (changed != ELIG_NO_DATE && (before == ELIG_NO_DATE || changed > before))
        return changed;
    return as_of;
}

void elig_spell_update(elig_spell_t *s, const elig_rules_t *rules, const elig_facts_t *f,
                       int previous_outcome, elig_result_t *r)
{
    int32_t held[ELIG_CRIT_COUNT], since = ELIG_NO_DATE, until = ELIG_NO_DATE;
    for (int k = 0; k < ELIG_CRIT_COUNT; k++)
        held[k] = ELIG_NO_DATE;
    for (size_t i = 0; i < r->n_criteria; i++) {
        const elig_criterion_t *c = &r->criteria[i];
        int32_t before = s->held[c->crit];
        if (c->result == PASS) {
            held[c->crit] = run_start(rules, f, c->crit, before);
            if (held[c->crit] != ELIG_NO_DATE && held[c->crit] > since)
                since = held[c->crit];
        } else {
            int32_t stop = stop_day(f, c->crit, before, r->as_of);
            if (until == ELIG_NO_DATE || stop < until)
                until = stop;
        }
    }
    memcpy(s->held, held, sizeof held);
    if (r->outcome == ELIGIBLE)
        s->until = ELIG_NO_DATE;
    else if (previous_outcome == ELIGIBLE)
        s->until = until;
    r->eligible_since = r->outcome == ELIGIBLE ? since : ELIG_NO_DATE;
    r->eligible_until = s->until;
}

void elig_spell_format(const elig_spell_t *s, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, "{");
    for (int k = 0; k < ELIG_CRIT_COUNT && used < len; k++) {
        char d[PW_DATE_LEN] = "NULL";
        if (s->held[k] != ELIG_NO_DATE)
            pw_date_format(s->held[k], d);
        used += (size_t)snprintf(out + used, len - used, "%s%s", k ? "," : "", d);
    }
    if (used < len)
        snprintf(out + used, len - used, "}");
}

/* Reads one element ending at ',' or '}' from *p into *day. */
static int parse_one(const char **p, int32_t *day)
{
    const char *end = *p + strcspn(*p, ",}");
    size_t n = (size_t)(end - *p);
    char word[PW_DATE_LEN];
    if (!*end || n == 0 || n >= sizeof word)
        return -1;
    memcpy(word, *p, n);
    word[n] = '\0';
    *p = end;
    if (strcmp(word, "NULL") == 0) {
        *day = ELIG_NO_DATE;
        return 0;
    }
    return pw_date_parse(word, day);
}

int elig_spell_parse(const char *text, elig_spell_t *s)
{
    int32_t held[ELIG_CRIT_COUNT];
    const char *p = text;
    for (int i = 0; i < ELIG_CRIT_COUNT; i++)
        s->held[i] = held[i] = ELIG_NO_DATE;
    if (!p || *p++ != '{')
        return -1;
    for (int k = 0;; p++) {
        if (k == ELIG_CRIT_COUNT || parse_one(&p, &held[k++]) != 0)
            return -1;
        if (*p == '}')
            break;
    }
    if (p[1] != '\0')
        return -1;
    memcpy(s->held, held, sizeof held);
    return 0;
}
