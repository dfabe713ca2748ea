/* Program definition files (deploy/programs/<program>.yaml) parsed with
 * libyaml into rules. Pure: text in, rules or "file:line: reason" out.
 *
 *   program: mapp                      # id, [a-z0-9_-]
 *   name: Medical Assistant Pathway Program
 *   criteria:                          # only the criteria listed apply
 *     status: {in: [active]}
 *     full_time: {employment_types: [full_time], min_hours: 36}
 *     job_family: {in: [clerical, ...]}   # or not_in: [...]
 *     standing: {in: [good]}
 *     tenure: {min_days: 90}
 *     employer_participates: true
 *     not_in_program: {states: [enrolled, in_training, ...]}
 *     not_in_target_role: {job_families: [medical_assistant]}
 *   employers:                         # per-employer overrides
 *     acme: {min_tenure_days: 60, extra_job_families: [security]}
 *
 * Unknown keys, values of the wrong kind, unknown status/type/standing/
 * enrollment-state words and out-of-range numbers are errors, each with the
 * line it is on. */
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

#endif
