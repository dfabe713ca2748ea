/* Voluntary self-identification (README, "Equity view"): the vocabulary
 * table, the per-event validation (reason code, no echo of the answer),
 * the partner tools' JSON form, and the rule-file guard that refuses any
 * program naming a self-ID field, with FILE:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eligibility/program.h"
#include "eligibility/selfid_guard.h"
#include "eligibility/validate.h"
#include "event_json.h"
#include "pathways/date.h"
#include "pathways/selfid.h"

static void test_vocabulary_table(void **state)
{
    (void)state;
    static const char *const names[PW_SELFID_NFIELDS] = {"race_ethnicity", "gender",
                                                         "age_band",       "preferred_language",
                                                         "veteran_status", "disability_status"};
    for (size_t i = 0; i < PW_SELFID_NFIELDS; i++) {
        const pw_selfid_field_t *f = pw_selfid_field(i);
        assert_string_equal(f->name, names[i]);
        assert_int_equal(pw_selfid_field_index(names[i]), (int)i);
        /* every field can be declined, and "declined" is listed last */
        assert_string_equal(f->words[f->nwords - 1], PW_SELFID_DECLINED);
        assert_true(pw_selfid_known(i, PW_SELFID_DECLINED));
        /* the report's own group is never an answer */
        assert_false(pw_selfid_known(i, PW_SELFID_NOT_ASKED));
        assert_false(pw_selfid_known(i, ""));
        for (size_t k = 0; k < f->nwords; k++) {
            assert_true(strlen(f->words[k]) < PW_SELFID_WORD_MAX);
            assert_true(pw_selfid_known(i, f->words[k]));
        }
    }
    assert_null(pw_selfid_field(PW_SELFID_NFIELDS));
    assert_int_equal(pw_selfid_field_index("language"), -1);
    assert_true(pw_selfid_known(1, "female"));
    assert_false(pw_selfid_known(1, "Female"));
    assert_false(pw_selfid_known(4, "female")); /* another field's word */
}

static void test_check_and_any(void **state)
{
    (void)state;
    Pathways__V1__SelfIdentification s = PATHWAYS__V1__SELF_IDENTIFICATION__INIT;
    size_t bad = 99;
    assert_false(pw_selfid_any(&s));
    assert_false(pw_selfid_any(NULL));
    assert_int_equal(pw_selfid_check(&s, &bad), 0);
    pw_selfid_set(&s, 5, "declined");
    assert_true(pw_selfid_any(&s));
    assert_string_equal(s.disability_status, "declined");
    pw_selfid_set(&s, 2, "25_34");
    assert_int_equal(pw_selfid_check(&s, &bad), 0);
    pw_selfid_set(&s, 3, "klingon");
    assert_int_equal(pw_selfid_check(&s, &bad), -1);
    assert_int_equal(bad, 3);
}

/* A valid hire carrying s. */
static void validate(Pathways__V1__SelfIdentification *s, elig_reason_t *why, int *rc)
{
    Pathways__V1__EmployeeEvent ev = PATHWAYS__V1__EMPLOYEE_EVENT__INIT;
    Pathways__V1__EmployeeFacts data = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    ev.id = "evt-1";
    ev.source = "acme";
    ev.type = "org.pathways.employee.hired.v1";
    ev.subject = "E1";
    ev.effective_date = "2026-01-05";
    ev.data = &data;
    data.job_family = "clerical";
    data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    data.hire_date = "2026-01-05";
    ev.self_id = s;
    int32_t today;
    assert_int_equal(pw_date_parse("2026-06-01", &today), 0);
    *rc = elig_validate_event(&ev, today, 366, why);
}

static void test_validation(void **state)
{
    (void)state;
    Pathways__V1__SelfIdentification s = PATHWAYS__V1__SELF_IDENTIFICATION__INIT;
    elig_reason_t why;
    int rc;
    validate(&s, &why, &rc); /* present, nothing answered: fine */
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < PW_SELFID_NFIELDS; i++)
        pw_selfid_set(&s, i, PW_SELFID_DECLINED);
    validate(&s, &why, &rc);
    assert_int_equal(rc, 0);
    s.race_ethnicity = "martian-secret-value";
    validate(&s, &why, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(why.code, "unknown_self_id_value");
    assert_non_null(strstr(why.text, "self_id.race_ethnicity"));
    assert_non_null(strstr(why.text, "declined"));
    /* the employee's answer is not echoed back or logged */
    assert_null(strstr(why.text, "martian-secret-value"));
    s.race_ethnicity = "white";
    s.gender = "\x01";
    validate(&s, &why, &rc);
    assert_string_equal(why.code, "unknown_self_id_value");
    assert_non_null(strstr(why.text, "self_id.gender"));
}

