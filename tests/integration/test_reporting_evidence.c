/* Integration test of the retention evidence reports (retention, outcomes,
 * cost) against the real PostgreSQL, on crafted projection rows with answers
 * worked out by hand, and of small-cell suppression on crafted small groups.
 *
 * Data (report date 2026-01-01; program mapp; hire 2020-01-01, so the
 * tenure band at a 2025-01-01 origin is "5 years or more"):
 *   emp-a clerical: 20 participants enrolled 2025-01-01 in cohort c1;
 *     separations at day 100 (2) and 300 (1); 17 censored at day 365.
 *   emp-a clerical: 20 eligible non-participants, first eligible 2025-01-01;
 *     separations at day 50 (4) and 200 (4); 12 censored at day 365.
 *   emp-a transport: 6 eligible non-participants (no participants in that
 *     stratum: never in the comparison group).
 *   emp-b clerical: 8 participants (cohort c2), 30 non-participants:
 *     participants under 11, so both groups are withheld.
 *   emp-c food_service: 15 participants (cohort c3), no comparison.
 *
 * Kaplan-Meier by hand (emp-a):
 *   participants: S(182) = 18/20 = 0.90; S(365) = 0.90 * 17/18 = 0.85,
 *     Greenwood sum 2/(20*18) + 1/(18*17) = 0.0088235, Var = 0.85^2 * that
 *     = 0.006375; 17 at risk at day 365.
 *   comparison:   S(182) = 16/20 = 0.80; S(365) = 0.80 * 12/16 = 0.60,
 *     Greenwood sum 4/(20*16) + 4/(16*12) = 0.0333333, Var = 0.36 * that
 *     = 0.012; 12 at risk at day 365.
 *   log-rank (participants first):
 *     t   n1 n2 d1 d2  E1      V
 *     50  20 20  0  4  2       12/13
 *     100 20 16  2  0  10/9    272/567
 *     200 18 16  0  4  36/17   2880/3179
 *     300 18 12  1  0  3/5     6/25
 *     O = 3, E = 5.828758, V = 2.548740, chi2 = 3.139541, p = 0.076415.
 * Cost at 12 months: difference 0.25, se = sqrt(0.006375 + 0.012) =
 *   0.135554, 95% CI 0.25 -+ 1.959964 * se = -0.015682 .. 0.515682;
 *   separations avoided 0.25 * 20 = 5 (-0.3136 .. 10.3136); at $14,200:
 *   $71,000 (-$4,453.62 .. $146,453.62). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "reporting/cost_file.h"
#include "reporting/projection.h"
#include "reporting/report_request.h"
#include "testdb.h"

#define DB_NAME "pathways_it_report_evidence"
#define AS_OF   "2026-01-01"
#define EPS     1e-5

/* n people of employer/job family from index first: an employee row (hired
 * 2020-01-01, first eligible on elig when not NULL) and, when cohort is not
 * NULL, an enrollment enrolled 2025-01-01. */
static const char SQL_PEOPLE[] =
    "WITH p AS (SELECT $1::text AS employer, $2::text || '-' || g AS employee"
    "  FROM generate_series($3::int, $3::int + $4::int - 1) g),"
    " e AS (INSERT INTO reporting.employee (employer, employee, seen_employee, job_family,"
    "  status, hire_date, period_start)"
    "  SELECT employer, employee, true, $5, 'active', '2020-01-01', '2020-01-01' FROM p"
    "  RETURNING employer, employee),"
    " el AS (INSERT INTO reporting.eligibility (employer, employee, program, outcome,"
    "  first_eligible_on, job_family_at_eligibility, eligibility_seq)"
    "  SELECT employer, employee, 'mapp', 'eligible', COALESCE($6::date, '2025-01-01'), $5, 1"
    "  FROM p)"
    " INSERT INTO reporting.enrollment (employer, employee, program, state, cohort_id,"
    "  enrolled_on, last_seq)"
    " SELECT employer, employee, 'mapp', 'in_training', $7, '2025-01-01', 1 FROM e"
    " WHERE $7::text IS NOT NULL";

