/* The reporting projection tables (schema "reporting") as fold.c tables:
 * the column order of their rows and the tables the stream handlers write.
 * Facts go to reporting.employee (one row per employee), determinations to
 * reporting.eligibility (one row per employee and program), so neither
 * stream ever writes the other's rows. */
#ifndef PATHWAYS_REPORTING_TABLES_H
#define PATHWAYS_REPORTING_TABLES_H

#include "fold.h"

#define REPORTING_TRUE  "true"
#define REPORTING_FALSE "false"

/* reporting.employee, the employee stream's columns. */
enum {
    EF_EMPLOYER,
    EF_EMPLOYEE,
    EF_SEEN,
    EF_JOB_FAMILY,
    EF_EMPLOYMENT_TYPE,
    EF_STATUS,
    EF_HIRE_DATE,
    EF_PERIOD_START,
    EF_TERMINATED_ON,
    EF_TERMINATION_REASON,
    EF_EFFECTIVE,
    EF_NCOLS
};

/* reporting.employee_status: the dated status history, insert-only. */
enum {
    ES_EMPLOYER,
    ES_EVENT_ID,
    ES_EMPLOYEE,
    ES_EFFECTIVE,
    ES_STATUS,
    ES_TYPE,
    ES_REASON,
    ES_SEQ,
    ES_NCOLS
};

/* reporting.eligibility: per (employee, program), from the eligibility
 * stream. */
enum {
    ED_EMPLOYER,
    ED_EMPLOYEE,
    ED_PROGRAM, /* '' when the determination names none */
    ED_OUTCOME,
    ED_AS_OF,
    ED_ELIGIBLE_FROM,
    ED_FIRST_ELIGIBLE_ON,
    ED_TENURE,
    ED_JOB_FAMILY,
    ED_SEQ,
    ED_NCOLS
};

/* reporting.enrollment. */
enum {
    EN_EMPLOYER,
    EN_EMPLOYEE,
    EN_PROGRAM,
    EN_STATE,
    EN_STATE_SINCE,
    EN_COHORT,
    EN_EVER_INVITED,
    EN_INVITED_ON, /* first of the milestones: the earliest date is kept */
    EN_APPLIED_ON,
    EN_ENROLLED_ON,
    EN_TRAINING_ON,
    EN_COMPLETED_ON,
    EN_CERTIFIED_ON,
    EN_PLACED_ON,    /* last of them */
    EN_WITHDRAWN_ON, /* exits: the latest date is kept */
    EN_EXITED_ON,
    EN_EXIT_REASON,
    EN_CREDENTIAL,
    EN_NEW_ROLE,
    EN_LAST_SEQ,
    EN_NCOLS
};

/* reporting.notification. */
enum {
    NO_ID,
    NO_EMPLOYER,
    NO_EMPLOYEE,
    NO_TRIGGER,
    NO_CHANNEL,
    NO_STATE,
    NO_ATTEMPTS,
    NO_LAST_SEQ,
    NO_NCOLS
};

/* reporting.progress (insert-only). */
enum {
    PR_PROVIDER,
    PR_EVENT_ID,
    PR_COHORT,
    PR_EMPLOYER,
    PR_EMPLOYEE,
    PR_PROGRAM,
    PR_KIND,
    PR_STATUS,
    PR_DATE,
    PR_AT_RISK,
    PR_LAST_SEQ,
    PR_NCOLS
};

extern const fold_table_t REPORTING_FACTS;
extern const fold_table_t REPORTING_HISTORY;
extern const fold_table_t REPORTING_DETERMINATIONS;
extern const fold_table_t REPORTING_ENROLLMENTS;
extern const fold_table_t REPORTING_NOTIFICATIONS;
extern const fold_table_t REPORTING_PROGRESS;

#endif
