/* Replacement costs per employer, program and role, each with its source:
 * built-in defaults (documented in deploy/costs.yaml) or a YAML file of the
 * same shape named by PATHWAYS_REPORTING_COSTS_FILE:
 *
 *   default: {cost: 14200, source: "..."}
 *   programs:                      # the program's target role
 *     mapp: {cost: 14200, source: "..."}
 *   roles:                         # the job family at the time origin
 *     clerical: {cost: 12000, source: "..."}
 *   employers:
 *     emp-001:
 *       "*": {cost: 15000, source: "..."}
 *       clerical: {cost: 11000, source: "..."}
 *
 * Lookup for a row of program P, employer E, role R: employers.E.R,
 * employers.E."*", programs.P, roles.R, default. An employer's own figures
 * come first because they are the employer's study of its own turnover;
 * the program's target-role figure comes before the origin role's because
 * the people it values are in training for (or placed in) that role. */
#ifndef PATHWAYS_REPORTING_COST_CONFIG_H
#define PATHWAYS_REPORTING_COST_CONFIG_H

#include <stddef.h>

#define COST_CONFIG_ENV "PATHWAYS_REPORTING_COSTS_FILE"
#define COST_ANY        "*"
/* Bounds of a program id in programs: ([a-z0-9_-], as program files). */
#define COST_PROGRAM_MAX 64

/* The built-in default: a Medical Assistant's replacement cost. */
#define COST_DEFAULT_USD 14200.0
#define COST_DEFAULT_SOURCE                                                                        \
    "MGMA: replacing a medical assistant costs about $14,200 (citing the Journal of the "          \
    "American Board of Family Medicine), about 32% of the BLS median pay for medical "             \
    "assistants, $44,200 (May 2024). Applied to every role and program target role not "           \
    "configured."

typedef struct cost_config cost_config_t;

/* One figure found by cost_config_lookup; strings borrowed from the
 * configuration. entry names the entry that applied, as the file spells
 * it: "employers.emp-001.clerical", "employers.emp-001.*",
 * "programs.pct", "roles.clerical", "default". */
typedef struct {
    double cost; /* -1 when nothing applies (a configuration without default) */
    const char *source;
    const char *entry;
} cost_figure_t;

/* The built-in defaults. Caller owns the result; NULL when out of memory. */
cost_config_t *cost_config_default(void);
/* Reads a YAML file as above. Returns NULL with "FILE:LINE: reason" in
 * err. Caller owns the result. */
cost_config_t *cost_config_load(const char *path, char *err, size_t errlen);
/* A deep copy of c. Caller owns the result; NULL when out of memory. */
cost_config_t *cost_config_copy(const cost_config_t *c);
void cost_config_destroy(cost_config_t **p);

/* The replacement cost for a row of program (NULL or "": none), employer
 * and role, in the lookup order above. */
cost_figure_t cost_config_find(const cost_config_t *c, const char *program, const char *employer,
                               const char *role);
/* cost_config_find without a program: the cost, and *source (borrowed,
 * may be NULL). */
double cost_config_lookup(const cost_config_t *c, const char *employer, const char *role,
                          const char **source);

#endif
