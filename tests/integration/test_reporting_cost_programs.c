/* Integration test of the cost report per program (issue 17) against the
 * real PostgreSQL: rows carry their program and are valued with the cost
 * the lookup order gives them (employer, then the program's target role,
 * then the role, then the default), a program filter keeps that program's
 * rows, the cost file is read again when it is replaced (a broken one
 * keeps the last good figures), and the protected view puts the program
 * through the cover-table rule like every other dimension.
 *
 * Data (hire 2020-01-01; everyone enrolled or first eligible 2025-01-01):
 * four strata, each of 20 participants (none separates) and 30 eligible
 * non-participants of whom 12 separate on day 50:
 *   mapp emp-a clerical (cohort m1), mapp emp-c transport (cohort m2),
 *   pct emp-a clerical (cohort p1), pct emp-b clerical (cohort p2).
 * At 12 months S_p = 1, S_c = 18/30 = 0.6: difference 0.4, separations
 * avoided 0.4 x 20 = 8, so each row's cost avoided is 8 x its figure.
 * Costs file (COSTS_V1):
 *   mapp emp-a clerical   roles.clerical      12,000 ->  96,000
 *   mapp emp-c transport  default             10,000 ->  80,000
 *   pct  emp-a clerical   programs.pct        13,000 -> 104,000
 *   pct  emp-b clerical   employers.emp-b.*   11,000 ->  88,000
 *   total 368,000; pct alone 192,000. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pathways/codec.h"
#include "reporting/cost_file.h"
#include "reporting/report_request.h"
#include "testdb.h"

#define DB_NAME "pathways_it_report_cost_programs"
#define AS_OF   "2026-03-31" /* a quarter's end: the protected view keeps it */
#define EPS     1e-6

#define COSTS_V1                                                                                   \
    "default: {cost: 10000, source: d}\n"                                                          \
    "programs:\n  pct: {cost: 13000, source: p}\n"                                                 \
    "roles:\n  clerical: {cost: 12000, source: r}\n"                                               \
    "employers:\n  emp-b:\n    \"*\": {cost: 11000, source: b}\n"

/* n people of program/employer/job family from prefix-1: an employee row
 * (hired 2020-01-01) and an eligibility row for the program (first
 * eligible 2025-01-01); with cohort, an enrollment on 2025-01-01 too. */
static const char SQL_PEOPLE[] =
    "WITH p AS (SELECT $1::text AS employer, $2::text || '-' || g AS employee"
    "  FROM generate_series(1, $3::int) g),"
    " e AS (INSERT INTO reporting.employee (employer, employee, seen_employee, job_family,"
    "  status, hire_date, period_start)"
    "  SELECT employer, employee, true, $4, 'active', '2020-01-01', '2020-01-01' FROM p"
    "  RETURNING employer, employee),"
    " el AS (INSERT INTO reporting.eligibility (employer, employee, program, outcome,"
    "  first_eligible_on, job_family_at_eligibility, eligibility_seq)"
    "  SELECT employer, employee, $5, 'eligible', '2025-01-01', $4, 1 FROM p)"
    " INSERT INTO reporting.enrollment (employer, employee, program, state, cohort_id,"
    "  enrolled_on, last_seq)"
    " SELECT employer, employee, $5, 'in_training', $6, '2025-01-01', 1 FROM e"
    " WHERE $6::text IS NOT NULL";

/* Terminates prefix-1 .. prefix-n on day 50 after 2025-01-01. */
static const char SQL_TERMINATE[] =
    "INSERT INTO reporting.employee_status (employer, event_id, employee, effective_on, status,"
    " event_type, seq)"
    " SELECT $1, 't-' || $2 || '-' || g, $2 || '-' || g, '2025-02-20', 'terminated',"
    " 'org.pathways.employee.terminated.v1', 1 FROM generate_series(1, $3::int) g";

static void people(pw_db_t *db, const char *program, const char *employer, const char *prefix,
                   int n, const char *family, const char *cohort)
{
    char count[16];
    snprintf(count, sizeof count, "%d", n);
    const char *p[] = {employer, prefix, count, family, program, cohort};
    if (pw_db_exec(db, SQL_PEOPLE, 6, p) != 0)
        fail_msg("people: %s", pw_db_error(db));
}

static void terminate(pw_db_t *db, const char *employer, const char *prefix, int n)
{
    char count[16];
    snprintf(count, sizeof count, "%d", n);
    const char *p[] = {employer, prefix, count};
    if (pw_db_exec(db, SQL_TERMINATE, 3, p) != 0)
        fail_msg("terminate: %s", pw_db_error(db));
}

/* One stratum: 20 participants in cohort, 30 non-participants (12 leave). */
static void stratum(pw_db_t *db, const char *program, const char *employer, const char *family,
                    const char *cohort)
{
    char pp[32], pc[32];
    snprintf(pp, sizeof pp, "%s-%sp", program, employer);
    snprintf(pc, sizeof pc, "%s-%sc", program, employer);
    people(db, program, employer, pp, 20, family, cohort);
    people(db, program, employer, pc, 30, family, NULL);
    terminate(db, employer, pc, 12);
}

