/* Unit tests for the watched replacement-cost file (cost_file.c): a file
 * replaced on disk is used at the next refresh; a broken one keeps the last
 * good figures and says why (FILE:LINE: reason) at every refresh while it
 * stays in place; the built-in defaults have nothing to watch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reporting/cost_file.h"

typedef struct {
    char dir[64];
    char path[128];
} fixture_t;

/* Writes text beside the file and renames it over, as an editor or a
 * configuration manager replaces a file. */
static void put(const fixture_t *f, const char *text)
{
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s/next.yaml", f->dir);
    FILE *fp = fopen(tmp, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(rename(tmp, f->path), 0);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/pw-cost-file-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/costs.yaml", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The figure for program pct, employer emp-a, role clerical in use now. */
static double pct_cost(cost_file_t *cf, const char **entry)
{
    static char kept[64];
    cost_config_t *c = cost_file_snapshot(cf);
    assert_non_null(c);
    cost_figure_t fig = cost_config_find(c, "pct", "emp-a", "clerical");
    snprintf(kept, sizeof kept, "%s", fig.entry);
    *entry = kept;
    cost_config_destroy(&c);
    return fig.cost;
}

static void test_replaced_file_is_used(void **state)
{
    fixture_t *f = *state;
    char err[512] = "";
    const char *entry;
    put(f, "default: {cost: 10000, source: d}\n");
    cost_file_t *cf = cost_file_open(f->path, err, sizeof err);
    if (!cf)
        fail_msg("%s", err);
    assert_int_equal(cost_file_refresh(cf, err, sizeof err), 0); /* unchanged */
    assert_true(pct_cost(cf, &entry) == 10000.0);
    assert_string_equal(entry, "default");

    /* A program added by the file alone. */
    put(f, "default: {cost: 10000, source: d}\nprograms:\n  pct: {cost: 13000, source: p}\n");
    assert_int_equal(cost_file_refresh(cf, err, sizeof err), 1);
    assert_true(pct_cost(cf, &entry) == 13000.0);
    assert_string_equal(entry, "programs.pct");
    assert_int_equal(cost_file_refresh(cf, err, sizeof err), 0);
    cost_file_destroy(&cf);
    assert_null(cf);
}

static void test_broken_file_keeps_last_good(void **state)
{
    fixture_t *f = *state;
    char err[512] = "", want[256];
    const char *entry;
    put(f, "programs:\n  pct: {cost: 13000, source: p}\n");
    cost_file_t *cf = cost_file_open(f->path, err, sizeof err);
    if (!cf)
        fail_msg("%s", err);

    put(f, "programs:\n  pct: {cost: 13000, source: p}\n  mapp: {cost: 12000}\n");
    err[0] = '\0';
    assert_int_equal(cost_file_refresh(cf, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: programs.mapp: every cost needs its source", f->path);
    assert_string_equal(err, want);
    assert_true(pct_cost(cf, &entry) == 13000.0); /* the last good */
    /* Still the broken file: still said, still the last good figures. */
    err[0] = '\0';
    assert_int_equal(cost_file_refresh(cf, err, sizeof err), -1);
    assert_string_equal(err, want);
    assert_true(pct_cost(cf, &entry) == 13000.0);

    /* A file that is gone is a change that does not load either. */
    assert_int_equal(unlink(f->path), 0);
    err[0] = '\0';
    assert_int_equal(cost_file_refresh(cf, err, sizeof err), -1);
    assert_non_null(strstr(err, f->path));
    assert_true(pct_cost(cf, &entry) == 13000.0);

    /* Mended: the new figures. */
    put(f, "programs:\n  pct: {cost: 14000, source: p2}\n");
    assert_int_equal(cost_file_refresh(cf, err, sizeof err), 1);
    assert_true(pct_cost(cf, &entry) == 14000.0);
    cost_file_destroy(&cf);
}

static void test_bad_first_file_refused(void **state)
{
    fixture_t *f = *state;
    char err[512] = "", want[256];
    put(f, "colour: blue\n");
    assert_null(cost_file_open(f->path, err, sizeof err));
    snprintf(want, sizeof want, "%s:1: unknown key 'colour'", f->path);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("expected '%s...', got '%s'", want, err);
}

static void test_builtin_has_nothing_to_watch(void **state)
{
    (void)state;
    char err[64] = "";
    const char *entry;
    cost_file_t *cf = cost_file_open(NULL, err, sizeof err);
    assert_non_null(cf);
    assert_int_equal(cost_file_refresh(cf, err, sizeof err), 0);
    assert_true(pct_cost(cf, &entry) == COST_DEFAULT_USD);
    assert_string_equal(entry, "default");
    cost_file_destroy(&cf);
    cost_file_destroy(&cf); /* safe twice */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replaced_file_is_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_file_keeps_last_good, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_first_file_refused, setup, teardown),
        cmocka_unit_test(test_builtin_has_nothing_to_watch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
