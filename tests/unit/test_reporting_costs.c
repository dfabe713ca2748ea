/* Unit tests for the replacement-cost configuration (cost_config.c): the
 * built-in default and its source, deploy/costs.yaml, the lookup order
 * (with programs' target roles), and files that must be refused; and the retention difference's
 * interval (cost.c). */
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

#include "reporting/cost.h"
#include "reporting/cost_config.h"

static char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/pw-costs-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_default(void **state)
{
    (void)state;
    cost_config_t *c = cost_config_default();
    const char *src = NULL;
    assert_true(cost_config_lookup(c, "emp-001", "clerical", &src) == 14200.0);
    assert_non_null(strstr(src, "MGMA"));
    assert_non_null(strstr(src, "$44,200"));
    cost_config_destroy(&c);
    assert_null(c);
}

static void test_deploy_file(void **state)
{
    (void)state;
    char path[1024], err[256] = "";
    snprintf(path, sizeof path, "%s", __FILE__);
    char *cut = strstr(path, "/tests/unit/");
    assert_non_null(cut);
    snprintf(cut, sizeof path - (size_t)(cut - path), "/deploy/costs.yaml");
    cost_config_t *c = cost_config_load(path, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    const char *src = NULL;
    assert_true(cost_config_lookup(c, "emp-009", "medical_assistant", &src) == 14200.0);
    assert_true(cost_config_lookup(c, "emp-009", "transport", &src) == 14200.0);
    assert_non_null(strstr(src, "MGMA"));
    /* MAPP's target role (Medical Assistant) has its sourced figure; PCT
     * ships none (commented out), so the default applies and says so. */
    cost_figure_t f = cost_config_find(c, "mapp", "emp-009", "transport");
    assert_string_equal(f.entry, "programs.mapp");
    assert_non_null(strstr(f.source, "MGMA"));
    f = cost_config_find(c, "pct", "emp-009", "transport");
    assert_string_equal(f.entry, "default");
    assert_non_null(strstr(f.source, "program target role not configured"));
    cost_config_destroy(&c);
}

static void test_lookup_order(void **state)
{
    (void)state;
    char err[256] = "";
    char *path = write_temp("default: {cost: 10000, source: \"d\"}\n"
                            "roles:\n  clerical: {cost: 12000, source: \"r\"}\n"
                            "employers:\n  emp-a:\n    clerical: {cost: 9000, source: \"ea\"}\n"
                            "    \"*\": {cost: 11000, source: \"e*\"}\n");
    cost_config_t *c = cost_config_load(path, err, sizeof err);
    unlink(path);
    if (!c)
        fail_msg("%s", err);
    const char *src;
    assert_true(cost_config_lookup(c, "emp-a", "clerical", &src) == 9000.0);
    assert_string_equal(src, "ea");
    assert_true(cost_config_lookup(c, "emp-a", "transport", &src) == 11000.0);
    assert_true(cost_config_lookup(c, "emp-b", "clerical", &src) == 12000.0);
    assert_true(cost_config_lookup(c, "emp-b", "transport", &src) == 10000.0);
    assert_string_equal(src, "d");
    cost_config_destroy(&c);
}

/* Program P, employer E, role R: employers.E.R, employers.E."*",
 * programs.P, roles.R, default; the entry that applied is named. */
static void test_program_lookup_order(void **state)
{
    (void)state;
    char err[256] = "";
    char *path = write_temp("default: {cost: 10000, source: \"d\"}\n"
                            "programs:\n  pct: {cost: 13000, source: \"p\"}\n"
                            "roles:\n  clerical: {cost: 12000, source: \"r\"}\n"
                            "employers:\n  emp-a:\n    clerical: {cost: 9000, source: \"ea\"}\n"
                            "  emp-b:\n    \"*\": {cost: 11000, source: \"b*\"}\n");
    cost_config_t *c = cost_config_load(path, err, sizeof err);
    unlink(path);
    if (!c)
        fail_msg("%s", err);
    static const struct {
        const char *program, *employer, *role;
        double cost;
        const char *source, *entry;
    } cases[] = {
        {"pct", "emp-a", "clerical", 9000, "ea", "employers.emp-a.clerical"},
        {"pct", "emp-b", "clerical", 11000, "b*", "employers.emp-b.*"},
        {"pct", "emp-c", "clerical", 13000, "p", "programs.pct"},
        {"pct", "emp-a", "transport", 13000, "p", "programs.pct"},
        {"mapp", "emp-c", "clerical", 12000, "r", "roles.clerical"},
        {NULL, "emp-c", "clerical", 12000, "r", "roles.clerical"},
        {"", "emp-c", "clerical", 12000, "r", "roles.clerical"},
        {"mapp", "emp-c", "transport", 10000, "d", "default"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cost_figure_t f = cost_config_find(c, cases[i].program, cases[i].employer, cases[i].role);
        if (f.cost != cases[i].cost || strcmp(f.source, cases[i].source) != 0 ||
            strcmp(f.entry, cases[i].entry) != 0)
            fail_msg("%s/%s/%s: got %.0f '%s' (%s), expected %.0f '%s' (%s)",
                     cases[i].program ? cases[i].program : "(none)", cases[i].employer,
                     cases[i].role, f.cost, f.source, f.entry, cases[i].cost, cases[i].source,
                     cases[i].entry);
    }
    /* A copy answers the same. */
    cost_config_t *copy = cost_config_copy(c);
    cost_config_destroy(&c);
    cost_figure_t f = cost_config_find(copy, "pct", "emp-c", "transport");
    assert_true(f.cost == 13000.0);
    assert_string_equal(f.entry, "programs.pct");
    cost_config_destroy(&copy);
}

static void test_bad_files(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "default: {cost: 100}\n",                                  /* no source */
        "default: {cost: -5, source: x}\n",                        /* negative */
        "default: {cost: 12abc, source: x}\n",                     /* not a number */
        "default: {cost: 1e12, source: x}\n",                      /* implausible */
        "colour: blue\n",                                          /* unknown key */
        "roles: [a, b]\n",                                         /* not a mapping */
        "default: {cost: 1, source: [x\n",                         /* not YAML */
        "- just\n- a list\n",                                      /* not a mapping */
        "programs: [mapp]\n",                                      /* not a mapping */
        "programs:\n  PCT!: {cost: 1, source: x}\n",               /* not a program id */
        "programs:\n  pct: {cost: 1}\n",                           /* no source */
        "programs:\n  pct: {cost: 1, source: x, employers: {}}\n", /* not read */
        "employers: x\n",                                          /* not a mapping */
        "roles:\n  clerical: {cost: 1, source: x, year: 2025}\n",  /* unknown key */
    };
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *path = write_temp(bad[i]);
        err[0] = '\0';
        cost_config_t *c = cost_config_load(path, err, sizeof err);
        unlink(path);
        if (c)
            fail_msg("accepted: %s", bad[i]);
        /* FILE:LINE: reason */
        size_t n = strlen(path);
        if (strncmp(err, path, n) != 0 || err[n] != ':' || err[n + 1] < '1' || err[n + 1] > '9')
            fail_msg("%s: expected %s:LINE: reason, got %s", bad[i], path, err);
    }
    assert_null(cost_config_load("/nonexistent/costs.yaml", err, sizeof err));
}

/* S_p = 0.85 (Var 0.006375), S_c = 0.60 (Var 0.012): difference 0.25,
 * se = sqrt(0.018375) = 0.135554, interval 0.25 -+ 1.959964 * se. */
static void test_difference_interval(void **state)
{
    (void)state;
    km_estimate_t p = {.survival = 0.85, .variance = 0.006375};
    km_estimate_t c = {.survival = 0.60, .variance = 0.012};
    cost_difference_t d;
    cost_difference(&p, &c, &d);
    assert_true(fabs(d.diff - 0.25) < 1e-9);
    assert_true(fabs(d.low - -0.015682) < 1e-6);
    assert_true(fabs(d.high - 0.515682) < 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),      cmocka_unit_test(test_deploy_file),
        cmocka_unit_test(test_lookup_order), cmocka_unit_test(test_program_lookup_order),
        cmocka_unit_test(test_bad_files),    cmocka_unit_test(test_difference_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
