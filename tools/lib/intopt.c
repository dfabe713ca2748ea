/* Integer options (intopt.h). */
#include "intopt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Whether text is [sign]digits and nothing else. */
static int is_decimal(const char *text, int allow_sign)
{
    if (!text)
        return 0;
    if (allow_sign && (*text == '-' || *text == '+'))
        text++;
    if (!*text)
        return 0;
    for (; *text; text++)
        if (*text < '0' || *text > '9')
            return 0;
    return 1;
}

int pwt_parse_i64(const char *text, int64_t lo, int64_t hi, int64_t *out)
{
    if (!is_decimal(text, 1))
        return -1;
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno || v < lo || v > hi)
        return -1;
    *out = (int64_t)v;
    return 0;
}

int pwt_parse_u64(const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!is_decimal(text, 0))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(text, NULL, 10);
    if (errno || v < lo || v > hi)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int pwt_parse_int(const char *text, int lo, int hi, int *out)
{
    int64_t v;
    if (pwt_parse_i64(text, lo, hi, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

int pwt_int_option(const char *who, const char *name, const char *text, int lo, int hi, int *out)
{
    if (pwt_parse_int(text, lo, hi, out) == 0)
        return 0;
    fprintf(stderr, "%s: %s: %d..%d expected, got '%s'\n", who, name, lo, hi,
            text ? text : "(nothing)");
    return -1;
}
