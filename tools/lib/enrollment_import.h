/* One row of an enrollment history file (`pathwaysctl import enrollments`)
 * and the CommandSequence that records it: the file's header names the
 * columns (any order; see IMP_COLUMNS in enrollment_import.c and the
 * README), each later record is checked on its own -- dates real and not
 * after today, milestones a prefix of applied, admitted, started,
 * completed, certified, placed in date order, what each needs present --
 * and becomes apply -> enroll -> progress... -> withdraw steps with their
 * dates. The enrollment service checks everything again (and what only it
 * knows: eligibility, cohorts, the lifecycle) and stores a row whole or not
 * at all. */
#ifndef PATHWAYS_TOOLS_ENROLLMENT_IMPORT_H
#define PATHWAYS_TOOLS_ENROLLMENT_IMPORT_H

#include <stddef.h>

#include "pathways/date.h"
#include "pathways/v1/enrollment_command.pb-c.h"

/* The milestones in lifecycle order. */
enum {
    IMP_APPLIED,
    IMP_ADMITTED,
    IMP_STARTED,
    IMP_COMPLETED,
    IMP_CERTIFIED,
    IMP_PLACED,
    IMP_N_MILESTONES
};

/* started, completed, certified, placed: ProgressCommand steps. */
#define IMP_N_PROGRESS (IMP_N_MILESTONES - IMP_STARTED)

#define IMP_KEY_LEN 48 /* "import:" + 32 hex digits + NUL, and room */

/* Where each column is in a record (-1: absent). */
typedef struct {
    int employer, employee, program, cohort;
    int milestone[IMP_N_MILESTONES];
    int withdrawn, exited, reason_code, reason, credential, new_role, exception;
} imp_header_t;

/* A checked row; strings borrowed from the record's fields ("" when the
 * column is absent or empty). */
typedef struct {
    const char *employer, *employee, *program, *cohort;
    const char *milestone[IMP_N_MILESTONES];
    const char *left; /* withdrawn or exited date, or "" */
    int exit;         /* left by exiting (the program's decision) */
    const char *reason_code, *reason, *credential, *new_role, *exception;
} imp_row_t;

/* Reads the header record. Returns 0, or -1 with err for an unknown or
 * repeated column or a required one missing (employer, employee,
 * applied). */
int imp_header(imp_header_t *h, char *const *fields, size_t n, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Checks a record against the header and today (YYYY-MM-DD). Returns 0
 * with *row filled, or -1 with the reason in err. */
int imp_row(const imp_header_t *h, char *const *fields, size_t n, const char *today, imp_row_t *row,
            char *err, size_t errlen) __attribute__((warn_unused_result));

/* The idempotency key of a row: "import:" and a 128-bit hash of every
 * field, so the same row imported again is the same request and a changed
 * row is a new one. */
void imp_key(const imp_row_t *row, char out[IMP_KEY_LEN]);

/* The storage one row's command lives in (no heap): build fills it and
 * returns the EnrollmentCommand at its root, key and actor unset. */
typedef struct {
    Pathways__V1__EnrollmentCommand root;
    Pathways__V1__CommandSequence seq;
    Pathways__V1__EnrollmentCommand steps[IMP_N_MILESTONES + 1];
    Pathways__V1__EnrollmentCommand *step_ptrs[IMP_N_MILESTONES + 1];
    Pathways__V1__EnrollmentRef ref;
    Pathways__V1__ApplyCommand apply;
    Pathways__V1__EnrollCommand enroll;
    Pathways__V1__ProgressCommand progress[IMP_N_PROGRESS];
    Pathways__V1__WithdrawCommand withdraw;
} imp_command_t;

/* Fills c with the CommandSequence (historical) recording row; returns
 * &c->root, which borrows from row and c. */
Pathways__V1__EnrollmentCommand *imp_build(const imp_row_t *row, imp_command_t *c);

/* The column names, comma-separated, for usage and error messages. */
const char *imp_columns(void);

#endif
