/* The reporting projection tables for fold.c: their columns, the rule that
 * folds an event's row onto the current row, and the statements that read
 * and write them. The rules are those the per-event upserts had: each
 * guarded by the event's effective date or stream seq, so an event applied
 * twice, or an older one after a newer one, never moves a row backwards. */
#include "tables.h"

#include <stdlib.h>
#include <string.h>

/* The batch's keys (ARRAYS unnested as k(COLUMNS)), sorted so rows are
 * locked in key order. Each read probes its table with a LATERAL
 * sub-select per key: a plain join of the unnested keys was planned as a
 * scan of the whole table once it grew past its statistics (2.1 ms a batch
 * for reporting.notification, the pipeline's most expensive statement in
 * the benchmark); a LATERAL probe is always a primary-key lookup. */
#define PROBE_KEYS(arrays, columns)                                                                \
    " (SELECT * FROM unnest(" arrays ") AS k(" columns ") ORDER BY " columns ") k"

/* ---- value rules (NULL-aware, as in SQL) ---- */

static long long num(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

/* Dates are YYYY-MM-DD with four-digit years, so bytes order them. */
static const char *least_date(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(b, a) < 0 ? b : a;
}

static const char *greatest_date(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(b, a) > 0 ? b : a;
}

static const char *greatest_num(const char *a, const char *b)
{
    return !a ? b : !b ? a : num(b) > num(a) ? b : a;
}

static const char *coalesce(const char *a, const char *b)
{
    return a ? a : b;
}

/* ---- employee facts: reporting.employee, the employee stream's columns ---- */

static const char *const EF_COLS[EF_NCOLS] = {
    "employer",           "employee",          "seen_employee",
    "job_family",         "employment_type",   "status",
    "hire_date",          "period_start",      "terminated_on",
    "termination_reason", "facts_effective_on"};

/* Current facts follow the newest effective date: an event dated before the
 * row's facts changes nothing (its status still enters the history).
 * Fields an event leaves out keep their stored value; the termination
 * fields follow every event that states a status. A missing row behaves as
 * a row of NULLs, so the first event's row is the row. */
static void merge_facts(fold_row_t *s, const fold_row_t *e)
{
    const char *const *ev = e->v;
    const char **sv = s->v;
    if (sv[EF_EFFECTIVE] && ev[EF_EFFECTIVE] && strcmp(ev[EF_EFFECTIVE], sv[EF_EFFECTIVE]) < 0)
        return;
    sv[EF_SEEN] = REPORTING_TRUE;
    for (int c = EF_JOB_FAMILY; c <= EF_PERIOD_START; c++)
        sv[c] = coalesce(ev[c], sv[c]);
    if (ev[EF_STATUS]) {
        sv[EF_TERMINATED_ON] = ev[EF_TERMINATED_ON];
        sv[EF_TERMINATION_REASON] = ev[EF_TERMINATION_REASON];
    }
    sv[EF_EFFECTIVE] = greatest_date(sv[EF_EFFECTIVE], ev[EF_EFFECTIVE]);
}

const fold_table_t REPORTING_FACTS = {
    .name = "employee facts",
    .nkey = 2,
    .ncols = EF_NCOLS,
    .cols = EF_COLS,
    .read_name = "reporting_facts_read",
    .read_sql =
        "SELECT e.employer, e.employee, e.seen_employee::text AS seen_employee, e.job_family,"
        " e.employment_type, e.status, to_char(e.hire_date, 'YYYY-MM-DD') AS hire_date,"
        " to_char(e.period_start, 'YYYY-MM-DD') AS period_start,"
        " to_char(e.terminated_on, 'YYYY-MM-DD') AS terminated_on, e.termination_reason,"
        " to_char(e.facts_effective_on, 'YYYY-MM-DD') AS facts_effective_on"
        " FROM" PROBE_KEYS(
            "$1::text[], $2::text[]",
            "employer, employee") " CROSS JOIN LATERAL (SELECT * FROM reporting.employee e WHERE "
                                  "e.employer = k.employer"
                                  " AND e.employee = k.employee FOR UPDATE) e ORDER BY e.employer, "
                                  "e.employee",
    .write_name = "reporting_facts_write",
    .write_sql =
        "INSERT INTO reporting.employee AS e (employer, employee, seen_employee, job_family,"
        " employment_type, status, hire_date, period_start, terminated_on, termination_reason,"
        " facts_effective_on, updated_at)"
        " SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[],"
        " $5::text[], $6::text[], $7::date[], $8::date[], $9::date[], $10::text[],"
        " $11::date[]) AS u"
        " ON CONFLICT (employer, employee) DO UPDATE SET (seen_employee, job_family,"
        " employment_type, status, hire_date, period_start, terminated_on, termination_reason,"
        " facts_effective_on, updated_at) = (EXCLUDED.seen_employee, EXCLUDED.job_family,"
        " EXCLUDED.employment_type, EXCLUDED.status, EXCLUDED.hire_date, EXCLUDED.period_start,"
        " EXCLUDED.terminated_on, EXCLUDED.termination_reason, EXCLUDED.facts_effective_on, now())"
        " WHERE (e.seen_employee, e.job_family, e.employment_type, e.status, e.hire_date,"
        " e.period_start, e.terminated_on, e.termination_reason, e.facts_effective_on)"
        " IS DISTINCT FROM (EXCLUDED.seen_employee, EXCLUDED.job_family,"
        " EXCLUDED.employment_type, EXCLUDED.status, EXCLUDED.hire_date, EXCLUDED.period_start,"
        " EXCLUDED.terminated_on, EXCLUDED.termination_reason, EXCLUDED.facts_effective_on)",
    .merge = merge_facts,
};

/* ---- status history: reporting.employee_status ---- */

static const char *const ES_COLS[ES_NCOLS] = {"employer",     "event_id", "employee",
                                              "effective_on", "status",   "event_type",
                                              "reason_code",  "seq"};

/* Keyed by the partner's event id (unique per employer): an event applied
 * twice adds nothing. */
const fold_table_t REPORTING_HISTORY = {
    .name = "status history",
    .nkey = 2,
    .ncols = ES_NCOLS,
    .cols = ES_COLS,
    .write_name = "reporting_status_write",
    .write_sql =
        "INSERT INTO reporting.employee_status (employer, event_id, employee, effective_on,"
        " status, event_type, reason_code, seq)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[],"
        " $6::text[], $7::text[], $8::bigint[])"
        " ON CONFLICT (employer, event_id) DO NOTHING",
};

/* ---- determinations: reporting.eligibility, one row per program ---- */

static const char *const ED_COLS[ED_NCOLS] = {"employer",
                                              "employee",
                                              "program",
                                              "outcome",
                                              "outcome_as_of",
                                              "eligible_from",
                                              "first_eligible_on",
                                              "tenure_days_at_eligibility",
                                              "job_family_at_eligibility",
                                              "eligibility_seq"};

/* Outcome columns follow the program's newest determination (by stream
 * seq); the first-eligibility facts (NULL unless eligible) keep the
 * earliest eligible date ever seen for the program. A determination of
 * another program is another key: it never touches this row. */
static void merge_determination(fold_row_t *s, const fold_row_t *e)
{
    const char *const *ev = e->v;
    const char **sv = s->v;
    if (!sv[ED_SEQ] || num(ev[ED_SEQ]) >= num(sv[ED_SEQ]))
        for (int c = ED_OUTCOME; c <= ED_ELIGIBLE_FROM; c++)
            sv[c] = ev[c];
    sv[ED_SEQ] = greatest_num(sv[ED_SEQ], ev[ED_SEQ]);
    if (ev[ED_FIRST_ELIGIBLE_ON] &&
        (!sv[ED_FIRST_ELIGIBLE_ON] ||
         strcmp(ev[ED_FIRST_ELIGIBLE_ON], sv[ED_FIRST_ELIGIBLE_ON]) < 0))
        for (int c = ED_FIRST_ELIGIBLE_ON; c <= ED_JOB_FAMILY; c++)
            sv[c] = ev[c];
}

const fold_table_t REPORTING_DETERMINATIONS = {
    .name = "determinations",
    .nkey = 3,
    .ncols = ED_NCOLS,
    .cols = ED_COLS,
    .read_name = "reporting_determination_read",
    .read_sql = "SELECT e.employer, e.employee, e.program, e.outcome,"
                " to_char(e.outcome_as_of, 'YYYY-MM-DD') AS outcome_as_of,"
                " to_char(e.eligible_from, 'YYYY-MM-DD') AS eligible_from,"
                " to_char(e.first_eligible_on, 'YYYY-MM-DD') AS first_eligible_on,"
                " e.tenure_days_at_eligibility::text AS tenure_days_at_eligibility,"
                " e.job_family_at_eligibility, e.eligibility_seq::text AS eligibility_seq"
                " FROM" PROBE_KEYS(
                    "$1::text[], $2::text[], $3::text[]",
                    "employer, employee, program") " CROSS JOIN LATERAL (SELECT * FROM "
                                                   "reporting.eligibility e WHERE e.employer = "
                                                   "k.employer AND e.employee = k.employee"
                                                   " AND e.program = k.program FOR UPDATE) e"
                                                   " ORDER BY e.employer, e.employee, e.program",
    .write_name = "reporting_determination_write",
    .write_sql =
        "INSERT INTO reporting.eligibility AS e (employer, employee, program, outcome,"
        " outcome_as_of, eligible_from, first_eligible_on, tenure_days_at_eligibility,"
        " job_family_at_eligibility, eligibility_seq, updated_at)"
        " SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
        " $5::date[], $6::date[], $7::date[], $8::integer[], $9::text[], $10::bigint[]) AS u"
        " ON CONFLICT (employer, employee, program) DO UPDATE SET (outcome, outcome_as_of,"
        " eligible_from, first_eligible_on, tenure_days_at_eligibility,"
        " job_family_at_eligibility, eligibility_seq, updated_at) = (EXCLUDED.outcome,"
        " EXCLUDED.outcome_as_of, EXCLUDED.eligible_from, EXCLUDED.first_eligible_on,"
        " EXCLUDED.tenure_days_at_eligibility, EXCLUDED.job_family_at_eligibility,"
        " EXCLUDED.eligibility_seq, now())"
        " WHERE (e.outcome, e.outcome_as_of, e.eligible_from, e.first_eligible_on,"
        " e.tenure_days_at_eligibility, e.job_family_at_eligibility, e.eligibility_seq)"
        " IS DISTINCT FROM (EXCLUDED.outcome, EXCLUDED.outcome_as_of, EXCLUDED.eligible_from,"
        " EXCLUDED.first_eligible_on, EXCLUDED.tenure_days_at_eligibility,"
        " EXCLUDED.job_family_at_eligibility, EXCLUDED.eligibility_seq)",
    .merge = merge_determination,
};

/* ---- enrollments: reporting.enrollment ---- */

static const char *const EN_COLS[EN_NCOLS] = {
    "employer",    "employee",     "program",      "state",      "state_since",
    "cohort_id",   "ever_invited", "invited_on",   "applied_on", "enrolled_on",
    "training_on", "completed_on", "certified_on", "placed_on",  "withdrawn_on",
    "exited_on",   "exit_reason",  "credential",   "new_role",   "last_seq"};

/* State follows the newest transition (by stream seq). Milestone dates keep
 * the first time each was reached; exits keep the latest. A missing row is
 * the event's own row. */
static void merge_enrollment(fold_row_t *s, const fold_row_t *e)
{
    const char *const *ev = e->v;
    const char **sv = s->v;
    int newer = num(ev[EN_LAST_SEQ]) >= num(sv[EN_LAST_SEQ]);
    if (newer) {
        sv[EN_STATE] = ev[EN_STATE];
        sv[EN_STATE_SINCE] = ev[EN_STATE_SINCE];
        sv[EN_COHORT] = coalesce(ev[EN_COHORT], sv[EN_COHORT]);
        if (ev[EN_EXIT_REASON])
            sv[EN_EXIT_REASON] = ev[EN_EXIT_REASON];
    } else {
        sv[EN_COHORT] = coalesce(sv[EN_COHORT], ev[EN_COHORT]);
    }
    sv[EN_EVER_INVITED] = fold_same(sv[EN_EVER_INVITED], REPORTING_TRUE) ||
                                  fold_same(ev[EN_EVER_INVITED], REPORTING_TRUE)
                              ? REPORTING_TRUE
                              : REPORTING_FALSE;
    for (int c = EN_INVITED_ON; c <= EN_PLACED_ON; c++)
        sv[c] = least_date(sv[c], ev[c]);
    for (int c = EN_WITHDRAWN_ON; c <= EN_EXITED_ON; c++)
        sv[c] = greatest_date(sv[c], ev[c]);
    sv[EN_CREDENTIAL] = coalesce(ev[EN_CREDENTIAL], sv[EN_CREDENTIAL]);
    sv[EN_NEW_ROLE] = coalesce(ev[EN_NEW_ROLE], sv[EN_NEW_ROLE]);
    sv[EN_LAST_SEQ] = greatest_num(sv[EN_LAST_SEQ], ev[EN_LAST_SEQ]);
}

const fold_table_t REPORTING_ENROLLMENTS = {
    .name = "enrollments",
    .nkey = 3,
    .ncols = EN_NCOLS,
    .cols = EN_COLS,
    .read_name = "reporting_enrollment_read",
    .read_sql =
        "SELECT e.employer, e.employee, e.program, e.state,"
        " to_char(e.state_since, 'YYYY-MM-DD') AS state_since, e.cohort_id,"
        " e.ever_invited::text AS ever_invited,"
        " to_char(e.invited_on, 'YYYY-MM-DD') AS invited_on,"
        " to_char(e.applied_on, 'YYYY-MM-DD') AS applied_on,"
        " to_char(e.enrolled_on, 'YYYY-MM-DD') AS enrolled_on,"
        " to_char(e.training_on, 'YYYY-MM-DD') AS training_on,"
        " to_char(e.completed_on, 'YYYY-MM-DD') AS completed_on,"
        " to_char(e.certified_on, 'YYYY-MM-DD') AS certified_on,"
        " to_char(e.placed_on, 'YYYY-MM-DD') AS placed_on,"
        " to_char(e.withdrawn_on, 'YYYY-MM-DD') AS withdrawn_on,"
        " to_char(e.exited_on, 'YYYY-MM-DD') AS exited_on,"
        " e.exit_reason, e.credential, e.new_role, e.last_seq::text AS last_seq"
        " FROM" PROBE_KEYS(
            "$1::text[], $2::text[], $3::text[]",
            "employer, employee, program") " CROSS JOIN LATERAL (SELECT * FROM "
                                           "reporting.enrollment e WHERE e.employer = k.employer"
                                           " AND e.employee = k.employee AND e.program = k.program "
                                           "FOR UPDATE) e"
                                           " ORDER BY e.employer, e.employee, e.program",
    .write_name = "reporting_enrollment_write",
    .write_sql =
        "INSERT INTO reporting.enrollment AS e (employer, employee, program, state, state_since,"
        " cohort_id, ever_invited, invited_on, applied_on, enrolled_on, training_on,"
        " completed_on, certified_on, placed_on, withdrawn_on, exited_on, exit_reason,"
        " credential, new_role, last_seq, updated_at)"
        " SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
        " $5::date[], $6::text[], $7::boolean[], $8::date[], $9::date[], $10::date[],"
        " $11::date[], $12::date[], $13::date[], $14::date[], $15::date[], $16::date[],"
        " $17::text[], $18::text[], $19::text[], $20::bigint[]) AS u"
        " ON CONFLICT (employer, employee, program) DO UPDATE SET (state, state_since,"
        " cohort_id, ever_invited, invited_on, applied_on, enrolled_on, training_on,"
        " completed_on, certified_on, placed_on, withdrawn_on, exited_on, exit_reason,"
        " credential, new_role, last_seq, updated_at) = (EXCLUDED.state, EXCLUDED.state_since,"
        " EXCLUDED.cohort_id, EXCLUDED.ever_invited, EXCLUDED.invited_on, EXCLUDED.applied_on,"
        " EXCLUDED.enrolled_on, EXCLUDED.training_on, EXCLUDED.completed_on,"
        " EXCLUDED.certified_on, EXCLUDED.placed_on, EXCLUDED.withdrawn_on, EXCLUDED.exited_on,"
        " EXCLUDED.exit_reason, EXCLUDED.credential, EXCLUDED.new_role, EXCLUDED.last_seq, now())"
        " WHERE (e.state, e.state_since, e.cohort_id, e.ever_invited, e.invited_on,"
        " e.applied_on, e.enrolled_on, e.training_on, e.completed_on, e.certified_on,"
        " e.placed_on, e.withdrawn_on, e.exited_on, e.exit_reason, e.credential, e.new_role,"
        " e.last_seq) IS DISTINCT FROM (EXCLUDED.state, EXCLUDED.state_since,"
        " EXCLUDED.cohort_id, EXCLUDED.ever_invited, EXCLUDED.invited_on, EXCLUDED.applied_on,"
        " EXCLUDED.enrolled_on, EXCLUDED.training_on, EXCLUDED.completed_on,"
        " EXCLUDED.certified_on, EXCLUDED.placed_on, EXCLUDED.withdrawn_on, EXCLUDED.exited_on,"
        " EXCLUDED.exit_reason, EXCLUDED.credential, EXCLUDED.new_role, EXCLUDED.last_seq)",
    .merge = merge_enrollment,
};

/* ---- notifications: reporting.notification ---- */

static const char *const NO_COLS[NO_NCOLS] = {"notification_id", "employer", "employee",
                                              "trigger",         "channel",  "state",
                                              "attempts",        "last_seq"};

/* Who, what and why are fixed by the first event of a notification; the
 * delivery state follows the newest event (by stream seq). */
static void merge_notification(fold_row_t *s, const fold_row_t *e)
{
    const char *const *ev = e->v;
    const char **sv = s->v;
    if (num(ev[NO_LAST_SEQ]) >= num(sv[NO_LAST_SEQ]))
        sv[NO_STATE] = ev[NO_STATE];
    sv[NO_CHANNEL] = coalesce(sv[NO_CHANNEL], ev[NO_CHANNEL]);
    sv[NO_ATTEMPTS] = greatest_num(sv[NO_ATTEMPTS], ev[NO_ATTEMPTS]);
    sv[NO_LAST_SEQ] = greatest_num(sv[NO_LAST_SEQ], ev[NO_LAST_SEQ]);
}

const fold_table_t REPORTING_NOTIFICATIONS = {
    .name = "notifications",
    .nkey = 1,
    .ncols = NO_NCOLS,
    .cols = NO_COLS,
    .read_name = "reporting_notification_read",
    .read_sql = "SELECT n.notification_id, n.employer, n.employee, n.trigger, n.channel,"
                " n.state, n.attempts::text AS attempts, n.last_seq::text AS last_seq"
                " FROM" PROBE_KEYS(
                    "$1::text[]",
                    "notification_id") " CROSS JOIN LATERAL (SELECT * FROM reporting.notification n"
                                       " WHERE n.notification_id = k.notification_id FOR UPDATE) n"
                                       " ORDER BY n.notification_id",
    .write_name = "reporting_notification_write",
    .write_sql =
        "INSERT INTO reporting.notification AS n (notification_id, employer, employee, trigger,"
        " channel, state, attempts, last_seq, updated_at)"
        " SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
        " $5::text[], $6::text[], $7::integer[], $8::bigint[]) AS u"
        " ON CONFLICT (notification_id) DO UPDATE SET (channel, state, attempts, last_seq,"
        " updated_at) = (EXCLUDED.channel, EXCLUDED.state, EXCLUDED.attempts, EXCLUDED.last_seq,"
        " now())"
        " WHERE (n.channel, n.state, n.attempts, n.last_seq) IS DISTINCT FROM"
        " (EXCLUDED.channel, EXCLUDED.state, EXCLUDED.attempts, EXCLUDED.last_seq)",
    .merge = merge_notification,
};

/* ---- provider progress: reporting.progress ---- */

static const char *const PR_COLS[PR_NCOLS] = {"provider",   "event_id", "cohort_id", "employer",
                                              "employee",   "program",  "kind",      "status",
                                              "event_date", "at_risk",  "last_seq"};

const fold_table_t REPORTING_PROGRESS = {
    .name = "progress",
    .nkey = 2,
    .ncols = PR_NCOLS,
    .cols = PR_COLS,
    .write_name = "reporting_progress_write",
    .write_sql =
        "INSERT INTO reporting.progress (provider, event_id, cohort_id, employer, employee,"
        " program, kind, status, event_date, at_risk, last_seq)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
        " $6::text[], $7::text[], $8::text[], $9::date[], $10::text[], $11::bigint[])"
        " ON CONFLICT DO NOTHING",
};
