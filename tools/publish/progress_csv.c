/* Progress export rows -> ProgressEvents (progress_csv.h). */
#include "progress_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "pathways/codec.h"
#include "pathways/progress_event.h"

enum {
    C_EVENT_ID,
    C_COHORT,
    C_EMPLOYER,
    C_EMPLOYEE,
    C_DATE,
    C_KIND,
    C_SESSION,
    C_STATUS,
    C_MODULE,
    C_MODULE_NAME,
    C_EXAM,
    C_RESULT,
    C_SCORE,
    C_ISSUER,
    C_CREDENTIAL_ID,
    C_CREDENTIAL,
    C_REASON_CODE,
    C_REASON,
    N_COLUMNS
};

static const csv_column_t COLUMNS[N_COLUMNS] = {
    {"event_id", 1},   {"cohort_id", 1},   {"employer", 1}, {"employee", 1},  {"date", 1},
    {"kind", 1},       {"session_id", 0},  {"status", 0},   {"module_id", 0}, {"module_name", 0},
    {"exam_id", 0},    {"result", 0},      {"score", 0},    {"issuer", 0},    {"credential_id", 0},
    {"credential", 0}, {"reason_code", 0}, {"reason", 0},
};

const char *progress_csv_columns(void)
{
    return "event_id, cohort_id, employer, employee, date, kind, session_id, status, module_id, "
           "module_name, exam_id, result, score, issuer, credential_id, credential, "
           "reason_code, reason";
}

/* One event being built from a record; strings borrowed from it. */
typedef pw_progress_event_t row_t;

/* Index of word in words[0..n), or -1. */
static int word_of(const char *word, const char *const *words, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(word, words[i]) == 0)
            return i;
    return -1;
}

/* Sets the detail of kind from the record; returns 0 or -1 with why. */
static int detail(row_t *r, const char *kind, char *const *f, size_t n, const int *at, char *why,
                  size_t whylen)
{
    static const char *const statuses[] = {"present", "absent", "excused"};
    static const char *const results[] = {"passed", "failed"};
    int v;
    if (pw_progress_event_set_kind(r, kind) != 0)
        return snprintf(why, whylen,
                        "kind: expected attendance, module_completed, exam, credential, "
                        "completed or withdrawn, got '%.40s'",
                        kind),
               -1;
#define COL(c) ((char *)csv_field(f, n, at[c]))
    r->attendance.session_id = COL(C_SESSION);
    r->module.module_id = COL(C_MODULE);
    r->module.name = COL(C_MODULE_NAME);
    r->exam.exam_id = COL(C_EXAM);
    r->exam.score = COL(C_SCORE);
    r->credential.issuer = COL(C_ISSUER);
    r->credential.credential_id = COL(C_CREDENTIAL_ID);
    r->credential.credential = COL(C_CREDENTIAL);
    r->withdrawn.reason_code = COL(C_REASON_CODE);
    r->withdrawn.reason = COL(C_REASON);
    if (r->ev.detail_case == PATHWAYS__V1__PROGRESS_EVENT__DETAIL_ATTENDANCE) {
        if ((v = word_of(COL(C_STATUS), statuses, 3)) < 0)
            return snprintf(why, whylen, "status: expected present, absent or excused"), -1;
        r->attendance.status = (Pathways__V1__AttendanceStatus)(v + 1);
    }
    if (r->ev.detail_case == PATHWAYS__V1__PROGRESS_EVENT__DETAIL_EXAM) {
        if ((v = word_of(COL(C_RESULT), results, 2)) < 0)
            return snprintf(why, whylen, "result: expected passed or failed"), -1;
        r->exam.result = (Pathways__V1__ExamResult)(v + 1);
    }
#undef COL
    return 0;
}

/* Adds one record to the feed (or lists it as unreadable). */
static int record(feed_t *feed, const char *provider, char *const *f, size_t n, const int *at,
                  long line)
{
    row_t r;
    char why[256];
    pw_progress_event_init(&r);
    r.ev.id = (char *)csv_field(f, n, at[C_EVENT_ID]);
    r.ev.source = (char *)provider;
    r.ev.cohort_id = (char *)csv_field(f, n, at[C_COHORT]);
    r.ev.employer = (char *)csv_field(f, n, at[C_EMPLOYER]);
    r.ev.employee = (char *)csv_field(f, n, at[C_EMPLOYEE]);
    r.ev.date = (char *)csv_field(f, n, at[C_DATE]);
    if (!*r.ev.id)
        return feed_add_unreadable(feed, line, "event_id is empty");
    if (detail(&r, csv_field(f, n, at[C_KIND]), f, n, at, why, sizeof why) != 0)
        return feed_add_unreadable(feed, line, why);
    char subject[512];
    snprintf(subject, sizeof subject, "%s/%s", r.ev.employer, r.ev.employee);
    return feed_add_message(feed, &r.ev.base, r.ev.id, provider, subject, line);
}

feed_t *progress_csv_load(const char *path, const char *provider, char *err, size_t errlen)
{
    char *fields[CSV_MAX_FIELDS], why[200];
    int at[N_COLUMNS];
    size_t len = 0, n;
    long line;
    csv_t csv;
    char *text = csv_read_file(path, &len, err, errlen);
    if (!text)
        return NULL;
    feed_t *feed = feed_new();
    csv_init(&csv, text, len);
    if (!feed) {
        snprintf(err, errlen, "out of memory");
    } else if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s: holds a NUL byte; a progress export is text", path);
        feed_destroy(&feed);
    } else if (csv_next(&csv, fields, &n, &line, why, sizeof why) != 1) {
        snprintf(err, errlen, "%s: no header line", path);
        feed_destroy(&feed);
    } else if (csv_header_bind(COLUMNS, N_COLUMNS, progress_csv_columns(), fields, n, at, why,
                               sizeof why) != 0) {
        snprintf(err, errlen, "%s:%ld: %s", path, line, why);
        feed_destroy(&feed);
    }
    int rc;
    while (feed && (rc = csv_next(&csv, fields, &n, &line, why, sizeof why)) != 0) {
        int oom = rc < 0 ? feed_add_unreadable(feed, line, why)
                         : record(feed, provider, fields, n, at, line);
        if (oom != 0) {
            snprintf(err, errlen, "out of memory");
            feed_destroy(&feed);
        }
    }
    free(text);
    return feed;
}
