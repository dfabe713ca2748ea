/* Random rules, rule changes and employee facts for the eligibility scope
 * tests (unit: the property in C; integration: the same scope in SQL).
 * Deterministic: a fixed linear congruential sequence. */
#ifndef PATHWAYS_TEST_ELIG_RANDOM_H
#define PATHWAYS_TEST_ELIG_RANDOM_H

#include <stdio.h>
#include <string.h>

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

static inline void list_random(elig_list_t *l, const char *const *words, size_t n)
{
    l->n = 0;
    for (size_t i = 0; i < n; i++)
        if (rnd(2))
            snprintf(l->items[l->n++], sizeof l->items[0], "%s", words[i]);
}

static inline void random_override(elig_override_t *o, const char *employer)
{
    memset(o, 0, sizeof *o);
    snprintf(o->employer, sizeof o->employer, "%s", employer);
    o->min_tenure_days = rnd(3) ? -1 : (int)rnd(200);
    list_random(&o->extra_job_families, FAMILIES, N(FAMILIES));
}

static inline void random_rules(elig_rules_t *r)
{
    memcpy(r, elig_rules_mapp(), sizeof *r);
    r->enabled = (1u << ELIG_CRIT_COUNT) - 1;
    list_random(&r->statuses, STATUSES, N(STATUSES));
    list_random(&r->standings, STANDINGS, N(STANDINGS));
    list_random(&r->employment_types, TYPES, N(TYPES));
    list_random(&r->job_families, FAMILIES, N(FAMILIES));
    r->job_families_exclude = (int)rnd(2);
    r->full_time_hours = 30 + rnd(10);
    r->min_tenure_days = (int)rnd(200);
    r->n_overrides = 0;
    for (size_t i = 0; i < N(EMPLOYERS); i++)
        if (rnd(2))
            random_override(&r->overrides[r->n_overrides++], EMPLOYERS[i]);
}

/* new = old with one or two random changes. */
static inline void mutate(const elig_rules_t *old, elig_rules_t *new)
{
    memcpy(new, old, sizeof *new);
    for (unsigned k = 0, changes = 1 + rnd(2); k < changes; k++) {
        switch (rnd(9)) {
        case 0:
            list_random(&new->statuses, STATUSES, N(STATUSES));
            break;
        case 1:
            list_random(&new->standings, STANDINGS, N(STANDINGS));
            break;
        case 2:
            list_random(&new->employment_types, TYPES, N(TYPES));
            break;
        case 3:
            list_random(&new->job_families, FAMILIES, N(FAMILIES));
            break;
        case 4:
            new->full_time_hours = 30 + rnd(10);
            break;
        case 5:
            new->min_tenure_days = (int)rnd(200);
            break;
        case 6:
            if (new->n_overrides)
                random_override(&new->overrides[rnd((unsigned)new->n_overrides)],
                                EMPLOYERS[rnd(N(EMPLOYERS))]);
            break;
        case 7:
            if (new->n_overrides < ELIG_MAX_OVERRIDES)
                random_override(&new->overrides[new->n_overrides++], EMPLOYERS[rnd(N(EMPLOYERS))]);
            break;
        default:
            new->n_overrides = new->n_overrides ? new->n_overrides - 1 : 0;
            break;
        }
    }
}

static inline void random_facts(elig_facts_t *f)
{
    elig_facts_init(f, EMPLOYERS[rnd(N(EMPLOYERS))], "E1");
    f->status = (int)rnd(N(STATUSES) + 1); /* 0: not on file */
    f->standing = (int)rnd(N(STANDINGS) + 1);
    f->employment_type = (int)rnd(N(TYPES) + 1);
    f->has_hours = (int)rnd(2);
    f->scheduled_hours = 25 + rnd(20);
    snprintf(f->job_family, sizeof f->job_family, "%s", rnd(8) ? FAMILIES[rnd(N(FAMILIES))] : "");
    f->hire_date = rnd(10) ? TODAY - (int32_t)rnd(400) + 20 : ELIG_NO_DATE;
    f->period_start = rnd(3) ? ELIG_NO_DATE : f->hire_date;
    f->employer_participates = (int)rnd(3) - 1;
}

#endif
