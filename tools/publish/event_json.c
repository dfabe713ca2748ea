/* JSON line -> pathways.v1.EmployeeEvent; see event_json.h for what is
 * checked here and what is left to the server. */
#include "event_json.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"

typedef Pathways__V1__EmployeeEvent event_t;
typedef Pathways__V1__EmployeeFacts facts_t;
typedef Pathways__V1__SelfIdentification selfid_t;

/* String fields, located by offset in their message. */
typedef struct {
    const char *key;
    size_t offset;
} str_field_t;

static const str_field_t EVENT_STRINGS[] = {
    {"id", offsetof(event_t, id)},
    {"source", offsetof(event_t, source)},
    {"type", offsetof(event_t, type)},
    {"subject", offsetof(event_t, subject)},
    {"specversion", offsetof(event_t, spec_version)},
    {"effective_date", offsetof(event_t, effective_date)},
};

static const str_field_t FACT_STRINGS[] = {
    {"job_family", offsetof(facts_t, job_family)},
    {"job_title", offsetof(facts_t, job_title)},
    {"status_raw", offsetof(facts_t, status_raw)},
    {"employment_type_raw", offsetof(facts_t, employment_type_raw)},
    {"standing_raw", offsetof(facts_t, standing_raw)},
    {"hire_date", offsetof(facts_t, hire_date)},
    {"given_name", offsetof(facts_t, given_name)},
    {"family_name", offsetof(facts_t, family_name)},
    {"email", offsetof(facts_t, email)},
    {"phone", offsetof(facts_t, phone)},
    {"language", offsetof(facts_t, language)},
    {"reason_code", offsetof(facts_t, reason_code)},
    {"site", offsetof(facts_t, site)},
    {"shift", offsetof(facts_t, shift)},
    {"education_level", offsetof(facts_t, education_level)},
};

/* Voluntary self-identification ("self_id": {...}), words checked by the
 * server against common/src/selfid.c. */
static const str_field_t SELFID_STRINGS[] = {
    {"race_ethnicity", offsetof(selfid_t, race_ethnicity)},
    {"gender", offsetof(selfid_t, gender)},
    {"age_band", offsetof(selfid_t, age_band)},
    {"preferred_language", offsetof(selfid_t, preferred_language)},
    {"veteran_status", offsetof(selfid_t, veteran_status)},
    {"disability_status", offsetof(selfid_t, disability_status)},
};

/* Lists of words (credentials held, languages spoken). */
typedef struct {
    const char *key;
    size_t n_offset, offset;
} list_field_t;

static const list_field_t FACT_LISTS[] = {
    {"credentials", offsetof(facts_t, n_credentials), offsetof(facts_t, credentials)},
    {"languages", offsetof(facts_t, n_languages), offsetof(facts_t, languages)},
};
#define MAX_LIST_ITEMS 32

/* Contract words of an enum, indexed by value; NULL marks a gap. */
typedef struct {
    const char *key;
    const char *const *words;
    size_t n;
} enum_field_t;

static const char *const STATUS_WORDS[] = {"", "active", "leave", "terminated", "prehire"};
static const char *const TYPE_WORDS[] = {"",          "full_time", "part_time",
                                         "temporary", "seasonal",  "per_diem"};
static const char *const STANDING_WORDS[] = {"", "good", "corrective_action", "final_warning"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const enum_field_t STATUS_FIELD = {"status", STATUS_WORDS, COUNT(STATUS_WORDS)};
static const enum_field_t TYPE_FIELD = {"employment_type", TYPE_WORDS, COUNT(TYPE_WORDS)};
static const enum_field_t STANDING_FIELD = {"standing", STANDING_WORDS, COUNT(STANDING_WORDS)};

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

static const str_field_t *find_str(const str_field_t *t, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].key, key) == 0)
            return &t[i];
    return NULL;
}

