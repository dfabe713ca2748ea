/* Merged employee facts: applying partner events group by group, with
 * per-group effective dates (see facts.h for why). */
#include "facts.h"

#include "attrs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_PREFIX "org.pathways.employee."
#define TYPE_SUFFIX ".v1"

static const char *const EVENT_TYPES[ELIG_EV_COUNT] = {
    "hired",         "rehired",     "job_changed", "hours_changed", "standing_changed",
    "leave_started", "leave_ended", "terminated",
};

static const char *const STATUS_NAMES[] = {"", "active", "leave", "terminated", "prehire"};
static const char *const TYPE_NAMES[] = {"",          "full_time", "part_time",
                                         "temporary", "seasonal",  "per_diem"};
static const char *const STANDING_NAMES[] = {"", "good", "corrective_action", "final_warning"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

int elig_event_type_parse(const char *type)
{
    size_t plen = strlen(TYPE_PREFIX), slen = strlen(TYPE_SUFFIX);
    if (!type || strncmp(type, TYPE_PREFIX, plen) != 0)
        return -1;
    const char *name = type + plen;
    size_t nlen = strlen(name);
    if (nlen <= slen || strcmp(name + nlen - slen, TYPE_SUFFIX) != 0)
        return -1;
    nlen -= slen;
    for (int i = 0; i < ELIG_EV_COUNT; i++)
        if (strlen(EVENT_TYPES[i]) == nlen && strncmp(name, EVENT_TYPES[i], nlen) == 0)
            return i;
    return -1;
}

const char *elig_event_type_name(elig_event_type_t t)
{
    return (t >= 0 && t < ELIG_EV_COUNT) ? EVENT_TYPES[t] : "";
}

static const char *name_of(const char *const *names, int n, int v)
{
    return (v >= 0 && v < n) ? names[v] : "";
}

static int parse_name(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *elig_status_name(int v)
{
    return name_of(STATUS_NAMES, COUNT(STATUS_NAMES), v);
}
const char *elig_type_name(int v)
{
    return name_of(TYPE_NAMES, COUNT(TYPE_NAMES), v);
}
const char *elig_standing_name(int v)
{
    return name_of(STANDING_NAMES, COUNT(STANDING_NAMES), v);
}
int elig_status_parse(const char *name)
{
    return parse_name(STATUS_NAMES, COUNT(STATUS_NAMES), name);
}
int elig_type_parse(const char *name)
{
    return parse_name(TYPE_NAMES, COUNT(TYPE_NAMES), name);
}
int elig_standing_parse(const char *name)
{
    return parse_name(STANDING_NAMES, COUNT(STANDING_NAMES), name);
}

/* scheduled_hours is a sub-message so that "not stated" differs from 0
 * (protoc-c has no proto3 optional). These two functions are the only
 * places that know. */
int elig_event_has_hours(const Pathways__V1__EmployeeFacts *d)
{
    return d && d->scheduled_hours != NULL;
}

double elig_event_hours(const Pathways__V1__EmployeeFacts *d)
{
    return elig_event_has_hours(d) ? d->scheduled_hours->per_week : 0.0;
}

void elig_facts_init(elig_facts_t *f, const char *employer, const char *employee)
{
    memset(f, 0, sizeof *f);
    snprintf(f->employer, sizeof f->employer, "%s", employer ? employer : "");
    snprintf(f->employee, sizeof f->employee, "%s", employee ? employee : "");
    f->hire_date = ELIG_NO_DATE;
    f->period_start = ELIG_NO_DATE;
    for (int g = 0; g < ELIG_GROUP_COUNT; g++)
        f->group_date[g] = ELIG_NO_DATE;
    f->employer_participates = -1;
}

void elig_facts_clear(elig_facts_t *f)
{
    for (int t = 0; t < ELIG_TEXT_COUNT; t++) {
        free(f->text[t]);
        f->text[t] = NULL;
    }
}

void elig_facts_reset(elig_facts_t *f, const char *employer, const char *employee)
{
    elig_facts_clear(f);
    elig_facts_init(f, employer, employee);
}

const char *elig_facts_text(const elig_facts_t *f, elig_text_t t)
{
    return f->text[t] ? f->text[t] : "";
}

size_t elig_text_max(elig_text_t t)
{
    switch (t) {
    case ELIG_TEXT_CREDENTIALS:
    case ELIG_TEXT_LANGUAGES:
        return ELIG_SET_MAX;
    case ELIG_TEXT_ATTRIBUTES:
        return ELIG_ATTRS_TEXT_MAX;
    case ELIG_TEXT_PROGRAMS:
        return ELIG_PROGRAMS_MAX;
    default:
        return ELIG_SHORT_MAX;
    }
}

int elig_facts_set_text(elig_facts_t *f, elig_text_t t, const char *value)
{
    char *copy = NULL;
    if (value && *value && !(copy = strndup(value, elig_text_max(t))))
        return -1;
    free(f->text[t]);
    f->text[t] = copy;
    return 0;
}

/* Copies src into dst when src states something (non-empty). */
#define SET_IF(dst, src)                                                                           \
    do {                                                                                           \
        if ((src) && (src)[0])                                                                     \
            snprintf((dst), sizeof(dst), "%s", (src));                                             \
    } while (0)

/* Sets text t when src states something (non-empty). Returns 0 or -1. */
static int set_text_if(elig_facts_t *f, elig_text_t t, const char *src)
{
    return src && *src ? elig_facts_set_text(f, t, src) : 0;
}

/* A stated list replaces the one on file: "a,b,c" (validation keeps the
 * words free of commas and the whole within the bound). */
static int join_words(elig_facts_t *f, elig_text_t t, char *const *items, size_t n)
{
    char out[ELIG_SET_MAX + 1];
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof out; i++)
        used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", i ? "," : "", items[i]);
    return elig_facts_set_text(f, t, out);
}

/* Merges the event's attributes into those on file. Returns 0 or -1. */
static int merge_attributes(elig_facts_t *f, const Pathways__V1__EmployeeFacts *d)
{
    char text[ELIG_ATTRS_TEXT_MAX + 1];
    snprintf(text, sizeof text, "%s", elig_facts_text(f, ELIG_TEXT_ATTRIBUTES));
    elig_attr_merge(text, sizeof text, d);
    return elig_facts_set_text(f, ELIG_TEXT_ATTRIBUTES, text);
}

/* The status an event type implies when the event states none. */
static int implied_status(int type)
{
    switch (type) {
    case ELIG_EV_LEAVE_STARTED:
        return PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE;
    case ELIG_EV_LEAVE_ENDED:
    case ELIG_EV_REHIRED:
        return PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    case ELIG_EV_TERMINATED:
        return PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED;
    default:
        return 0;
    }
}

/* Which groups the event states (bitmask of 1 << group). */
static unsigned stated_groups(const Pathways__V1__EmployeeFacts *d, int type)
{
    unsigned m = 0;
    if (implied_status(type) || type == ELIG_EV_HIRED)
        m |= 1u << ELIG_GROUP_STATUS;
    if (!d)
        return m;
    if (d->job_family[0] || d->job_title[0] || d->site[0] || d->shift[0])
        m |= 1u << ELIG_GROUP_JOB;
    if (d->education_level[0] || d->n_credentials || d->n_languages || d->n_attributes)
        m |= 1u << ELIG_GROUP_QUALIFICATION;
    if (d->status || d->status_raw[0] || d->reason_code[0])
        m |= 1u << ELIG_GROUP_STATUS;
    if (d->employment_type || d->employment_type_raw[0] || elig_event_has_hours(d))
        m |= 1u << ELIG_GROUP_HOURS;
    if (d->standing || d->standing_raw[0])
        m |= 1u << ELIG_GROUP_STANDING;
    if (d->hire_date[0] || type == ELIG_EV_REHIRED)
        m |= 1u << ELIG_GROUP_HIRE;
    if (d->given_name[0] || d->family_name[0] || d->email[0] || d->phone[0] || d->language[0])
        m |= 1u << ELIG_GROUP_CONTACT;
    return m;
}

static void apply_status(elig_facts_t *f, const Pathways__V1__EmployeeFacts *d, int type)
{
    int status = d && d->status ? (int)d->status : implied_status(type);
    if (status)
        f->status = status;
    if (d && d->status_raw[0])
        SET_IF(f->status_raw, d->status_raw);
    else if (status)
        snprintf(f->status_raw, sizeof f->status_raw, "%s", elig_status_name(status));
    if (type == ELIG_EV_TERMINATED || type == ELIG_EV_LEAVE_STARTED)
        f->reason_code[0] = '\0';
    if (d)
        SET_IF(f->reason_code, d->reason_code);
}

/* Hire group: a hire sets the original hire date and starts the period; a
 * rehire keeps the original hire date and starts a new period on its
 * effective date. */
static void apply_hire(elig_facts_t *f, const Pathways__V1__EmployeeFacts *d, int type,
                       int32_t effective)
{
    int32_t hire = ELIG_NO_DATE;
    if (d && d->hire_date[0] && pw_date_parse(d->hire_date, &hire) != 0)
        hire = ELIG_NO_DATE;
    if (type == ELIG_EV_REHIRED) {
        if (f->hire_date == ELIG_NO_DATE)
            f->hire_date = hire;
        f->period_start = effective;
    } else if (hire != ELIG_NO_DATE) {
        f->hire_date = hire;
        if (type == ELIG_EV_HIRED || f->period_start == ELIG_NO_DATE)
            f->period_start = hire;
    }
}

/* Returns 0, or -1 when a text fact could not be stored. */
static int apply_group(elig_facts_t *f, int g, const Pathways__V1__EmployeeFacts *d, int type,
                       int32_t effective)
{
    int rc = 0;
    switch (g) {
    case ELIG_GROUP_JOB:
        SET_IF(f->job_family, d->job_family);
        SET_IF(f->job_title, d->job_title);
        rc |= set_text_if(f, ELIG_TEXT_SITE, d->site);
        rc |= set_text_if(f, ELIG_TEXT_SHIFT, d->shift);
        break;
    case ELIG_GROUP_QUALIFICATION:
        rc |= set_text_if(f, ELIG_TEXT_EDUCATION, d->education_level);
        if (d->n_credentials)
            rc |= join_words(f, ELIG_TEXT_CREDENTIALS, d->credentials, d->n_credentials);
        if (d->n_languages)
            rc |= join_words(f, ELIG_TEXT_LANGUAGES, d->languages, d->n_languages);
        rc |= merge_attributes(f, d);
        break;
    case ELIG_GROUP_STATUS:
        apply_status(f, d, type);
        break;
    case ELIG_GROUP_HOURS:
        if (d->employment_type)
            f->employment_type = d->employment_type;
        SET_IF(f->employment_type_raw, d->employment_type_raw);
        if (elig_event_has_hours(d)) {
            f->has_hours = 1;
            f->scheduled_hours = elig_event_hours(d);
        }
        break;
    case ELIG_GROUP_STANDING:
        if (d->standing)
            f->standing = d->standing;
        SET_IF(f->standing_raw, d->standing_raw);
        break;
    case ELIG_GROUP_HIRE:
        apply_hire(f, d, type, effective);
        break;
    case ELIG_GROUP_CONTACT:
        SET_IF(f->given_name, d->given_name);
        SET_IF(f->family_name, d->family_name);
        SET_IF(f->email, d->email);
        SET_IF(f->phone, d->phone);
        SET_IF(f->language, d->language);
        break;
    default:
        break;
    }
    return rc;
}

unsigned elig_facts_apply(elig_facts_t *f, const Pathways__V1__EmployeeEvent *ev)
{
    static const Pathways__V1__EmployeeFacts EMPTY = PATHWAYS__V1__EMPLOYEE_FACTS__INIT;
    int type = elig_event_type_parse(ev->type);
    int32_t effective;
    if (type < 0 || pw_date_parse(ev->effective_date, &effective) != 0)
        return 0;
    const Pathways__V1__EmployeeFacts *d = ev->data ? ev->data : &EMPTY;
    unsigned stated = stated_groups(ev->data, type), stale = 0;
    for (int g = 0; g < ELIG_GROUP_COUNT; g++) {
        if (!(stated & (1u << g)))
            continue;
        if (f->group_date[g] != ELIG_NO_DATE && effective < f->group_date[g]) {
            stale |= 1u << g;
            continue;
        }
        if (apply_group(f, g, d, type, effective) != 0)
            stale |= ELIG_FACTS_NOMEM;
        f->group_date[g] = effective;
    }
    return stale;
}

void elig_facts_to_proto(const elig_facts_t *f, Pathways__V1__EmployeeFacts *out,
                         Pathways__V1__ScheduledHours *hours, char date_buf[PW_DATE_LEN])
{
    pathways__v1__employee_facts__init(out);
    pathways__v1__scheduled_hours__init(hours);
    date_buf[0] = '\0';
    if (f->hire_date != ELIG_NO_DATE)
        pw_date_format(f->hire_date, date_buf);
    out->job_family = (char *)f->job_family;
    out->job_title = (char *)f->job_title;
    out->status = (Pathways__V1__EmploymentStatus)f->status;
    out->status_raw = (char *)f->status_raw;
    out->employment_type = (Pathways__V1__EmploymentType)f->employment_type;
    out->employment_type_raw = (char *)f->employment_type_raw;
    hours->per_week = f->scheduled_hours;
    out->scheduled_hours = f->has_hours ? hours : NULL;
    out->standing = (Pathways__V1__Standing)f->standing;
    out->standing_raw = (char *)f->standing_raw;
    out->hire_date = date_buf;
    out->given_name = (char *)f->given_name;
    out->family_name = (char *)f->family_name;
    out->email = (char *)f->email;
    out->phone = (char *)f->phone;
    out->language = (char *)f->language;
    out->reason_code = (char *)f->reason_code;
}
