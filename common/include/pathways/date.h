/* Calendar dates as days since 1970-01-01 (UTC), strict ISO parsing, and the
 * service's notion of "today" (injectable for tests and demos). */
#ifndef PATHWAYS_DATE_H
#define PATHWAYS_DATE_H

#include <stddef.h>
#include <stdint.h>

#define PW_DATE_LEN 11 /* "YYYY-MM-DD" + NUL */
/* Dates outside this range are rejected as implausible. */
#define PW_DATE_MIN_YEAR 1900
#define PW_DATE_MAX_YEAR 2200

/* Parses exactly "YYYY-MM-DD" (a real calendar day within the range).
 * Returns 0 and stores days, or -1. */
int pw_date_parse(const char *s, int32_t *days) __attribute__((warn_unused_result));
void pw_date_format(int32_t days, char out[PW_DATE_LEN]);
int32_t pw_date_from_ymd(int y, int m, int d);
void pw_date_to_ymd(int32_t days, int *y, int *m, int *d);

/* Today's date: PATHWAYS_CLOCK_FILE's content (re-read when it changes, so a
 * test can move time), else PATHWAYS_TODAY, else the system clock (UTC). */
int32_t pw_date_today(void);

/* Microseconds since the epoch from the system clock. */
int64_t pw_now_us(void);
/* Monotonic milliseconds, for timers. */
int64_t pw_mono_ms(void);

#endif
