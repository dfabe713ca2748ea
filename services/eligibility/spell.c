/* Eligible spells: per-criterion passing runs, and the spell's first and
 * last days (see spell.h for why runs per criterion suffice). */
#include "spell.h"

#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "pathways/date.h"

#define PASS     PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
#define ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE

#define UNDATED (-1)

void elig_spell_init(elig_spell_t *s)
{
    for (int k = 0; k < ELIG_MAX_CRITERIA; k++)
        s->held[k] = ELIG_NO_DATE;
    s->until = ELIG_NO_DATE;
}

/* The latest effective date of the groups a criterion reads (ELIG_NO_DATE
 * when none is dated). */
static int32_t group_day(const elig_criterion_def_t *d, const elig_facts_t *f)
{
    int32_t day = ELIG_NO_DATE;
    for (int g = 0; g < ELIG_GROUP_COUNT; g++)
        if ((d->groups & (1u << g)) && f->group_date[g] != ELIG_NO_DATE &&
            (day == ELIG_NO_DATE || f->group_date[g] > day))
            day = f->group_date[g];
    return day;
}

/* The first day of a passing criterion's run, given the day it had at the
 * previous evaluation (ELIG_NO_DATE: not passing or not known). */
static int32_t run_start(const elig_rules_t *rules, const elig_facts_t *f,
                         const elig_criterion_def_t *d, int32_t before, int32_t as_of)
{
    if (d->timed)
        return elig_expr_since(rules, d->root, f, as_of);
    if (!d->groups)
        return ELIG_NO_DATE;
    return before != ELIG_NO_DATE ? before : group_day(d, f);
}

/* The day a criterion stopped passing: its groups' effective date when one
 * changed after its run started, else the evaluation's date (a rule
 * change, or a context criterion). */
static int32_t stop_day(const elig_facts_t *f, const elig_criterion_def_t *d, int32_t before,
                        int32_t as_of)
{
    if (!d->groups)
        return as_of;
    int32_t changed = group_day(d, f);
    if (changed != ELIG_NO_DATE && (before == ELIG_NO_DATE || changed > before))
        return changed;
    return as_of;
}

void elig_spell_update(elig_spell_t *s, const elig_rules_t *rules, const elig_facts_t *f,
                       int previous_outcome, elig_result_t *r)
{
    int32_t held[ELIG_MAX_CRITERIA], since = ELIG_NO_DATE, until = ELIG_NO_DATE;
    for (int k = 0; k < ELIG_MAX_CRITERIA; k++)
        held[k] = ELIG_NO_DATE;
    for (size_t i = 0; i < r->n_criteria; i++) {
        const elig_criterion_t *c = &r->criteria[i];
        const elig_criterion_def_t *d = &rules->criteria[c->index];
        int32_t before = s->held[c->slot];
        if (c->result == PASS) {
            held[c->slot] = run_start(rules, f, d, before, r->as_of);
            if (held[c->slot] != ELIG_NO_DATE && held[c->slot] > since)
                since = held[c->slot];
        } else {
            int32_t stop = stop_day(f, d, before, r->as_of);
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
    int n = ELIG_LEGACY_SLOTS;
    for (int k = ELIG_LEGACY_SLOTS; k < ELIG_MAX_CRITERIA; k++)
        if (s->held[k] != ELIG_NO_DATE)
            n = k + 1;
    for (int k = 0; k < n && used < len; k++) {
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
    int32_t held[ELIG_MAX_CRITERIA];
    const char *p = text;
    for (int i = 0; i < ELIG_MAX_CRITERIA; i++)
        s->held[i] = held[i] = ELIG_NO_DATE;
    if (!p || *p++ != '{')
        return -1;
    for (int k = 0;; p++) {
        if (k == ELIG_MAX_CRITERIA || parse_one(&p, &held[k++]) != 0)
            return -1;
        if (*p == '}')
            break;
    }
    if (p[1] != '\0')
        return -1;
    memcpy(s->held, held, sizeof held);
    return 0;
}
