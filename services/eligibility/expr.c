/* Expression evaluation: leaves by fact kind, combinators by three-valued
 * logic, and the words of each verdict. The words keep the sentences the
 * fixed MAPP criteria used ("status leave, needs active", "job family
 * nursing, needs one of ...", "tenure 41 days, needs 90"). */
#include "expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "attrs.h"
#include "vocab.h"

#define PASS    PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
#define FAIL    PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_FAIL
#define UNKNOWN PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_UNKNOWN

typedef struct {
    const elig_rules_t *r;
    const elig_facts_t *f;
    int32_t as_of;
} ctx_t;

static const elig_node_t *N(const ctx_t *x, int node)
{
    return &x->r->nodes[node];
}

static int kid(const ctx_t *x, const elig_node_t *n, int i)
{
    return x->r->kids[n->kid0 + i];
}

static void say(elig_criterion_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(elig_criterion_t *c, const char *fmt, ...)
{
    va_list ap;
    if (!c)
        return;
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

/* ---- attributes and labels ---- */

/* A word fact's value; attributes are read into buf. */
static const char *word_of(const ctx_t *x, const elig_node_t *n, char *buf, size_t len)
{
    if (n->fact != ELIG_FACT_ATTRIBUTE)
        return elig_fact_word(x->f, n->fact);
    elig_attr_value(elig_facts_text(x->f, ELIG_TEXT_ATTRIBUTES), n->key, buf, len);
    return buf;
}

/* How an explanation names the fact: an attribute by its name. */
static const char *label_of(const elig_node_t *n)
{
    return n->fact == ELIG_FACT_ATTRIBUTE ? n->key : elig_fact_info(n->fact)->label;
}

/* ---- word facts ---- */

static const elig_list_t *operand(const ctx_t *x, const elig_node_t *n)
{
    static const elig_list_t EMPTY;
    if (n->target)
        return &x->r->target_families;
    return n->list >= 0 ? &x->r->lists[n->list] : &EMPTY;
}

/* Extra job families the employer's override allows. */
static const elig_list_t *extra_for(const ctx_t *x, const elig_node_t *n)
{
    if (n->fact != ELIG_FACT_JOB_FAMILY || n->target)
        return NULL;
    const elig_override_t *o = elig_rules_override(x->r, x->f->employer);
    return o && o->extra_job_families.n ? &o->extra_job_families : NULL;
}

static int word_leaf(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c)
{
    char buf[ELIG_ATTR_TEXT_MAX + 1];
    const char *label = label_of(n);
    const char *v = word_of(x, n, buf, sizeof buf);
    const elig_list_t *l = operand(x, n), *extra = extra_for(x, n);
    int listed, res;
    if (c) {
        join(l, extra, ", ", c->required, sizeof c->required);
        snprintf(c->observed, sizeof c->observed, "%s", v);
    }
    if (!v[0]) {
        if (c && l->n == 1 && !extra && !n->target)
            say(c, "%s not on file, needs %s", label, c->required);
        else
            say(c, "%s not on file", label);
        return UNKNOWN;
    }
    listed = elig_list_has(l, v);
    if (n->op == ELIG_OP_IN) {
        listed = listed || (extra && elig_list_has(extra, v));
        res = listed ? PASS : FAIL;
        if (n->target)
            say(c, listed ? "in the target role (%s)" : "not in the target role", v);
        else if (listed)
            say(c, "%s %s", label, v);
        else if (c)
            say(c, "%s %s, needs %s%s", label, v, l->n == 1 && !extra ? "" : "one of ",
                c->required);
        return res;
    }
    /* not_in: extra families of an override are allowed even when listed. */
    listed = listed && !(extra && elig_list_has(extra, v));
    if (n->target)
        say(c, listed ? "already in the target role (%s)" : "not in the target role", v);
    else if (listed && c)
        say(c, "%s %s, must not be one of %s", label, v, c->required);
    else
        say(c, "%s %s", label, v);
    return listed ? FAIL : PASS;
}

/* ---- enrollment states (this program, another) ---- */

/* The employee's state in program id from f->programs ("a=x,b=y"). */
static void state_in(const elig_facts_t *f, const char *id, char *out, size_t len)
{
    size_t idlen = strlen(id);
    out[0] = '\0';
    for (const char *p = elig_facts_text(f, ELIG_TEXT_PROGRAMS); *p;) {
        const char *end = p + strcspn(p, ",");
        if ((size_t)(end - p) > idlen && strncmp(p, id, idlen) == 0 && p[idlen] == '=') {
            size_t n = (size_t)(end - p) - idlen - 1;
            snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p + idlen + 1);
            return;
        }
        p = *end ? end + 1 : end;
    }
}

static int state_leaf(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c)
{
    char st[ELIG_RAW_MAX + 1];
    const char *prog = n->fact == ELIG_FACT_PROGRAM_STATE ? x->r->program : n->key;
    const elig_list_t *l = operand(x, n);
    if (n->fact == ELIG_FACT_PROGRAM_STATE)
        snprintf(st, sizeof st, "%s", x->f->program_state);
    else
        state_in(x->f, n->key, st, sizeof st);
    int listed = st[0] && elig_list_has(l, st);
    if (c) {
        char states[256];
        join(l, NULL, ", ", states, sizeof states);
        snprintf(c->required, sizeof c->required, "%s%s in %s",
                 n->op == ELIG_OP_NOT_IN ? "not " : "", states, prog);
        snprintf(c->observed, sizeof c->observed, "%s", st);
    }
    if (n->op == ELIG_OP_NOT_IN) {
        if (listed)
            say(c, "already %s in %s", st, prog);
        else if (n->fact == ELIG_FACT_PRIOR_PROGRAM)
            say(c, st[0] ? "%s in %s" : "not in %s", st[0] ? st : prog, prog);
        else
            say(c, "not yet in %s", prog);
        return listed ? FAIL : PASS;
    }
    if (listed)
        say(c, "%s in %s", st, prog);
    else if (c)
        say(c, "%s, needs %s", st[0] ? st : "never in", c->required);
    return listed ? PASS : FAIL;
}

/* ---- yes/no ---- */

static int flag_attribute(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c)
{
    char v[8];
    int want = n->lo != 0;
    elig_attr_value(elig_facts_text(x->f, ELIG_TEXT_ATTRIBUTES), n->key, v, sizeof v);
    if (c) {
        snprintf(c->required, sizeof c->required, "%s %s", n->key, want ? "yes" : "no");
        snprintf(c->observed, sizeof c->observed, "%s", v);
    }
    if (!v[0]) {
        say(c, "%s not on file", n->key);
        return UNKNOWN;
    }
    int yes = strcmp(v, "true") == 0;
    say(c, "%s %s", n->key, yes ? "yes" : "no");
    return yes == want ? PASS : FAIL;
}

static int bool_leaf(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c)
{
    if (n->fact == ELIG_FACT_ATTRIBUTE)
        return flag_attribute(x, n, c);
    const elig_facts_t *f = x->f;
    const char *prog = x->r->program;
    int want = n->lo != 0;
    if (c) {
        snprintf(c->required, sizeof c->required, "employer %s part in %s",
                 want ? "takes" : "does not take", prog);
        snprintf(c->observed, sizeof c->observed, "%s",
                 f->employer_participates < 0 ? ""
                 : f->employer_participates   ? "yes"
                                              : "no");
    }
    if (f->employer_participates < 0) {
        say(c, "employer %s is not registered", f->employer);
        return UNKNOWN;
    }
    if (f->employer_participates)
        say(c, "employer %s takes part in %s", f->employer, prog);
    else
        say(c, "employer %s does not take part in %s", f->employer, prog);
    return (f->employer_participates != 0) == want ? PASS : FAIL;
}

/* ---- numbers ---- */

static int32_t period_start(const elig_facts_t *f)
{
    return f->period_start != ELIG_NO_DATE ? f->period_start : f->hire_date;
}

/* The lower bound, with the employer's tenure override. */
static double low(const ctx_t *x, const elig_node_t *n)
{
    if (n->fact == ELIG_FACT_TENURE_DAYS && n->op == ELIG_OP_AT_LEAST) {
        const elig_override_t *o = elig_rules_override(x->r, x->f->employer);
        if (o && o->min_tenure_days >= 0)
            return o->min_tenure_days;
    }
    return n->lo;
}

static int number_value(const ctx_t *x, const elig_node_t *n, double *v)
{
    if (n->fact == ELIG_FACT_ATTRIBUTE) {
        char buf[32], *end;
        elig_attr_value(elig_facts_text(x->f, ELIG_TEXT_ATTRIBUTES), n->key, buf, sizeof buf);
        *v = buf[0] ? strtod(buf, &end) : 0;
        return buf[0] != '\0';
    }
    if (n->fact == ELIG_FACT_TENURE_DAYS) {
        int32_t start = period_start(x->f);
        *v = start == ELIG_NO_DATE ? 0 : (double)((long)x->as_of - (long)start);
        return start != ELIG_NO_DATE;
    }
    *v = x->f->scheduled_hours;
    return x->f->has_hours;
}

static int compare(int op, double v, double lo, double hi)
{
    switch (op) {
    case ELIG_OP_AT_LEAST:
        return v >= lo;
    case ELIG_OP_MORE_THAN:
        return v > lo;
    case ELIG_OP_AT_MOST:
        return v <= lo;
    case ELIG_OP_LESS_THAN:
        return v < lo;
    default:
        return v >= lo && v <= hi;
    }
}

/* v as %g writes it; whole numbers without the floating-point path (this
 * runs for every evaluation). */
static void num(double v, char *out, size_t len)
{
    if (v == (double)(long)v && v > -1e15 && v < 1e15)
        snprintf(out, len, "%ld", (long)v);
    else
        snprintf(out, len, "%g", v);
}

static void bound_text(int op, double lo, double hi, char *out, size_t len)
{
    static const char *const WORDS[] = {"", "more than ", "at most ", "less than "};
    char a[24], b[24];
    num(lo, a, sizeof a);
    num(hi, b, sizeof b);
    if (op == ELIG_OP_BETWEEN)
        snprintf(out, len, "%s to %s", a, b);
    else
        snprintf(out, len, "%s%s", WORDS[op - ELIG_OP_AT_LEAST], a);
}

static int number_leaf(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c)
{
    int tenure = n->fact == ELIG_FACT_TENURE_DAYS, attr = n->fact == ELIG_FACT_ATTRIBUTE;
    const char *unit = tenure ? " days" : attr ? "" : " scheduled hours";
    double v, lo = low(x, n);
    int known = number_value(x, n, &v);
    int res = !known ? UNKNOWN : compare(n->op, v, lo, n->hi) ? PASS : FAIL;
    if (!c)
        return res;
    char bound[64];
    bound_text(n->op, lo, n->hi, bound, sizeof bound);
    snprintf(c->required, sizeof c->required, "%s%s", bound, unit);
    if (!known) {
        c->observed[0] = '\0';
        say(c, "%s not on file", tenure ? "hire date" : label_of(n));
        return res;
    }
    char value[32];
    num(v, value, sizeof value);
    snprintf(c->observed, sizeof c->observed, "%s%s", value, unit);
    say(c, "%s%s%s, needs %s",
        tenure ? "tenure "
        : attr ? n->key
               : "",
        attr ? " " : "", c->observed, bound);
    return res;
}

/* ---- sets ---- */

static int set_has(const char *set, const char *word)
{
    char item[ELIG_WORD_MAX];
    for (const char *p = set; *p;) {
        size_t n = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), p);
        if (elig_same_family(item, word))
            return 1;
        p += n + (p[n] == ',');
    }
    return 0;
}