/* Terminates people [first, first+n) of prefix on day `day` after 2025-01-01. */
static const char SQL_TERMINATE[] =
    "INSERT INTO reporting.employee_status (employer, event_id, employee, effective_on, status,"
    " event_type, seq)"
    " SELECT $1, 't-' || $2 || '-' || g, $2 || '-' || g, '2025-01-01'::date + $5::int,"
    " 'terminated', 'org.pathways.employee.terminated.v1', 1"
    " FROM generate_series($3::int, $3::int + $4::int - 1) g";

static void people(pw_db_t *db, const char *employer, const char *prefix, int first, int n,
                   const char *family, const char *elig, const char *cohort)
{
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", first);
    snprintf(b, sizeof b, "%d", n);
    const char *p[] = {employer, prefix, a, b, family, elig, cohort};
    if (pw_db_exec(db, SQL_PEOPLE, 7, p) != 0)
        fail_msg("people: %s", pw_db_error(db));
}

static void terminate(pw_db_t *db, const char *employer, const char *prefix, int first, int n,
                      int day)
{
    char a[16], b[16], d[16];
    snprintf(a, sizeof a, "%d", first);
    snprintf(b, sizeof b, "%d", n);
    snprintf(d, sizeof d, "%d", day);
    const char *p[] = {employer, prefix, a, b, d};
    if (pw_db_exec(db, SQL_TERMINATE, 5, p) != 0)
        fail_msg("terminate: %s", pw_db_error(db));
}

static void exec(pw_db_t *db, const char *sql)
{
    if (pw_db_exec(db, sql, 0, NULL) != 0)
        fail_msg("%s: %s", sql, pw_db_error(db));
}

static void load(pw_db_t *db)
{
    people(db, "emp-a", "ap", 1, 20, "clerical", NULL, "c1");
    terminate(db, "emp-a", "ap", 1, 2, 100);
    terminate(db, "emp-a", "ap", 3, 1, 300);
    people(db, "emp-a", "ac", 1, 20, "clerical", "2025-01-01", NULL);
    terminate(db, "emp-a", "ac", 1, 4, 50);
    terminate(db, "emp-a", "ac", 5, 4, 200);
    people(db, "emp-a", "at", 1, 6, "transport", "2025-01-01", NULL);
    terminate(db, "emp-a", "at", 1, 6, 10);
    people(db, "emp-b", "bp", 1, 8, "clerical", NULL, "c2");
    people(db, "emp-b", "bc", 1, 30, "clerical", "2025-01-01", NULL);
    people(db, "emp-c", "cp", 1, 15, "food_service", NULL, "c3");
    /* c1's milestones: 15 completed, 12 certified, 11 placed 200 days after
     * enrolling; 3 withdrew (personal), 2 were exited (terminated). c2: one
     * withdrew (schedule). */
    exec(db, "UPDATE reporting.enrollment SET completed_on = '2025-06-01'"
             " WHERE cohort_id = 'c1' AND split_part(employee, '-', 2)::int <= 15");
    exec(db, "UPDATE reporting.enrollment SET certified_on = '2025-07-01'"
             " WHERE cohort_id = 'c1' AND split_part(employee, '-', 2)::int <= 12");
    exec(db, "UPDATE reporting.enrollment SET placed_on = '2025-07-20', state = 'placed'"
             " WHERE cohort_id = 'c1' AND split_part(employee, '-', 2)::int <= 11");
    exec(db, "UPDATE reporting.enrollment SET state = 'withdrawn', withdrawn_on = '2025-03-01',"
             " exit_reason = 'personal' WHERE cohort_id = 'c1'"
             " AND split_part(employee, '-', 2)::int BETWEEN 16 AND 18");
    exec(db, "UPDATE reporting.enrollment SET state = 'exited', exited_on = '2025-03-01',"
             " exit_reason = 'terminated' WHERE cohort_id = 'c1'"
             " AND split_part(employee, '-', 2)::int >= 19");
    exec(db, "UPDATE reporting.enrollment SET state = 'withdrawn', withdrawn_on = '2025-02-01',"
             " exit_reason = 'schedule' WHERE employee = 'bp-1'");
}

typedef struct {
    pw_db_t *db;
    cost_file_t *costs;
} fixture_t;

static ProtobufCMessage *run(fixture_t *f, ProtobufCMessage *q)
{
    ProtobufCMessage *out = report_run(f->db, f->costs, q, REPORT_VIEW_CELLS);
    assert_non_null(out);
    return out;
}

