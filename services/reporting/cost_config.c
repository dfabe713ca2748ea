/* Replacement-cost configuration: a flat list of (employer, role, cost,
 * source) entries read with libyaml's document API; see cost_config.h. */
#include "cost_config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

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

static const char *scalar(yaml_document_t *d, yaml_node_t *n)
{
    (void)d;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Reads {cost: N, source: S} into an entry. Returns 0 or -1 with err. */
static int read_cost(yaml_document_t *d, yaml_node_t *n, cost_config_t *c, const char *employer,
                     const char *role, char *err, size_t errlen)
{
    const char *cost = NULL, *source = NULL;
    if (!n || n->type != YAML_MAPPING_NODE)
        return snprintf(err, errlen, "%s/%s: {cost, source} expected", employer, role), -1;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(d, yaml_document_get_node(d, p->key));
        const char *v = scalar(d, yaml_document_get_node(d, p->value));
        if (k && strcmp(k, "cost") == 0)
            cost = v;
        else if (k && strcmp(k, "source") == 0)
            source = v;
    }
    char *end = NULL;
    errno = 0;
    double usd = cost ? strtod(cost, &end) : NAN;
    if (!cost || errno || *end || !(usd >= 0 && usd <= COST_MAX_USD))
        return snprintf(err, errlen, "%s/%s: cost 0..%.0f expected", employer, role, COST_MAX_USD),
               -1;
    if (!source || !*source)
        return snprintf(err, errlen, "%s/%s: every cost needs its source", employer, role), -1;
    if (add_entry(c, employer, role, usd, source) != 0)
        return snprintf(err, errlen, "too many cost entries"), -1;
    return 0;
}

/* Reads a mapping of role -> cost for one employer (COST_ANY for "roles"). */
static int read_roles(yaml_document_t *d, yaml_node_t *n, cost_config_t *c, const char *employer,
                      char *err, size_t errlen)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return snprintf(err, errlen, "%s: a mapping of roles expected", employer), -1;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *role = scalar(d, yaml_document_get_node(d, p->key));
        if (!role ||
            read_cost(d, yaml_document_get_node(d, p->value), c, employer, role, err, errlen) != 0)
            return role ? -1 : (snprintf(err, errlen, "%s: bad role key", employer), -1);
    }
    return 0;
}

static int read_root(yaml_document_t *d, cost_config_t *c, char *err, size_t errlen)
{
    yaml_node_t *root = yaml_document_get_root_node(d);
    if (!root || root->type != YAML_MAPPING_NODE)
        return snprintf(err, errlen, "a mapping with default/roles/employers expected"), -1;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(d, yaml_document_get_node(d, p->key));
        yaml_node_t *v = yaml_document_get_node(d, p->value);
        int rc = 0;
        if (k && strcmp(k, "default") == 0)
            rc = read_cost(d, v, c, COST_ANY, COST_ANY, err, errlen);
        else if (k && strcmp(k, "roles") == 0)
            rc = read_roles(d, v, c, COST_ANY, err, errlen);
        else if (k && strcmp(k, "employers") == 0 && v && v->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *e = v->data.mapping.pairs.start;
                 rc == 0 && e < v->data.mapping.pairs.top; e++) {
                const char *employer = scalar(d, yaml_document_get_node(d, e->key));
                rc = employer ? read_roles(d, yaml_document_get_node(d, e->value), c, employer, err,
                                           errlen)
                              : -1;
            }
        } else
            return snprintf(err, errlen, "unknown key '%s'", k ? k : "?"), -1;
        if (rc != 0)
            return -1;
    }
    return 0;
}

cost_config_t *cost_config_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), NULL;
    yaml_parser_t parser;
    yaml_document_t doc;
    cost_config_t *c = calloc(1, sizeof *c);
    int loaded = 0;
    if (c && yaml_parser_initialize(&parser)) {
        yaml_parser_set_input_file(&parser, f);
        loaded = yaml_parser_load(&parser, &doc);
        if (!loaded)
            snprintf(err, errlen, "%s: line %zu: %s", path, parser.problem_mark.line + 1,
                     parser.problem ? parser.problem : "YAML error");
        yaml_parser_delete(&parser);
    }
    fclose(f);
    if (loaded) {
        char why[200] = "";
        if (read_root(&doc, c, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s: %s", path, why);
            cost_config_destroy(&c);
        }
        yaml_document_delete(&doc);
    } else
        cost_config_destroy(&c);
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
