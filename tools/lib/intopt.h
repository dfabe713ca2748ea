/* The tools' one integer-option parser: decimal digits with an optional
 * sign, nothing else (no spaces, no trailing bytes, no hexadecimal, no
 * overflow), within the caller's range. Every command-line number the
 * tools take goes through here. */
#ifndef PATHWAYS_TOOLS_INTOPT_H
#define PATHWAYS_TOOLS_INTOPT_H

#include <stdint.h>

/* Each returns 0 and sets *out, or -1 (*out untouched) when text is NULL,
 * empty, not a whole decimal integer, or outside [lo, hi]. The unsigned
 * form refuses a sign. */
int pwt_parse_i64(const char *text, int64_t lo, int64_t hi, int64_t *out)
    __attribute__((warn_unused_result));
int pwt_parse_u64(const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
    __attribute__((warn_unused_result));
int pwt_parse_int(const char *text, int lo, int hi, int *out) __attribute__((warn_unused_result));

/* pwt_parse_int for an option: on failure prints
 * "WHO: NAME: LO..HI expected, got 'TEXT'" to stderr. Returns 0 or -1. */
int pwt_int_option(const char *who, const char *name, const char *text, int lo, int hi, int *out)
    __attribute__((warn_unused_result));

#endif
