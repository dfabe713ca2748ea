/* The latest eligibility determination of a participant, as the commands
 * check it again (at application and at cohort start). enrollment.
 * determination keeps the decision (outcome, status, standing) and where
 * the "eligibility" stream keeps the determination; the criteria and their
 * reasons are read from that stream event, never copied. */
#ifndef PATHWAYS_ENROLLMENT_ELIGIBILITY_H
#define PATHWAYS_ENROLLMENT_ELIGIBILITY_H

#include <stddef.h>

#include "pathways/date.h"
#include "pathways/db.h"

/* The latest determination of (employer, employee, program). Returns 1
 * when it is ELIGIBLE, 0 when not (the failing criteria in why), -2 when
 * none was ever received (why says so), -1 on a database error (why). When
 * facts is not NULL it receives the determination used as a JSON object
 * with its criteria (caller frees; NULL when none). */
int enr_eligibility_check(pw_db_t *db, const char *employer, const char *employee,
                          const char *program, char *why, size_t whylen, char **facts)
    __attribute__((warn_unused_result));

/* The earliest date (employer, employee, program) was eligible, as far as
 * the determinations received say, into first ("" when never eligible).
 * Returns 1, -2 when no determination was ever received (why says so), or
 * -1 on a database error (why). */
int enr_eligibility_first(pw_db_t *db, const char *employer, const char *employee,
                          const char *program, char first[PW_DATE_LEN], char *why, size_t whylen)
    __attribute__((warn_unused_result));

#endif
