/* Unit tests for the tools' CSV reader (hostile input: quotes, line ends,
 * NUL bytes, too many fields, unterminated quotes) and the enrollment
 * history rows built on it (header, checks, key, command). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "enrollment_import.h"

#define TODAY "2026-11-30"

/* Reads every record of text (a copy, len bytes); writes "f1|f2;" per good
 * record and "!line:reason;" per bad one into out. */
static void read_all(const char *text, size_t len, char *out, size_t outlen)
{
    char *copy = malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    csv_t c;
    csv_init(&c, copy, len);
    char *fields[CSV_MAX_FIELDS];
    size_t n;
    long line = 0;
    char err[128];
    int rc;
    out[0] = '\0';
    while ((rc = csv_next(&c, fields, &n, &line, err, sizeof err)) != 0) {
        size_t used = strlen(out);
        if (rc < 0) {
            snprintf(out + used, outlen - used, "!%ld:%s;", line, err);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            used = strlen(out);
            snprintf(out + used, outlen - used, "%s%s", i ? "|" : "", fields[i]);
        }
        used = strlen(out);
        snprintf(out + used, outlen - used, "@%ld;", line);
    }
    free(copy);
}

static void expect_csv(const char *text, size_t len, const char *want)
{
    char out[1024];
    read_all(text, len, out, sizeof out);
    if (strcmp(out, want) != 0)
        fail_msg("csv %.40s: expected \"%s\", got \"%s\"", text, want, out);
}
#define EXPECT_CSV(lit, want) expect_csv(lit, sizeof(lit) - 1, want)

static void test_csv_rfc4180(void **state)
{
    (void)state;
    EXPECT_CSV("a,b\r\nc,d\r\n", "a|b@1;c|d@2;");
    EXPECT_CSV("a,b\nc,d", "a|b@1;c|d@2;");                          /* LF, no final break */
    EXPECT_CSV("\"x,y\",\"say \"\"hi\"\"\"\n", "x,y|say \"hi\"@1;"); /* comma, doubled quote */
    EXPECT_CSV("\"two\nlines\",z\nnext,1\n", "two\nlines|z@1;next|1@3;");
    EXPECT_CSV(",,\n", "||@1;");       /* empty fields */
    EXPECT_CSV("\n\r\na\n\n", "a@3;"); /* blank lines skipped, counted */
    EXPECT_CSV("\"\"\n", "@1;");       /* one empty quoted field */
}

static void test_csv_hostile(void **state)
{
    (void)state;
    EXPECT_CSV("\"open,b\nc,d\n", "!1:a quoted field is not closed;");
    EXPECT_CSV("\"a\"x,b\nc,d\n", "!1:text after a closing quote;c|d@2;");
    EXPECT_CSV("a\"b,c\nd\n", "!1:a quote inside an unquoted field;d@2;");
    EXPECT_CSV("a\0b,c\nd\n", "!1:a NUL byte;d@2;");
    EXPECT_CSV("\"a\0\",c\nd\n", "!1:a NUL byte;d@2;");
    /* More fields than the reader holds: refused, the next line read. */
    char wide[4 * CSV_MAX_FIELDS + 16] = "";
    for (int i = 0; i <= CSV_MAX_FIELDS; i++)
        strcat(wide, "x,");
    strcat(wide, "\nok\n");
    char want[64];
    snprintf(want, sizeof want, "!1:more than %d fields;ok@2;", CSV_MAX_FIELDS);
    expect_csv(wide, strlen(wide), want);
    /* Every prefix of a tricky text reads without crashing. */
    const char tricky[] = "\"a\"\"\",\"\r\n\",x\r\n\"";
    char out[1024];
    for (size_t len = 0; len < sizeof tricky; len++)
        read_all(tricky, len, out, sizeof out);
}

/* ---- rows ---- */

static const char *HEADER[] = {
    "employer", "employee",    "cohort",     "applied",  "admitted",
    "started",  "completed",   "certified",  "placed",   "withdrawn",
    "exited",   "reason_code", "credential", "new_role", "eligibility_exception"};
#define N_HEADER (sizeof HEADER / sizeof HEADER[0])

static imp_header_t header(void)
{
    imp_header_t h;
    char err[256];
    assert_int_equal(imp_header(&h, (char *const *)HEADER, N_HEADER, err, sizeof err), 0);
    return h;
}

/* Checks a row given as the N_HEADER values; returns imp_row's result
 * and its message in err. */
static int row_of(const char *const v[N_HEADER], imp_row_t *row, char *err, size_t errlen)
{
    imp_header_t h = header();
    err[0] = '\0';
    return imp_row(&h, (char *const *)v, N_HEADER, TODAY, row, err, errlen);
}

