/* Voluntary self-identification as the reporting service reads it: only
 * here, only from selfid.answer (migration eligibility/005_self_id.sql,
 * the one table of it; reporting's database role may only read it), and
 * only into the aggregates of the equity report and its disclosure plan.
 * The answer on file for a field on the report date ($1) is that of the
 * newest answer effective by then (effective date, then arrival) that
 * answered the field; none: "not_asked". Appended to FUNNEL_PEOPLE_SQL,
 * it gives "eq": the funnel's people (fp) with their answers. */
#ifndef PATHWAYS_REPORTING_SELFID_SQL_H
#define PATHWAYS_REPORTING_SELFID_SQL_H

#define SELFID_LATEST(f)                                                                           \
    " (array_agg(" f " ORDER BY effective_date DESC, received_at DESC, event_id DESC)"             \
    "  FILTER (WHERE " f " <> ''))[1] AS " f

#define SELFID_ASKED(f) " COALESCE(s." f ", 'not_asked') AS " f

#define SELFID_PEOPLE_SQL                                                                                                                                                                       \
    " sid AS (SELECT employer, employee," SELFID_LATEST("race_ethnicity") "," SELFID_LATEST(                                                                                                    \
        "gend"                                                                                                                                                                                  \
        "er") "," SELFID_LATEST("age_band") "," SELFID_LATEST("preferred_language") "," SELFID_LATEST("veteran_status") "," SELFID_LATEST("disability_status") " FROM selfid.answer WHERE "     \
                                                                                                                                                               "effective_date <= $1::date"     \
                                                                                                                                                               " GROUP BY employer, employee)," \
                                                                                                                                                               " eq AS (SELECT "                \
                                                                                                                                                               "fp.*," SELFID_ASKED("race_"     \
                                                                                                                                                                                    "ethnicity") "," SELFID_ASKED("gender") "," SELFID_ASKED("age_band") "," SELFID_ASKED("preferred_language") "," SELFID_ASKED("veteran_status") "," SELFID_ASKED("disability_status") " FROM fp LEFT JOIN sid s ON s.employer = fp.employer AND s.employee = fp.employee)"

/* The answers as the disclosure plan's dimension columns (disclosure.c's
 * DIM_COLUMNS), in proto order. */
#define SELFID_COLUMNS_SQL                                                                         \
    " race_ethnicity AS sid_race_ethnicity, gender AS sid_gender, age_band AS sid_age_band,"       \
    " preferred_language AS sid_preferred_language, veteran_status AS sid_veteran_status,"         \
    " disability_status AS sid_disability_status"

#endif
