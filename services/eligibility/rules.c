/* A program's criteria as one table of checks over the merged facts. Each
 * check reads its parameters from the rules (and the employer's override),
 * and writes its verdict, what it observed, what it required and a sentence
 * such as "tenure 41 days, needs 90". */
#include "rules.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pathways/codec.h"

#define PASS    PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
#define FAIL    PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_FAIL
#define UNKNOWN PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_UNKNOWN

#define FIRST_FIVE                                                                                 \
    ((1u << ELIG_CRIT_STATUS) | (1u << ELIG_CRIT_FULL_TIME) | (1u << ELIG_CRIT_JOB_FAMILY) |       \
     (1u << ELIG_CRIT_STANDING) | (1u << ELIG_CRIT_TENURE))

static const elig_rules_t MAPP = {
    .program = "mapp",
    .name = "Medical Assistant Pathway Program",
    .version = 1,
    .enabled = FIRST_FIVE,
    .statuses = {.items = {"active"}, .n = 1},
    .employment_types = {.items = {"full_time"}, .n = 1},
    .full_time_hours = 36.0,
    .job_families = {.items = {"environmental_services", "food_service", "patient_access",
                               "transport", "clerical"},
                     .n = 5},
    .standings = {.items = {"good"}, .n = 1},
    .min_tenure_days = 90,
};

const elig_rules_t *elig_rules_mapp(void)
{
    return &MAPP;
}

static const char *const CRIT_NAMES[ELIG_CRIT_COUNT] = {
    "status",         "full_time",
    "job_family",     "standing",
    "tenure",         "employer_participates",
    "not_in_program", "not_in_target_role",
};

const char *elig_crit_name(elig_crit_t c)
{
    return (c >= 0 && c < ELIG_CRIT_COUNT) ? CRIT_NAMES[c] : "";
}

int elig_crit_parse(const char *name)
{
    for (int i = 0; name && i < ELIG_CRIT_COUNT; i++)
        if (strcmp(name, CRIT_NAMES[i]) == 0)
            return i;
    return -1;
}

int elig_same_family(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (*a == ' ' || *a == '-') ? '_' : tolower((unsigned char)*a);
        int cb = (*b == ' ' || *b == '-') ? '_' : tolower((unsigned char)*b);
        if (ca != cb)
            return 0;
        if (!ca)
            return 1;
    }
}

int elig_list_has(const elig_list_t *list, const char *word)
{
    for (size_t i = 0; i < list->n; i++)
        if (elig_same_family(list->items[i], word))
            return 1;
    return 0;
}

const elig_override_t *elig_rules_override(const elig_rules_t *rules, const char *employer)
{
    for (size_t i = 0; i < rules->n_overrides; i++)
        if (strcmp(rules->overrides[i].employer, employer) == 0)
            return &rules->overrides[i];
    return NULL;
}

int elig_rules_min_tenure(const elig_rules_t *rules, const char *employer)
{
    const elig_override_t *o = elig_rules_override(rules, employer);
    return o && o->min_tenure_days >= 0 ? o->min_tenure_days : rules->min_tenure_days;
}

typedef void (*check_fn)(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                         elig_criterion_t *c);

static void verdict(elig_criterion_t *c, int result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void verdict(elig_criterion_t *c, int result, const char *fmt, ...)
{
    va_list ap;
    c->result = result;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
}

/* Joins list (and extra, may be NULL) with sep into out. */
static void join(const elig_list_t *list, const elig_list_t *extra, const char *sep, char *out,
                 size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int pass = 0; pass < 2; pass++) {
        const elig_list_t *l = pass ? extra : list;
        for (size_t i = 0; l && i < l->n && used < len; i++)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? sep : "", l->items[i]);
    }
}

/* Membership of a normalized enum value (name "" = not on file). */
static void check_member(elig_criterion_t *c, const char *label, const char *name,
                         const elig_list_t *allowed)
{
    join(allowed, NULL, " or ", c->required, sizeof c->required);
    snprintf(c->observed, sizeof c->observed, "%s", name);
    if (!name[0])
        verdict(c, UNKNOWN, "%s not on file, needs %s", label, c->required);
    else if (elig_list_has(allowed, name))
        verdict(c, PASS, "%s %s", label, name);
    else
        verdict(c, FAIL, "%s %s, needs %s", label, name, c->required);
}

