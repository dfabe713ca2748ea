/* How the reports read eligibility: per program, from reporting.eligibility
 * (migration 005), one row per (employee, program). A report about program
 * P uses the determinations of P alone, whatever another program decided
 * later about the same person. */
#ifndef PATHWAYS_REPORTING_ELIGIBILITY_SQL_H
#define PATHWAYS_REPORTING_ELIGIBILITY_SQL_H

/* Joins a row alias a (with employer, employee and program columns) to the
 * person's current facts "e" and their eligibility for a's program "el";
 * either may be missing. */
#define ELIGIBILITY_JOIN_SQL(a)                                                                    \
    " LEFT JOIN reporting.employee e ON e.employer = " a ".employer"                               \
    "  AND e.employee = " a ".employee"                                                            \
    " LEFT JOIN reporting.eligibility el ON el.employer = " a ".employer"                          \
    "  AND el.employee = " a ".employee AND el.program = " a ".program"

/* The join for the row aliases the reports use: en (an enrollment), st
 * (the funnel's people). */
#define ELIGIBILITY_OF_EN_SQL ELIGIBILITY_JOIN_SQL("en")
#define ELIGIBILITY_OF_ST_SQL ELIGIBILITY_JOIN_SQL("st")

/* The job family a person counts under for a program: at their first
 * eligibility for it, else their current one. */
#define ELIGIBILITY_FAMILY_SQL     "COALESCE(el.job_family_at_eligibility, e.job_family)"
#define ELIGIBILITY_JOB_FAMILY_SQL "COALESCE(" ELIGIBILITY_FAMILY_SQL ", 'unknown')"

/* An employee's outcome over every program, for the per-employer summary
 * (an employee counts once there): eligible for any program, else needs
 * review for any, else not eligible; NULL when never determined. Of the
 * reporting.employee row aliased e. */
#define ELIGIBILITY_ANY_OUTCOME_SQL                                                                \
    "(SELECT CASE WHEN bool_or(x.outcome = 'eligible') THEN 'eligible'"                            \
    "  WHEN bool_or(x.outcome = 'needs_review') THEN 'needs_review' ELSE min(x.outcome) END"       \
    " FROM reporting.eligibility x WHERE x.employer = e.employer AND x.employee = e.employee)"

#endif
