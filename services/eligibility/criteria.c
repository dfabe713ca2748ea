/* The criteria section of a program file: named expressions over the fact
 * vocabulary (vocab.h), or the first format's fixed criteria, translated to
 * the same expressions so that stored versions keep loading.
 *
 *   criteria:
 *     - name: full_time
 *       first_known:
 *         - employment_type: {in: [full_time]}
 *         - scheduled_hours: {at_least: 36}
 *     - name: tenure
 *       tenure_days: {at_least: 90}
 *
 * Each criterion is a mapping with a name and one expression key: a fact
 * (its value: one operator and its operand) or a combinator (all, any,
 * first_known: a list of expressions). */
#include <stdio.h>
#include <string.h>

#include "program.h"
#include "attrs.h"
#include "program_parse.h"
#include "vocab.h"

#define fail    elig_parse_fail
#define fail_at elig_parse_fail_at

static size_t line_of(const elig_parse_t *p, const json_t *n)
{
    return pw_yaml_line(p->doc, n);
}

/* ---- building the tree ---- */

static int new_node(elig_parse_t *p, size_t at, int op, int fact)
{
    elig_rules_t *r = p->rules;
    if (r->n_nodes >= ELIG_MAX_NODES)
        return fail_at(p, at, "criteria: at most %d expressions in a program", ELIG_MAX_NODES);
    elig_node_t *n = &r->nodes[r->n_nodes];
    memset(n, 0, sizeof *n);
    n->op = (uint8_t)op;
    n->fact = (uint8_t)fact;
    n->kind = (uint8_t)elig_fact_info(fact)->kind;
    n->list = -1;
    return (int)r->n_nodes++;
}

static int new_list(elig_parse_t *p, size_t at, elig_node_t *n)
{
    elig_rules_t *r = p->rules;
    if (r->n_lists >= ELIG_MAX_LISTS)
        return fail_at(p, at, "criteria: at most %d lists in a program", ELIG_MAX_LISTS);
    n->list = (int16_t)r->n_lists++;
    return 0;
}

/* Children must sit side by side in rules->kids: they are collected first,
 * then copied in. */
static int set_kids(elig_parse_t *p, size_t at, int node, const int *kids, size_t n)
{
    elig_rules_t *r = p->rules;
    if (r->n_kids + n > ELIG_MAX_NODES)
        return fail_at(p, at, "criteria: at most %d expressions in a program", ELIG_MAX_NODES);
    r->nodes[node].kid0 = (uint16_t)r->n_kids;
    r->nodes[node].n_kids = (uint16_t)n;
    for (size_t i = 0; i < n; i++)
        r->kids[r->n_kids++] = (uint16_t)kids[i];
    return 0;
}

/* ---- leaves ---- */

static int operand_words(elig_parse_t *p, const json_t *v, const char *what,
                         const elig_fact_info_t *info, elig_node_t *n)
{
    const char *s = elig_parse_scalar(v);
    if (s && strcmp(s, "target_role") == 0 && n->fact == ELIG_FACT_JOB_FAMILY &&
        (n->op == ELIG_OP_IN || n->op == ELIG_OP_NOT_IN)) {
        n->target = 1;
        return 0;
    }
    if (new_list(p, line_of(p, v), n) != 0)
        return -1;
    if (elig_parse_list(p, v, what, info->check, &p->rules->lists[n->list]) != 0) {
        if (info->check && json_is_array(v))
            snprintf(p->err + strlen(p->err), p->errlen - strlen(p->err), " (expected %s)",
                     info->values);
        return -1;
    }
    return 0;
}

