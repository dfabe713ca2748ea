/* Replacement-cost configuration: a flat list of (employer, role, cost,
 * source) entries read with the common YAML reader; see cost_config.h. */
#include "cost_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/yaml.h"

#define COST_MAX_ENTRIES 4096
#define COST_MAX_USD     10000000.0

typedef struct {
    char *employer; /* COST_ANY for every employer */
    char *role;     /* COST_ANY for every role */
    double cost;
    char *source;
} cost_entry_t;

struct cost_config {
    cost_entry_t *entries;
    size_t n;
};

static int add_entry(cost_config_t *c, const char *employer, const char *role, double cost,
                     const char *source)
{
    if (c->n >= COST_MAX_ENTRIES)
        return -1;
    cost_entry_t *grown = realloc(c->entries, (c->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    c->entries = grown;
    cost_entry_t *e = &c->entries[c->n];
    e->employer = strdup(employer);
    e->role = strdup(role);
    e->source = strdup(source);
    e->cost = cost;
    c->n++;
    return e->employer && e->role && e->source ? 0 : -1;
}

cost_config_t *cost_config_default(void)
{
    cost_config_t *c = calloc(1, sizeof *c);
    if (c && add_entry(c, COST_ANY, COST_ANY, COST_DEFAULT_USD, COST_DEFAULT_SOURCE) != 0)
        cost_config_destroy(&c);
    return c;
}

void cost_config_destroy(cost_config_t **p)
{
    if (!p || !*p)
        return;
    for (size_t i = 0; i < (*p)->n; i++) {
        free((*p)->entries[i].employer);
        free((*p)->entries[i].role);
        free((*p)->entries[i].source);
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
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s:%zu: %s", pw_yaml_name(y), pw_yaml_line(y, v), why);
    return -1;
}

/* Reads {cost: N, source: S} into an entry. Returns 0 or -1 with err. */
static int read_cost(const pw_yaml_t *y, const json_t *n, cost_config_t *c, const char *employer,
                     const char *role, char *err, size_t errlen)
{
    if (!json_is_object(n))
        return fail(y, n, err, errlen, "%s/%s: {cost, source} expected", employer, role);
    double usd;
    if (pw_yaml_number(json_object_get(n, "cost"), 0, COST_MAX_USD, &usd) != 0)
        return fail(y, n, err, errlen, "%s/%s: cost 0..%.0f expected", employer, role,
                    COST_MAX_USD);
    const char *source = json_string_value(json_object_get(n, "source"));
    if (!source || !*source)
        return fail(y, n, err, errlen, "%s/%s: every cost needs its source", employer, role);
    if (add_entry(c, employer, role, usd, source) != 0)
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
        return fail(y, n, err, errlen, "%s: a mapping of roles expected", employer);
    json_object_foreach((json_t *)n, role, v)
    {
        if (read_cost(y, v, c, employer, role, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int read_root(const pw_yaml_t *y, cost_config_t *c, char *err, size_t errlen)
{
    const json_t *root = pw_yaml_root(y);
    const char *k, *employer;
    const json_t *v, *roles;
    if (!json_is_object(root))
        return fail(y, root, err, errlen, "a mapping with default/roles/employers expected");
    json_object_foreach((json_t *)root, k, v)
    {
        int rc = 0;
        if (strcmp(k, "default") == 0)
            rc = read_cost(y, v, c, COST_ANY, COST_ANY, err, errlen);
        else if (strcmp(k, "roles") == 0)
            rc = read_roles(y, v, c, COST_ANY, err, errlen);
        else if (strcmp(k, "employers") == 0 && json_is_object(v)) {
            json_object_foreach((json_t *)v, employer, roles)
            {
                if ((rc = read_roles(y, roles, c, employer, err, errlen)) != 0)
                    break;
            }
        } else
            return fail(y, v, err, errlen, "unknown key '%s'", k);
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
    if (c && cost_config_lookup(c, "", "", NULL) < 0 &&
        add_entry(c, COST_ANY, COST_ANY, COST_DEFAULT_USD, COST_DEFAULT_SOURCE) != 0)
        cost_config_destroy(&c);
    return c;
}

cost_config_t *cost_config_from_env(char *err, size_t errlen)
{
    const char *path = getenv(COST_CONFIG_ENV);
    if (path && *path)
        return cost_config_load(path, err, errlen);
    cost_config_t *c = cost_config_default();
    if (!c)
        snprintf(err, errlen, "out of memory");
    return c;
}

static const cost_entry_t *find(const cost_config_t *c, const char *employer, const char *role)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->entries[i].employer, employer) == 0 && strcmp(c->entries[i].role, role) == 0)
            return &c->entries[i];
    return NULL;
}

double cost_config_lookup(const cost_config_t *c, const char *employer, const char *role,
                          const char **source)
{
    const cost_entry_t *e = find(c, employer, role);
    if (!e)
        e = find(c, employer, COST_ANY);
    if (!e)
        e = find(c, COST_ANY, role);
    if (!e)
        e = find(c, COST_ANY, COST_ANY);
    if (source)
        *source = e ? e->source : "";
    return e ? e->cost : -1.0;
}