static void expect_bad(const char *const v[N_HEADER], const char *want)
{
    imp_row_t row;
    char err[256];
    assert_int_equal(row_of(v, &row, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("expected \"%s\" in \"%s\"", want, err);
}

static void test_header(void **state)
{
    (void)state;
    imp_header_t h;
    char err[256];
    const char *unknown[] = {"employer", "employee", "applied", "shoe_size"};
    assert_int_equal(imp_header(&h, (char *const *)unknown, 4, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown column 'shoe_size'"));
    const char *twice[] = {"employer", "employee", "applied", "employee"};
    assert_int_equal(imp_header(&h, (char *const *)twice, 4, err, sizeof err), -1);
    assert_non_null(strstr(err, "appears twice"));
    const char *missing[] = {"employer", "employee"};
    assert_int_equal(imp_header(&h, (char *const *)missing, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "'applied' is required"));
}

static void test_rows_checked(void **state)
{
    (void)state;
    /* employer employee cohort applied admitted started completed certified placed
     * withdrawn exited reason_code credential new_role exception */
    const char *good[] = {
        "acme",       "e1",         "c1",         "2024-01-10",        "2024-02-01",
        "2024-03-01", "2024-12-01", "2025-01-15", "2025-02-01",        "",
        "",           "",           "CCMA",       "Medical Assistant", ""};
    imp_row_t row;
    char err[256];
    assert_int_equal(row_of(good, &row, err, sizeof err), 0);
    assert_string_equal(row.milestone[IMP_PLACED], "2025-02-01");

    const char *future[] = {"acme", "e1", "", "2026-12-01", "", "", "", "",
                            "",     "",   "", "",           "", "", ""};
    expect_bad(future, "applied 2026-12-01 is after today (2026-11-30)");
    const char *order[] = {"acme",       "e1",         "c1", "2024-01-10", "2024-02-01",
                           "2024-03-01", "2024-02-15", "",   "",           "",
                           "",           "",           "",   "",           ""};
    expect_bad(order, "completed 2024-02-15 is before started 2024-03-01");
    const char *gap[] = {"acme", "e1", "c1", "2024-01-10", "2024-02-01", "", "2024-12-01", "", "",
                         "",     "",   "",   "",           "",           ""};
    expect_bad(gap, "completed without started");
    const char *bad_date[] = {"acme", "e1", "", "2024-02-30", "", "", "", "",
                              "",     "",   "", "",           "", "", ""};
    expect_bad(bad_date, "applied: expected a date YYYY-MM-DD");
    const char *no_cohort[] = {"acme", "e1", "", "2024-01-10", "2024-02-01", "", "", "",
                               "",     "",   "", "",           "",           "", ""};
    expect_bad(no_cohort, "admitted needs a cohort");
    const char *both[] = {"acme", "e1",         "",           "2024-01-10", "", "", "", "",
                          "",     "2024-02-01", "2024-02-02", "moved",      "", "", ""};
    expect_bad(both, "one leaving at most");
    const char *no_reason[] = {"acme", "e1",         "", "2024-01-10", "", "", "", "",
                               "",     "2024-02-01", "", "",           "", "", ""};
    expect_bad(no_reason, "withdrawn needs a reason_code");
    const char *left_early[] = {"acme", "e1",         "", "2024-01-10", "", "", "", "",
                                "",     "2024-01-01", "", "moved",      "", "", ""};
    expect_bad(left_early, "withdrawn 2024-01-01 is before applied 2024-01-10");
    const char *no_applied[] = {"acme", "e1", "", "", "", "", "", "", "", "", "", "", "", "", ""};
    expect_bad(no_applied, "applied is required");
}

static void test_key_and_command(void **state)
{
    (void)state;
    const char *v[] = {"acme",       "e1",         "c1", "2024-01-10", "2024-02-01",
                       "2024-03-01", "",           "",   "",           "",
                       "2024-05-01", "attendance", "",   "",           "hired before the rule"};
    imp_row_t row;
    char err[256], k1[IMP_KEY_LEN], k2[IMP_KEY_LEN];
    assert_int_equal(row_of(v, &row, err, sizeof err), 0);
    imp_key(&row, k1);
    imp_key(&row, k2);
    assert_string_equal(k1, k2);
    assert_int_equal(strlen(k1), strlen("import:") + 32);
    row.milestone[IMP_STARTED] = "2024-03-02"; /* any change, another key */
    imp_key(&row, k2);
    assert_string_not_equal(k1, k2);
    row.milestone[IMP_STARTED] = "2024-03-01";

    imp_command_t c;
    Pathways__V1__EnrollmentCommand *cmd = imp_build(&row, &c);
    assert_int_equal(cmd->command_case, PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_SEQUENCE);
    assert_true(cmd->sequence->historical);
    /* apply, enroll, start, exit. */
    assert_int_equal(cmd->sequence->n_steps, 4);
    Pathways__V1__EnrollmentCommand **s = cmd->sequence->steps;
    assert_string_equal(s[0]->apply->effective_date, "2024-01-10");
    assert_string_equal(s[0]->apply->eligibility_exception, "hired before the rule");
    assert_string_equal(s[1]->enroll->cohort_id, "c1");
    assert_int_equal(s[2]->progress->to_state,
                     PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_IN_TRAINING);
    assert_true(s[3]->withdraw->exit);
    assert_string_equal(s[3]->withdraw->reason_code, "attendance");
    /* It encodes: every pointer is set. */
    size_t len = protobuf_c_message_get_packed_size(&cmd->base);
    assert_true(len > 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_rfc4180),     cmocka_unit_test(test_csv_hostile),
        cmocka_unit_test(test_header),          cmocka_unit_test(test_rows_checked),
        cmocka_unit_test(test_key_and_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
