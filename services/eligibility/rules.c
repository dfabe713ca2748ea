/* A program's criteria evaluated in order over the merged facts (each an
 * expression, expr.h), the outcome, and the forecast when only time stands
 * in the way. */
#include "rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "pathways/codec.h"
#include "pathways/log.h"
#include "program.h"

#define PASS    PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
#define FAIL    PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_FAIL
#define UNKNOWN PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_UNKNOWN

/* The foundation's MAPP, in the program file format (the same criteria
 * as deploy/programs/mapp.yaml's first five). */
static const char MAPP_TEXT[] =
    "program: mapp\n"
    "name: Medical Assistant Pathway Program\n"
    "target_role: {name: Medical Assistant, job_families: [medical_assistant]}\n"
    "criteria:\n"
    "  - name: status\n"
    "    status: {in: [active]}\n"
    "  - name: full_time\n"
    "    first_known:\n"
    "      - employment_type: {in: [full_time]}\n"
    "      - scheduled_hours: {at_least: 36}\n"
    "  - name: job_family\n"
    "    job_family: {in: [environmental_services, food_service, patient_access, transport,"
    " clerical]}\n"
    "  - name: standing\n"
    "    standing: {in: [good]}\n"
    "  - name: tenure\n"
    "    tenure_days: {at_least: 90}\n";

const elig_rules_t *elig_rules_mapp(void)
{
    static elig_rules_t *mapp;
    if (!mapp) {
        char err[512];
        unsigned line;
        mapp = calloc(1, sizeof *mapp);
        if (!mapp || elig_program_parse(MAPP_TEXT, strlen(MAPP_TEXT), "built-in", mapp, err,
                                        sizeof err, &line) != 0)
            abort(); /* a programmer's mistake in MAPP_TEXT; the unit tests load it */
        mapp->version = 1;
    }
    return mapp;
}

const elig_criterion_def_t *elig_rules_criterion(const elig_rules_t *rules, const char *name)
{
    for (size_t i = 0; i < rules->n_criteria; i++)
        if (strcmp(rules->criteria[i].name, name) == 0)
            return &rules->criteria[i];
    return NULL;
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

/* When only time stands in the way: the day every failing criterion would
 * pass, checked by evaluating every criterion on it. */
static int32_t forecast(const elig_rules_t *rules, const elig_facts_t *f, const elig_result_t *out)
{
    int32_t day = ELIG_NO_DATE;
    for (size_t i = 0; i < out->n_criteria; i++) {
        if (out->criteria[i].result != FAIL)
            continue;
        const elig_criterion_def_t *d = &rules->criteria[out->criteria[i].index];
        int32_t d_pass =
            d->timed ? elig_expr_pass_day(rules, d->root, f, out->as_of) : ELIG_NO_DATE;
        if (d_pass == ELIG_NO_DATE || d_pass == ELIG_ALWAYS || d_pass <= out->as_of)
            return ELIG_NO_DATE;
        day = day == ELIG_NO_DATE || d_pass > day ? d_pass : day;
    }
    for (size_t i = 0; day != ELIG_NO_DATE && i < rules->n_criteria; i++)
        if (elig_expr_result(rules, rules->criteria[i].root, f, day) != PASS)
            return ELIG_NO_DATE;
    return day;
}

void elig_rules_evaluate(const elig_rules_t *rules, const elig_facts_t *f, int32_t as_of,
                         elig_result_t *out)
{
    int fails = 0, unknowns = 0;
    out->n_criteria = 0;
    out->as_of = as_of;
    out->eligible_from = out->eligible_since = out->eligible_until = ELIG_NO_DATE;
    for (size_t k = 0; k < rules->n_criteria && out->n_criteria < ELIG_MAX_CRITERIA; k++) {
        const elig_criterion_def_t *d = &rules->criteria[k];
        elig_criterion_t *c = &out->criteria[out->n_criteria++];
        c->name = d->name;
        c->slot = d->slot;
        c->index = (int)k;
        elig_expr_eval(rules, d->root, f, as_of, c);
        fails += c->result == FAIL;
        unknowns += c->result == UNKNOWN;
    }
    if (fails)
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE;
    else if (unknowns)
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW;
    else
        out->outcome = PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    if (fails && !unknowns)
        out->eligible_from = forecast(rules, f, out);
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

static const char *const INTAKE_NAMES[] = {"open", "paused", "closed"};

const char *elig_intake_name(int intake)
{
    return intake >= 0 && intake < 3 ? INTAKE_NAMES[intake] : "";
}

int elig_intake_parse(const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, INTAKE_NAMES[i]) == 0)
            return i;
    return -1;
}
