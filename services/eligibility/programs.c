/* The active programs: a small array, in load order (MAPP first). */
#include "programs.h"

#include <stdlib.h>
#include <string.h>

struct elig_programs {
    const elig_rules_t *rules[ELIG_MAX_PROGRAMS];
    int owned[ELIG_MAX_PROGRAMS]; /* 0: the built-in MAPP */
    int intake[ELIG_MAX_PROGRAMS];
    size_t n;
};

elig_programs_t *elig_programs_new(void)
{
    elig_programs_t *ps = calloc(1, sizeof *ps);
    if (!ps)
        return NULL;
    ps->rules[ps->n++] = elig_rules_mapp();
    return ps;
}

void elig_programs_destroy(elig_programs_t **p)
{
    if (!p || !*p)
        return;
    for (size_t i = 0; i < (*p)->n; i++)
        if ((*p)->owned[i])
            free((void *)(*p)->rules[i]);
    free(*p);
    *p = NULL;
}

size_t elig_programs_count(const elig_programs_t *ps)
{
    return ps->n;
}

const elig_rules_t *elig_programs_at(const elig_programs_t *ps, size_t i)
{
    return i < ps->n ? ps->rules[i] : NULL;
}

const elig_rules_t *elig_programs_find(const elig_programs_t *ps, const char *id)
{
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->rules[i]->program, id) == 0)
            return ps->rules[i];
    return NULL;
}

int elig_programs_intake(const elig_programs_t *ps, size_t i)
{
    return i < ps->n ? ps->intake[i] : ELIG_INTAKE_OPEN;
}

int elig_programs_intake_of(const elig_programs_t *ps, const char *id)
{
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->rules[i]->program, id) == 0)
            return ps->intake[i];
    return ELIG_INTAKE_OPEN;
}

int elig_programs_set_intake(elig_programs_t *ps, const char *id, int intake)
{
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->rules[i]->program, id) == 0) {
            ps->intake[i] = intake;
            return 0;
        }
    return -1;
}

int elig_programs_put(elig_programs_t *ps, elig_rules_t **rules)
{
    size_t i = 0;
    while (i < ps->n && strcmp(ps->rules[i]->program, (*rules)->program) != 0)
        i++;
    if (i == ps->n) {
        if (ps->n >= ELIG_MAX_PROGRAMS)
            return -1;
        ps->n++;
    } else if (ps->owned[i]) {
        free((void *)ps->rules[i]);
    }
    ps->rules[i] = *rules;
    ps->owned[i] = 1;
    if ((*rules)->intake >= 0)
        ps->intake[i] = (*rules)->intake;
    *rules = NULL;
    return 0;
}
