/* Dates: strict parsing (hostile strings), round trips, injectable today. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pathways/date.h"

static void test_parses_real_dates(void **state)
{
    int32_t d;
    assert_int_equal(pw_date_parse("1970-01-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(pw_date_parse("2024-02-29", &d), 0);
    assert_int_equal(d, 19782);
    assert_int_equal(pw_date_parse("2000-02-29", &d), 0);
}

static void test_rejects_impossible_and_malformed(void **state)
{
    const char *bad[] = {
        "2023-02-29",    "1900-02-29", "2026-13-01", "2026-00-10",       "2026-04-31",
        "2026-4-01",     "26-04-01",   "2026/04/01", "2026-04-01T00:00", "",
        "abcd-ef-gh",    "1899-12-31", "2201-01-01", " 2026-04-01",      "2026-04-0\x01",
        "９９９９-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t d = 12345;
        if (pw_date_parse(bad[i], &d) == 0)
            fail_msg("accepted bad date '%s'", bad[i]);
        assert_int_equal(d, 12345);
    }
    int32_t d;
    assert_int_equal(pw_date_parse(NULL, &d), -1);
}

static void test_round_trip_over_centuries(void **state)
{
    char buf[PW_DATE_LEN];
    for (int32_t d = pw_date_from_ymd(1900, 1, 1); d <= pw_date_from_ymd(2200, 12, 31); d += 17) {
        pw_date_format(d, buf);
        int32_t back;
        assert_int_equal(pw_date_parse(buf, &back), 0);
        assert_int_equal(back, d);
    }
    pw_date_format(pw_date_from_ymd(2027, 3, 2), buf);
    assert_string_equal(buf, "2027-03-02");
}

static void test_today_is_injectable(void **state)
{
    setenv("PATHWAYS_TODAY", "2026-11-30", 1);
    int32_t d;
    assert_int_equal(pw_date_parse("2026-11-30", &d), 0);
    assert_int_equal(pw_date_today(), d);
    char path[] = "/tmp/pw_clock_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "2027-03-02\n", 11), 11);
    close(fd);
    setenv("PATHWAYS_CLOCK_FILE", path, 1);
    assert_int_equal(pw_date_today(), pw_date_from_ymd(2027, 3, 2));
    unlink(path);
    /* An unreadable clock file falls back to PATHWAYS_TODAY. */
    assert_int_equal(pw_date_today(), d);
    unsetenv("PATHWAYS_CLOCK_FILE");
    unsetenv("PATHWAYS_TODAY");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_real_dates),
        cmocka_unit_test(test_rejects_impossible_and_malformed),
        cmocka_unit_test(test_round_trip_over_centuries),
        cmocka_unit_test(test_today_is_injectable),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
