/* The retention subjects statement, shared by the retention and cost
 * reports. Parameters: report_params_sql() order ($1 as_of .. $8 slice).
 *
 * Participants: enrollments with an enrolled_on date (time origin), of the
 * filtered program/employer/cohort. Comparison: employees who were ever
 * eligible for the program (origin: first eligibility for it, from
 * reporting.eligibility: another program's determinations never count) and
 * had not enrolled in that program by then; a later enrollment ends their
 * observation (censored at the enrollment date: they stop being
 * non-participants). Matching: a comparison member counts only in strata
 * (program, employer, job family at eligibility, tenure band at the origin)
 * where the slice has participants (exact stratum matching, unweighted).
 * Separation: the first termination on or after the origin (terminations
 * are aggregated per person once and hash-joined: cheaper than one index
 * probe per subject); everyone else is censored at the report date. Result:
 * one row per (slice, group, day) with events and censored counts, ordered
 * by slice (bytewise), group ("c" comparison, "p" participants) and day. */
#ifndef PATHWAYS_REPORTING_RETENTION_SQL_H
#define PATHWAYS_REPORTING_RETENTION_SQL_H

#include "eligibility_sql.h"

/* Tenure bands at the time origin (days since the original hire date). */
#define RETENTION_BANDS_SQL                                                                        \
    "CASE WHEN hire_date IS NULL THEN 'unknown' WHEN origin - hire_date < 365 THEN 'lt1y'"         \
    " WHEN origin - hire_date < 730 THEN '1to2y' WHEN origin - hire_date < 1826 THEN '2to5y'"      \
    " ELSE '5yplus' END"

/* The follow-up of the subjects in a CTE "matched" (origin, crossover):
 * CTE "obs" with each one's event flag, sep_on and censor_on. $1: the
 * report date. Shared with disclosure_sql.h. */
#define RETENTION_FOLLOWUP_SQL                                                                     \
    " term AS (SELECT employer, employee, array_agg(effective_on) AS days"                         \
    "  FROM reporting.employee_status WHERE status = 'terminated' GROUP BY employer, employee),"   \
    " sep AS MATERIALIZED ("                                                                       \
    " SELECT m.*, (SELECT min(d) FROM unnest(t.days) d WHERE d >= m.origin) AS sep_on"             \
    " FROM matched m LEFT JOIN term t ON t.employer = m.employer AND t.employee = m.employee),"    \
    " obs AS ("                                                                                    \
    " SELECT *, (sep_on IS NOT NULL AND sep_on <= $1::date"                                        \
    "   AND (crossover IS NULL OR sep_on < crossover)) AS event,"                                  \
    "  LEAST($1::date, crossover) AS censor_on FROM sep)"

/* The comparison candidates' CTE "comp" up to its WHERE (ever eligible by
 * the report date $1); the caller adds its filters and the crossover rule.
 * Shared with disclosure_sql.h. */
#define RETENTION_COMP_SQL                                                                         \
    " comp AS ("                                                                                   \
    " SELECT el.employer, el.employee, el.program,"                                                \
    "  NULL::text AS cohort_id, el.first_eligible_on AS origin,"                                   \
    "  COALESCE(el.job_family_at_eligibility, e.job_family, 'unknown') AS job_family,"             \
    "  e.hire_date, en.enrolled_on AS crossover"                                                   \
    " FROM reporting.eligibility el LEFT JOIN reporting.employee e"                                \
    "  ON e.employer = el.employer AND e.employee = el.employee"                                   \
    " LEFT JOIN reporting.enrollment en"                                                           \
    "  ON en.employer = el.employer AND en.employee = el.employee AND en.program = el.program"     \
    " WHERE el.first_eligible_on IS NOT NULL AND el.first_eligible_on <= $1::date"

/* The participants' CTE "part": enrollments with a date of enrollment by
 * the report date $1, with the job family at eligibility for their
 * program. A person known to neither stream (no employee facts, no
 * determination) is left out. HEAD, the cohort_id column's expression,
 * then TAIL up to its WHERE, which the caller ends. Shared with
 * disclosure_sql.h. */
#define RETENTION_PART_HEAD_SQL "WITH part AS (SELECT en.employer, en.employee, en.program, "
#define RETENTION_PART_TAIL_SQL                                                                    \
    " AS cohort_id, en.enrolled_on AS origin, " ELIGIBILITY_JOB_FAMILY_SQL " AS job_family,"       \
    "  e.hire_date, NULL::date AS crossover"                                                       \
    " FROM reporting.enrollment en" ELIGIBILITY_OF_EN_SQL                                          \
    " WHERE en.enrolled_on IS NOT NULL AND en.enrolled_on <= $1::date"                             \
    "  AND (e.employee IS NOT NULL OR el.employee IS NOT NULL)"

static const char SQL_RETENTION_SUBJECTS[] = RETENTION_PART_HEAD_SQL
    "en.cohort_id" RETENTION_PART_TAIL_SQL "  AND ($2::text IS NULL OR en.program = $2::text)"
    "  AND ($3::text IS NULL OR en.employer = $3::text)"
    "  AND ($4::text IS NULL OR en.cohort_id = $4::text))," RETENTION_COMP_SQL
    "  AND ($2::text IS NULL OR el.program = $2::text)"
    "  AND ($3::text IS NULL OR el.employer = $3::text)"
    "  AND (en.enrolled_on IS NULL OR en.enrolled_on > el.first_eligible_on)),"
    " subj AS ("
    " SELECT s.*, " RETENTION_BANDS_SQL " AS band,"
    "  CASE $8::text WHEN 'program' THEN s.program WHEN 'employer' THEN s.employer"
    "   WHEN 'cohort' THEN s.cohort_id WHEN 'job_family' THEN s.job_family"
    "   WHEN 'period' THEN to_char(s.origin, 'YYYY')"
    "   WHEN 'program_employer_role' THEN s.program || '|' || s.employer || '|' || s.job_family"
    "   ELSE 'all' END AS slice"
    " FROM (SELECT 'p'::text AS grp, * FROM part UNION ALL SELECT 'c'::text, * FROM comp) s"
    " WHERE ($5::text IS NULL OR s.job_family = $5::text)"
    "  AND ($6::date IS NULL OR s.origin >= $6::date)"
    "  AND ($7::date IS NULL OR s.origin <= $7::date)),"
    " strata AS (SELECT DISTINCT slice, program, employer, job_family, band"
    "  FROM subj WHERE grp = 'p'),"
    " matched AS ("
    " SELECT grp, slice, employer, employee, origin, crossover FROM subj WHERE grp = 'p'"
    " UNION ALL"
    " SELECT c.grp, st.slice, c.employer, c.employee, c.origin, c.crossover"
    " FROM subj c JOIN strata st ON st.program = c.program AND st.employer = c.employer"
    "  AND st.job_family = c.job_family AND st.band = c.band"
    "  AND ($8::text = 'cohort' OR st.slice = c.slice)"
    " WHERE c.grp = 'c')," RETENTION_FOLLOWUP_SQL " SELECT slice, grp,"
    "  (CASE WHEN event THEN sep_on ELSE censor_on END) - origin AS day,"
    "  count(*) FILTER (WHERE event) AS events,"
    "  count(*) FILTER (WHERE NOT event) AS censored"
    " FROM obs GROUP BY 1, 2, 3 ORDER BY slice COLLATE \"C\", grp, day";

#endif
