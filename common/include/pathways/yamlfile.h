/* YAML (or JSON, which is YAML too) configuration files read into jansson
 * values, so the data files (notification routing and contacts, the
 * programs' at_risk sections) are parsed with libyaml and walked with one
 * API. Scalars stay strings ("7", "true");
 * the reader of each field converts and validates it. Aliases are
 * expanded (a data file is read as a plain tree). */
#ifndef PATHWAYS_YAMLFILE_H
#define PATHWAYS_YAMLFILE_H

#include <jansson.h>
#include <stddef.h>

/* Parses the first document of path. Returns a new reference (caller
 * json_decref()s) or NULL with "path:line: reason" in err. An empty file
 * gives an empty object. */
json_t *pw_yaml_load(const char *path, char *err, size_t errlen);

/* Parses text (for tests). Same contract; name is used in messages. */
json_t *pw_yaml_parse(const char *text, size_t len, const char *name, char *err, size_t errlen);

/* Reads an integer scalar (a string of digits or a JSON integer). Returns
 * 0, or -1 when v is not one or is outside [min, max]. */
int pw_yaml_int(const json_t *v, long min, long max, long *out);

#endif
