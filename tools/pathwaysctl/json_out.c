/* See json_out.h. */
#include "json_out.h"

#include <stdio.h>
#include <string.h>

#include "pathways/db.h"

json_t *ctl_json_row(const PGresult *r, int i, const char *const *cols)
{
    json_t *o = json_object();
    for (size_t k = 0; o && cols[k]; k++)
        json_object_set_new(o, cols[k], json_string(pw_db_get(r, i, cols[k])));
    return o;
}

json_t *ctl_json_rows(const PGresult *r, const char *const *cols)
{
    json_t *a = json_array();
    for (int i = 0; a && i < PQntuples(r); i++)
        json_array_append_new(a, ctl_json_row(r, i, cols));
    return a;
}

int ctl_take_json(int *argc, char **argv)
{
    int json = 0, n = 0, i = 0;
    for (; i < *argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else
            argv[n++] = argv[i];
    }
    while (i < *argc)
        argv[n++] = argv[i++];
    *argc = n;
    return json;
}

void ctl_json_print(json_t *doc)
{
    json_dumpf(doc, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(doc);
}
