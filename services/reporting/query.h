/* Report queries over the reporting projections. Results are plain structs,
 * independent of the wire format, so the command endpoint, exports and the
 * dashboard can share them. Each figure group is one prepared statement. */
#ifndef PATHWAYS_REPORTING_QUERY_H
#define PATHWAYS_REPORTING_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/db.h"

/* One employer's foundation figures (see SummaryRow in admin.proto). */
typedef struct {
    char *employer;
    uint64_t employees; /* distinct employees seen on the employee stream */
    uint64_t eligible;  /* current outcome counts, among those employees */
    uint64_t not_eligible;
    uint64_t needs_review;
    uint64_t terminated;    /* current status terminated */
    uint64_t invited;       /* enrollments ever invited */
    uint64_t enrolled;      /* enrolled, in_training, completed, certified, placed */
    uint64_t exited;        /* enrollments in state exited */
    uint64_t notifications; /* distinct notification ids */
} reporting_summary_row_t;

typedef struct {
    reporting_summary_row_t *rows; /* ordered by employer (bytewise) */
    size_t count;
} reporting_summary_t;

/* Reads the summary for one employer, or every employer when employer is
 * NULL or "". Employers without employees are absent. The figure groups are
 * read in one REPEATABLE READ snapshot (unless the caller already holds a
 * transaction, whose snapshot is then used). Returns NULL on a database
 * error (see pw_db_error) or out of memory. Caller owns the result. */
reporting_summary_t *reporting_summary_query(pw_db_t *db, const char *employer);
/* Frees a summary; accepts NULL, nulls *p. */
void reporting_summary_destroy(reporting_summary_t **p);

#endif