static int operand_numbers(elig_parse_t *p, const json_t *v, const char *what, elig_node_t *n)
{
    double max = n->fact == ELIG_FACT_TENURE_DAYS ? ELIG_MAX_TENURE_DAYS
                 : n->fact == ELIG_FACT_ATTRIBUTE ? 1e12
                                                  : 168;
    double min = n->fact == ELIG_FACT_ATTRIBUTE ? -1e12 : 0;
    if (n->op != ELIG_OP_BETWEEN)
        return elig_parse_number(p, v, what, min, max, &n->lo);
    if (!json_is_array(v) || json_array_size(v) != 2)
        return fail(p, v, "%s: expected [low, high]", what);
    if (elig_parse_number(p, json_array_get(v, 0), what, min, max, &n->lo) != 0 ||
        elig_parse_number(p, json_array_get(v, 1), what, min, max, &n->hi) != 0)
        return -1;
    if (n->lo > n->hi)
        return fail(p, v, "%s: the low bound %g is above the high bound %g", what, n->lo, n->hi);
    return 0;
}

/* "fact: {operator: operand}" */
static int leaf(elig_parse_t *p, const char *crit, const char *fact_name, size_t k, const json_t *v)
{
    char key[ELIG_WORD_MAX], what[160];
    int fact = elig_fact_parse(fact_name, key, sizeof key);
    if (fact < 0)
        return fail_at(p, k, "criterion '%s': unknown fact '%s' (known: %s)", crit, fact_name,
                       elig_fact_names());
    const elig_fact_info_t *info = elig_fact_info(fact);
    elig_kind_t kind = info->kind;
    if (fact == ELIG_FACT_ATTRIBUTE) {
        const elig_attr_decl_t *d = elig_attr_find(p->schema, key);
        if (!d)
            return fail_at(p, k,
                           "criterion '%s': unknown attribute '%s' (declare it in the attribute"
                           " schema, deploy/programs/attributes.yaml)",
                           crit, key);
        kind = d->type == ELIG_ATTR_NUMBER ? ELIG_KIND_NUMBER
               : d->type == ELIG_ATTR_FLAG ? ELIG_KIND_BOOL
                                           : ELIG_KIND_WORD;
    }
    const char *op_name;
    size_t ok;
    const json_t *ov;
    if (elig_parse_single(p, v, &op_name, &ok, &ov) != 0)
        return fail(p, v, "criterion '%s': %s takes one operator and its operand (operators: %s)",
                    crit, fact_name, elig_ops_for(kind));
    int op = elig_op_parse(op_name);
    if (op < 0 || op >= ELIG_OP_ALL || !elig_op_fits(op, kind))
        return fail_at(p, ok, "criterion '%s': unknown operator '%s' for %s (expected %s)", crit,
                       op_name, fact_name, elig_ops_for(kind));
    int id = new_node(p, k, op, fact);
    if (id < 0)
        return -1;
    elig_node_t *n = &p->rules->nodes[id];
    snprintf(n->key, sizeof n->key, "%s", key);
    n->kind = (uint8_t)kind;
    snprintf(what, sizeof what, "criterion '%s': %s.%s", crit, fact_name, op_name);
    int rc, yes;
    switch (op) {
    case ELIG_OP_EXISTS:
    case ELIG_OP_IS:
        rc = elig_parse_bool(p, ov, what, &yes);
        n->lo = yes;
        break;
    case ELIG_OP_AT_LEAST:
    case ELIG_OP_MORE_THAN:
    case ELIG_OP_AT_MOST:
    case ELIG_OP_LESS_THAN:
    case ELIG_OP_BETWEEN:
        rc = operand_numbers(p, ov, what, n);
        break;
    default:
        rc = operand_words(p, ov, what, info, n);
        break;
    }
    return rc < 0 ? -1 : id;
}

/* ---- expressions ---- */

static int expression(elig_parse_t *p, const char *crit, const char *key, size_t k, const json_t *v,
                      int depth);

static int combinator(elig_parse_t *p, const char *crit, int op, size_t k, const json_t *v,
                      int depth)
{
    int kids[ELIG_MAX_NODES];
    size_t n = 0;
    if (depth >= ELIG_MAX_DEPTH)
        return fail_at(p, k, "criterion '%s': expressions nest at most %d deep", crit,
                       ELIG_MAX_DEPTH);
    if (!json_is_array(v) || json_array_size(v) == 0)
        return fail(p, v, "criterion '%s': %s expects a list of expressions", crit,
                    elig_op_name(op));
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item)
    {
        const char *ikey;
        size_t ik;
        const json_t *iv;
        if (elig_parse_single(p, item, &ikey, &ik, &iv) != 0)
            return fail(p, item,
                        "criterion '%s': each entry of %s is one expression, e.g."
                        " {status: {in: [active]}}",
                        crit, elig_op_name(op));
        int id = expression(p, crit, ikey, ik, iv, depth + 1);
        if (id < 0)
            return -1;
        if (n >= ELIG_MAX_NODES)
            return fail(p, item, "criterion '%s': too many expressions", crit);
        kids[n++] = id;
    }
    int id = new_node(p, k, op, 0);
    if (id < 0 || set_kids(p, k, id, kids, n) != 0)
        return -1;
    return id;
}

