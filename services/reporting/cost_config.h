/* Replacement costs per employer and role, each with its source: built-in
 * defaults (documented in deploy/costs.yaml) or a YAML file of the same
 * shape named by PATHWAYS_REPORTING_COSTS_FILE:
 *
 *   default: {cost: 14200, source: "..."}
 *   roles:
 *     clerical: {cost: 12000, source: "..."}
 *   employers:
 *     emp-001:
 *       "*": {cost: 15000, source: "..."}
 *       clerical: {cost: 11000, source: "..."}
 *
 * Lookup: employer+role, employer "*", role, default. */
#ifndef PATHWAYS_REPORTING_COST_CONFIG_H
#define PATHWAYS_REPORTING_COST_CONFIG_H

#include <stddef.h>

#define COST_CONFIG_ENV "PATHWAYS_REPORTING_COSTS_FILE"
#define COST_ANY        "*"

/* The built-in default: a Medical Assistant's replacement cost. */
#define COST_DEFAULT_USD 14200.0
#define COST_DEFAULT_SOURCE                                                                        \
    "MGMA: replacing a medical assistant costs about $14,200 (citing the Journal of the "          \
    "American Board of Family Medicine), about 32% of the BLS median pay for medical "             \
    "assistants, $44,200 (May 2024). Applied to every role not configured."

typedef struct cost_config cost_config_t;

/* The built-in defaults. Caller owns the result; NULL when out of memory. */
cost_config_t *cost_config_default(void);
/* Reads a YAML file as above. Returns NULL with the reason in err. */
cost_config_t *cost_config_load(const char *path, char *err, size_t errlen);
/* The file named by the environment, else the defaults. */
cost_config_t *cost_config_from_env(char *err, size_t errlen);
void cost_config_destroy(cost_config_t **p);

/* The replacement cost for employer and role; *source is borrowed from c. */
double cost_config_lookup(const cost_config_t *c, const char *employer, const char *role,
                          const char **source);

#endif
