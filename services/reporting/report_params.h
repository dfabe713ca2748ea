/* The parameters every report query shares, taken from a ReportFilter and
 * checked before they reach SQL: dates are real calendar days, texts are
 * bounded UTF-8, the slice is known. Strings are borrowed from the filter. */
#ifndef PATHWAYS_REPORTING_REPORT_PARAMS_H
#define PATHWAYS_REPORTING_REPORT_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/date.h"
#include "report_msg.h"

/* Slice key for cost: program, employer and role together
 * ("mapp|emp-001|clerical"). */
#define REPORT_SLICE_PROGRAM_EMPLOYER_ROLE "program_employer_role"

typedef struct {
    char as_of[PW_DATE_LEN];
    int32_t as_of_days;
    const char *program; /* NULL: any */
    const char *employer;
    const char *cohort;
    const char *job_family;
    const char *from; /* NULL or YYYY-MM-DD */
    const char *to;
    const char *slice; /* report_slice_name() or REPORT_SLICE_PROGRAM_EMPLOYER_ROLE */
    unsigned threshold;
    int release; /* the filter asked for the protected figures */
    char from_buf[PW_DATE_LEN], to_buf[PW_DATE_LEN]; /* from/to when rewritten */
} report_params_t;

/* Fills p from f (NULL: no filter), using today when as_of is empty and
 * dflt when the filter names no slice. Returns 0, or -1 with a sentence for
 * the requester in err. */
int report_params_from(const Pathways__V1__ReportFilter *f, Pathways__V1__ReportSlice dflt,
                       report_params_t *p, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The eight SQL parameters in the order every report statement takes:
 * as_of, program, employer, cohort, job_family, from, to, slice. */
#define REPORT_NPARAMS 8
void report_params_sql(const report_params_t *p, const char *out[REPORT_NPARAMS]);

#endif
