/* The YAML reader: a configuration or data file (YAML, or JSON, which is
 * YAML too) parsed with libyaml into a jansson tree, so every reader walks
 * one API. Scalars stay strings ("7", "true"); the reader of each field
 * converts and checks it with pw_yaml_int / pw_yaml_number. Aliases are
 * expanded, within a bound on the nodes a file may produce (an alias bomb
 * is refused). Duplicate mapping keys and non-scalar keys are refused.
 * Each node's line is kept, and each mapping key's, so a reader can say
 * "file:line: reason" about a value or a key it finds wrong (pw_yaml_line,
 * pw_yaml_key_line). The project's one YAML reader: no other module
 * includes libyaml. */
#ifndef PATHWAYS_YAML_H
#define PATHWAYS_YAML_H

#include <jansson.h>
#include <stddef.h>

/* Nesting and size bounds of one document. */
#define PW_YAML_MAX_DEPTH 32
#define PW_YAML_MAX_NODES 200000

typedef struct pw_yaml pw_yaml_t;

/* Parses the first document of path, or len bytes of text (name is used in
 * messages). Returns a new document (caller pw_yaml_destroy()s) or NULL with
 * "name:line: reason" in err. An empty document gives an empty object. */
pw_yaml_t *pw_yaml_open(const char *path, char *err, size_t errlen);
pw_yaml_t *pw_yaml_open_text(const char *text, size_t len, const char *name, char *err,
                             size_t errlen);
void pw_yaml_destroy(pw_yaml_t **p);
/* The tree (borrowed from the document). */
json_t *pw_yaml_root(const pw_yaml_t *y);
/* The 1-based line where v (a node of this document's tree) starts; 0 when
 * v is not one. */
size_t pw_yaml_line(const pw_yaml_t *y, const json_t *v);
/* The 1-based line of key in object (a mapping of this document's tree):
 * where the key is written, which for a block value is the line above the
 * value's own. 0 when object is not one or has no such key. Mapping keys
 * iterate (json_object_foreach) in the order the file writes them. */
size_t pw_yaml_key_line(const pw_yaml_t *y, const json_t *object, const char *key);
/* The name given at open (the path, or name). */
const char *pw_yaml_name(const pw_yaml_t *y);

/* The tree alone: a new reference (caller json_decref()s) or NULL with
 * "name:line: reason" in err; the same rules. */
json_t *pw_yaml_load(const char *path, char *err, size_t errlen);
json_t *pw_yaml_parse(const char *text, size_t len, const char *name, char *err, size_t errlen);

/* Reads an integer scalar (decimal digits with an optional sign, or a JSON
 * integer). Returns 0, or -1 when v is not one or is outside [min, max]. */
int pw_yaml_int(const json_t *v, long min, long max, long *out);
/* Reads a finite decimal number scalar (or a JSON number) within
 * [min, max]. Returns 0 or -1. */
int pw_yaml_number(const json_t *v, double min, double max, double *out);

#endif