static const Pathways__V1__RetentionSlice *slice_named(const Pathways__V1__RetentionReply *r,
                                                       const char *name)
{
    for (size_t i = 0; i < r->n_slices; i++)
        if (strcmp(r->slices[i]->slice, name) == 0)
            return r->slices[i];
    fail_msg("no slice %s", name);
    return NULL;
}

static const Pathways__V1__RetentionAt *at_months(const Pathways__V1__GroupRetention *g,
                                                  unsigned months)
{
    for (size_t i = 0; i < g->n_at; i++)
        if (g->at[i]->months == months)
            return g->at[i];
    fail_msg("no estimate at %u months", months);
    return NULL;
}

static Pathways__V1__RetentionReply *retention(fixture_t *f, Pathways__V1__ReportSlice slice)
{
    Pathways__V1__ReportFilter filter = PATHWAYS__V1__REPORT_FILTER__INIT;
    filter.as_of = AS_OF;
    filter.slice = slice;
    Pathways__V1__RetentionQuery q = PATHWAYS__V1__RETENTION_QUERY__INIT;
    q.filter = &filter;
    q.curves = 1;
    Pathways__V1__RetentionReply *r = (Pathways__V1__RetentionReply *)run(f, &q.base);
    assert_string_equal(r->error_code, "");
    return r;
}

static void free_msg(void *m)
{
    ProtobufCMessage *p = m;
    pw_msg_free(&p);
}

static void test_retention_known_answers(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__RetentionReply *r =
        retention(f, PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_EMPLOYER);
    assert_string_equal(r->as_of, AS_OF);
    assert_string_equal(r->ci_method, "log-log");
    assert_int_equal(r->threshold, 11);
    const Pathways__V1__RetentionSlice *a = slice_named(r, "emp-a");
    const Pathways__V1__GroupRetention *p = a->participants, *c = a->comparison;
    assert_false(p->suppressed);
    assert_false(c->suppressed);
    assert_int_equal(p->people->value, 20);
    assert_int_equal(c->people->value, 20); /* the transport stratum is not matched */
    /* 3 and 8 separations are small cells; their complements go with them. */
    assert_true(p->separations->suppressed && p->censored->suppressed);
    assert_true(c->separations->suppressed && c->censored->suppressed);
    assert_true(fabs(at_months(p, 6)->retention - 0.90) < EPS);
    assert_true(fabs(at_months(c, 6)->retention - 0.80) < EPS);
    const Pathways__V1__RetentionAt *p12 = at_months(p, 12), *c12 = at_months(c, 12);
    assert_true(fabs(p12->retention - 0.85) < EPS);
    assert_true(fabs(c12->retention - 0.60) < EPS);
    assert_int_equal(p12->at_risk->value, 17);
    assert_int_equal(c12->at_risk->value, 12);
    assert_true(p12->lower < 0.85 && p12->upper > 0.85 && p12->upper <= 1.0);
    assert_true(at_months(p, 24)->suppressed); /* nobody at risk at 24 months */
    assert_true(a->compared);
    assert_true(fabs(a->logrank_chi2 - 3.139541) < EPS);
    assert_true(fabs(a->logrank_p - 0.076415) < EPS);
    /* Curves stop where fewer than 11 are at risk: day 0, 100, 300. */
    assert_int_equal(p->n_points, 3);
    assert_int_equal(p->points[2]->day, 300);
    free_msg(r);
}

static void test_retention_small_groups_withheld(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__RetentionReply *r =
        retention(f, PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_EMPLOYER);
    const Pathways__V1__RetentionSlice *b = slice_named(r, "emp-b");
    /* 8 participants: withheld, and the 30 comparison people with them. */
    assert_true(b->participants->suppressed);
    assert_true(b->participants->people->suppressed);
    assert_int_equal(b->participants->people->value, 0);
    assert_int_equal(b->participants->n_at, 0);
    assert_true(b->comparison->suppressed);
    assert_false(b->compared);
    const Pathways__V1__RetentionSlice *c = slice_named(r, "emp-c");
    /* 15 participants shown alone: no comparison group to split against. */
    assert_false(c->participants->suppressed);
    assert_int_equal(c->participants->people->value, 15);
    assert_false(c->compared);
    free_msg(r);
    r = retention(f, PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED);
    const Pathways__V1__RetentionSlice *all = slice_named(r, "all");
    assert_int_equal(all->participants->people->value, 43);
    assert_int_equal(all->comparison->people->value, 50);
    free_msg(r);
}

