/* The roster diff: per employee, compare canonical fields, build events. */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "row.h"

#define ID_MAX 128

static const char *const CHANGES[CH_COUNT] = {
    "hired",         "rehired",     "job_changed", "hours_changed", "standing_changed",
    "leave_started", "leave_ended", "terminated",
};

const char *diff_change_name(change_t c)
{
    return c < CH_COUNT ? CHANGES[c] : "";
}

/* Normalized word -> protobuf enum number (lists in enum order). */
static int enum_of(const char *v, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0)
            return i + 1;
    return 0;
}

static const char *const STATUS[] = {"active", "leave", "terminated", "prehire", NULL};
static const char *const TYPES[] = {"full_time", "part_time", "temporary",
                                    "seasonal",  "per_diem",  NULL};
static const char *const STANDING[] = {"good", "corrective_action", "final_warning", NULL};

/* One event being built; strings borrowed from the split row. */
typedef struct {
    Pathways__V1__EmployeeEvent ev;
    Pathways__V1__EmployeeFacts data;
    Pathways__V1__ScheduledHours hours;
    char type[64], id[ID_MAX + 1];
} event_t;

static void set_status(event_t *e, char **r)
{
    e->data.status = (Pathways__V1__EmploymentStatus)enum_of(r[ROW_STATUS], STATUS);
    e->data.status_raw = r[ROW_STATUS_RAW];
    e->data.reason_code = r[ROW_REASON_CODE];
}

static void set_job(event_t *e, char **r)
{
    e->data.job_family = r[ROW_JOB_FAMILY];
    e->data.job_title = r[ROW_JOB_TITLE];
}

static void set_hours(event_t *e, char **r)
{
    e->data.employment_type = (Pathways__V1__EmploymentType)enum_of(r[ROW_TYPE], TYPES);
    e->data.employment_type_raw = r[ROW_TYPE_RAW];
    if (*r[ROW_HOURS]) {
        e->hours.per_week = strtod(r[ROW_HOURS], NULL);
        e->data.scheduled_hours = &e->hours;
    }
}

static void set_standing(event_t *e, char **r)
{
    e->data.standing = (Pathways__V1__Standing)enum_of(r[ROW_STANDING], STANDING);
    e->data.standing_raw = r[ROW_STANDING_RAW];
}

static void set_all(event_t *e, char **r)
{
    set_status(e, r);
    set_job(e, r);
    set_hours(e, r);
    set_standing(e, r);
    e->data.hire_date = r[ROW_HIRE_DATE];
    e->data.given_name = r[ROW_GIVEN_NAME];
    e->data.family_name = r[ROW_FAMILY_NAME];
    e->data.email = r[ROW_EMAIL];
    e->data.phone = r[ROW_PHONE];
    e->data.language = r[ROW_LANGUAGE];
}

/* Adds one event of change c for the employee of row r. */
static int emit(const diff_in_t *in, diff_out_t *out, change_t c, char **r, const char *effective)
{
    event_t e;
    pathways__v1__employee_event__init(&e.ev);
    pathways__v1__employee_facts__init(&e.data);
    pathways__v1__scheduled_hours__init(&e.hours);
    snprintf(e.type, sizeof e.type, "org.pathways.employee.%s.v1", CHANGES[c]);
    snprintf(e.id, sizeof e.id, "roster-%s-%s-%s", in->export_id, r[ROW_EMPLOYEE], CHANGES[c]);
    e.ev.id = e.id;
    e.ev.source = (char *)in->employer;
    e.ev.subject = r[ROW_EMPLOYEE];
    e.ev.type = e.type;
    e.ev.spec_version = "1.0";
    e.ev.time_us = pw_now_us();
    e.ev.effective_date = (char *)effective;
    e.ev.data = &e.data;
    if (c == CH_HIRED || c == CH_REHIRED)
        set_all(&e, r);
    else if (c == CH_JOB)
        set_job(&e, r);
    else if (c == CH_HOURS)
        set_hours(&e, r);
    else if (c == CH_STANDING)
        set_standing(&e, r);
    else
        set_status(&e, r);
    size_t k = out->feed->count;
    char **emp = realloc(out->employee, (k + 1) * sizeof *emp);
    if (!emp)
        return -1;
    out->employee = emp;
    emp[k] = NULL;
    if (feed_add_event(out->feed, &e.ev, 0) != 0 || !(emp[k] = strdup(r[ROW_EMPLOYEE])))
        return -1;
    out->counts[c]++;
    return 0;
}

static int differs(char **a, char **b, int f1, int f2)
{
    return strcmp(a[f1], b[f1]) != 0 || (f2 >= 0 && strcmp(a[f2], b[f2]) != 0);
}

static int contact_differs(char **a, char **b)
{
    for (int f = ROW_GIVEN_NAME; f <= ROW_LANGUAGE; f++)
        if (strcmp(a[f], b[f]) != 0)
            return 1;
    return 0;
}