static int expression(elig_parse_t *p, const char *crit, const char *key, size_t k, const json_t *v,
                      int depth)
{
    int op = elig_op_parse(key);
    if (op >= ELIG_OP_ALL)
        return combinator(p, crit, op, k, v, depth);
    return leaf(p, crit, key, k, v);
}

/* ---- criteria ---- */

/* The fact groups and time dependence of the tree under node. */
static void reads(const elig_rules_t *r, int node, elig_criterion_def_t *d)
{
    const elig_node_t *n = &r->nodes[node];
    if (n->op >= ELIG_OP_ALL) {
        for (int i = 0; i < n->n_kids; i++)
            reads(r, r->kids[n->kid0 + i], d);
        return;
    }
    int g = elig_fact_info(n->fact)->group;
    if (g != ELIG_UNDATED)
        d->groups |= 1u << g;
    if (n->fact == ELIG_FACT_TENURE_DAYS && n->op != ELIG_OP_EXISTS)
        d->timed = 1;
}

static int add_criterion(elig_parse_t *p, size_t at, const char *name, int root, int slot)
{
    elig_rules_t *r = p->rules;
    if (r->n_criteria >= ELIG_MAX_CRITERIA)
        return fail_at(p, at, "criteria: at most %d criteria", ELIG_MAX_CRITERIA);
    elig_criterion_def_t *d = &r->criteria[r->n_criteria++];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name);
    d->root = (uint16_t)root;
    d->slot = (uint8_t)slot;
    reads(r, root, d);
    return 0;
}

static int criterion(elig_parse_t *p, const json_t *item)
{
    const char *name = NULL, *ekey = NULL, *key;
    const json_t *name_node = item, *ev = NULL, *v;
    size_t ek = 0;
    if (!json_is_object(item))
        return fail(p, item,
                    "criteria: each entry is a mapping with a name and one expression, e.g."
                    " {name: status, status: {in: [active]}}");
    json_object_foreach((json_t *)item, key, v)
    {
        if (strcmp(key, "name") == 0) {
            name = elig_parse_scalar(v);
            name_node = v;
            continue;
        }
        if (ekey)
            return fail_at(p, pw_yaml_key_line(p->doc, item, key),
                           "criteria: '%s' is a second expression; combine them with all: [...]",
                           key);
        ek = pw_yaml_key_line(p->doc, item, key);
        ev = v;
        ekey = key;
    }
    size_t len = name ? strlen(name) : 0;
    if (!len || len >= ELIG_WORD_MAX ||
        strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != len)
        return fail(p, name_node, "criteria: name: expected an id of [a-z0-9_] (up to %d)",
                    ELIG_WORD_MAX - 1);
    if (elig_rules_criterion(p->rules, name))
        return fail(p, name_node, "criterion '%s' is given twice", name);
    if (!ekey)
        return fail(p, item, "criterion '%s': no expression (e.g. status: {in: [active]})", name);
    int root = expression(p, name, ekey, ek, ev, 0);
    if (root < 0)
        return -1;
    return add_criterion(p, line_of(p, item), name, root, (int)p->rules->n_criteria);
}

/* ---- the first format: eight fixed criteria ---- */

enum {
    L_STATUS,
    L_FULL_TIME,
    L_JOB_FAMILY,
    L_STANDING,
    L_TENURE,
    L_EMPLOYER,
    L_NOT_IN_PROGRAM,
    L_NOT_IN_ROLE
};
static const char *const LEGACY[ELIG_LEGACY_SLOTS] = {
    "status",         "full_time",
    "job_family",     "standing",
    "tenure",         "employer_participates",
    "not_in_program", "not_in_target_role",
};