static Pathways__V1__OutcomesReply *outcomes(fixture_t *f)
{
    Pathways__V1__ReportFilter filter = PATHWAYS__V1__REPORT_FILTER__INIT;
    filter.as_of = AS_OF;
    Pathways__V1__OutcomesQuery q = PATHWAYS__V1__OUTCOMES_QUERY__INIT;
    q.filter = &filter;
    Pathways__V1__OutcomesReply *r = (Pathways__V1__OutcomesReply *)run(f, &q.base);
    assert_string_equal(r->error_code, "");
    return r;
}

/* A count column of a row by index: enrolled .. exited. */
static const Pathways__V1__Count *col(const Pathways__V1__OutcomeRow *o, int k)
{
    const Pathways__V1__Count *c[] = {o->enrolled, o->completed, o->certified,
                                      o->placed,   o->withdrawn, o->exited};
    return c[k];
}

static void test_outcomes_suppression(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__OutcomesReply *r = outcomes(f);
    assert_string_equal(r->slice_by, "cohort");
    assert_int_equal(r->n_rows, 3);
    assert_string_equal(r->rows[0]->slice, "c1");
    assert_string_equal(r->rows[1]->slice, "c2");
    assert_int_equal(r->total->enrolled->value, 43);
    /* c2 has 8 people: the whole row is withheld. */
    for (int k = 0; k < 6; k++)
        assert_true(col(r->rows[1], k)->suppressed);
    assert_true(r->rows[1]->completion_rate->suppressed);
    /* c3 (15) is the smallest complement of c2 in the enrolled column. */
    assert_true(r->rows[2]->enrolled->suppressed);
    assert_false(r->rows[0]->enrolled->suppressed);
    assert_int_equal(r->rows[0]->enrolled->value, 20);
    for (int k = 0; k < 6; k++) {
        int hidden = r->total && col(r->total, k)->suppressed ? 1 : 0;
        for (size_t i = 0; i < r->n_rows; i++) {
            const Pathways__V1__Count *c = col(r->rows[i], k);
            hidden += c->suppressed;
            /* No published count is a small cell. */
            assert_true(c->suppressed || c->value == 0 || c->value >= 11);
        }
        /* A column never has exactly one withheld cell. */
        assert_true(hidden != 1);
    }
    /* Exit reasons are all small cells; so are the exit totals. */
    assert_int_equal(r->n_exits, 3);
    for (size_t i = 0; i < r->n_exits; i++)
        assert_true(r->exits[i]->people->suppressed);
    assert_true(r->total->withdrawn->suppressed && r->total->exited->suppressed);
    free_msg(r);
}

static void test_outcomes_rates_and_median(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__ReportFilter filter = PATHWAYS__V1__REPORT_FILTER__INIT;
    filter.as_of = AS_OF;
    filter.cohort_id = "c1";
    Pathways__V1__OutcomesQuery q = PATHWAYS__V1__OUTCOMES_QUERY__INIT;
    q.filter = &filter;
    Pathways__V1__OutcomesReply *r = (Pathways__V1__OutcomesReply *)run(f, &q.base);
    assert_int_equal(r->n_rows, 1);
    const Pathways__V1__OutcomeRow *c1 = r->rows[0];
    /* c1 alone: 20 enrolled, 15 completed, 12 certified, 11 placed; the
     * 3 withdrawn and 2 exited are small cells. */
    assert_int_equal(c1->enrolled->value, 20);
    assert_int_equal(c1->completed->value, 15);
    assert_int_equal(c1->certified->value, 12);
    assert_int_equal(c1->placed->value, 11);
    assert_true(c1->withdrawn->suppressed && c1->exited->suppressed);
    assert_true(fabs(c1->completion_rate->value - 0.75) < EPS);
    assert_true(fabs(c1->certification_rate->value - 0.60) < EPS);
    assert_true(fabs(c1->placement_rate->value - 0.55) < EPS);
    /* 2025-01-01 -> 2025-07-20 is 200 days for all 11 placed. */
    assert_false(c1->median_days_to_placement->suppressed);
    assert_true(fabs(c1->median_days_to_placement->value - 200.0) < EPS);
    free_msg(r);
}

