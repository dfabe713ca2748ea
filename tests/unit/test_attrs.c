/* The attribute extension point (services/eligibility/attrs.c): the schema
 * file (the shipped one loads; bad ones are refused with FILE:LINE), the
 * check of an event's attributes (undeclared, wrong type, out of range,
 * not among the values, twice), their merge into the registry's text, and
 * criteria over attributes.<name> (declared ones only, each kind's
 * operators, needs review when not on file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "eligibility/attrs.h"
#include "eligibility/program.h"
#include "eligibility/rules.h"

#define PASS    PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS
#define FAIL    PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_FAIL
#define UNKNOWN PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_UNKNOWN

static const char SCHEMA[] = "attributes:\n"
                             "  union_member: {type: flag}\n"
                             "  patient_care_years: {type: number, min: 0, max: 60}\n"
                             "  preferred_unit: {type: text, values: [icu, emergency]}\n";

static elig_attr_schema_t schema;

static int setup(void **state)
{
    char err[256];
    unsigned line;
    (void)state;
    return elig_attr_schema_parse(SCHEMA, strlen(SCHEMA), "attributes.yaml", &schema, err,
                                  sizeof err, &line);
}

static void test_shipped_schema_loads(void **state)
{
    char path[1024], err[256];
    static elig_attr_schema_t s;
    (void)state;
    snprintf(path, sizeof path, "%s", __FILE__);
    snprintf(strrchr(path, '/'), sizeof path - (size_t)(strrchr(path, '/') - path),
             "/../../deploy/programs/attributes.yaml");
    assert_int_equal(elig_attr_schema_load(path, &s, err, sizeof err), 1);
    assert_non_null(elig_attr_find(&s, "union_member"));
    assert_int_equal(elig_attr_schema_load("/nonexistent/attributes.yaml", &s, err, sizeof err), 0);
    assert_int_equal(s.n, 0);
}

static void refused(const char *text, unsigned want_line, const char *want)
{
    static elig_attr_schema_t s;
    char err[256];
    unsigned line;
    if (elig_attr_schema_parse(text, strlen(text), "attributes.yaml", &s, err, sizeof err, &line) ==
        0)
        fail_msg("accepted: %s", text);
    if (line != want_line || !strstr(err, want))
        fail_msg("expected line %u '%s', got %u: %s", want_line, want, line, err);
}

static void test_bad_schemas(void **state)
{
    (void)state;
    refused("attributes:\n  x: {type: date}\n", 2, "attributes.yaml:2: x.type: expected text,");
    refused("attributes:\n  Bad-Name: {type: flag}\n", 2, "attribute name 'Bad-Name'");
    refused("attributes:\n  x: {kind: flag}\n", 2, "x: unknown key 'kind'");
    refused("attributes:\n  x: {min: 3}\n", 2, "x: needs a type");
    refused("attributes:\n  x: {type: flag, values: [a]}\n", 2, "values apply to text");
    refused("attributes:\n  x: {type: flag}\n  x: {type: text}\n", 3,
            "attributes.yaml:3: duplicate key \"x\"");
    refused("attributes:\n  x:\n    type: flag\n    type: text\n", 4, "duplicate key \"type\"");
    /* a key's line, above its block value */
    refused("attributes:\n  Bad-Name:\n    type: flag\n", 2, "attributes.yaml:2: attribute name");
    refused("attributes:\n  x:\n    kind:\n      - flag\n", 3, "attributes.yaml:3: x: unknown key");
    refused("attrs: {}\n", 1, "unknown key 'attrs'");
}

static Pathways__V1__Attribute attr(const char *name, int value_case)
{
    Pathways__V1__Attribute a = PATHWAYS__V1__ATTRIBUTE__INIT;
    a.name = (char *)name;
    a.value_case = (Pathways__V1__Attribute__ValueCase)value_case;
    return a;
}

static const char *check(Pathways__V1__Attribute *a, size_t n)
{
    static Pathways__V1__EmployeeEvent ev;
    static Pathways__V1__EmployeeFacts d;
    static Pathways__V1__Attribute *ptrs[4];
    static elig_reason_t why;
    pathways__v1__employee_event__init(&ev);
    pathways__v1__employee_facts__init(&d);
    for (size_t i = 0; i < n; i++)
        ptrs[i] = &a[i];
    d.n_attributes = n;
    d.attributes = ptrs;
    ev.data = &d;
    memset(&why, 0, sizeof why);
    return elig_attr_check_event(&schema, &ev, &why) == 0 ? "" : why.text;
}

