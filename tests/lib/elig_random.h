/* Random rules, rule changes and employee facts for the eligibility scope
 * tests (unit: the property in C; integration: the same scope in SQL).
 * Deterministic: a fixed linear congruential sequence. */
#ifndef PATHWAYS_TEST_ELIG_RANDOM_H
#define PATHWAYS_TEST_ELIG_RANDOM_H

#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "eligibility/program.h"
#include "eligibility/rules.h"

#ifndef TODAY
#define TODAY 20600 /* days since 1970: 2026-05-27 */
#endif

static const char *const STATUSES[] = {"active", "leave", "terminated", "prehire"};
static const char *const STANDINGS[] = {"good", "corrective_action", "final_warning"};
static const char *const TYPES[] = {"full_time", "part_time", "temporary", "seasonal", "per_diem"};
static const char *const FAMILIES[] = {"clerical",
                                       "Food Service",
                                       "transport",
                                       "patient-access",
                                       "nursing",
                                       "lab",
                                       "medical_assistant_trainee"};
static const char *const EMPLOYERS[] = {"acme", "globex", "initech"};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static unsigned elig_random_seed = 12345;
static inline unsigned rnd(unsigned n)
{
    elig_random_seed = elig_random_seed * 1103515245u + 12345u;
    return (elig_random_seed >> 16) % n;
}

/* A random program's parameters; program_text turns them into a program
 * file in the expression format, which the tests parse (so the random
 * rules go through the same parser as a loaded file). */
typedef struct {
    elig_list_t statuses, standings, types, families, shifts;
    int exclude;
    int hours, tenure, tenure_cap, hours_lo, hours_hi;
    elig_override_t overrides[8];
    size_t n_overrides;
} random_program_t;

static inline void list_random(elig_list_t *l, const char *const *words, size_t n)
{
    l->n = 0;
    for (size_t i = 0; i < n; i++)
        if (rnd(2))
            snprintf(l->items[l->n++], sizeof l->items[0], "%s", words[i]);
    if (!l->n) /* a program file's lists are never empty */
        snprintf(l->items[l->n++], sizeof l->items[0], "%s", words[rnd((unsigned)n)]);
}

static const char *const SHIFTS[] = {"day", "night", "evening"};

static inline void random_override(elig_override_t *o, const char *employer)
{
    memset(o, 0, sizeof *o);
    snprintf(o->employer, sizeof o->employer, "%s", employer);
    o->min_tenure_days = rnd(3) ? -1 : (int)rnd(200);
    list_random(&o->extra_job_families, FAMILIES, N(FAMILIES));
}

static inline void add_override(random_program_t *r, const char *employer)
{
    for (size_t i = 0; i < r->n_overrides; i++)
        if (strcmp(r->overrides[i].employer, employer) == 0) {
            random_override(&r->overrides[i], employer);
            return;
        }
    if (r->n_overrides < 8)
        random_override(&r->overrides[r->n_overrides++], employer);
}

static inline void random_params(random_program_t *r)
{
    memset(r, 0, sizeof *r);
    list_random(&r->statuses, STATUSES, N(STATUSES));
    list_random(&r->standings, STANDINGS, N(STANDINGS));
    list_random(&r->types, TYPES, N(TYPES));
    list_random(&r->families, FAMILIES, N(FAMILIES));
    list_random(&r->shifts, SHIFTS, N(SHIFTS));
    r->exclude = (int)rnd(2);
    r->hours = 30 + (int)rnd(10);
    r->tenure = (int)rnd(200);
    r->tenure_cap = (int)rnd(400);
    r->hours_lo = 20 + (int)rnd(10);
    r->hours_hi = 35 + (int)rnd(10);
    for (size_t i = 0; i < N(EMPLOYERS); i++)
        if (rnd(2))
            add_override(r, EMPLOYERS[i]);
}

static inline void put_list(char *out, size_t len, const elig_list_t *l)
{
    size_t used = strlen(out);
    used += (size_t)snprintf(out + used, len - used, "[");
    for (size_t i = 0; i < l->n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s\"%s\"", i ? ", " : "", l->items[i]);
    if (used < len)
        snprintf(out + used, len - used, "]");
}

#define PUT(...) snprintf(out + strlen(out), len - strlen(out), __VA_ARGS__)

/* The program file of r: MAPP's criteria and three more shapes (the
 * target role, a context criterion, a combination with tenure and hours
 * windows). */