static void test_cost_known_answers(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__ReportFilter filter = PATHWAYS__V1__REPORT_FILTER__INIT;
    filter.as_of = AS_OF;
    Pathways__V1__CostQuery q = PATHWAYS__V1__COST_QUERY__INIT;
    q.filter = &filter;
    Pathways__V1__CostReply *r = (Pathways__V1__CostReply *)run(f, &q.base);
    assert_string_equal(r->error_code, "");
    assert_int_equal(r->horizon_months, 12);
    assert_int_equal(r->n_rows, 3);
    const Pathways__V1__CostRow *a = r->rows[0];
    assert_string_equal(a->program, "mapp");
    assert_string_equal(a->employer, "emp-a");
    assert_string_equal(a->role, "clerical");
    assert_false(a->suppressed);
    assert_int_equal(a->participants->value, 20);
    assert_true(fabs(a->retention_difference - 0.25) < EPS);
    assert_true(fabs(a->difference_low - -0.015682) < EPS);
    assert_true(fabs(a->difference_high - 0.515682) < EPS);
    assert_true(fabs(a->separations_avoided - 5.0) < EPS);
    assert_true(fabs(a->replacement_cost - 14200.0) < EPS);
    assert_true(fabs(a->cost_avoided - 71000.0) < 1e-6);
    assert_true(fabs(a->cost_avoided_low - -4453.624241) < 1e-3);
    assert_true(fabs(a->cost_avoided_high - 146453.624241) < 1e-3);
    assert_non_null(strstr(a->cost_source, "MGMA"));
    assert_true(r->rows[1]->suppressed); /* emp-b: 8 participants */
    assert_true(r->rows[1]->participants->suppressed);
    assert_true(r->rows[2]->suppressed); /* emp-c: no comparison group */
    assert_true(fabs(r->total->cost_avoided - 71000.0) < 1e-6);
    assert_int_equal(r->total->participants->value, 20);
    free_msg(r);
}

static void test_bad_filters(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__ReportFilter filter = PATHWAYS__V1__REPORT_FILTER__INIT;
    filter.as_of = "2026-13-01";
    Pathways__V1__RetentionQuery q = PATHWAYS__V1__RETENTION_QUERY__INIT;
    q.filter = &filter;
    Pathways__V1__RetentionReply *r = (Pathways__V1__RetentionReply *)run(f, &q.base);
    assert_string_equal(r->error_code, "bad_request");
    assert_int_equal(r->n_slices, 0);
    free_msg(r);
    filter.as_of = "";
    filter.slice = (Pathways__V1__ReportSlice)42;
    r = (Pathways__V1__RetentionReply *)run(f, &q.base);
    assert_string_equal(r->error_code, "bad_request");
    free_msg(r);
    Pathways__V1__CostQuery cq = PATHWAYS__V1__COST_QUERY__INIT;
    cq.horizon_months = 1000;
    Pathways__V1__CostReply *c = (Pathways__V1__CostReply *)run(f, &cq.base);
    assert_string_equal(c->error_code, "bad_request");
    free_msg(c);
}

/* ---- eligibility per program (issue 17) ----
 *
 * A second database, fed through the stream projections as the service
 * feeds it. Employer emp-d, everyone clerical, hired 2020-01-01:
 *   dp-1..12 eligible for mapp (2024-12-01), enrolled in mapp 2025-01-01;
 *   dq-1..12 eligible for pct (2024-12-01), enrolled in pct 2025-01-01;
 *   dc-1..12 eligible for mapp on 2025-01-01, then determined NOT eligible
 *     for pct on 2025-02-01 (the later determination on the stream).
 * dc are mapp's eligible non-participants (its comparison group and 12 more
 * eligible in its funnel) and nothing of pct's, whatever pct decided last. */
#define PROGRAMS_DB "pathways_it_report_programs"
#define PROGRAMS_N  12

/* One stream's events, applied as one batch (the set-based path the
 * service takes: dc's mapp and pct determinations land in one fold). */
#define BATCH_MAX 64

typedef struct {
    const char *stream;
    size_t n;
    pw_event_t ev[BATCH_MAX];
    uint8_t *bytes[BATCH_MAX];
    char id[BATCH_MAX][32];
} batch_t;

