/* --json for listings read from the database: rows as JSON objects of
 * named columns, and one way to print a document. */
#ifndef PATHWAYS_CTL_JSON_OUT_H
#define PATHWAYS_CTL_JSON_OUT_H

#include <jansson.h>
#include <libpq-fe.h>

/* Row i of r as {column: text} for each name of cols (NULL-terminated).
 * Caller owns the result. */
json_t *ctl_json_row(const PGresult *r, int i, const char *const *cols);

/* Every row of r, as ctl_json_row. Caller owns the result. */
json_t *ctl_json_rows(const PGresult *r, const char *const *cols);

/* Removes every "--json" from argv (before a "--"), shortening *argc.
 * Returns 1 when there was one. For subcommands without getopt. */
int ctl_take_json(int *argc, char **argv);

/* Prints doc (indented, newline) on stdout and releases it. */
void ctl_json_print(json_t *doc);

#endif
