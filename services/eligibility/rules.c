/* MAPP's criteria as one table of checks over the merged facts. Each check
 * writes its verdict, what it observed, what it required and a sentence
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

static const elig_rules_t MAPP = {
    .program = "mapp",
    .version = 1,
    .min_tenure_days = 90,
    .full_time_hours = 36.0,
    .job_families = {"environmental_services", "food_service", "patient_access", "transport",
                     "clerical"},
    .n_job_families = 5,
};

const elig_rules_t *elig_rules_mapp(void)
{
    return &MAPP;
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

static void check_status(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                         elig_criterion_t *c)
{
    snprintf(c->required, sizeof c->required, "active");
    snprintf(c->observed, sizeof c->observed, "%s", elig_status_name(f->status));
    if (f->status == PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE)
        verdict(c, PASS, "status active");
    else if (!f->status)
        verdict(c, UNKNOWN, "status not on file, needs active");
    else
        verdict(c, FAIL, "status %s, needs %s", c->observed, "active");
}

static void check_full_time(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                            elig_criterion_t *c)
{
    char hours[32];
    snprintf(hours, sizeof hours, "%g", r->full_time_hours);
    snprintf(c->required, sizeof c->required, "full_time, or %s scheduled hours", hours);
    if (f->employment_type) {
        snprintf(c->observed, sizeof c->observed, "%s", elig_type_name(f->employment_type));
        if (f->employment_type == PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME)
            verdict(c, PASS, "employment type %s", c->observed);
        else
            verdict(c, FAIL, "employment type %s, needs %s", c->observed, "full_time");
    } else if (f->has_hours) {
        snprintf(c->observed, sizeof c->observed, "%g scheduled hours", f->scheduled_hours);
        if (f->scheduled_hours >= r->full_time_hours)
            verdict(c, PASS, "%s, needs %s", c->observed, hours);
        else
            verdict(c, FAIL, "%s, needs %s", c->observed, hours);
    } else {
        c->observed[0] = '\0';
        verdict(c, UNKNOWN, "employment type and scheduled hours not on file");
    }
}

/* Job families compare without regard to case, spaces or hyphens
 * ("Food Service" is food_service). */
static int same_family(const char *a, const char *b)
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

static void check_job_family(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                             elig_criterion_t *c)
{
    size_t used = 0;
    c->required[0] = '\0';
    for (size_t i = 0; i < r->n_job_families && used < sizeof c->required; i++)
        used += (size_t)snprintf(c->required + used, sizeof c->required - used, "%s%s",
                                 i ? ", " : "", r->job_families[i]);
    snprintf(c->observed, sizeof c->observed, "%s", f->job_family);
    if (!f->job_family[0]) {
        verdict(c, UNKNOWN, "job family not on file");
        return;
    }
    for (size_t i = 0; i < r->n_job_families; i++) {
        if (same_family(f->job_family, r->job_families[i])) {
            verdict(c, PASS, "job family %s", f->job_family);
            return;
        }
    }
    verdict(c, FAIL, "job family %s, needs one of %s", f->job_family, c->required);
}

static void check_standing(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                           elig_criterion_t *c)
{
    snprintf(c->required, sizeof c->required, "good");
    snprintf(c->observed, sizeof c->observed, "%s", elig_standing_name(f->standing));
    if (f->standing == PATHWAYS__V1__STANDING__STANDING_GOOD)
        verdict(c, PASS, "standing good");
    else if (!f->standing)
        verdict(c, UNKNOWN, "standing not on file, needs good");
    else
        verdict(c, FAIL, "standing %s, needs %s", c->observed, "good");
}

/* Tenure counts from the start of the current employment period (the hire
 * date, or the rehire date after a rehire). */
static void check_tenure(const elig_rules_t *r, const elig_facts_t *f, int32_t as_of,
                         elig_criterion_t *c)
{
    int32_t start = f->period_start != ELIG_NO_DATE ? f->period_start : f->hire_date;
    snprintf(c->required, sizeof c->required, "%d days", r->min_tenure_days);
    if (start == ELIG_NO_DATE) {
        c->observed[0] = '\0';
        verdict(c, UNKNOWN, "hire date not on file");
        return;
    }
    long days = (long)as_of - (long)start;
    snprintf(c->observed, sizeof c->observed, "%ld days", days);
    c->result = days >= r->min_tenure_days ? PASS : FAIL;
    snprintf(c->reason, sizeof c->reason, "tenure %ld days, needs %d", days, r->min_tenure_days);
}

/* The criteria, in the order they are reported. */
static const struct {
    const char *name;
    check_fn check;
} CRITERIA[] = {
    {"status", check_status},     {"full_time", check_full_time}, {"job_family", check_job_family},
    {"standing", check_standing}, {"tenure", check_tenure},
};
#define N_CRITERIA (sizeof CRITERIA / sizeof CRITERIA[0])

void elig_rules_evaluate(const elig_rules_t *rules, const elig_facts_t *f, int32_t as_of,
                         elig_result_t *out)
{
    int fails = 0, unknowns = 0, tenure_fails = 0;
    memset(out, 0, sizeof *out);
    out->as_of = as_of;
    out->eligible_from = ELIG_NO_DATE;
    for (size_t i = 0; i < N_CRITERIA; i++) {
        elig_criterion_t *c = &out->criteria[i];
        c->name = CRITERIA[i].name;
        CRITERIA[i].check(rules, f, as_of, c);
        fails += c->result == FAIL;
        unknowns += c->result == UNKNOWN;
        tenure_fails += CRITERIA[i].check == check_tenure && c->result == FAIL;
    }
    out->n_criteria = N_CRITERIA;
    if (fails)
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE;
    else if (unknowns)
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW;
    else
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    if (fails == 1 && !unknowns && tenure_fails) {
        int32_t start = f->period_start != ELIG_NO_DATE ? f->period_start : f->hire_date;
        out->eligible_from = start + rules->min_tenure_days;
    }
}

void elig_result_signature(const elig_result_t *r, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, "%d", r->outcome);
    for (size_t i = 0; i < r->n_criteria && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "|%s=%d", r->criteria[i].name,
                                 r->criteria[i].result);
    if (r->eligible_from != ELIG_NO_DATE && used < len)
        snprintf(out + used, len - used, "|from=%ld", (long)r->eligible_from);
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