typedef struct {
    pw_db_t *db;
    char dir[64], path[128];
    cost_file_t *costs;
} fixture_t;

/* Replaces the costs file as a configuration manager does (rename). */
static void put_costs(fixture_t *f, const char *text)
{
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s/next.yaml", f->dir);
    FILE *fp = fopen(tmp, "w");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(rename(tmp, f->path), 0);
}

static Pathways__V1__CostReply *cost(fixture_t *f, const char *program, report_view_t view)
{
    Pathways__V1__ReportFilter filter = PATHWAYS__V1__REPORT_FILTER__INIT;
    filter.as_of = AS_OF;
    filter.program = (char *)(program ? program : "");
    Pathways__V1__CostQuery q = PATHWAYS__V1__COST_QUERY__INIT;
    q.filter = &filter;
    ProtobufCMessage *out = report_run(f->db, f->costs, &q.base, view);
    assert_non_null(out);
    Pathways__V1__CostReply *r = (Pathways__V1__CostReply *)out;
    if (*r->error_code)
        fail_msg("cost report: %s: %s", r->error_code, r->error);
    return r;
}

static void free_reply(Pathways__V1__CostReply *r)
{
    ProtobufCMessage *m = &r->base;
    pw_msg_free(&m);
}

typedef struct {
    const char *program, *employer, *role;
    double cost;
    const char *source;
} want_t;

/* r's rows are want's, in order, with their figures (exact view). */
static void expect_rows(const Pathways__V1__CostReply *r, const want_t *want, size_t n,
                        double total)
{
    assert_int_equal(r->n_rows, n);
    for (size_t i = 0; i < n; i++) {
        const Pathways__V1__CostRow *row = r->rows[i];
        if (strcmp(row->program, want[i].program) != 0 ||
            strcmp(row->employer, want[i].employer) != 0 || strcmp(row->role, want[i].role) != 0)
            fail_msg("row %zu: %s|%s|%s, expected %s|%s|%s", i, row->program, row->employer,
                     row->role, want[i].program, want[i].employer, want[i].role);
        if (fabs(row->replacement_cost - want[i].cost) > EPS ||
            strcmp(row->cost_source, want[i].source) != 0)
            fail_msg("%s|%s|%s: %.0f from '%s', expected %.0f from '%s'", row->program,
                     row->employer, row->role, row->replacement_cost, row->cost_source,
                     want[i].cost, want[i].source);
        assert_false(row->suppressed);
        assert_int_equal(row->participants->value, 20);
        assert_true(fabs(row->retention_difference - 0.4) < EPS);
        assert_true(fabs(row->separations_avoided - 8.0) < EPS);
        assert_true(fabs(row->cost_avoided - 8.0 * want[i].cost) < 1e-3);
    }
    assert_string_equal(r->total->program, "");
    assert_string_equal(r->total->employer, "total");
    assert_true(fabs(r->total->cost_avoided - total) < 1e-3);
}

static const want_t V1[] = {
    {"mapp", "emp-a", "clerical", 12000, "roles.clerical: r"},
    {"mapp", "emp-c", "transport", 10000, "default (no programs.mapp figure): d"},
    {"pct", "emp-a", "clerical", 13000, "programs.pct: p"},
    {"pct", "emp-b", "clerical", 11000, "employers.emp-b.*: b"},
};

static void test_rows_per_program(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__CostReply *r = cost(f, NULL, REPORT_VIEW_EXACT);
    expect_rows(r, V1, 4, 368000);
    free_reply(r);
}

static void test_program_filter(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__CostReply *r = cost(f, "pct", REPORT_VIEW_EXACT);
    expect_rows(r, V1 + 2, 2, 192000);
    free_reply(r);
    r = cost(f, "mapp", REPORT_VIEW_EXACT);
    expect_rows(r, V1, 2, 176000);
    free_reply(r);
}

/* The file replaced on disk is used by the next report; a broken one
 * leaves the last good figures. */