/* Stores a copy of a JSON string (null: left empty) into the char* slot. */
static int take_string(void *msg, const str_field_t *f, const json_t *v, const char *where,
                       char *err, size_t errlen)
{
    if (json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        fail(err, errlen, "%s%s: expected a string, got %s", where, f->key, json_kind(v));
        return -1;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (!pw_utf8_valid(s, len)) {
        fail(err, errlen, "%s%s: not valid UTF-8", where, f->key);
        return -1;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        fail(err, errlen, "%s%s: out of memory", where, f->key);
        return -1;
    }
    memcpy(copy, s, len + 1);
    char **slot = (char **)((char *)msg + f->offset);
    if (*slot != protobuf_c_empty_string)
        free(*slot);
    *slot = copy;
    return 0;
}

/* Maps a contract word to its enum value; "" and null are 0 (unspecified). */
static int take_enum(const enum_field_t *f, const json_t *v, int *out, char *err, size_t errlen)
{
    if (json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        fail(err, errlen, "data.%s: expected a string, got %s", f->key, json_kind(v));
        return -1;
    }
    const char *s = json_string_value(v);
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(s, f->words[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    fail(err, errlen, "data.%s: unknown value '%.40s'", f->key, s);
    return -1;
}

static int take_hours(facts_t *facts, const json_t *v, char *err, size_t errlen)
{
    if (json_is_null(v))
        return 0;
    if (!json_is_number(v)) {
        fail(err, errlen, "data.scheduled_hours: expected a number, got %s", json_kind(v));
        return -1;
    }
    Pathways__V1__ScheduledHours *h = malloc(sizeof *h);
    if (!h) {
        fail(err, errlen, "data.scheduled_hours: out of memory");
        return -1;
    }
    pathways__v1__scheduled_hours__init(h);
    h->per_week = json_number_value(v);
    free(facts->scheduled_hours);
    facts->scheduled_hours = h;
    return 0;
}

static void free_list(void *msg, const list_field_t *f)
{
    size_t *n = (size_t *)((char *)msg + f->n_offset);
    char ***items = (char ***)((char *)msg + f->offset);
    for (size_t i = 0; *items && i < *n; i++)
        free((*items)[i]);
    free(*items);
    *items = NULL;
    *n = 0;
}

/* "credentials": ["cna", "bls"] */
static int take_list(facts_t *facts, const list_field_t *f, const json_t *v, char *err,
                     size_t errlen)
{
    size_t count = json_is_array(v) ? json_array_size(v) : 0;
    if (!json_is_array(v) || count > MAX_LIST_ITEMS) {
        fail(err, errlen, "data.%s: expected a list of at most %d strings", f->key, MAX_LIST_ITEMS);
        return -1;
    }
    free_list(facts, f);
    char **items = calloc(count ? count : 1, sizeof *items);
    size_t *n = (size_t *)((char *)facts + f->n_offset);
    if (!items) {
        fail(err, errlen, "data.%s: out of memory", f->key);
        return -1;
    }
    *(char ***)((char *)facts + f->offset) = items;
    for (size_t i = 0; i < count; i++) {
        const json_t *item = json_array_get(v, i);
        if (!json_is_string(item)) {
            fail(err, errlen, "data.%s[%zu]: expected a string, got %s", f->key, i,
                 json_kind(item));
            return -1;
        }
        if (!(items[i] = strdup(json_string_value(item)))) {
            fail(err, errlen, "data.%s: out of memory", f->key);
            return -1;
        }
        *n = i + 1;
    }
    return 0;
}

static void free_attributes(facts_t *facts)
{
    for (size_t i = 0; facts->attributes && i < facts->n_attributes; i++) {
        Pathways__V1__Attribute *a = facts->attributes[i];
        if (!a)
            continue;
        free(a->name);
        if (a->value_case == PATHWAYS__V1__ATTRIBUTE__VALUE_TEXT)
            free(a->text);
        free(a);
    }
    free(facts->attributes);
    facts->attributes = NULL;
    facts->n_attributes = 0;
}

/* "attributes": {"union_member": true, "patient_care_years": 3, "preferred_unit": "icu"}:
 * typed by the JSON value (the service checks them against its schema). */
static int take_attributes(facts_t *facts, const json_t *v, char *err, size_t errlen)
{
    const char *key;
    const json_t *value;
    if (!json_is_object(v) || json_object_size(v) > MAX_LIST_ITEMS) {
        fail(err, errlen, "data.attributes: expected an object of at most %d entries",
             MAX_LIST_ITEMS);
        return -1;
    }
    free_attributes(facts);
    facts->attributes = calloc(json_object_size(v) + 1, sizeof *facts->attributes);
    if (!facts->attributes)
        return fail(err, errlen, "data.attributes: out of memory"), -1;
    json_object_foreach((json_t *)v, key, value)
    {
        Pathways__V1__Attribute *a = calloc(1, sizeof *a);
        if (!a)
            return fail(err, errlen, "data.attributes: out of memory"), -1;
        pathways__v1__attribute__init(a);
        facts->attributes[facts->n_attributes++] = a;
        if (!(a->name = strdup(key)))
            return fail(err, errlen, "data.attributes: out of memory"), -1;
        if (json_is_boolean(value)) {
            a->value_case = PATHWAYS__V1__ATTRIBUTE__VALUE_FLAG;
            a->flag = json_is_true(value);
        } else if (json_is_number(value)) {
            a->value_case = PATHWAYS__V1__ATTRIBUTE__VALUE_NUMBER;
            a->number = json_number_value(value);
        } else if (json_is_string(value)) {
            a->value_case = PATHWAYS__V1__ATTRIBUTE__VALUE_TEXT;
            if (!(a->text = strdup(json_string_value(value))))
                return fail(err, errlen, "data.attributes: out of memory"), -1;
        } else {
            fail(err, errlen, "data.attributes.%.40s: expected true/false, a number or a string",
                 key);
            return -1;
        }
    }
    return 0;
}

static int take_fact(facts_t *facts, const char *key, const json_t *v, char *err, size_t errlen)
{
    const str_field_t *sf = find_str(FACT_STRINGS, COUNT(FACT_STRINGS), key);
    int value = 0, rc;
    if (sf)
        return take_string(facts, sf, v, "data.", err, errlen);
    for (size_t i = 0; i < COUNT(FACT_LISTS); i++)
        if (strcmp(key, FACT_LISTS[i].key) == 0)
            return take_list(facts, &FACT_LISTS[i], v, err, errlen);
    if (strcmp(key, "attributes") == 0)
        return take_attributes(facts, v, err, errlen);
    if (strcmp(key, "scheduled_hours") == 0)
        return take_hours(facts, v, err, errlen);
    if (strcmp(key, STATUS_FIELD.key) == 0) {
        rc = take_enum(&STATUS_FIELD, v, &value, err, errlen);
        facts->status = (Pathways__V1__EmploymentStatus)value;
    } else if (strcmp(key, TYPE_FIELD.key) == 0) {
        rc = take_enum(&TYPE_FIELD, v, &value, err, errlen);
        facts->employment_type = (Pathways__V1__EmploymentType)value;
    } else if (strcmp(key, STANDING_FIELD.key) == 0) {
        rc = take_enum(&STANDING_FIELD, v, &value, err, errlen);
        facts->standing = (Pathways__V1__Standing)value;
    } else {
        fail(err, errlen, "data.%.60s: unknown field", key);
        rc = -1;
    }
    return rc;
}

static int take_data(event_t *ev, const json_t *v, char *err, size_t errlen)
{
    if (json_is_null(v))
        return 0;
    if (!json_is_object(v)) {
        fail(err, errlen, "data: expected an object, got %s", json_kind(v));
        return -1;
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)v, key, value)
    {
        if (take_fact(ev->data, key, value, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* Two decimal digits, or -1. */
static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Fraction digits after '.', as microseconds (extra digits truncated).
 * Returns the number of characters read, or -1. */
static int fraction_us(const char *p, int64_t *us)
{
    int64_t scale = 100000;
    int n = 0;
    *us = 0;
    while (p[n] >= '0' && p[n] <= '9') {
        *us += (p[n] - '0') * scale;
        scale /= 10;
        n++;
    }
    return n > 0 ? n : -1;
}

/* "Z" or "+HH:MM" / "-HH:MM" at the end of the text, in minutes east. */
static int zone_minutes(const char *p, int *minutes)
{
    if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
        *minutes = 0;
        return 0;
    }
    if ((p[0] != '+' && p[0] != '-') || strlen(p) != 6 || p[3] != ':')
        return -1;
    int h = two_digits(p + 1), m = two_digits(p + 4);
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    *minutes = (p[0] == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

int event_json_parse_time(const char *s, int64_t *us)
{
    char date[PW_DATE_LEN];
    int32_t days;
    if (!s || strlen(s) < 20)
        return -1;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (pw_date_parse(date, &days) < 0 || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return -1;
    int hh = two_digits(s + 11), mm = two_digits(s + 14), ss = two_digits(s + 17);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
        return -1;
    const char *p = s + 19;
    int64_t frac = 0;
    if (*p == '.') {
        int n = fraction_us(p + 1, &frac);
        if (n < 0)
            return -1;
        p += 1 + n;
    }
    int zone;
    if (zone_minutes(p, &zone) < 0)
        return -1;
    int64_t secs = (int64_t)days * 86400 + hh * 3600 + mm * 60 + ss - (int64_t)zone * 60;
    *us = secs * 1000000 + frac;
    return 0;
}

static int take_time(event_t *ev, const json_t *v, char *err, size_t errlen)
{
    if (json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        fail(err, errlen, "time: expected a string, got %s", json_kind(v));
        return -1;
    }
    if (event_json_parse_time(json_string_value(v), &ev->time_us) < 0) {
        fail(err, errlen, "time: not an RFC 3339 timestamp: '%.40s'", json_string_value(v));
        return -1;
    }
    return 0;
}

static int take_self_id(event_t *ev, const json_t *v, char *err, size_t errlen)
{
    if (json_is_null(v))
        return 0;
    if (!json_is_object(v)) {
        fail(err, errlen, "self_id: expected an object, got %s", json_kind(v));
        return -1;
    }
    if (!ev->self_id) {
        ev->self_id = malloc(sizeof *ev->self_id);
        if (!ev->self_id) {
            fail(err, errlen, "self_id: out of memory");
            return -1;
        }
        pathways__v1__self_identification__init(ev->self_id);
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)v, key, value)
    {
        const str_field_t *sf = find_str(SELFID_STRINGS, COUNT(SELFID_STRINGS), key);
        if (!sf) {
            fail(err, errlen, "self_id.%.60s: unknown field", key);
            return -1;
        }
        if (take_string(ev->self_id, sf, value, "self_id.", err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int take_attribute(event_t *ev, const char *key, const json_t *v, char *err, size_t errlen)
{
    const str_field_t *sf = find_str(EVENT_STRINGS, COUNT(EVENT_STRINGS), key);
    if (sf)
        return take_string(ev, sf, v, "", err, errlen);
    if (strcmp(key, "time") == 0)
        return take_time(ev, v, err, errlen);
    if (strcmp(key, "data") == 0)
        return take_data(ev, v, err, errlen);
    if (strcmp(key, "self_id") == 0)
        return take_self_id(ev, v, err, errlen);
    return 0; /* a CloudEvents extension attribute: not in the contract */
}

static event_t *event_alloc(void)
{
    event_t *ev = malloc(sizeof *ev);
    facts_t *facts = malloc(sizeof *facts);
    if (!ev || !facts) {
        free(ev);
        free(facts);
        return NULL;
    }
    pathways__v1__employee_event__init(ev);
    pathways__v1__employee_facts__init(facts);
    ev->data = facts;
    return ev;
}

static int convert(event_t *ev, const json_t *root, char *err, size_t errlen)
{
    if (!json_is_object(root)) {
        fail(err, errlen, "expected a JSON object, got %s", json_kind(root));
        return -1;
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)root, key, value)
    {
        if (take_attribute(ev, key, value, err, errlen) < 0)
            return -1;
    }
    if (!*ev->id) {
        fail(err, errlen, "id: missing or empty");
        return -1;
    }
    return 0;
}

event_t *event_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        fail(err, errlen, "invalid JSON at column %d: %s", jerr.column, jerr.text);
        return NULL;
    }
    event_t *ev = event_alloc();
    if (!ev)
        fail(err, errlen, "out of memory");
    else if (convert(ev, root, err, errlen) < 0)
        event_json_free(&ev);
    json_decref(root);
    return ev;
}

static void free_strings(void *msg, const str_field_t *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char **slot = (char **)((char *)msg + t[i].offset);
        if (*slot != protobuf_c_empty_string)
            free(*slot);
    }
}

void event_json_free(event_t **p)
{
    if (!p || !*p)
        return;
    event_t *ev = *p;
    if (ev->data) {
        free_strings(ev->data, FACT_STRINGS, COUNT(FACT_STRINGS));
        for (size_t i = 0; i < COUNT(FACT_LISTS); i++)
            free_list(ev->data, &FACT_LISTS[i]);
        free_attributes(ev->data);
        free(ev->data->scheduled_hours);
        free(ev->data);
    }
    if (ev->self_id) {
        free_strings(ev->self_id, SELFID_STRINGS, COUNT(SELFID_STRINGS));
        free(ev->self_id);
    }
    free_strings(ev, EVENT_STRINGS, COUNT(EVENT_STRINGS));
    free(ev);
    *p = NULL;
}