typedef struct {
    int root[ELIG_LEGACY_SLOTS];  /* -1: not given */
    size_t at[ELIG_LEGACY_SLOTS]; /* the line of each one given */
    elig_list_t types;
    double hours;
} legacy_t;

static int list_leaf(elig_parse_t *p, const json_t *v, const char *what, int op, int fact)
{
    int id = new_node(p, line_of(p, v), op, fact);
    if (id < 0 || new_list(p, line_of(p, v), &p->rules->nodes[id]) != 0 ||
        elig_parse_list(p, v, what, elig_fact_info(fact)->check,
                        &p->rules->lists[p->rules->nodes[id].list]) != 0)
        return -1;
    return id;
}

/* One parameter of a first-format criterion (slot in *arg). */
typedef struct {
    legacy_t *l;
    int slot;
    int given;
} lfield_t;

static int legacy_param(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    lfield_t *x = arg;
    legacy_t *l = x->l;
    static const char *const EXPECT[ELIG_LEGACY_SLOTS] = {
        "in",           "employment_types, min_hours",
        "in or not_in", "in",
        "min_days",     "",
        "states",       "job_families"};
    switch (x->slot) {
    case L_STATUS:
    case L_STANDING:
        if (strcmp(key, "in") == 0) {
            char what[40];
            snprintf(what, sizeof what, "%s.in", LEGACY[x->slot]);
            l->root[x->slot] =
                list_leaf(p, v, what, ELIG_OP_IN,
                          x->slot == L_STATUS ? ELIG_FACT_STATUS : ELIG_FACT_STANDING);
            return l->root[x->slot] < 0 ? -1 : 0;
        }
        break;
    case L_FULL_TIME:
        if (strcmp(key, "employment_types") == 0)
            return elig_parse_list(p, v, "full_time.employment_types",
                                   elig_fact_info(ELIG_FACT_EMPLOYMENT_TYPE)->check, &l->types);
        if (strcmp(key, "min_hours") == 0)
            return elig_parse_number(p, v, "full_time.min_hours", 1, 80, &l->hours);
        break;
    case L_JOB_FAMILY:
        if (strcmp(key, "in") == 0 || strcmp(key, "not_in") == 0) {
            if (x->given++)
                return fail_at(p, k, "job_family: give either in or not_in, not both");
            l->root[x->slot] =
                list_leaf(p, v, "job_family", strcmp(key, "in") == 0 ? ELIG_OP_IN : ELIG_OP_NOT_IN,
                          ELIG_FACT_JOB_FAMILY);
            return l->root[x->slot] < 0 ? -1 : 0;
        }
        return fail_at(p, k, "job_family: unknown key '%s' (expected in or not_in)", key);
    case L_TENURE:
        if (strcmp(key, "min_days") == 0) {
            int days, id;
            if (elig_parse_integer(p, v, "tenure.min_days", 0, ELIG_MAX_TENURE_DAYS, &days) != 0 ||
                (id = new_node(p, line_of(p, v), ELIG_OP_AT_LEAST, ELIG_FACT_TENURE_DAYS)) < 0)
                return -1;
            p->rules->nodes[id].lo = days;
            l->root[x->slot] = id;
            return 0;
        }
        break;
    case L_NOT_IN_PROGRAM:
        if (strcmp(key, "states") == 0) {
            l->root[x->slot] =
                list_leaf(p, v, "not_in_program.states", ELIG_OP_NOT_IN, ELIG_FACT_PROGRAM_STATE);
            return l->root[x->slot] < 0 ? -1 : 0;
        }
        break;
    case L_NOT_IN_ROLE:
        if (strcmp(key, "job_families") == 0) {
            int id;
            if (elig_parse_list(p, v, "not_in_target_role.job_families", NULL,
                                &p->rules->target_families) != 0 ||
                (id = new_node(p, line_of(p, v), ELIG_OP_NOT_IN, ELIG_FACT_JOB_FAMILY)) < 0)
                return -1;
            p->rules->nodes[id].target = 1;
            l->root[x->slot] = id;
            return 0;
        }
        break;
    default:
        break;
    }
    return fail_at(p, k, "%s: unknown key '%s' (expected %s)", LEGACY[x->slot], key,
                   EXPECT[x->slot]);
}