static int set_leaf(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c)
{
    const elig_fact_info_t *info = elig_fact_info(n->fact);
    const char *v = elig_fact_word(x->f, n->fact);
    const elig_list_t *l = operand(x, n);
    size_t held = 0;
    const char *first = NULL;
    for (size_t i = 0; i < l->n; i++)
        if (set_has(v, l->items[i])) {
            held++;
            first = first ? first : l->items[i];
        }
    int ok = n->op == ELIG_OP_ANY_OF ? held > 0 : n->op == ELIG_OP_ALL_OF ? held == l->n : !held;
    int res = !v[0] ? UNKNOWN : ok ? PASS : FAIL;
    if (!c)
        return res;
    char want[400];
    join(l, NULL, ", ", want, sizeof want);
    snprintf(c->required, sizeof c->required, "%s %s", elig_op_name(n->op), want);
    snprintf(c->observed, sizeof c->observed, "%s", v);
    if (!v[0])
        say(c, "%s not on file", info->label);
    else if (n->op == ELIG_OP_NONE_OF)
        say(c, ok ? "%s %s" : "%s %s, must not include %s", info->label, v, first);
    else if (ok)
        say(c, "%s %s", info->label, v);
    else
        say(c, "%s %s, needs %s %s", info->label, v, n->op == ELIG_OP_ALL_OF ? "all of" : "one of",
            want);
    return res;
}

