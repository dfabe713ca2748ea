/* The employees a rule change can affect: see scope.h for the argument. */
#include "scope.h"

#include "vocab.h"

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

/* The largest tenure bound either version applies anywhere (+1 where the
 * bound is inclusive from above: at_most, between's high end). */
static int max_tenure(const elig_rules_t *old, const elig_rules_t *new)
{
    int m = 0;
    for (int pass = 0; pass < 2; pass++) {
        const elig_rules_t *r = pass ? new : old;
        for (size_t i = 0; i < r->n_nodes; i++) {
            const elig_node_t *n = &r->nodes[i];
            if (n->fact != ELIG_FACT_TENURE_DAYS || n->op >= ELIG_OP_EXISTS)
                continue;
            int b = (int)(n->op == ELIG_OP_BETWEEN ? n->hi : n->lo) + (n->op == ELIG_OP_AT_MOST ||
                                                                       n->op == ELIG_OP_BETWEEN ||
                                                                       n->op == ELIG_OP_MORE_THAN);
            m = b > m ? b : m;
        }
        for (size_t i = 0; i < r->n_overrides; i++)
            if (r->overrides[i].min_tenure_days > m)
                m = r->overrides[i].min_tenure_days;
    }
    return m;
}

static const elig_list_t *operand(const elig_rules_t *r, const elig_node_t *n)
{
    return n->list >= 0 ? &r->lists[n->list] : NULL;
}

/* The scope's word list for a fact, or -1 when the scope cannot name it. */
static int words_of(int fact)
{
    switch (fact) {
    case ELIG_FACT_STATUS:
        return ELIG_SCOPE_STATUS;
    case ELIG_FACT_STANDING:
        return ELIG_SCOPE_STANDING;
    case ELIG_FACT_EMPLOYMENT_TYPE:
        return ELIG_SCOPE_TYPE;
    case ELIG_FACT_JOB_FAMILY:
        return ELIG_SCOPE_FAMILY;
    default:
        return -1;
    }
}

static void hours_between(elig_scope_t *s, double a, double b)
{
    double lo = a < b ? a : b, hi = a < b ? b : a;
    if (!s->hours) {
        s->hours = 1;
        s->hours_lo = lo;
        s->hours_hi = hi;
        return;
    }
    s->hours_lo = lo < s->hours_lo ? lo : s->hours_lo;
    s->hours_hi = hi > s->hours_hi ? hi : s->hours_hi;
}

/* A changed leaf; 0, or -1 when only everyone will do. */
static int leaf_change(elig_scope_t *s, const elig_rules_t *old, const elig_node_t *a,
                       const elig_rules_t *new, const elig_node_t *b)
{
    const elig_list_t *la = operand(old, a), *lb = operand(new, b);
    if (a->lo == b->lo && a->hi == b->hi && ((!la && !lb) || (la && lb && same_list(la, lb))))
        return 0;
    if (a->op == ELIG_OP_EXISTS || a->op == ELIG_OP_IS)
        return -1;
    if (a->fact == ELIG_FACT_TENURE_DAYS) {
        s->tenure_days = 0; /* set from every bound at the end */
        s->eligible = 1;
        return 0;
    }
    if (a->fact == ELIG_FACT_SCHEDULED_HOURS) {
        hours_between(s, a->lo, b->lo);
        if (a->op == ELIG_OP_BETWEEN)
            hours_between(s, a->hi, b->hi);
        return 0;
    }
    int w = words_of(a->fact);
    if (w < 0 || !la || !lb || (a->op != ELIG_OP_IN && a->op != ELIG_OP_NOT_IN))
        return -1;
    add_difference(&s->words[w], la, lb);
    return 0;
}

/* Walks two trees side by side; -1 when their shapes differ. */
static int tree_change(elig_scope_t *s, const elig_rules_t *old, int x, const elig_rules_t *new,
                       int y)
{
    const elig_node_t *a = &old->nodes[x], *b = &new->nodes[y];
    if (a->op != b->op || a->fact != b->fact || a->target != b->target || a->n_kids != b->n_kids ||
        strcmp(a->key, b->key) != 0)
        return -1;
    if (a->op < ELIG_OP_ALL)
        return leaf_change(s, old, a, new, b);
    for (int i = 0; i < a->n_kids; i++)
        if (tree_change(s, old, old->kids[a->kid0 + i], new, new->kids[b->kid0 + i]) != 0)
            return -1;
    return 0;
}

void elig_scope_diff(const elig_rules_t *old, const elig_rules_t *new, elig_scope_t *s)
{
    elig_scope_everyone(s);
    if (!old || strcmp(old->program, new->program) != 0 || old->n_criteria != new->n_criteria ||
        !same_list(&old->target_families, &new->target_families))
        return;
    s->all = 0;
    for (size_t i = 0; i < old->n_criteria; i++) {
        const elig_criterion_def_t *a = &old->criteria[i], *b = &new->criteria[i];
        if (strcmp(a->name, b->name) != 0 || a->slot != b->slot ||
            tree_change(s, old, a->root, new, b->root) != 0) {
            elig_scope_everyone(s);
            return;
        }
    }
    add_override_changes(s, old, new);
    if (s->tenure_days >= 0)
        s->tenure_days = max_tenure(old, new);
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
    if (s->hours && f->has_hours && f->scheduled_hours >= s->hours_lo &&
        f->scheduled_hours <= s->hours_hi)
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
