/* The statements behind disclosure.c: the people of each source on a
 * report date ($1), aggregated by every dimension and what a figure can
 * reveal, in the same columns: grp (p participants, c comparison, o
 * enrollments, s employees), program, employer, cohort, job_family, period
 * (the calendar year of the time origin), day and event (retention
 * follow-up), status (outcomes, summary), n and provider (the training
 * provider of the cohort, from stream "progress"; outcomes only, "-"
 * elsewhere: the provider slice is for the outcomes report).
 *
 * Retention mirrors retention_sql.h without filters. A comparison member
 * belongs to every cohort slice whose participants share its stratum, so
 * its cohort is the list of those cohorts; it belongs to the period slice
 * of its year only when participants of that year share its stratum, else
 * its period is "-". Each slice or filter a role can ask for is a union of
 * the rows' classes. */
#ifndef PATHWAYS_REPORTING_DISCLOSURE_SQL_H
#define PATHWAYS_REPORTING_DISCLOSURE_SQL_H

#include "retention_sql.h"

static const char SQL_DISCLOSURE_RETENTION[] = RETENTION_PART_HEAD_SQL
    "COALESCE(en.cohort_id, '(none)')" RETENTION_PART_TAIL_SQL ")," RETENTION_COMP_SQL
    "  AND (en.enrolled_on IS NULL OR en.enrolled_on > el.first_eligible_on)),"
    " subj AS ("
    " SELECT s.*, " RETENTION_BANDS_SQL " AS band, to_char(s.origin, 'YYYY') AS period"
    " FROM (SELECT 'p'::text AS grp, * FROM part UNION ALL SELECT 'c'::text, * FROM comp) s),"
    " strata AS (SELECT program, employer, job_family, band,"
    "  string_agg(DISTINCT cohort_id, ',') AS cohorts FROM subj WHERE grp = 'p'"
    "  GROUP BY 1, 2, 3, 4),"
    " strata_year AS (SELECT DISTINCT program, employer, job_family, band, period"
    "  FROM subj WHERE grp = 'p'),"
    " matched AS ("
    " SELECT grp, program, employer, cohort_id AS cohort, job_family, period, employee, origin,"
    "  crossover"
    " FROM subj WHERE grp = 'p'"
    " UNION ALL"
    " SELECT c.grp, c.program, c.employer, st.cohorts, c.job_family,"
    "  COALESCE(sy.period, '-'), c.employee, c.origin, c.crossover"
    " FROM subj c JOIN strata st ON st.program = c.program AND st.employer = c.employer"
    "  AND st.job_family = c.job_family AND st.band = c.band"
    " LEFT JOIN strata_year sy ON sy.program = c.program AND sy.employer = c.employer"
    "  AND sy.job_family = c.job_family AND sy.band = c.band AND sy.period = c.period"
    " WHERE c.grp = 'c')," RETENTION_FOLLOWUP_SQL
    " SELECT grp, program, employer, cohort, job_family, period,"
    "  (CASE WHEN event THEN sep_on ELSE censor_on END) - origin AS day, event::int AS event,"
    "  ''::text AS status, count(*) AS n, '-'::text AS provider"
    " FROM obs GROUP BY 1, 2, 3, 4, 5, 6, 7, 8";

/* An exit by termination is dated by the termination's effective date (the
 * enrollment service records the day it processed it); see outcomes.c. */
/* The training provider of an enrollment's cohort: the one its progress
 * events name (stream "progress"), else "(unknown)". */
#define DISCLOSURE_PROVIDER_SQL                                                                    \
    "COALESCE((SELECT min(p.provider) FROM reporting.progress p"                                   \
    " WHERE p.cohort_id = en.cohort_id), '(unknown)')"

#define DISCLOSURE_EXIT_ON_SQL                                                                     \
    "CASE WHEN en.state = 'exited' AND en.exit_reason = 'terminated' AND e.terminated_on IS NOT"   \
    " NULL THEN GREATEST(en.enrolled_on, LEAST(en.exited_on, e.terminated_on))"                    \
    " ELSE en.exited_on END"

static const char SQL_DISCLOSURE_OUTCOMES[] =
    "SELECT 'o'::text AS grp, en.program, en.employer, COALESCE(en.cohort_id, '(none)') AS cohort,"
    " " ELIGIBILITY_JOB_FAMILY_SQL " AS job_family,"
    " to_char(en.enrolled_on, 'YYYY') AS period, 0 AS day, 0 AS event,"
    " concat_ws('/', COALESCE(en.completed_on <= $1::date, false),"
    "  COALESCE(en.certified_on <= $1::date, false),"
    "  COALESCE(en.placed_on <= $1::date, false),"
    "  CASE WHEN en.state = 'withdrawn' AND en.withdrawn_on <= $1::date"
    "   THEN 'withdrawn:' || COALESCE(en.exit_reason, 'unspecified')"
    "   WHEN en.state = 'exited' AND (" DISCLOSURE_EXIT_ON_SQL ") <= $1::date"
    "   THEN 'exited:' || COALESCE(en.exit_reason, 'unspecified') END,"
    "  EXISTS (SELECT 1 FROM reporting.progress p WHERE p.employer = en.employer"
    "   AND p.employee = en.employee AND p.program = en.program AND p.at_risk <> ''"
    "   AND p.event_date <= $1::date)) AS status,"
    " count(*) AS n, " DISCLOSURE_PROVIDER_SQL " AS provider"
    " FROM reporting.enrollment en" ELIGIBILITY_OF_EN_SQL
    " WHERE en.enrolled_on IS NOT NULL AND en.enrolled_on <= $1::date"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 11";

/* An employee counts once: by their outcome over every program
 * (eligibility_sql.h). */
static const char SQL_DISCLOSURE_SUMMARY[] =
    "SELECT 's'::text AS grp, '' AS program, employer, '' AS cohort, '' AS job_family,"
    " '' AS period, 0 AS day, 0 AS event,"
    " COALESCE(outcome, 'none') || '/' || (status IS NOT DISTINCT FROM 'terminated') AS status,"
    " count(*) AS n, '-'::text AS provider"
    " FROM (SELECT e.employer, e.status, " ELIGIBILITY_ANY_OUTCOME_SQL " AS outcome"
    "  FROM reporting.employee e WHERE seen_employee AND $1::date IS NOT NULL) s"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9";

#endif