static void test_file_read_again(void **state)
{
    fixture_t *f = *state;
    put_costs(f, "default: {cost: 10000, source: d}\n"
                 "programs:\n  pct: {cost: 15000, source: p2}\n  mapp: {cost: 14000, source: m}\n"
                 "roles:\n  clerical: {cost: 12000, source: r}\n"
                 "employers:\n  emp-b:\n    \"*\": {cost: 11000, source: b}\n");
    const want_t v2[] = {
        {"mapp", "emp-a", "clerical", 14000, "programs.mapp: m"},
        {"mapp", "emp-c", "transport", 14000, "programs.mapp: m"},
        {"pct", "emp-a", "clerical", 15000, "programs.pct: p2"},
        {"pct", "emp-b", "clerical", 11000, "employers.emp-b.*: b"},
    };
    Pathways__V1__CostReply *r = cost(f, NULL, REPORT_VIEW_EXACT);
    expect_rows(r, v2, 4, 8.0 * (14000 + 14000 + 15000 + 11000));
    free_reply(r);

    put_costs(f, "programs:\n  pct: {cost: 99000}\n"); /* no source */
    r = cost(f, NULL, REPORT_VIEW_EXACT);
    expect_rows(r, v2, 4, 8.0 * (14000 + 14000 + 15000 + 11000));
    free_reply(r);
    char err[512] = "", want[256];
    assert_int_equal(cost_file_refresh(f->costs, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: programs.pct: every cost needs its source", f->path);
    assert_string_equal(err, want);

    put_costs(f, COSTS_V1);
    r = cost(f, NULL, REPORT_VIEW_EXACT);
    expect_rows(r, V1, 4, 368000);
    free_reply(r);
}

/* Protected: the program is a dimension of the cover table like the
 * others. With every class 11 or more the figures are the exact ones; a
 * program of 5 participants keeps the program dimension from being
 * published, so every cost row (all sliced by program) is withheld, while
 * the employer dimension, which passes, still shows retention by
 * employer. */
static void test_protected_program_dimension(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__CostReply *r = cost(f, NULL, REPORT_VIEW_PROTECTED);
    assert_string_equal(r->figures, "protected");
    assert_int_equal(r->n_rows, 4);
    for (size_t i = 0; i < r->n_rows; i++) {
        assert_false(r->rows[i]->suppressed);
        assert_true(fabs(r->rows[i]->cost_avoided - 8.0 * V1[i].cost) < 1e-3);
    }
    free_reply(r);

    people(f->db, "spt", "emp-a", "spt-emp-ap", 5, "clerical", "s1");
    r = cost(f, NULL, REPORT_VIEW_PROTECTED);
    assert_true(r->n_rows >= 4);
    for (size_t i = 0; i < r->n_rows; i++)
        if (!r->rows[i]->suppressed || !r->rows[i]->participants->suppressed)
            fail_msg("%s|%s|%s shown: the program dimension has a class of 5", r->rows[i]->program,
                     r->rows[i]->employer, r->rows[i]->role);
    assert_true(r->total->suppressed);
    free_reply(r);
    r = cost(f, "pct", REPORT_VIEW_PROTECTED);
    for (size_t i = 0; i < r->n_rows; i++)
        assert_true(r->rows[i]->suppressed);
    free_reply(r);

    Pathways__V1__ReportFilter filter = PATHWAYS__V1__REPORT_FILTER__INIT;
    filter.as_of = AS_OF;
    filter.slice = PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_EMPLOYER;
    Pathways__V1__RetentionQuery q = PATHWAYS__V1__RETENTION_QUERY__INIT;
    q.filter = &filter;
    ProtobufCMessage *out = report_run(f->db, f->costs, &q.base, REPORT_VIEW_PROTECTED);
    Pathways__V1__RetentionReply *ret = (Pathways__V1__RetentionReply *)out;
    assert_non_null(ret);
    assert_true(ret->n_slices > 0);
    assert_string_equal(ret->slices[0]->slice, "emp-a");
    assert_false(ret->slices[0]->participants->suppressed);
    assert_int_equal(ret->slices[0]->participants->people->value, 45);
    pw_msg_free(&out);
    /* Back to the four strata, for any test after this one. */
    static const char *const undo[] = {
        "DELETE FROM reporting.enrollment WHERE program = 'spt'",
        "DELETE FROM reporting.eligibility WHERE program = 'spt'",
        "DELETE FROM reporting.employee WHERE employee LIKE 'spt-%'"};
    for (size_t i = 0; i < sizeof undo / sizeof undo[0]; i++)
        if (pw_db_exec(f->db, undo[i], 0, NULL) != 0)
            fail_msg("%s: %s", undo[i], pw_db_error(f->db));
}

static int setup(void **state)
{
    static fixture_t f;
    snprintf(f.dir, sizeof f.dir, "/tmp/pw-it-costs-XXXXXX");
    if (!mkdtemp(f.dir))
        return -1;
    snprintf(f.path, sizeof f.path, "%s/costs.yaml", f.dir);
    put_costs(&f, COSTS_V1);
    char err[512] = "";
    f.costs = cost_file_open(f.path, err, sizeof err);
    if (!f.costs)
        fail_msg("%s", err);
    f.db = pw_testdb_fresh(DB_NAME, "reporting", NULL, 0);
    if (!f.db)
        return -1;
    stratum(f.db, "mapp", "emp-a", "clerical", "m1");
    stratum(f.db, "mapp", "emp-c", "transport", "m2");
    stratum(f.db, "pct", "emp-a", "clerical", "p1");
    stratum(f.db, "pct", "emp-b", "clerical", "p2");
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    if (!f)
        return 0;
    pw_db_destroy(&f->db);
    cost_file_destroy(&f->costs);
    unlink(f->path);
    rmdir(f->dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_per_program),
        cmocka_unit_test(test_program_filter),
        cmocka_unit_test(test_file_read_again),
        cmocka_unit_test(test_protected_program_dimension),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
