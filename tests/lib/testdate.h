/* Test helper: a date literal as days since the epoch, failing the test on a
 * bad literal. Include after <cmocka.h>. */
#ifndef PATHWAYS_TESTDATE_H
#define PATHWAYS_TESTDATE_H

#include <stdint.h>

#include "pathways/date.h"

static inline int32_t test_day(const char *s)
{
    int32_t d;
    assert_int_equal(pw_date_parse(s, &d), 0);
    return d;
}

#endif
