/* The employees a rule change can affect: see scope.h for the argument. */
#include "scope.h"

#include <stdio.h>
#include <string.h>

void elig_scope_normalize(const char *in, char *out, size_t len)
{
    size_t i = 0;
    for (; in[i] && i + 1 < len; i++) {
        char c = in[i];
        out[i] = (c == ' ' || c == '-') ? '_' : (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    if (len)
        out[i] = '\0';
}

void elig_scope_everyone(elig_scope_t *s)
{
    memset(s, 0, sizeof *s);
    s->all = 1;
    s->tenure_days = -1;
}

static int words_have(const elig_scope_words_t *w, const char *word)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->items[i], word) == 0)
            return 1;
    return 0;
}

static void words_add(elig_scope_words_t *w, const char *word)
{
    char norm[ELIG_WORD_MAX];
    elig_scope_normalize(word, norm, sizeof norm);
    if (w->n < sizeof w->items / sizeof w->items[0] && !words_have(w, norm))
        snprintf(w->items[w->n++], sizeof w->items[0], "%s", norm);
}

/* Adds to w every word of a that b lacks, and every word of b that a lacks. */
static void add_difference(elig_scope_words_t *w, const elig_list_t *a, const elig_list_t *b)
{
    for (int pass = 0; pass < 2; pass++) {
        const elig_list_t *x = pass ? b : a, *y = pass ? a : b;
        for (size_t i = 0; i < x->n; i++)
            if (!elig_list_has(y, x->items[i]))
                words_add(w, x->items[i]);
    }
}

static int same_list(const elig_list_t *a, const elig_list_t *b)
{
    elig_scope_words_t w = {.n = 0};
    add_difference(&w, a, b);
    return w.n == 0;
}

static int same_override(const elig_override_t *a, const elig_override_t *b)
{
    return a && b && a->min_tenure_days == b->min_tenure_days &&
           same_list(&a->extra_job_families, &b->extra_job_families);
}

static void add_employer(elig_scope_t *s, const char *employer)
{
    for (size_t i = 0; i < s->n_employers; i++)
        if (strcmp(s->employers[i], employer) == 0)
            return;
    if (s->n_employers < sizeof s->employers / sizeof s->employers[0])
        snprintf(s->employers[s->n_employers++], sizeof s->employers[0], "%s", employer);
    else
        s->all = 1; /* cannot happen with ELIG_MAX_OVERRIDES each; stay safe */
}

/* Employers whose override was added, removed or changed. */
static void add_override_changes(elig_scope_t *s, const elig_rules_t *old, const elig_rules_t *new)
{
    for (int pass = 0; pass < 2; pass++) {
        const elig_rules_t *x = pass ? new : old, *y = pass ? old : new;
        for (size_t i = 0; i < x->n_overrides; i++) {
            const elig_override_t *o = &x->overrides[i];
            if (!same_override(o, elig_rules_override(y, o->employer)))
                add_employer(s, o->employer);
        }
    }
}

/* The largest tenure minimum either version applies anywhere. */
static int max_tenure(const elig_rules_t *old, const elig_rules_t *new)
{
    int m =
        old->min_tenure_days > new->min_tenure_days ? old->min_tenure_days : new->min_tenure_days;
    for (int pass = 0; pass < 2; pass++) {
        const elig_rules_t *r = pass ? new : old;
        for (size_t i = 0; i < r->n_overrides; i++)
            if (r->overrides[i].min_tenure_days > m)
                m = r->overrides[i].min_tenure_days;
    }
    return m;
}

void elig_scope_diff(const elig_rules_t *old, const elig_rules_t *new, elig_scope_t *s)
{
    elig_scope_everyone(s);
    if (!old || strcmp(old->program, new->program) != 0 || old->enabled != new->enabled ||
        old->job_families_exclude != new->job_families_exclude ||
        !same_list(&old->program_states, &new->program_states) ||
        !same_list(&old->target_job_families, &new->target_job_families))
        return;
    s->all = 0;
    add_difference(&s->words[ELIG_SCOPE_STATUS], &old->statuses, &new->statuses);
    add_difference(&s->words[ELIG_SCOPE_STANDING], &old->standings, &new->standings);
    add_difference(&s->words[ELIG_SCOPE_TYPE], &old->employment_types, &new->employment_types);
    add_difference(&s->words[ELIG_SCOPE_FAMILY], &old->job_families, &new->job_families);
    s->untyped = old->full_time_hours != new->full_time_hours;
    if (old->min_tenure_days != new->min_tenure_days) {
        s->tenure_days = max_tenure(old, new);
        s->eligible = 1;
    }
    add_override_changes(s, old, new);
}

int elig_scope_covers(const elig_scope_t *s, const elig_facts_t *f, int outcome, int32_t today)
{
    char norm[ELIG_WORD_MAX];
    if (s->all)
        return 1;
    const char *values[ELIG_SCOPE_LISTS] = {
        [ELIG_SCOPE_STATUS] = elig_status_name(f->status),
        [ELIG_SCOPE_STANDING] = elig_standing_name(f->standing),
        [ELIG_SCOPE_TYPE] = elig_type_name(f->employment_type),
        [ELIG_SCOPE_FAMILY] = f->job_family,
    };
    for (int k = 0; k < ELIG_SCOPE_LISTS; k++) {
        elig_scope_normalize(values[k], norm, sizeof norm);
        if (words_have(&s->words[k], norm))
            return 1;
    }
    if (s->untyped && !f->employment_type)
        return 1;
    if (s->eligible && outcome == PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE)
        return 1;
    int32_t start = f->period_start != ELIG_NO_DATE ? f->period_start : f->hire_date;
    if (s->tenure_days >= 0 && start != ELIG_NO_DATE && start > today - s->tenure_days)
        return 1;
    for (size_t i = 0; i < s->n_employers; i++)
        if (strcmp(s->employers[i], f->employer) == 0)
            return 1;
    return 0;
}

pw_pgarray_t *elig_scope_array(const elig_scope_t *s, int which)
{
    pw_pgarray_t *a = pw_pgarray_new();
    int rc = 0;
    if (which == ELIG_SCOPE_LISTS) {
        for (size_t i = 0; a && rc == 0 && i < s->n_employers; i++)
            rc = pw_pgarray_add(a, s->employers[i]);
    } else {
        for (size_t i = 0; a && rc == 0 && i < s->words[which].n; i++)
            rc = pw_pgarray_add(a, s->words[which].items[i]);
    }
    if (rc != 0)
        pw_pgarray_destroy(&a);
    return a;
}
