/* Reading one roster export: every CSV record converted to a canonical row
 * (row.h), or reported as unreadable with its line and reason. An employee
 * id that appears on more than one row is reported on each and none of its
 * rows is used: the employee is left exactly as it was ("withheld"), never
 * half-applied. */
#ifndef ROSTER_EXPORT_H
#define ROSTER_EXPORT_H

#include <czmq.h>
#include <stddef.h>

#include "row.h"

typedef struct {
    long line;
    char reason[240];
} export_problem_t;

typedef struct {
    zhash_t *rows;     /* employee -> canonical row */
    zhash_t *withheld; /* employees with an unreadable or repeated row */
    int id_unreadable; /* some unreadable row had no readable employee id */
    size_t records;    /* data records read */
    export_problem_t *problems;
    size_t n_problems, cap_problems;
    char export_id[24]; /* hash of the file's bytes */
} export_t;

/* Reads path with map (bound to its header here). Returns 0, or -1 with
 * the reason in err (unreadable file, missing column, out of memory).
 * Unreadable rows are not an error: they are listed. */
int export_read(export_t *x, const char *path, row_map_t *map, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void export_release(export_t *x);

#endif
