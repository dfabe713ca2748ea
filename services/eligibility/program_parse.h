/* The rule-file parser's shared state and helpers (program.c reads a
 * program file's sections, criteria.c the criteria, attrs.c the attribute
 * schema). The text is read by the project's YAML reader
 * (pathways/yaml.h) into a tree whose scalars are strings; these helpers
 * check values and say "SOURCE:LINE: reason" with the line of the value or
 * of the key at fault. Private to the parser. */
#ifndef ELIG_PROGRAM_PARSE_H
#define ELIG_PROGRAM_PARSE_H

#include <stddef.h>

#include "pathways/yaml.h"
#include "rules.h"

typedef struct {
    const pw_yaml_t *doc;
    const char *source;
    char *err;
    size_t errlen;
    unsigned *line;
    elig_rules_t *rules;                     /* a program file's, else NULL */
    const struct elig_attr_schema_s *schema; /* attributes criteria may read (NULL: none) */
    void *arg;                               /* the root reader's own */
} elig_parse_t;

/* Parses len bytes of YAML (at most max) from source and hands the root to
 * root (NULL for an empty file) after the self-identification guard;
 * p's doc, source, err, errlen and line are set here, the rest is the
 * caller's. Returns root's result, or -1 with "SOURCE:LINE: reason" for bad
 * YAML. */
int elig_parse_document(elig_parse_t *p, const char *text, size_t len, size_t max,
                        int (*root)(elig_parse_t *p, const json_t *root));

/* Writes "SOURCE:LINE: reason" into the error, with the line of node n or
 * the given line (none when 0 or n is NULL), and returns -1. */
int elig_parse_fail(elig_parse_t *p, const json_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int elig_parse_fail_at(elig_parse_t *p, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A scalar's text, or NULL for a list or a mapping. */
const char *elig_parse_scalar(const json_t *n);

/* A list of words ([A-Za-z0-9_ -], each accepted by check when not NULL).
 * Returns 0 or -1. */
int elig_parse_list(elig_parse_t *p, const json_t *n, const char *what,
                    int (*check)(const char *word), elig_list_t *out);
/* A number in [lo, hi]; an integer in [lo, hi]; true or false. */
int elig_parse_number(elig_parse_t *p, const json_t *n, const char *what, double lo, double hi,
                      double *out);
int elig_parse_integer(elig_parse_t *p, const json_t *n, const char *what, int lo, int hi,
                       int *out);
int elig_parse_bool(elig_parse_t *p, const json_t *n, const char *what, int *out);

/* Calls fn for each key of a mapping, in the file's order, with the key's
 * line. */
typedef int (*elig_field_fn)(elig_parse_t *p, const char *key, size_t kline, const json_t *v,
                             void *arg);
int elig_parse_fields(elig_parse_t *p, const json_t *map, const char *what, elig_field_fn fn,
                      void *arg);
/* A one-key mapping's key, its line and its value: 0, or -1 when map is
 * not a mapping of exactly one key (nothing written). */
int elig_parse_single(const elig_parse_t *p, const json_t *map, const char **key, size_t *kline,
                      const json_t **v);

/* criteria.c: the criteria section (a list of named expressions, or the
 * first format's mapping of fixed criteria). */
int elig_parse_criteria(elig_parse_t *p, const json_t *v);

#endif
