/* The release period setting (PATHWAYS_REPORTING_RELEASE_PERIOD): month,
 * quarter and year are taken, nothing set means the default, anything else
 * is refused with the reason, so reporting does not start on a typo and
 * silently date protected reports by quarters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "reporting/publish.h"

static void check(const char *value, int want, const char *reason)
{
    char err[256] = "";
    if (value)
        setenv(PUBLISH_PERIOD_ENV, value, 1);
    else
        unsetenv(PUBLISH_PERIOD_ENV);
    int rc = publish_period_check(err, sizeof err);
    if (rc != want || (reason && strcmp(err, reason) != 0))
        fail_msg("%s: got %d '%s'", value ? value : "(unset)", rc, err);
}

static void test_release_period(void **state)
{
    (void)state;
    check(NULL, 0, NULL);
    check("", 0, NULL);
    check("month", 0, NULL);
    check("quarter", 0, NULL);
    check("year", 0, NULL);
    check("weekly", -1,
          "PATHWAYS_REPORTING_RELEASE_PERIOD: expected month, quarter or year, got 'weekly'");
    check("Quarter", -1,
          "PATHWAYS_REPORTING_RELEASE_PERIOD: expected month, quarter or year, got 'Quarter'");
    unsetenv(PUBLISH_PERIOD_ENV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_release_period)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