static void test_event_check(void **state)
{
    Pathways__V1__Attribute a[2];
    (void)state;
    a[0] = attr("union_member", PATHWAYS__V1__ATTRIBUTE__VALUE_FLAG);
    a[0].flag = 1;
    a[1] = attr("patient_care_years", PATHWAYS__V1__ATTRIBUTE__VALUE_NUMBER);
    a[1].number = 3;
    assert_string_equal(check(a, 2), "");
    a[1].number = 61;
    assert_string_equal(check(a, 2), "attribute patient_care_years: expected 0 to 60");
    a[1] = attr("union_member", PATHWAYS__V1__ATTRIBUTE__VALUE_FLAG);
    assert_string_equal(check(a, 2), "attribute union_member is given twice");
    a[0] = attr("shoe_size", PATHWAYS__V1__ATTRIBUTE__VALUE_NUMBER);
    assert_string_equal(check(a, 1),
                        "attributes[0]: 'shoe_size' is not declared in the attribute schema");
    a[0] = attr("union_member", PATHWAYS__V1__ATTRIBUTE__VALUE_TEXT);
    a[0].text = "yes";
    assert_string_equal(check(a, 1), "attribute union_member: expected a flag value");
    a[0] = attr("preferred_unit", PATHWAYS__V1__ATTRIBUTE__VALUE_TEXT);
    a[0].text = "garden";
    assert_string_equal(check(a, 1),
                        "attribute preferred_unit: 'garden' is not one of the declared values");
    a[0].text = "icu;drop";
    assert_non_null(strstr(check(a, 1), "expected 1-48 letters"));
}

static void test_merge(void **state)
{
    Pathways__V1__EmployeeFacts d = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    Pathways__V1__Attribute a[2], *ptrs[2] = {&a[0], &a[1]};
    char text[ELIG_ATTRS_TEXT_MAX + 1] = "", v[64];
    (void)state;
    a[0] = attr("union_member", PATHWAYS__V1__ATTRIBUTE__VALUE_FLAG);
    a[0].flag = 1;
    a[1] = attr("patient_care_years", PATHWAYS__V1__ATTRIBUTE__VALUE_NUMBER);
    a[1].number = 2.5;
    d.n_attributes = 2;
    d.attributes = ptrs;
    elig_attr_merge(text, sizeof text, &d);
    assert_string_equal(text, "union_member=true\npatient_care_years=2.5\n");
    a[0].flag = 0; /* a later event names one: it replaces that one only */
    d.n_attributes = 1;
    elig_attr_merge(text, sizeof text, &d);
    assert_string_equal(text, "patient_care_years=2.5\nunion_member=false\n");
    elig_attr_value(text, "patient_care_years", v, sizeof v);
    assert_string_equal(v, "2.5");
    elig_attr_value(text, "union", v, sizeof v);
    assert_string_equal(v, "");
}

static const elig_criterion_t *one(const char *expr, const char *attributes)
{
    static char text[1024];
    static elig_rules_t r;
    static elig_result_t res;
    char err[512];
    unsigned line;
    elig_facts_t f;
    snprintf(text, sizeof text, "program: p\ncriteria:\n  - name: c\n    %s\n", expr);
    if (elig_program_parse_with(text, strlen(text), "p.yaml", &schema, &r, err, sizeof err,
                                &line) != 0)
        fail_msg("%s", err);
    elig_facts_init(&f, "acme", "E1");
    assert_int_equal(elig_facts_set_text(&f, ELIG_TEXT_ATTRIBUTES, attributes), 0);
    elig_rules_evaluate(&r, &f, 20000, &res);
    elig_facts_clear(&f);
    return &res.criteria[0];
}

static void expect(const char *expr, const char *attributes, int result, const char *reason)
{
    const elig_criterion_t *c = one(expr, attributes);
    if (c->result != result || strcmp(c->reason, reason) != 0)
        fail_msg("%s: expected %d '%s', got %d '%s'", expr, result, reason, c->result, c->reason);
}

static void test_criteria_over_attributes(void **state)
{
    static const char *ON_FILE = "union_member=true\npatient_care_years=3\npreferred_unit=icu\n";
    char err[512];
    unsigned line;
    static elig_rules_t r;
    (void)state;
    expect("attributes.union_member: {is: true}", ON_FILE, PASS, "union_member yes");
    expect("attributes.union_member: {is: true}", "", UNKNOWN, "union_member not on file");
    expect("attributes.patient_care_years: {at_least: 2}", ON_FILE, PASS,
           "patient_care_years 3, needs 2");
    expect("attributes.patient_care_years: {between: [5, 10]}", ON_FILE, FAIL,
           "patient_care_years 3, needs 5 to 10");
    expect("attributes.preferred_unit: {in: [icu, emergency]}", ON_FILE, PASS,
           "preferred_unit icu");
    expect("attributes.preferred_unit: {exists: true}", "", FAIL, "preferred_unit not on file");
    /* Undeclared, or the wrong operator for the declared type: refused. */
    static const char UNDECLARED[] =
        "program: p\ncriteria:\n  - name: c\n    attributes.shoe_size: {at_least: 9}\n";
    assert_int_equal(elig_program_parse_with(UNDECLARED, strlen(UNDECLARED), "p.yaml", &schema, &r,
                                             err, sizeof err, &line),
                     -1);
    assert_non_null(strstr(err, "p.yaml:4: criterion 'c': unknown attribute 'shoe_size'"));
    static const char WRONG_OP[] =
        "program: p\ncriteria:\n  - name: c\n    attributes.union_member: {at_least: 1}\n";
    assert_int_equal(elig_program_parse_with(WRONG_OP, strlen(WRONG_OP), "p.yaml", &schema, &r, err,
                                             sizeof err, &line),
                     -1);
    assert_non_null(strstr(err, "unknown operator 'at_least' for attributes.union_member"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_schema_loads),
        cmocka_unit_test(test_bad_schemas),
        cmocka_unit_test(test_event_check),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_criteria_over_attributes),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
