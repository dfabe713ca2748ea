/* The retention report on the synthetic workforce (tools/synth), where
 * participants separate less often by design of the generator: the report
 * must show a participant advantage with the right sign, a significant
 * log-rank test and plausible intervals.
 *
 * The synthetic histories are written straight into reporting's projection
 * tables with COPY (employee facts, terminations, first eligibility as the
 * dated history gives it, enrollments), as the projections would hold them
 * after a pipeline fed in real time; the projection handlers themselves are
 * covered by test_reporting.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "reporting/cost_file.h"
#include "reporting/report_request.h"
#include "testdb.h"
#include "workforce.h"

#define DB_NAME   "pathways_it_report_synth"
#define EMPLOYEES 20000
#define TODAY     "2026-11-30"

static void copy_line(pw_db_t *db, const char *line)
{
    if (pw_db_copy_send(db, line, strlen(line)) != 0)
        fail_msg("copy: %s", pw_db_error(db));
}

static const char *date_or_null(int32_t day, char buf[PW_DATE_LEN])
{
    if (!day)
        return "\\N";
    pw_date_format(day, buf);
    return buf;
}

static void copy_employees(pw_db_t *db, const sy_workforce_t *w)
{
    assert_int_equal(pw_db_copy_begin(db, "COPY reporting.employee (employer, employee,"
                                          " seen_employee, job_family, hire_date) FROM STDIN"),
                     0);
    for (size_t i = 0; i < w->params.employees; i++) {
        const sy_employee_t *e = &w->employee[i];
        sy_oracle_t s;
        sy_workforce_replay(w, i, &s);
        char hire[PW_DATE_LEN], line[512];
        const char *family = s.facts.job_family ? s.facts.job_family : "\\N";
        snprintf(line, sizeof line, "%s\t%s\tt\t%s\t%s\n", w->employer[e->employer].id, e->id,
                 family, date_or_null(e->hire_date, hire));
        copy_line(db, line);
    }
    assert_int_equal(pw_db_copy_end(db), 0);
}

/* The ever eligible, eligible for mapp from their first eligibility. */
static void copy_eligibility(pw_db_t *db, const sy_workforce_t *w)
{
    assert_int_equal(pw_db_copy_begin(db, "COPY reporting.eligibility (employer, employee,"
                                          " program, outcome, first_eligible_on,"
                                          " job_family_at_eligibility, eligibility_seq)"
                                          " FROM STDIN"),
                     0);
    for (size_t i = 0; i < w->params.employees; i++) {
        const sy_employee_t *e = &w->employee[i];
        if (!w->part[i].first_eligible)
            continue;
        sy_oracle_t s;
        sy_workforce_replay(w, i, &s);
        char fe[PW_DATE_LEN], line[512];
        const char *family = s.facts.job_family ? s.facts.job_family : "\\N";
        snprintf(line, sizeof line, "%s\t%s\tmapp\teligible\t%s\t%s\t1\n",
                 w->employer[e->employer].id, e->id, date_or_null(w->part[i].first_eligible, fe),
                 family);
        copy_line(db, line);
    }
    assert_int_equal(pw_db_copy_end(db), 0);
}

static void copy_terminations(pw_db_t *db, const sy_workforce_t *w)
{
    assert_int_equal(pw_db_copy_begin(db, "COPY reporting.employee_status (employer, event_id,"
                                          " employee, effective_on, status, event_type, seq)"
                                          " FROM STDIN"),
                     0);
    for (size_t i = 0; i < w->params.employees; i++) {
        const sy_employee_t *e = &w->employee[i];
        for (size_t k = 0; k < e->nevents; k++) {
            if (e->events[k].type != SY_EV_TERMINATED)
                continue;
            char day[PW_DATE_LEN], line[256];
            pw_date_format(e->events[k].effective, day);
            snprintf(line, sizeof line, "%s\tt-%s-%zu\t%s\t%s\tterminated\t%s\t1\n",
                     w->employer[e->employer].id, e->id, k, e->id, day,
                     sy_event_type_name(SY_EV_TERMINATED));
            copy_line(db, line);
        }
    }
    assert_int_equal(pw_db_copy_end(db), 0);
}

