/* The statements behind funnel.c and its disclosure plan: one row per
 * (employee, program) with what the funnel counts of them on the report
 * date ($1). The people are those first eligible for the program by then
 * (reporting.eligibility: one row per program) and every enrollment that
 * reached a stage by then; either may be missing. Stages are cumulative where a history may
 * skip one (an imported enrollment can start at "applied"); completed,
 * certified and placed are the milestones' own dates, as in outcomes.c.
 * Exits by termination are dated by the termination (DISCLOSURE_EXIT_ON_SQL).
 * The waitlist is read from the current state (the projection keeps no
 * waitlist date): waitlisted since the report date or earlier. */
#ifndef PATHWAYS_REPORTING_FUNNEL_SQL_H
#define PATHWAYS_REPORTING_FUNNEL_SQL_H

#include "disclosure_sql.h"
#include "selfid_sql.h"

#define FUNNEL_PEOPLE_SQL                                                                          \
    "WITH el AS (SELECT employer, employee, program FROM reporting.eligibility"                    \
    "  WHERE first_eligible_on <= $1::date AND program <> ''),"                                    \
    " en AS (SELECT en.*, " DISCLOSURE_EXIT_ON_SQL " AS exit_on"                                   \
    "  FROM reporting.enrollment en LEFT JOIN reporting.employee e"                                \
    "   ON e.employer = en.employer AND e.employee = en.employee),"                                \
    " st AS (SELECT COALESCE(en.employer, el.employer) AS employer,"                               \
    "  COALESCE(en.employee, el.employee) AS employee,"                                            \
    "  COALESCE(en.program, el.program) AS program,"                                               \
    "  COALESCE(en.cohort_id, '(none)') AS cohort, el.employee IS NOT NULL AS eligible,"           \
    "  COALESCE(LEAST(en.invited_on, en.applied_on, en.enrolled_on, en.training_on)"               \
    "   <= $1::date, false) AS invited,"                                                           \
    "  COALESCE(LEAST(en.applied_on, en.enrolled_on, en.training_on) <= $1::date, false)"          \
    "   AS applied,"                                                                               \
    "  COALESCE(en.enrolled_on <= $1::date, false) AS enrolled,"                                   \
    "  COALESCE(LEAST(en.training_on, en.completed_on) <= $1::date, false) AS in_training,"        \
    "  COALESCE(en.completed_on <= $1::date, false) AS completed,"                                 \
    "  COALESCE(en.certified_on <= $1::date, false) AS certified,"                                 \
    "  COALESCE(en.placed_on <= $1::date, false) AS placed,"                                       \
    "  COALESCE(en.state = 'waitlisted' AND en.state_since <= $1::date, false) AS waitlisted,"     \
    "  CASE WHEN en.state = 'withdrawn' AND en.withdrawn_on <= $1::date THEN 'withdrawn'"          \
    "   WHEN en.state = 'exited' AND en.exit_on <= $1::date THEN 'exited' END AS left_as"          \
    "  FROM el FULL JOIN en ON en.employer = el.employer AND en.employee = el.employee"            \
    "   AND en.program = el.program),"                                                             \
    " fp AS (SELECT st.employer, st.employee, st.program, st.cohort,"                              \
    "  " ELIGIBILITY_JOB_FAMILY_SQL " AS job_family,"                                              \
    "  st.eligible, st.invited, st.applied, st.enrolled, st.in_training, st.completed,"            \
    "  st.certified, st.placed, st.left_as,"                                                       \
    "  st.invited AND NOT st.applied AND left_as IS NULL AS open_invitation,"                      \
    "  st.waitlisted AND left_as IS NULL AS waitlisted,"                                           \
    "  st.enrolled AND left_as IS NULL AS seat"                                                    \
    "  FROM st" ELIGIBILITY_OF_ST_SQL "  WHERE st.eligible OR st.invited OR st.waitlisted)"

/* The funnel per slice ($6: program, employer, cohort, job_family or all)
 * with a total row, filtered by program, employer, cohort, job family
 * ($2..$5, NULL: any). */
static const char SQL_FUNNEL[] =
    FUNNEL_PEOPLE_SQL " SELECT GROUPING(slice) AS is_total, slice,"
                      " count(*) FILTER (WHERE eligible) AS eligible,"
                      " count(*) FILTER (WHERE invited) AS invited,"
                      " count(*) FILTER (WHERE applied) AS applied,"
                      " count(*) FILTER (WHERE enrolled) AS enrolled,"
                      " count(*) FILTER (WHERE in_training) AS in_training,"
                      " count(*) FILTER (WHERE completed) AS completed,"
                      " count(*) FILTER (WHERE certified) AS certified,"
                      " count(*) FILTER (WHERE placed) AS placed,"
                      " count(*) FILTER (WHERE open_invitation) AS open_invitations,"
                      " count(*) FILTER (WHERE waitlisted) AS waitlisted,"
                      " count(*) FILTER (WHERE seat) AS seats_taken"
                      " FROM (SELECT fp.*, CASE $6::text WHEN 'program' THEN program"
                      "  WHEN 'employer' THEN employer WHEN 'cohort' THEN cohort"
                      "  WHEN 'job_family' THEN job_family ELSE 'all' END AS slice"
                      "  FROM fp WHERE ($2::text IS NULL OR program = $2::text)"
                      "  AND ($3::text IS NULL OR employer = $3::text)"
                      "  AND ($4::text IS NULL OR cohort = $4::text)"
                      "  AND ($5::text IS NULL OR job_family = $5::text)) s"
                      " GROUP BY GROUPING SETS ((slice), ())"
                      " ORDER BY GROUPING(slice), slice COLLATE \"C\"";

/* The funnel's people by class for disclosure.c: what a funnel figure
 * reveals of a person is the whole row (every stage, the state on the
 * report date, whether they left), so that is the status. The funnel has
 * no period dimension. The equity report's people are the same, split
 * further by their self-identification answers (selfid_sql.h): one cover
 * table for the funnel and the equity report. */
static const char SQL_DISCLOSURE_FUNNEL[] = FUNNEL_PEOPLE_SQL
    "," SELFID_PEOPLE_SQL " SELECT 'f'::text AS grp, program, employer, cohort, job_family,"
    " '-'::text AS period, 0 AS day, 0 AS event,"
    " concat_ws('/', eligible, invited, applied, enrolled, in_training,"
    "  completed, certified, placed, open_invitation, waitlisted, seat, left_as)"
    "  AS status," SELFID_COLUMNS_SQL ", count(*) AS n, '-'::text AS provider"
    " FROM eq GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15";

#endif
