/* Program rule files may never read voluntary self-identification: a file
 * that names a self-ID field anywhere (a criterion, a key, a word inside an
 * expression) is refused at load with FILE:LINE. Kept apart from the
 * parser so that any rule loader can call it on the parsed document. */
#ifndef ELIG_SELFID_GUARD_H
#define ELIG_SELFID_GUARD_H

#include <stddef.h>

#include "pathways/yaml.h"

/* 1 when word names a self-identification field (or the whole message),
 * in any of the spellings a rule author might use. */
int elig_selfid_forbidden(const char *word);

/* Looks at every key and scalar of doc, in the file's order, except the
 * program's free-text name. Returns 0 when none names a self-ID field, else -1 with a
 * "SOURCE:LINE: reason" sentence in err and the 1-based line in *line. */
int elig_selfid_guard(const pw_yaml_t *doc, const char *source, char *err, size_t errlen,
                      unsigned *line) __attribute__((warn_unused_result));

#endif