static void check_status(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                         elig_criterion_t *c)
{
    check_member(c, "status", elig_status_name(f->status), &r->statuses);
}

static void check_standing(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                           elig_criterion_t *c)
{
    check_member(c, "standing", elig_standing_name(f->standing), &r->standings);
}

static void check_full_time(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                            elig_criterion_t *c)
{
    char hours[32], types[256];
    snprintf(hours, sizeof hours, "%g", r->full_time_hours);
    join(&r->employment_types, NULL, " or ", types, sizeof types);
    snprintf(c->required, sizeof c->required, "%s, or %s scheduled hours", types, hours);
    if (f->employment_type) {
        snprintf(c->observed, sizeof c->observed, "%s", elig_type_name(f->employment_type));
        if (elig_list_has(&r->employment_types, c->observed))
            verdict(c, PASS, "employment type %s", c->observed);
        else
            verdict(c, FAIL, "employment type %s, needs %s", c->observed, types);
    } else if (f->has_hours) {
        snprintf(c->observed, sizeof c->observed, "%g scheduled hours", f->scheduled_hours);
        verdict(c, f->scheduled_hours >= r->full_time_hours ? PASS : FAIL, "%s, needs %s",
                c->observed, hours);
    } else {
        c->observed[0] = '\0';
        verdict(c, UNKNOWN, "employment type and scheduled hours not on file");
    }
}

static void check_job_family(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                             elig_criterion_t *c)
{
    const elig_override_t *o = elig_rules_override(r, f->employer);
    const elig_list_t *extra = o ? &o->extra_job_families : NULL;
    join(&r->job_families, extra, ", ", c->required, sizeof c->required);
    snprintf(c->observed, sizeof c->observed, "%s", f->job_family);
    if (!f->job_family[0]) {
        verdict(c, UNKNOWN, "job family not on file");
        return;
    }
    int listed = elig_list_has(&r->job_families, f->job_family) ||
                 (extra && elig_list_has(extra, f->job_family));
    if (r->job_families_exclude) {
        /* Extra families of an override are allowed even when excluded. */
        listed = elig_list_has(&r->job_families, f->job_family) &&
                 !(extra && elig_list_has(extra, f->job_family));
        if (listed)
            verdict(c, FAIL, "job family %s, must not be one of %s", f->job_family, c->required);
        else
            verdict(c, PASS, "job family %s", f->job_family);
    } else if (listed) {
        verdict(c, PASS, "job family %s", f->job_family);
    } else {
        verdict(c, FAIL, "job family %s, needs one of %s", f->job_family, c->required);
    }
}

static int32_t period_start(const elig_facts_t *f)
{
    return f->period_start != ELIG_NO_DATE ? f->period_start : f->hire_date;
}

/* Tenure counts from the start of the current employment period (the hire
 * date, or the rehire date after a rehire). */
static void check_tenure(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                         elig_criterion_t *c)
{
    int32_t start = period_start(f);
    int min = elig_rules_min_tenure(r, f->employer);
    snprintf(c->required, sizeof c->required, "%d days", min);
    if (start == ELIG_NO_DATE) {
        c->observed[0] = '\0';
        verdict(c, UNKNOWN, "hire date not on file");
        return;
    }
    long days = (long)as_of - (long)start;
    snprintf(c->observed, sizeof c->observed, "%ld days", days);
    verdict(c, days >= min ? PASS : FAIL, "tenure %ld days, needs %d", days, min);
}

static void check_employer(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                           elig_criterion_t *c)
{
    snprintf(c->required, sizeof c->required, "employer takes part in %s", r->program);
    snprintf(c->observed, sizeof c->observed, "%s",
             f->employer_participates < 0 ? ""
             : f->employer_participates   ? "yes"
                                          : "no");
    if (f->employer_participates < 0)
        verdict(c, UNKNOWN, "employer %s is not registered", f->employer);
    else if (f->employer_participates)
        verdict(c, PASS, "employer %s takes part in %s", f->employer, r->program);
    else
        verdict(c, FAIL, "employer %s does not take part in %s", f->employer, r->program);
}