/* ---- exists ---- */

static int on_file(const ctx_t *x, const elig_node_t *n)
{
    char buf[ELIG_ATTR_TEXT_MAX + 1];
    double v;
    if (n->kind == ELIG_KIND_NUMBER)
        return number_value(x, n, &v);
    return word_of(x, n, buf, sizeof buf)[0] != '\0';
}

static int exists_leaf(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c)
{
    const char *label = label_of(n);
    int have = on_file(x, n), want = n->lo != 0;
    if (c) {
        snprintf(c->required, sizeof c->required, "%s %s", label, want ? "on file" : "not on file");
        snprintf(c->observed, sizeof c->observed, "%s", have ? "on file" : "");
        say(c, "%s %s", label, have ? "on file" : "not on file");
    }
    return have == want ? PASS : FAIL;
}

/* ---- combinators ---- */

static int eval(const ctx_t *x, int node, elig_criterion_t *c, int depth);

/* Appends text to buf (size len) after sep when buf is not empty. */
static void add(char *buf, size_t len, const char *sep, const char *text)
{
    size_t used = strlen(buf);
    if (!*text || used + 1 >= len)
        return;
    for (const char *part = used ? sep : ""; part; part = part == text ? NULL : text) {
        size_t n = strlen(part);
        if (n > len - 1 - used)
            n = len - 1 - used; /* cut: the words are for people */
        memcpy(buf + used, part, n);
        used += n;
    }
    buf[used] = '\0';
}

