/* Program definition files (deploy/programs/<program>.yaml) parsed with
 * the project's YAML reader (pathways/yaml.h) into rules. Pure: text in,
 * rules or "file:line: reason" out.
 *
 *   program: pct                       # id, [a-z0-9_-]
 *   name: Patient Care Technician Pathway
 *   target_role: {name: Patient Care Technician, job_families: [pct]}
 *   intake: open                       # open | paused | closed
 *   criteria:                          # named expressions (criteria.c)
 *     - name: status
 *       status: {in: [active]}
 *     - name: tenure
 *       tenure_days: {at_least: 90}
 *   employers:                         # per-employer overrides
 *     acme: {min_tenure_days: 60, extra_job_families: [security]}
 *   at_risk: ...                       # enrollment's (shape checked here)
 *
 * `templates:` and `costs:` are refused: templates live in
 * deploy/templates/<id>/, a target role's cost in deploy/costs.yaml.
 *
 * The first format's `criteria:` mapping of eight fixed criteria still
 * loads (stored versions are parsed again). Unknown keys, facts and
 * operators, values of the wrong kind, unknown status/type/standing/
 * enrollment-state words, out-of-range numbers and keys given twice
 * (refused by the reader: 'duplicate key "K"') are errors, each with the
 * line it is on (a key's own line for a problem with the key). The root
 * is a table of sections (program.c): a new section is one reader and one
 * row. */
#ifndef ELIG_PROGRAM_H
#define ELIG_PROGRAM_H

#include <stddef.h>

#include "rules.h"

/* Largest program file accepted. */
#define ELIG_PROGRAM_TEXT_MAX (256u * 1024u)
#define ELIG_MAX_TENURE_DAYS  3660

/* Parses len bytes of YAML into *out (version 0; the store numbers it).
 * Returns 0, or -1 with "SOURCE:LINE: reason" in err and the 1-based line
 * in *line (0 when the problem is not on a line). */
int elig_program_parse(const char *text, size_t len, const char *source, elig_rules_t *out,
                       char *err, size_t errlen, unsigned *line)
    __attribute__((warn_unused_result));

/* Same, with the attribute schema (attrs.h) that attributes.<name> facts
 * are checked against (NULL: no attribute is declared). */
typedef struct elig_attr_schema_s elig_attr_schema_t;
int elig_program_parse_with(const char *text, size_t len, const char *source,
                            const elig_attr_schema_t *schema, elig_rules_t *out, char *err,
                            size_t errlen, unsigned *line) __attribute__((warn_unused_result));

#endif