/* full_time: the employment type decides when on file, else the hours. */
static int legacy_full_time(elig_parse_t *p, legacy_t *l, const json_t *v)
{
    size_t at = line_of(p, v);
    if (!l->types.n || l->hours <= 0)
        return fail_at(p, at, "full_time: needs employment_types and min_hours");
    int kids[2];
    kids[0] = new_node(p, at, ELIG_OP_IN, ELIG_FACT_EMPLOYMENT_TYPE);
    if (kids[0] < 0 || new_list(p, at, &p->rules->nodes[kids[0]]) != 0)
        return -1;
    p->rules->lists[p->rules->nodes[kids[0]].list] = l->types;
    kids[1] = new_node(p, at, ELIG_OP_AT_LEAST, ELIG_FACT_SCHEDULED_HOURS);
    if (kids[1] < 0)
        return -1;
    p->rules->nodes[kids[1]].lo = l->hours;
    int id = new_node(p, at, ELIG_OP_FIRST_KNOWN, 0);
    if (id < 0 || set_kids(p, at, id, kids, 2) != 0)
        return -1;
    return id;
}

/* A criterion given twice is a duplicate key, refused by the reader. */
static int legacy_criterion(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    legacy_t *l = arg;
    int c = -1;
    for (int i = 0; i < ELIG_LEGACY_SLOTS; i++)
        if (strcmp(key, LEGACY[i]) == 0)
            c = i;
    if (c < 0)
        return fail_at(p, k,
                       "unknown criterion '%s' (known: status, full_time, job_family, standing,"
                       " tenure, employer_participates, not_in_program, not_in_target_role)",
                       key);
    l->at[c] = line_of(p, v);
    if (c == L_EMPLOYER) {
        int yes, id;
        if (elig_parse_bool(p, v, "employer_participates", &yes) != 0)
            return -1;
        if (yes) {
            if ((id = new_node(p, l->at[c], ELIG_OP_IS, ELIG_FACT_EMPLOYER_PARTICIPATES)) < 0)
                return -1;
            p->rules->nodes[id].lo = 1;
            l->root[c] = id;
        }
        return 0;
    }
    lfield_t x = {.l = l, .slot = c};
    if (elig_parse_fields(p, v, key, legacy_param, &x) != 0)
        return -1;
    if (c == L_FULL_TIME)
        return (l->root[c] = legacy_full_time(p, l, v)) < 0 ? -1 : 0;
    if (l->root[c] < 0) {
        static const char *const NEEDS[ELIG_LEGACY_SLOTS] = {
            "in", "", "in or not_in", "in", "min_days", "", "states", "job_families"};
        return fail(p, v, "%s: needs %s", key, NEEDS[c]);
    }
    return 0;
}

static int legacy_criteria(elig_parse_t *p, const json_t *v)
{
    legacy_t l;
    memset(&l, 0, sizeof l);
    for (int i = 0; i < ELIG_LEGACY_SLOTS; i++)
        l.root[i] = -1;
    if (elig_parse_fields(p, v, "criteria", legacy_criterion, &l) != 0)
        return -1;
    /* Reported in the fixed order, each in its own spell slot. */
    for (int i = 0; i < ELIG_LEGACY_SLOTS; i++)
        if (l.root[i] >= 0 && add_criterion(p, l.at[i], LEGACY[i], l.root[i], i) != 0)
            return -1;
    return 0;
}

int elig_parse_criteria(elig_parse_t *p, const json_t *v)
{
    if (json_is_object(v))
        return legacy_criteria(p, v);
    if (!json_is_array(v))
        return fail(p, v, "criteria: expected a list of named criteria");
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item)
    {
        if (criterion(p, item) != 0)
            return -1;
    }
    return 0;
}