/* Copies a verdict's words. */
static void words(elig_criterion_t *to, const elig_criterion_t *from)
{
    memcpy(to->observed, from->observed, sizeof to->observed);
    memcpy(to->reason, from->reason, sizeof to->reason);
}

/* The verdict of a combinator; with c, the observed and reason words of
 * the children that decided it and the required words of all of them
 * (every child is evaluated then, so the words are complete). */
static int combine(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c, int depth)
{
    int passes = 0, fails = 0, unknowns = 0, decided = 0;
    elig_criterion_t k, by[4];
    elig_criterion_t *kc = c ? &k : NULL;
    if (c) {
        c->required[0] = '\0';
        for (int r = 0; r < 4; r++)
            by[r].observed[0] = by[r].reason[0] = '\0';
    }
    for (int i = 0; i < n->n_kids; i++) {
        int res = eval(x, kid(x, n, i), kc, depth + 1);
        passes += res == PASS;
        fails += res == FAIL;
        unknowns += res == UNKNOWN;
        if (n->op == ELIG_OP_FIRST_KNOWN && res != UNKNOWN && !decided) {
            decided = res;
            if (c)
                words(&by[0], &k);
        }
        if (!c) {
            if (decided || (n->op == ELIG_OP_ANY && res == PASS) ||
                (n->op == ELIG_OP_ALL && res == FAIL))
                break;
            continue;
        }
        add(c->required, sizeof c->required, n->op == ELIG_OP_ALL ? ", and " : ", or ", k.required);
        if (res >= PASS && res <= UNKNOWN && !decided) {
            add(by[res].reason, sizeof by[res].reason, "; ", k.reason);
            add(by[res].observed, sizeof by[res].observed, ", ", k.observed);
        }
    }
    int res;
    if (n->op == ELIG_OP_FIRST_KNOWN)
        res = decided ? decided : UNKNOWN;
    else if (n->op == ELIG_OP_ALL)
        res = fails ? FAIL : unknowns ? UNKNOWN : PASS;
    else
        res = passes ? PASS : unknowns ? UNKNOWN : FAIL;
    if (c)
        words(c, decided ? &by[0] : &by[res]);
    return res;
}

