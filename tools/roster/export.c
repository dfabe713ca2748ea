/* Reading an export: the whole file in memory, CSV records to rows. */
#include "export.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "pathways/codec.h"
#include "pathways/hash.h"

static int problem(export_t *x, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int problem(export_t *x, long line, const char *fmt, ...)
{
    if (x->n_problems == x->cap_problems) {
        size_t cap = x->cap_problems ? 2 * x->cap_problems : 64;
        export_problem_t *p = realloc(x->problems, cap * sizeof *p);
        if (!p)
            return -1;
        x->problems = p;
        x->cap_problems = cap;
    }
    export_problem_t *p = &x->problems[x->n_problems++];
    p->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->reason, sizeof p->reason, fmt, ap);
    va_end(ap);
    return 0;
}

/* The basis this tool has always used (the standard one less a digit):
 * kept so an unchanged roster keeps its export id across versions. */
#define CONTENT_ID_BASIS 1469598103934665603ull

/* FNV-1a 64 of the bytes: the export's id when none is given. */
static void content_id(const char *text, size_t len, char out[24])
{
    uint64_t h = pw_fnv1a64(CONTENT_ID_BASIS, text, len);
    snprintf(out, 24, "%016llx", (unsigned long long)h);
}

/* One data record. Returns 0 or -1 on out-of-memory. */
static int record(export_t *x, const row_map_t *map, char **fields, size_t n, long line,
                  zhash_t *first_line)
{
    char employee[ROW_ID_MAX + 1], err[200], lbuf[24];
    x->records++;
    if (n == 1 && !fields[0][0])
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!pw_utf8_valid(fields[i], strlen(fields[i]))) {
            x->id_unreadable = 1;
            return problem(x, line, "field %zu is not valid UTF-8", i + 1);
        }
    }
    char *row = row_from_csv(map, fields, n, employee, err, sizeof err);
    if (!row) {
        if (!employee[0])
            x->id_unreadable = 1;
        else
            zhash_update(x->withheld, employee, (void *)1);
        return problem(x, line, "%s", err);
    }
    const char *seen = zhash_lookup(first_line, employee);
    if (seen || zhash_lookup(x->withheld, employee)) {
        snprintf(lbuf, sizeof lbuf, "%ld", line);
        if (seen && problem(x, atol(seen),
                            "employee %s appears again on line %s; none of its"
                            " rows is used",
                            employee, lbuf) != 0)
            return free(row), -1;
        zhash_delete(first_line, employee);
        zhash_delete(x->rows, employee);
        zhash_update(x->withheld, employee, (void *)1);
        free(row);
        return problem(x, line, "employee %s appears on more than one row; none is used", employee);
    }
    snprintf(lbuf, sizeof lbuf, "%ld", line);
    zhash_insert(first_line, employee, lbuf);
    zhash_insert(x->rows, employee, row);
    free(row);
    return 0;
}

static int records(export_t *x, row_map_t *map, csv_t *csv, char *err, size_t errlen)
{
    char *fields[CSV_MAX_FIELDS], why[200];
    size_t n;
    long line;
    int rc;
    zhash_t *first_line = zhash_new();
    if (!first_line)
        return snprintf(err, errlen, "out of memory"), -1;
    zhash_autofree(first_line);
    while ((rc = csv_next(csv, fields, &n, &line, why, sizeof why)) != 0) {
        if (rc < 0) {
            x->id_unreadable = 1;
            rc = problem(x, line, "%s", why);
        } else {
            rc = record(x, map, fields, n, line, first_line);
        }
        if (rc != 0) {
            zhash_destroy(&first_line);
            return snprintf(err, errlen, "out of memory"), -1;
        }
    }
    zhash_destroy(&first_line);
    return 0;
}

int export_read(export_t *x, const char *path, row_map_t *map, char *err, size_t errlen)
{
    char *fields[CSV_MAX_FIELDS], why[200];
    size_t len = 0, n;
    long line;
    csv_t csv;
    memset(x, 0, sizeof *x);
    x->rows = zhash_new();
    x->withheld = zhash_new();
    if (!x->rows || !x->withheld)
        return snprintf(err, errlen, "out of memory"), -1;
    zhash_autofree(x->rows);
    char *text = csv_read_file(path, &len, err, errlen);
    if (!text)
        return -1;
    int rc = -1;
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s: holds a NUL byte; a roster export is text", path);
        goto done;
    }
    content_id(text, len, x->export_id);
    csv_init(&csv, text, len);
    if (csv_next(&csv, fields, &n, &line, why, sizeof why) != 1) {
        snprintf(err, errlen, "%s: no header line", path);
        goto done;
    }
    if (row_map_bind(map, fields, n, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s:%ld: %s", path, line, why);
        goto done;
    }
    rc = records(x, map, &csv, err, errlen);
done:
    free(text);
    return rc;
}

void export_release(export_t *x)
{
    zhash_destroy(&x->rows);
    zhash_destroy(&x->withheld);
    free(x->problems);
    x->problems = NULL;
}