static void check_not_in_program(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                                 elig_criterion_t *c)
{
    char states[256];
    join(&r->program_states, NULL, ", ", states, sizeof states);
    snprintf(c->required, sizeof c->required, "not %s in %s", states, r->program);
    snprintf(c->observed, sizeof c->observed, "%s", f->program_state);
    if (f->program_state[0] && elig_list_has(&r->program_states, f->program_state))
        verdict(c, FAIL, "already %s in %s", f->program_state, r->program);
    else
        verdict(c, PASS, "not yet in %s", r->program);
}

static void check_not_in_role(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                              elig_criterion_t *c)
{
    join(&r->target_job_families, NULL, ", ", c->required, sizeof c->required);
    snprintf(c->observed, sizeof c->observed, "%s", f->job_family);
    if (f->job_family[0] && elig_list_has(&r->target_job_families, f->job_family))
        verdict(c, FAIL, "already in the target role (%s)", f->job_family);
    else if (!f->job_family[0])
        verdict(c, UNKNOWN, "job family not on file");
    else
        verdict(c, PASS, "not in the target role");
}

static const check_fn CHECKS[ELIG_CRIT_COUNT] = {
    check_status, check_full_time, check_job_family,     check_standing,
    check_tenure, check_employer,  check_not_in_program, check_not_in_role,
};

void elig_rules_evaluate(const elig_rules_t *rules, const elig_facts_t *f, int32_t as_of,
                         elig_result_t *out)
{
    int fails = 0, unknowns = 0, tenure_fails = 0;
    memset(out, 0, sizeof *out);
    out->as_of = as_of;
    out->eligible_from = out->eligible_since = out->eligible_until = ELIG_NO_DATE;
    for (int k = 0; k < ELIG_CRIT_COUNT && out->n_criteria < ELIG_MAX_CRITERIA; k++) {
        if (!(rules->enabled & (1u << k)))
            continue;
        elig_criterion_t *c = &out->criteria[out->n_criteria++];
        c->name = CRIT_NAMES[k];
        c->crit = (elig_crit_t)k;
        CHECKS[k](rules, f, as_of, c);
        fails += c->result == FAIL;
        unknowns += c->result == UNKNOWN;
        tenure_fails += k == ELIG_CRIT_TENURE && c->result == FAIL;
    }
    if (fails)
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE;
    else if (unknowns)
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW;
    else
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    if (fails == 1 && !unknowns && tenure_fails)
        out->eligible_from = period_start(f) + elig_rules_min_tenure(rules, f->employer);
}

void elig_result_signature(const elig_result_t *r, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, "%d", r->outcome);
    for (size_t i = 0; i < r->n_criteria && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "|%s=%d", r->criteria[i].name,
                                 r->criteria[i].result);
    const struct {
        const char *key;
        int32_t date;
    } dates[] = {
        {"from", r->eligible_from}, {"since", r->eligible_since}, {"until", r->eligible_until}};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        if (dates[i].date != ELIG_NO_DATE && used < len)
            used += (size_t)snprintf(out + used, len - used, "|%s=%ld", dates[i].key,
                                     (long)dates[i].date);
}

static const char *const OUTCOME_NAMES[] = {"", "eligible", "not_eligible", "needs_review"};
static const char *const RESULT_NAMES[] = {"", "pass", "fail", "unknown"};

const char *elig_outcome_name(int outcome)
{
    return (outcome > 0 && outcome < 4) ? OUTCOME_NAMES[outcome] : "";
}

int elig_outcome_parse(const char *name)
{
    for (int i = 1; name && i < 4; i++)
        if (strcmp(name, OUTCOME_NAMES[i]) == 0)
            return i;
    return 0;
}

const char *elig_criterion_result_name(int result)
{
    return (result > 0 && result < 4) ? RESULT_NAMES[result] : "";
}