/* The labels of a first_known whose children are all unknown leaves:
 * "employment type and scheduled hours not on file". */
static void none_known(const ctx_t *x, const elig_node_t *n, elig_criterion_t *c)
{
    char labels[256] = "";
    for (int i = 0; i < n->n_kids; i++) {
        const elig_node_t *k = N(x, kid(x, n, i));
        if (k->op >= ELIG_OP_ALL)
            return;
        add(labels, sizeof labels, i + 1 == n->n_kids ? " and " : ", ",
            k->fact == ELIG_FACT_TENURE_DAYS ? "hire date" : label_of(k));
    }
    c->observed[0] = '\0';
    say(c, "%s not on file", labels);
}

static int eval(const ctx_t *x, int node, elig_criterion_t *c, int depth)
{
    const elig_node_t *n = N(x, node);
    if (n->op == ELIG_OP_EXISTS)
        return exists_leaf(x, n, c);
    if (n->op >= ELIG_OP_ALL) {
        if (depth > ELIG_MAX_DEPTH)
            return UNKNOWN; /* the parser refuses deeper trees */
        int res = combine(x, n, c, depth);
        if (c && n->op == ELIG_OP_FIRST_KNOWN && res == UNKNOWN)
            none_known(x, n, c);
        return res;
    }
    switch ((elig_kind_t)n->kind) {
    case ELIG_KIND_WORD:
        return word_leaf(x, n, c);
    case ELIG_KIND_NUMBER:
        return number_leaf(x, n, c);
    case ELIG_KIND_SET:
        return set_leaf(x, n, c);
    case ELIG_KIND_BOOL:
        return bool_leaf(x, n, c);
    case ELIG_KIND_STATE:
        return state_leaf(x, n, c);
    }
    return UNKNOWN;
}

int elig_expr_eval(const elig_rules_t *r, int node, const elig_facts_t *f, int32_t as_of,
                   elig_criterion_t *c)
{
    ctx_t x = {.r = r, .f = f, .as_of = as_of};
    c->observed[0] = c->required[0] = c->reason[0] = '\0';
    c->result = eval(&x, node, c, 0);
    return c->result;
}

int elig_expr_result(const elig_rules_t *r, int node, const elig_facts_t *f, int32_t as_of)
{
    ctx_t x = {.r = r, .f = f, .as_of = as_of};
    return eval(&x, node, NULL, 0);
}

/* ---- time ---- */

static int32_t later(int32_t a, int32_t b)
{
    return a == ELIG_NO_DATE || b == ELIG_NO_DATE ? ELIG_NO_DATE : a > b ? a : b;
}

