/* ReportFilter -> checked query parameters; see report_params.h. */
#include "report_params.h"

#include <stdio.h>
#include <string.h>

#include "projection.h"
#include "suppress.h"

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static int text_ok(const char *s)
{
    return !s || (strlen(s) <= REPORTING_MAX_TEXT && pw_utf8_valid(s, strlen(s)));
}

static int date_ok(const char *s, const char *name, char *err, size_t errlen)
{
    int32_t days;
    if (!s || pw_date_parse(s, &days) == 0)
        return 1;
    snprintf(err, errlen, "%s: YYYY-MM-DD expected", name);
    return 0;
}

int report_params_from(const Pathways__V1__ReportFilter *f, Pathways__V1__ReportSlice dflt,
                       report_params_t *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->threshold = SUPPRESS_THRESHOLD;
    p->as_of_days = pw_date_today();
    Pathways__V1__ReportSlice slice = dflt;
    if (f) {
        p->program = opt(f->program);
        p->employer = opt(f->employer);
        p->cohort = opt(f->cohort_id);
        p->job_family = opt(f->job_family);
        p->from = opt(f->from);
        p->to = opt(f->to);
        p->release = f->release;
        if (f->slice != PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_UNSPECIFIED)
            slice = f->slice;
        if (opt(f->as_of) && pw_date_parse(f->as_of, &p->as_of_days) != 0) {
            snprintf(err, errlen, "as_of: YYYY-MM-DD expected");
            return -1;
        }
    }
    if (!date_ok(p->from, "from", err, errlen) || !date_ok(p->to, "to", err, errlen))
        return -1;
    if (!text_ok(p->program) || !text_ok(p->employer) || !text_ok(p->cohort) ||
        !text_ok(p->job_family)) {
        snprintf(err, errlen, "filter text too long or not UTF-8");
        return -1;
    }
    if ((unsigned)slice > PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_PROVIDER) {
        snprintf(err, errlen, "unknown slice %d", (int)slice);
        return -1;
    }
    p->slice = report_slice_name(slice);
    pw_date_format(p->as_of_days, p->as_of);
    return 0;
}

void report_params_sql(const report_params_t *p, const char *out[REPORT_NPARAMS])
{
    out[0] = p->as_of;
    out[1] = p->program;
    out[2] = p->employer;
    out[3] = p->cohort;
    out[4] = p->job_family;
    out[5] = p->from;
    out[6] = p->to;
    out[7] = p->slice;
}
