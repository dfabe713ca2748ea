/* Replacement-cost configuration: a flat list of (employer, role or
 * program, cost, source) entries read with the common YAML reader; see cost_config.h. */
#include "cost_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/yaml.h"

#define COST_MAX_ENTRIES 4096
#define COST_MAX_USD     10000000.0
#define COST_ENTRY_MAX   (2 * 256 + 16)

typedef struct {
    char *employer; /* COST_ANY for every employer */
    char *role;     /* COST_ANY for every role */
    char *program;  /* NULL, or the program whose target role this is */
    double cost;
    char *source;
    char *entry; /* how the file names it: "programs.pct", "roles.clerical" */
} cost_entry_t;

struct cost_config {
    cost_entry_t *entries;
    size_t n;
};

/* The entry's name as the file spells it. */
static void entry_name(char *out, size_t len, const char *employer, const char *role,
                       const char *program)
{
    if (program)
        snprintf(out, len, "programs.%s", program);
    else if (strcmp(employer, COST_ANY) != 0)
        snprintf(out, len, "employers.%s.%s", employer, role);
    else if (strcmp(role, COST_ANY) != 0)
        snprintf(out, len, "roles.%s", role);
    else
        snprintf(out, len, "default");
}

static int add_entry(cost_config_t *c, const char *employer, const char *role, const char *program,
                     double cost, const char *source)
{
    if (c->n >= COST_MAX_ENTRIES)
        return -1;
    cost_entry_t *grown = realloc(c->entries, (c->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    c->entries = grown;
    char name[COST_ENTRY_MAX];
    entry_name(name, sizeof name, employer, role, program);
    cost_entry_t *e = &c->entries[c->n];
    e->employer = strdup(employer);
    e->role = strdup(role);
    e->program = program ? strdup(program) : NULL;
    e->source = strdup(source);
    e->entry = strdup(name);
    e->cost = cost;
    c->n++;
    return e->employer && e->role && (e->program || !program) && e->source && e->entry ? 0 : -1;
}

static const cost_entry_t *find(const cost_config_t *c, const char *employer, const char *role,
                                const char *program);

cost_config_t *cost_config_default(void)
{
    cost_config_t *c = calloc(1, sizeof *c);
    if (c && add_entry(c, COST_ANY, COST_ANY, NULL, COST_DEFAULT_USD, COST_DEFAULT_SOURCE) != 0)
        cost_config_destroy(&c);
    return c;
}

cost_config_t *cost_config_copy(const cost_config_t *c)
{
    cost_config_t *out = calloc(1, sizeof *out);
    for (size_t i = 0; out && i < c->n; i++) {
        const cost_entry_t *e = &c->entries[i];
        if (add_entry(out, e->employer, e->role, e->program, e->cost, e->source) != 0)
            cost_config_destroy(&out);
    }
    return out;
}

void cost_config_destroy(cost_config_t **p)
{
    if (!p || !*p)
        return;
    for (size_t i = 0; i < (*p)->n; i++) {
        free((*p)->entries[i].employer);
        free((*p)->entries[i].role);
        free((*p)->entries[i].program);
        free((*p)->entries[i].source);
        free((*p)->entries[i].entry);
    }
    free((*p)->entries);
    free(*p);
    *p = NULL;
}

/* Writes "path:line: reason" about v into err; returns -1. */
static int fail(const pw_yaml_t *y, const json_t *v, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(const pw_yaml_t *y, const json_t *v, char *err, size_t errlen, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s:%zu: %s", pw_yaml_name(y), pw_yaml_line(y, v), why);
    return -1;
}

/* Reads {cost: N, source: S} into an entry. Returns 0 or -1 with err. */
static int read_cost(const pw_yaml_t *y, const json_t *n, cost_config_t *c, const char *employer,
                     const char *role, const char *program, char *err, size_t errlen)
{
    char name[COST_ENTRY_MAX];
    entry_name(name, sizeof name, employer, role, program);
    if (!json_is_object(n))
        return fail(y, n, err, errlen, "%s: {cost, source} expected", name);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)n, k, v)
    {
        if (strcmp(k, "cost") == 0 || strcmp(k, "source") == 0)
            continue;
        if (program)
            return fail(y, v, err, errlen,
                        "%s: unknown key '%s' (expected cost, source; an employer's own figure "
                        "goes in employers.<employer>, which applies to every program)",
                        name, k);
        return fail(y, v, err, errlen, "%s: unknown key '%s' (expected cost, source)", name, k);
    }
    double usd;
    if (pw_yaml_number(json_object_get(n, "cost"), 0, COST_MAX_USD, &usd) != 0)
        return fail(y, n, err, errlen, "%s: cost 0..%.0f expected", name, COST_MAX_USD);
    const char *source = json_string_value(json_object_get(n, "source"));
    if (!source || !*source)
        return fail(y, n, err, errlen, "%s: every cost needs its source", name);
    if (add_entry(c, employer, role, program, usd, source) != 0)
        return fail(y, n, err, errlen, "too many cost entries");
    return 0;
}

/* Reads a mapping of role -> cost for one employer (COST_ANY for "roles"). */
static int read_roles(const pw_yaml_t *y, const json_t *n, cost_config_t *c, const char *employer,
                      char *err, size_t errlen)
{
    const char *role;
    const json_t *v;
    if (!json_is_object(n))
        return fail(y, n, err, errlen, "%s: a mapping of roles expected",
                    strcmp(employer, COST_ANY) == 0 ? "roles" : employer);
    json_object_foreach((json_t *)n, role, v)
    {
        if (read_cost(y, v, c, employer, role, NULL, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int program_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > COST_PROGRAM_MAX)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

/* Reads programs: a mapping of program id -> {cost, source}. */
static int read_programs(const pw_yaml_t *y, const json_t *n, cost_config_t *c, char *err,
                         size_t errlen)
{
    const char *id;
    const json_t *v;
    if (!json_is_object(n))
        return fail(y, n, err, errlen, "programs: a mapping of program ids expected");
    json_object_foreach((json_t *)n, id, v)
    {
        if (!program_id_ok(id))
            return fail(y, v, err, errlen,
                        "programs: '%s' is not a program id ([a-z0-9_-], 1-%d characters)", id,
                        COST_PROGRAM_MAX);
        if (read_cost(y, v, c, COST_ANY, COST_ANY, id, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int read_employers(const pw_yaml_t *y, const json_t *n, cost_config_t *c, char *err,
                          size_t errlen)
{
    const char *employer;
    const json_t *roles;
    if (!json_is_object(n))
        return fail(y, n, err, errlen, "employers: a mapping of employers expected");
    json_object_foreach((json_t *)n, employer, roles)
    {
        if (read_roles(y, roles, c, employer, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int read_root(const pw_yaml_t *y, cost_config_t *c, char *err, size_t errlen)
{
    const json_t *root = pw_yaml_root(y);
    const char *k;
    const json_t *v;
    if (!json_is_object(root))
        return fail(y, root, err, errlen,
                    "a mapping with default/programs/roles/employers expected");
    json_object_foreach((json_t *)root, k, v)
    {
        int rc;
        if (strcmp(k, "default") == 0)
            rc = read_cost(y, v, c, COST_ANY, COST_ANY, NULL, err, errlen);
        else if (strcmp(k, "programs") == 0)
            rc = read_programs(y, v, c, err, errlen);
        else if (strcmp(k, "roles") == 0)
            rc = read_roles(y, v, c, COST_ANY, err, errlen);
        else if (strcmp(k, "employers") == 0)
            rc = read_employers(y, v, c, err, errlen);
        else
            return fail(y, v, err, errlen,
                        "unknown key '%s' (expected default, programs, roles, employers)", k);
        if (rc != 0)
            return -1;
    }
    return 0;
}

cost_config_t *cost_config_load(const char *path, char *err, size_t errlen)
{
    pw_yaml_t *y = pw_yaml_open(path, err, errlen);
    if (!y)
        return NULL;
    cost_config_t *c = calloc(1, sizeof *c);
    if (!c)
        snprintf(err, errlen, "out of memory");
    else if (read_root(y, c, err, errlen) != 0)
        cost_config_destroy(&c);
    pw_yaml_destroy(&y);
    /* Without a default line in the file, the built-in one applies. */
    if (c && !find(c, COST_ANY, COST_ANY, NULL) &&
        add_entry(c, COST_ANY, COST_ANY, NULL, COST_DEFAULT_USD, COST_DEFAULT_SOURCE) != 0)
        cost_config_destroy(&c);
    return c;
}

static const cost_entry_t *find(const cost_config_t *c, const char *employer, const char *role,
                                const char *program)
{
    for (size_t i = 0; i < c->n; i++) {
        const cost_entry_t *e = &c->entries[i];
        if (program
                ? e->program && strcmp(e->program, program) == 0
                : !e->program && strcmp(e->employer, employer) == 0 && strcmp(e->role, role) == 0)
            return e;
    }
    return NULL;
}

cost_figure_t cost_config_find(const cost_config_t *c, const char *program, const char *employer,
                               const char *role)
{
    const cost_entry_t *e = find(c, employer, role, NULL);
    if (!e)
        e = find(c, employer, COST_ANY, NULL);
    if (!e && program && *program)
        e = find(c, COST_ANY, COST_ANY, program);
    if (!e)
        e = find(c, COST_ANY, role, NULL);
    if (!e)
        e = find(c, COST_ANY, COST_ANY, NULL);
    cost_figure_t f = {-1.0, "", ""};
    if (e)
        f = (cost_figure_t){e->cost, e->source, e->entry};
    return f;
}

double cost_config_lookup(const cost_config_t *c, const char *employer, const char *role,
                          const char **source)
{
    cost_figure_t f = cost_config_find(c, NULL, employer, role);
    if (source)
        *source = f.source;
    return f.cost;
}