static int32_t sooner(int32_t a, int32_t b)
{
    return a == ELIG_NO_DATE ? b : b == ELIG_NO_DATE ? a : a < b ? a : b;
}

/* The first day a tenure leaf passes in the current period. */
static int32_t tenure_pass_day(const ctx_t *x, const elig_node_t *n)
{
    int32_t start = period_start(x->f);
    double lo = low(x, n);
    if (start == ELIG_NO_DATE)
        return ELIG_NO_DATE;
    switch (n->op) {
    case ELIG_OP_AT_LEAST:
    case ELIG_OP_BETWEEN:
        return start + (int32_t)lo;
    case ELIG_OP_MORE_THAN:
        return start + (int32_t)lo + 1;
    default:
        return start; /* at_most, less_than: from the start, until the bound */
    }
}

static int32_t pass_day(const ctx_t *x, int node, int depth)
{
    const elig_node_t *n = N(x, node);
    if (n->op >= ELIG_OP_ALL && depth <= ELIG_MAX_DEPTH) {
        int32_t day = n->op == ELIG_OP_ALL ? ELIG_ALWAYS : ELIG_NO_DATE;
        for (int i = 0; i < n->n_kids; i++) {
            int k = kid(x, n, i);
            if (n->op == ELIG_OP_FIRST_KNOWN) {
                if (eval(x, k, NULL, depth + 1) != UNKNOWN)
                    return pass_day(x, k, depth + 1);
                continue;
            }
            int32_t d = pass_day(x, k, depth + 1);
            day = n->op == ELIG_OP_ALL ? later(day, d) : sooner(day, d);
        }
        return day;
    }
    if (n->fact == ELIG_FACT_TENURE_DAYS && n->op != ELIG_OP_EXISTS) {
        int32_t d = tenure_pass_day(x, n);
        return d != ELIG_NO_DATE && d > x->as_of    ? d
               : eval(x, node, NULL, depth) == PASS ? ELIG_ALWAYS
                                                    : ELIG_NO_DATE;
    }
    return eval(x, node, NULL, depth) == PASS ? ELIG_ALWAYS : ELIG_NO_DATE;
}

int32_t elig_expr_pass_day(const elig_rules_t *r, int node, const elig_facts_t *f, int32_t as_of)
{
    ctx_t x = {.r = r, .f = f, .as_of = as_of};
    return pass_day(&x, node, 0);
}

static int32_t since(const ctx_t *x, int node, int depth)
{
    const elig_node_t *n = N(x, node);
    if (n->op >= ELIG_OP_ALL && depth <= ELIG_MAX_DEPTH) {
        int32_t day = ELIG_NO_DATE;
        for (int i = 0; i < n->n_kids; i++) {
            int k = kid(x, n, i), res = eval(x, k, NULL, depth + 1);
            if (n->op == ELIG_OP_FIRST_KNOWN && res != UNKNOWN)
                return since(x, k, depth + 1);
            if (res != PASS)
                continue;
            int32_t d = since(x, k, depth + 1);
            if (n->op == ELIG_OP_ANY)
                day = day == ELIG_NO_DATE || (d != ELIG_NO_DATE && d < day) ? d : day;
            else if (d != ELIG_NO_DATE && (day == ELIG_NO_DATE || d > day))
                day = d;
        }
        return day;
    }
    if (n->fact == ELIG_FACT_TENURE_DAYS && n->op != ELIG_OP_EXISTS)
        return tenure_pass_day(x, n);
    int g = elig_fact_info(n->fact)->group;
    return g == ELIG_UNDATED ? ELIG_NO_DATE : x->f->group_date[g];
}

int32_t elig_expr_since(const elig_rules_t *r, int node, const elig_facts_t *f, int32_t as_of)
{
    ctx_t x = {.r = r, .f = f, .as_of = as_of};
    return since(&x, node, 0);
}
