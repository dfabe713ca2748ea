/* The history import file and its cohorts; see history.h. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"

/* A cohort ends this long after its quarter's first day (admissions all
 * fall in the quarter; training runs 270 days from admission). */
#define COHORT_DAYS 400
/* Seats beyond the people the history admits. */
#define SPARE_SEATS 5

/* day as YYYY-MM-DD, or "" for 0; buf must hold PW_DATE_LEN. */
static const char *date_or_empty(int32_t day, char *buf)
{
    buf[0] = '\0';
    if (day)
        pw_date_format(day, buf);
    return buf;
}

int sy_emit_history(const sy_workforce_t *w, FILE *out)
{
    if (fprintf(out, "employer,employee,program,cohort,applied,admitted,started,completed,"
                     "certified,placed,withdrawn,reason_code,credential,new_role\n") < 0)
        return -1;
    for (size_t i = 0; i < w->params.employees; i++) {
        const sy_participation_t *p = &w->part[i];
        if (!p->participant)
            continue;
        char d[7][PW_DATE_LEN];
        int rc = fprintf(out, "%s,%s,mapp,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
                         w->employer[w->employee[i].employer].id, w->employee[i].id, p->cohort,
                         date_or_empty(sy_participation_applied(p), d[0]),
                         date_or_empty(p->enrolled, d[1]), date_or_empty(p->training, d[2]),
                         date_or_empty(p->completed, d[3]), date_or_empty(p->certified, d[4]),
                         date_or_empty(p->placed, d[5]), date_or_empty(p->withdrawn, d[6]),
                         p->withdrawn ? p->exit_reason : "", p->certified ? "CCMA" : "",
                         p->placed ? "medical_assistant" : "");
        if (rc < 0)
            return -1;
    }
    return 0;
}

typedef struct {
    const char *id;
    int32_t start;
    unsigned admitted;
} cohort_t;

static int cohort_cmp(const void *a, const void *b)
{
    const cohort_t *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The first day of day's quarter. */
static int32_t quarter_start(int32_t day)
{
    int y, m, d;
    pw_date_to_ymd(day, &y, &m, &d);
    int32_t start = day - (d - 1);
    for (int month = m; month > (m - 1) / 3 * 3 + 1; month--) {
        int py, pm, pd;
        pw_date_to_ymd(start - 1, &py, &pm, &pd);
        start -= pd; /* back to the first of the previous month */
    }
    return start;
}

int sy_emit_cohorts(const sy_workforce_t *w, FILE *out)
{
    cohort_t *c = calloc(w->params.employees + 1, sizeof *c);
    size_t n = 0;
    if (!c)
        return -1;
    for (size_t i = 0; i < w->params.employees; i++) {
        const sy_participation_t *p = &w->part[i];
        if (!p->participant)
            continue;
        size_t k = 0;
        while (k < n && strcmp(c[k].id, p->cohort) != 0)
            k++;
        if (k == n)
            c[n++] = (cohort_t){p->cohort, quarter_start(p->enrolled), 0};
        c[k].admitted++;
    }
    qsort(c, n, sizeof *c, cohort_cmp);
    int rc = fprintf(out, "cohort\tstart\tend\tcapacity\n") < 0 ? -1 : 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        char start[PW_DATE_LEN], end[PW_DATE_LEN];
        pw_date_format(c[k].start, start);
        pw_date_format(c[k].start + COHORT_DAYS, end);
        rc = fprintf(out, "%s\t%s\t%s\t%u\n", c[k].id, start, end, c[k].admitted + SPARE_SEATS) < 0
                 ? -1
                 : 0;
    }
    free(c);
    return rc;
}