static void batch_add(batch_t *b, const char *type, const ProtobufCMessage *m)
{
    assert_true(b->n < BATCH_MAX);
    size_t i = b->n++, len = 0;
    b->bytes[i] = pw_msg_encode(m, 0, &len);
    assert_non_null(b->bytes[i]);
    snprintf(b->id[i], sizeof b->id[i], "%s-%zu", b->stream, i + 1);
    b->ev[i] = (pw_event_t){.stream = b->stream,
                            .seq = (int64_t)i + 1,
                            .type = type,
                            .key = "k",
                            .event_id = b->id[i],
                            .occurred_at_us = pw_now_us(),
                            .payload = b->bytes[i],
                            .payload_len = len};
}

static void batch_apply(pw_db_t *db, batch_t *b, pw_apply_batch_fn fn)
{
    char err[256] = "";
    assert_int_equal(pw_db_begin(db), 0);
    if (fn(NULL, db, b->ev, b->n, err, sizeof err) != PW_APPLY_OK)
        fail_msg("apply %s: %s", b->stream, err);
    assert_int_equal(pw_db_commit(db), 0);
    for (size_t i = 0; i < b->n; i++)
        free(b->bytes[i]);
    b->n = 0;
}

static void hire(batch_t *b, const char *employee)
{
    Pathways__V1__EmployeeFacts f = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    f.job_family = "clerical";
    f.hire_date = "2020-01-01";
    f.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    Pathways__V1__EmployeeEvent e = PATHWAYS__V1__EMPLOYEE_EVENT__INIT;
    char id[64];
    snprintf(id, sizeof id, "hire-%s", employee);
    e.id = id;
    e.source = "emp-d";
    e.subject = (char *)employee;
    e.type = REPORTING_EMPLOYEE_TYPE_STEM "hired.v1";
    e.spec_version = "1.0";
    e.effective_date = "2020-01-01";
    e.data = &f;
    batch_add(b, e.type, &e.base);
}

static void determine(batch_t *b, const char *employee, const char *program,
                      Pathways__V1__Outcome outcome, const char *as_of)
{
    Pathways__V1__EmployeeFacts f = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    f.hire_date = "2020-01-01";
    f.job_family = "clerical";
    Pathways__V1__Determination d = PATHWAYS__V1__DETERMINATION__INIT;
    d.employer = "emp-d";
    d.employee = (char *)employee;
    d.program = (char *)program;
    d.outcome = outcome;
    d.as_of = (char *)as_of;
    d.facts = &f;
    batch_add(b, REPORTING_TYPE_DETERMINED, &d.base);
}

static void enroll(batch_t *b, const char *employee, const char *program, const char *cohort)
{
    Pathways__V1__EnrollmentChanged c = PATHWAYS__V1__ENROLLMENT_CHANGED__INIT;
    c.employer = "emp-d";
    c.employee = (char *)employee;
    c.program = (char *)program;
    c.cohort_id = (char *)cohort;
    c.to_state = PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_ENROLLED;
    c.effective_date = "2025-01-01";
    c.actor = "system";
    batch_add(b, REPORTING_TYPE_ENROLLMENT, &c.base);
}

static void load_programs(pw_db_t *db)
{
    const Pathways__V1__Outcome ok = PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    const Pathways__V1__Outcome no = PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE;
    static batch_t em = {.stream = "employee"}, el = {.stream = "eligibility"},
                   en = {.stream = "enrollment"};
    static char dp[PROGRAMS_N][16], dq[PROGRAMS_N][16], dc[PROGRAMS_N][16];
    for (int i = 0; i < PROGRAMS_N; i++) {
        snprintf(dp[i], sizeof dp[i], "dp-%d", i + 1);
        snprintf(dq[i], sizeof dq[i], "dq-%d", i + 1);
        snprintf(dc[i], sizeof dc[i], "dc-%d", i + 1);
        hire(&em, dp[i]);
        hire(&em, dq[i]);
        hire(&em, dc[i]);
        determine(&el, dp[i], "mapp", ok, "2024-12-01");
        determine(&el, dq[i], "pct", ok, "2024-12-01");
        enroll(&en, dp[i], "mapp", "c4");
        enroll(&en, dq[i], "pct", "c5");
    }
    /* dc: mapp first, pct last. */
    for (int i = 0; i < PROGRAMS_N; i++)
        determine(&el, dc[i], "mapp", ok, "2025-01-01");
    for (int i = 0; i < PROGRAMS_N; i++)
        determine(&el, dc[i], "pct", no, "2025-02-01");
    batch_apply(db, &em, reporting_apply_employee_batch);
    batch_apply(db, &el, reporting_apply_eligibility_batch);
    batch_apply(db, &en, reporting_apply_enrollment_batch);
}