static inline void program_text(const random_program_t *r, char *out, size_t len)
{
    out[0] = '\0';
    PUT("program: mapp\ntarget_role: {name: MA, job_families: [medical_assistant_trainee]}\n");
    PUT("criteria:\n  - name: status\n    status: {in: ");
    put_list(out, len, &r->statuses);
    PUT("}\n  - name: full_time\n    first_known:\n      - employment_type: {in: ");
    put_list(out, len, &r->types);
    PUT("}\n      - scheduled_hours: {at_least: %d}\n", r->hours);
    PUT("  - name: job_family\n    job_family: {%s: ", r->exclude ? "not_in" : "in");
    put_list(out, len, &r->families);
    PUT("}\n  - name: standing\n    standing: {in: ");
    put_list(out, len, &r->standings);
    PUT("}\n  - name: tenure\n    tenure_days: {at_least: %d}\n", r->tenure);
    PUT("  - name: employer_participates\n    employer_participates: {is: true}\n");
    PUT("  - name: not_in_target_role\n    job_family: {not_in: target_role}\n");
    PUT("  - name: window\n    any:\n      - all:\n          - tenure_days: {at_most: %d}\n",
        r->tenure_cap);
    PUT("          - scheduled_hours: {between: [%d, %d]}\n", r->hours_lo, r->hours_hi);
    PUT("      - shift: {in: ");
    put_list(out, len, &r->shifts);
    PUT("}\n");
    if (r->n_overrides)
        PUT("employers:\n");
    for (size_t i = 0; i < r->n_overrides; i++) {
        const elig_override_t *o = &r->overrides[i];
        PUT("  %s:\n", o->employer);
        if (o->min_tenure_days >= 0)
            PUT("    min_tenure_days: %d\n", o->min_tenure_days);
        PUT("    extra_job_families: ");
        put_list(out, len, &o->extra_job_families);
        PUT("\n");
    }
}

/* Parses r's program file into rules; aborts the test on a parse error. */
static inline void rules_from(const random_program_t *r, elig_rules_t *rules)
{
    static char text[16384];
    char err[512];
    unsigned line;
    program_text(r, text, sizeof text);
    if (elig_program_parse(text, strlen(text), "random", rules, err, sizeof err, &line) != 0) {
        fprintf(stderr, "%s\n%s\n", err, text);
        abort();
    }
}

/* new = old with one or two random changes to operands. */
static inline void mutate_params(const random_program_t *old, random_program_t *new)
{
    memcpy(new, old, sizeof *new);
    for (unsigned k = 0, changes = 1 + rnd(2); k < changes; k++) {
        switch (rnd(11)) {
        case 0:
            list_random(&new->statuses, STATUSES, N(STATUSES));
            break;
        case 1:
            list_random(&new->standings, STANDINGS, N(STANDINGS));
            break;
        case 2:
            list_random(&new->types, TYPES, N(TYPES));
            break;
        case 3:
            list_random(&new->families, FAMILIES, N(FAMILIES));
            break;
        case 4:
            new->hours = 30 + (int)rnd(10);
            break;
        case 5:
            new->tenure = (int)rnd(200);
            break;
        case 6:
            new->tenure_cap = (int)rnd(400);
            break;
        case 7:
            new->hours_lo = 20 + (int)rnd(10);
            new->hours_hi = 35 + (int)rnd(10);
            break;
        case 8:
            add_override(new, EMPLOYERS[rnd(N(EMPLOYERS))]);
            break;
        default:
            new->n_overrides = new->n_overrides ? new->n_overrides - 1 : 0;
            break;
        }
    }
}

/* Random rules (old) and a change of them (new). */
static inline void random_pair(elig_rules_t *old, elig_rules_t *new)
{
    random_program_t a, b;
    random_params(&a);
    mutate_params(&a, &b);
    rules_from(&a, old);
    rules_from(&b, new);
}

/* f: zeroed, or facts from an earlier call (their texts are freed). */
static inline void random_facts(elig_facts_t *f)
{
    elig_facts_reset(f, EMPLOYERS[rnd(N(EMPLOYERS))], "E1");
    f->status = (int)rnd(N(STATUSES) + 1); /* 0: not on file */
    f->standing = (int)rnd(N(STANDINGS) + 1);
    f->employment_type = (int)rnd(N(TYPES) + 1);
    f->has_hours = (int)rnd(2);
    f->scheduled_hours = 25 + rnd(20);
    snprintf(f->job_family, sizeof f->job_family, "%s", rnd(8) ? FAMILIES[rnd(N(FAMILIES))] : "");
    if (elig_facts_set_text(f, ELIG_TEXT_SHIFT, rnd(4) ? SHIFTS[rnd(N(SHIFTS))] : "") != 0)
        abort();
    f->hire_date = rnd(10) ? TODAY - (int32_t)rnd(400) + 20 : ELIG_NO_DATE;
    f->period_start = rnd(3) ? ELIG_NO_DATE : f->hire_date;
    f->employer_participates = (int)rnd(3) - 1;
}

#endif