/* An employee on file before and in this export. */
static int changed(const diff_in_t *in, diff_out_t *out, char **p, char **n)
{
    int was_term = !strcmp(p[ROW_STATUS], "terminated"),
        is_term = !strcmp(n[ROW_STATUS], "terminated");
    const char *d = in->export_date;
    size_t before = out->feed->count;
    if (is_term)
        return was_term ? 0
                        : emit(in, out, CH_TERMINATED, n,
                               *n[ROW_TERMINATION_DATE] ? n[ROW_TERMINATION_DATE] : d);
    if (was_term)
        return emit(in, out, CH_REHIRED, n, d);
    if (!strcmp(p[ROW_STATUS], "active") && !strcmp(n[ROW_STATUS], "leave") &&
        emit(in, out, CH_LEAVE_STARTED, n, d) != 0)
        return -1;
    if (!strcmp(p[ROW_STATUS], "leave") && !strcmp(n[ROW_STATUS], "active") &&
        emit(in, out, CH_LEAVE_ENDED, n, d) != 0)
        return -1;
    if (differs(p, n, ROW_JOB_FAMILY, ROW_JOB_TITLE) && emit(in, out, CH_JOB, n, d) != 0)
        return -1;
    if (differs(p, n, ROW_TYPE, ROW_HOURS) && emit(in, out, CH_HOURS, n, d) != 0)
        return -1;
    if (differs(p, n, ROW_STANDING, -1) && emit(in, out, CH_STANDING, n, d) != 0)
        return -1;
    if (out->feed->count == before && contact_differs(p, n))
        out->contact_only++;
    return 0;
}

/* Splits both rows and diffs one employee (prev may be NULL). */
static int one(const diff_in_t *in, diff_out_t *out, const char *prev, const char *now)
{
    char *pb = prev ? malloc(strlen(prev) + 1) : NULL, *nb = malloc(strlen(now) + 1);
    char *p[ROW_COUNT], *n[ROW_COUNT];
    int rc = -1;
    if (!nb || (prev && !pb) || row_split(now, nb, n) != 0 || (prev && row_split(prev, pb, p) != 0))
        goto done;
    if (!prev) {
        if (!strcmp(n[ROW_STATUS], "terminated"))
            out->skipped_terminated_new++, rc = 0;
        else
            rc = emit(in, out, CH_HIRED, n, n[ROW_HIRE_DATE]);
    } else {
        rc = changed(in, out, p, n);
    }
done:
    free(pb);
    free(nb);
    return rc;
}

/* Employees on file but gone from the export are terminated. */
static int absent(const diff_in_t *in, diff_out_t *out)
{
    zlist_t *keys = zhash_keys(in->prev);
    int rc = keys ? 0 : -1;
    zlist_sort(keys, NULL);
    for (const char *k = zlist_first(keys); rc == 0 && k; k = zlist_next(keys)) {
        if (zhash_lookup(in->now, k) || zhash_lookup(in->withheld, k))
            continue;
        const char *prev = zhash_lookup(in->prev, k);
        char *buf = malloc(strlen(prev) + 1), *p[ROW_COUNT];
        if (!buf || row_split(prev, buf, p) != 0) {
            rc = -1;
        } else if (strcmp(p[ROW_STATUS], "terminated") != 0) {
            p[ROW_STATUS] = p[ROW_STATUS_RAW] = "terminated";
            p[ROW_REASON_CODE] = "absent_from_roster";
            rc = emit(in, out, CH_TERMINATED, p, in->export_date);
            out->absent++;
        }
        free(buf);
    }
    zlist_destroy(&keys);
    return rc;
}

int diff_run(const diff_in_t *in, diff_out_t *out)
{
    memset(out, 0, sizeof *out);
    if (!(out->feed = feed_new()))
        return -1;
    zlist_t *keys = zhash_keys(in->now);
    int rc = keys ? 0 : -1;
    zlist_sort(keys, NULL); /* a stable order, run after run */
    for (const char *k = zlist_first(keys); rc == 0 && k; k = zlist_next(keys))
        rc = one(in, out, zhash_lookup(in->prev, k), zhash_lookup(in->now, k));
    zlist_destroy(&keys);
    if (rc == 0 && !in->no_absent)
        rc = absent(in, out);
    return rc;
}

void diff_out_release(diff_out_t *out)
{
    for (size_t i = 0; out->feed && i < out->feed->count; i++)
        free(out->employee[i]);
    free(out->employee);
    feed_destroy(&out->feed);
}

/* The previous row with status terminated (the employee left the export). */
static char *terminated_row(const char *prev)
{
    char *buf = malloc(strlen(prev) + 1), *p[ROW_COUNT], *row = NULL;
    if (buf && row_split(prev, buf, p) == 0) {
        size_t len = strlen(prev) + 64;
        if ((row = malloc(len))) {
            p[ROW_STATUS] = p[ROW_STATUS_RAW] = "terminated";
            size_t used = 0;
            for (int f = 0; f < ROW_COUNT; f++)
                used += (size_t)snprintf(row + used, len - used, "%s%s", f ? "\t" : "", p[f]);
        }
    }
    free(buf);
    return row;
}

zhash_t *diff_next_state(const diff_in_t *in, const diff_out_t *out)
{
    zhash_t *next = zhash_dup(in->prev), *failed = zhash_new();
    if (!next || !failed)
        goto oom;
    for (size_t i = 0; i < out->feed->count; i++) {
        feed_result_t r = out->feed->events[i].result;
        if (r != FEED_ACCEPTED && r != FEED_DUPLICATE)
            zhash_update(failed, out->employee[i], (void *)1);
    }
    for (const char *row = zhash_first(in->now); row; row = zhash_next(in->now))
        if (!zhash_lookup(failed, zhash_cursor(in->now)))
            zhash_update(next, zhash_cursor(in->now), (void *)row);
    for (const char *row = zhash_first(in->prev); row && !in->no_absent;
         row = zhash_next(in->prev)) {
        const char *k = zhash_cursor(in->prev);
        if (zhash_lookup(in->now, k) || zhash_lookup(in->withheld, k) || zhash_lookup(failed, k))
            continue;
        char *t = terminated_row(row);
        if (!t)
            goto oom;
        zhash_update(next, k, t);
        free(t);
    }
    zhash_destroy(&failed);
    return next;
oom:
    zhash_destroy(&failed);
    zhash_destroy(&next);
    return NULL;
}