static void copy_enrollments(pw_db_t *db, const sy_workforce_t *w)
{
    assert_int_equal(pw_db_copy_begin(db, "COPY reporting.enrollment (employer, employee, program,"
                                          " state, cohort_id, enrolled_on, placed_on, last_seq)"
                                          " FROM STDIN"),
                     0);
    for (size_t i = 0; i < w->params.employees; i++) {
        const sy_participation_t *p = &w->part[i];
        if (!p->participant)
            continue;
        char en[PW_DATE_LEN], pl[PW_DATE_LEN], line[256];
        snprintf(line, sizeof line, "%s\t%s\tmapp\t%s\t%s\t%s\t%s\t1\n",
                 w->employer[w->employee[i].employer].id, w->employee[i].id,
                 p->placed ? "placed" : "in_training", p->cohort, date_or_null(p->enrolled, en),
                 date_or_null(p->placed, pl));
        copy_line(db, line);
    }
    assert_int_equal(pw_db_copy_end(db), 0);
}

static void test_synthetic_advantage(void **state)
{
    pw_db_t *db = *state;
    sy_params_t params = {.employers = 4, .employees = EMPLOYEES, .seed = 7};
    assert_int_equal(pw_date_parse(TODAY, &params.today), 0);
    sy_workforce_t *w = sy_workforce_new(&params);
    assert_non_null(w);
    copy_employees(db, w);
    copy_eligibility(db, w);
    copy_terminations(db, w);
    copy_enrollments(db, w);
    sy_workforce_destroy(&w);

    cost_file_t *costs = cost_file_open(NULL, NULL, 0);
    Pathways__V1__ReportFilter f = PATHWAYS__V1__REPORT_FILTER__INIT;
    f.as_of = TODAY;
    Pathways__V1__RetentionQuery q = PATHWAYS__V1__RETENTION_QUERY__INIT;
    q.filter = &f;
    ProtobufCMessage *m = report_run(db, costs, &q.base, REPORT_VIEW_CELLS);
    const Pathways__V1__RetentionReply *r = (const Pathways__V1__RetentionReply *)m;
    assert_non_null(r);
    assert_int_equal(r->n_slices, 1);
    const Pathways__V1__RetentionSlice *s = r->slices[0];
    assert_true(s->compared);
    assert_true(s->participants->people->value >= 500);
    for (size_t k = 0; k < s->participants->n_at; k++) {
        const Pathways__V1__RetentionAt *p = s->participants->at[k], *c = s->comparison->at[k];
        if (p->suppressed || c->suppressed)
            continue;
        printf("%2u months: participants %.3f (%.3f-%.3f), comparison %.3f (%.3f-%.3f)\n",
               p->months, p->retention, p->lower, p->upper, c->retention, c->lower, c->upper);
        assert_true(p->retention > c->retention); /* the sign, by design */
        assert_true(0.0 < p->lower && p->lower < p->retention && p->retention < p->upper &&
                    p->upper <= 1.0);
        assert_true(0.0 < c->lower && c->lower < c->retention && c->retention < c->upper &&
                    c->upper <= 1.0);
        assert_true(p->upper - p->lower < 0.1); /* plausible width for this many people */
    }
    printf("log-rank chi2 %.2f, p %.2g; %llu participants, %llu comparison\n", s->logrank_chi2,
           s->logrank_p, (unsigned long long)s->participants->people->value,
           (unsigned long long)s->comparison->people->value);
    assert_true(s->logrank_p < 0.05);
    pw_msg_free(&m);
    cost_file_destroy(&costs);
}

static int setup(void **state)
{
    pw_db_t *db = pw_testdb_fresh(DB_NAME, "reporting", NULL, 0);
    *state = db;
    return db ? 0 : -1;
}

static int teardown(void **state)
{
    pw_db_t *db = *state;
    pw_db_destroy(&db);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_synthetic_advantage)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