/* The filter of emp-d's figures for one program on the report date. */
static Pathways__V1__ReportFilter emp_d(const char *program)
{
    Pathways__V1__ReportFilter filter = PATHWAYS__V1__REPORT_FILTER__INIT;
    filter.as_of = AS_OF;
    filter.program = (char *)program;
    filter.employer = "emp-d";
    return filter;
}

static uint64_t people_of(const Pathways__V1__GroupRetention *g)
{
    return g && g->people ? g->people->value : 0;
}

/* Each program's participants, and its comparison group: mapp's has dc,
 * pct's has nobody (its participants' stratum holds no eligible
 * non-participant of pct). */
static void test_comparison_group_per_program(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *program;
        uint64_t comparison;
    } want[] = {{"mapp", PROGRAMS_N}, {"pct", 0}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        Pathways__V1__ReportFilter filter = emp_d(want[i].program);
        Pathways__V1__RetentionQuery q = PATHWAYS__V1__RETENTION_QUERY__INIT;
        q.filter = &filter;
        Pathways__V1__RetentionReply *r = (Pathways__V1__RetentionReply *)run(f, &q.base);
        assert_string_equal(r->error_code, "");
        const Pathways__V1__RetentionSlice *s = slice_named(r, "all");
        uint64_t p = people_of(s->participants), c = people_of(s->comparison);
        printf("%s: participants %llu, comparison %llu\n", want[i].program, (unsigned long long)p,
               (unsigned long long)c);
        assert_int_equal(p, PROGRAMS_N);
        assert_int_equal(c, want[i].comparison);
        free_msg(r);
    }
}

static uint64_t funnel_eligible(fixture_t *f, const char *program)
{
    Pathways__V1__ReportFilter filter = emp_d(program);
    Pathways__V1__FunnelQuery q = PATHWAYS__V1__FUNNEL_QUERY__INIT;
    q.filter = &filter;
    Pathways__V1__FunnelReply *r = (Pathways__V1__FunnelReply *)run(f, &q.base);
    assert_string_equal(r->error_code, "");
    assert_non_null(r->total);
    assert_false(r->total->eligible->suppressed);
    uint64_t n = r->total->eligible->value;
    free_msg(r);
    return n;
}

static void test_funnel_eligible_per_program(void **state)
{
    fixture_t *f = *state;
    uint64_t mapp = funnel_eligible(f, "mapp"), pct = funnel_eligible(f, "pct");
    printf("funnel eligible: mapp %llu, pct %llu\n", (unsigned long long)mapp,
           (unsigned long long)pct);
    assert_int_equal(mapp, 2 * PROGRAMS_N);
    assert_int_equal(pct, PROGRAMS_N);
}

/* A fresh database db_name loaded by fill. */
static int open_fixture(void **state, fixture_t *f, const char *db_name, void (*fill)(pw_db_t *))
{
    f->db = pw_testdb_fresh(db_name, "reporting", NULL, 0);
    f->costs = cost_file_open(NULL, NULL, 0);
    if (!f->db || !f->costs)
        return -1;
    fill(f->db);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    static fixture_t f;
    return open_fixture(state, &f, DB_NAME, load);
}

static int setup_programs(void **state)
{
    static fixture_t f;
    return open_fixture(state, &f, PROGRAMS_DB, load_programs);
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    if (!f)
        return 0; /* its setup failed */
    pw_db_destroy(&f->db);
    cost_file_destroy(&f->costs);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retention_known_answers),
        cmocka_unit_test(test_retention_small_groups_withheld),
        cmocka_unit_test(test_outcomes_suppression),
        cmocka_unit_test(test_outcomes_rates_and_median),
        cmocka_unit_test(test_cost_known_answers),
        cmocka_unit_test(test_bad_filters),
    };
    const struct CMUnitTest per_program[] = {
        cmocka_unit_test(test_comparison_group_per_program),
        cmocka_unit_test(test_funnel_eligible_per_program),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed + cmocka_run_group_tests(per_program, setup_programs, teardown);
}