static void test_event_json(void **state)
{
    (void)state;
    char err[256];
    const char *ok = "{\"id\":\"e1\",\"self_id\":{\"gender\":\"female\",\"age_band\":null,"
                     "\"veteran_status\":\"declined\"}}";
    Pathways__V1__EmployeeEvent *ev = event_json_parse(ok, strlen(ok), err, sizeof err);
    assert_non_null(ev);
    assert_non_null(ev->self_id);
    assert_string_equal(ev->self_id->gender, "female");
    assert_string_equal(ev->self_id->age_band, "");
    assert_string_equal(ev->self_id->veteran_status, "declined");
    event_json_free(&ev);
    assert_null(ev);
    /* no self_id: the message is absent (not asked) */
    ev = event_json_parse("{\"id\":\"e2\"}", 11, err, sizeof err);
    assert_non_null(ev);
    assert_null(ev->self_id);
    event_json_free(&ev);
    /* the server judges the words; the tool only the shape */
    const char *word = "{\"id\":\"e3\",\"self_id\":{\"gender\":\"robot\"}}";
    ev = event_json_parse(word, strlen(word), err, sizeof err);
    assert_non_null(ev);
    event_json_free(&ev);
    const struct {
        const char *text, *error;
    } bad[] = {
        {"{\"id\":\"e\",\"self_id\":\"female\"}", "self_id: expected an object, got string"},
        {"{\"id\":\"e\",\"self_id\":{\"gender\":1}}", "self_id.gender: expected a string"},
        {"{\"id\":\"e\",\"self_id\":{\"sexuality\":\"x\"}}", "self_id.sexuality: unknown field"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ev = event_json_parse(bad[i].text, strlen(bad[i].text), err, sizeof err);
        assert_null(ev);
        if (!strstr(err, bad[i].error))
            fail_msg("%s: expected '%s', got '%s'", bad[i].text, bad[i].error, err);
    }
}

/* Parses text as program file "p.yaml"; returns rc, err and line. */
static int parse(const char *text, char *err, size_t errlen, unsigned *line)
{
    elig_rules_t *rules = malloc(sizeof *rules);
    assert_non_null(rules);
    int rc = elig_program_parse(text, strlen(text), "p.yaml", rules, err, errlen, line);
    free(rules);
    return rc;
}

#define HEAD "program: mapp\nname: MAPP\ncriteria:\n  status:\n    in: [active]\n"

static void test_rule_files_refused(void **state)
{
    (void)state;
    const struct {
        const char *text;
        unsigned line;
        const char *word;
    } cases[] = {
        {HEAD "  gender:\n    in: [female]\n", 6, "gender"},
        {HEAD "  job_family:\n    in: [clerical, veteran_status]\n", 7, "veteran_status"},
        /* an expression (issue 17's criteria) reading a self-ID field */
        {HEAD "  rule: \"self_id.race_ethnicity == 'white'\"\n", 6, "self_id"},
        {HEAD "  expr: facts.age_band != '65_plus'\n", 6, "age_band"},
        {HEAD "employers:\n  acme:\n    disability: true\n", 8, "disability"},
        {"program: mapp\npreferred_language: es\n", 2, "preferred_language"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "", want[64];
        unsigned line = 0;
        assert_int_equal(parse(cases[i].text, err, sizeof err, &line), -1);
        snprintf(want, sizeof want, "p.yaml:%u: '%s' is voluntary self-identification",
                 cases[i].line, cases[i].word);
        if (strncmp(err, want, strlen(want)) != 0)
            fail_msg("case %zu: expected '%s...', got '%s'", i, want, err);
        assert_int_equal(line, cases[i].line);
    }
}

static void test_rule_files_allowed(void **state)
{
    (void)state;
    char err[512] = "";
    unsigned line = 0;
    /* the free-text name may say anything; words only containing a
     * forbidden one are other words */
    const char *ok = "program: mapp\nname: Veteran and gender-equity pathway\ncriteria:\n"
                     "  job_family:\n    in: [gender_services_x, race_track]\n";
    if (parse(ok, err, sizeof err, &line) != 0)
        fail_msg("refused: %s", err);
    /* every criterion of deploy/programs/mapp.yaml */
    const char *mapp = HEAD "  full_time:\n    employment_types: [full_time]\n    min_hours: 36\n"
                            "  job_family:\n    in: [environmental_services, clerical]\n"
                            "  standing:\n    in: [good]\n  tenure:\n    min_days: 90\n"
                            "  employer_participates: true\n"
                            "  not_in_program:\n    states: [enrolled, placed]\n"
                            "  not_in_target_role:\n    job_families: [medical_assistant]\n"
                            "employers:\n  valley-health:\n    min_tenure_days: 60\n";
    if (parse(mapp, err, sizeof err, &line) != 0)
        fail_msg("the MAPP criteria refused: %s", err);
    assert_true(elig_selfid_forbidden("gender"));
    assert_true(elig_selfid_forbidden("self_id"));
    assert_false(elig_selfid_forbidden("language")); /* the notification language fact */
    assert_false(elig_selfid_forbidden("job_family"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabulary_table),   cmocka_unit_test(test_check_and_any),
        cmocka_unit_test(test_validation),         cmocka_unit_test(test_event_json),
        cmocka_unit_test(test_rule_files_refused), cmocka_unit_test(test_rule_files_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
