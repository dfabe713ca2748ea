/* The program-file parser's shared state and helpers (program.c reads the
 * document and its sections, criteria.c the criteria). Private to the
 * parser. */
#ifndef ELIG_PROGRAM_PARSE_H
#define ELIG_PROGRAM_PARSE_H

#include <stddef.h>
#include <yaml.h>

#include "rules.h"

typedef struct {
    yaml_document_t *doc;
    const char *source;
    char *err;
    size_t errlen;
    unsigned *line;
    elig_rules_t *rules;                     /* a program file's, else NULL */
    const struct elig_attr_schema_s *schema; /* attributes criteria may read (NULL: none) */
    void *arg;                               /* the root reader's own */
} elig_parse_t;

/* Parses len bytes of YAML from source and hands the root node to root;
 * p's source, err, errlen and line are set here, the rest is the caller's.
 * Returns root's result, or -1 with "SOURCE:LINE: reason" for bad YAML. */
int elig_parse_document(elig_parse_t *p, const char *text, size_t len, size_t max,
                        int (*root)(elig_parse_t *p, const yaml_node_t *root));

/* Writes "SOURCE:LINE: reason" (the line of n; none when n is NULL) into
 * the error and returns -1. */
int elig_parse_fail(elig_parse_t *p, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A scalar's text, or NULL for anything else. */
const char *elig_parse_scalar(const yaml_node_t *n);
yaml_node_t *elig_parse_node(elig_parse_t *p, int id);

/* A list of words ([A-Za-z0-9_ -], each accepted by check when not NULL).
 * Returns 0 or -1. */
int elig_parse_list(elig_parse_t *p, const yaml_node_t *n, const char *what,
                    int (*check)(const char *word), elig_list_t *out);
/* A number in [lo, hi]; an integer in [lo, hi]; true or false. */
int elig_parse_number(elig_parse_t *p, const yaml_node_t *n, const char *what, double lo, double hi,
                      double *out);
int elig_parse_integer(elig_parse_t *p, const yaml_node_t *n, const char *what, int lo, int hi,
                       int *out);
int elig_parse_bool(elig_parse_t *p, const yaml_node_t *n, const char *what, int *out);

/* Calls fn for each key of a mapping (keys must be scalars). */
typedef int (*elig_field_fn)(elig_parse_t *p, const char *key, const yaml_node_t *k,
                             const yaml_node_t *v, void *arg);
int elig_parse_fields(elig_parse_t *p, const yaml_node_t *map, const char *what, elig_field_fn fn,
                      void *arg);

/* criteria.c: the criteria section (a list of named expressions, or the
 * first format's mapping of fixed criteria). */
int elig_parse_criteria(elig_parse_t *p, const yaml_node_t *v);

#endif
