/* Building the bytes of one bad-input case (tests/corpus/README.md): the
 * events of a case are the contract's EmployeeEvent set field by field
 * through the generated descriptors, plus raw fields appended on the wire,
 * and the PublishBatch is assembled field by field so that any byte can be
 * sent. Only included by test_bad_input.c (ctest builds one source file per
 * test); every function is static. */
#ifndef TEST_BAD_INPUT_CASE_H
#define TEST_BAD_INPUT_CASE_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"

#define MAX_EVENTS   8 /* distinct event specs per case */
#define MAX_OWNED    32
#define EVENTS_FIELD 2  /* PublishBatch.events */
#define DATA_FIELD   11 /* EmployeeEvent.data */
#define SELFID_FIELD 12 /* EmployeeEvent.self_id */

/* ---- bytes ---- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} buf_t;

static void put(buf_t *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_varint(buf_t *b, uint64_t v)
{
    uint8_t byte;
    do {
        byte = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            byte |= 0x80;
        put(b, &byte, 1);
    } while (v);
}

/* A length-delimited field. */
static void put_field(buf_t *b, uint32_t number, const void *data, size_t n)
{
    put_varint(b, (uint64_t)number << 3 | 2);
    put_varint(b, n);
    put(b, data, n);
}

static void put_hex(buf_t *b, const char *hex)
{
    for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
        unsigned v;
        assert_int_equal(sscanf(hex + i, "%2x", &v), 1);
        uint8_t byte = (uint8_t)v;
        put(b, &byte, 1);
    }
}

/* ---- one case's events ---- */

typedef struct {
    Pathways__V1__EmployeeEvent ev;
    Pathways__V1__EmployeeFacts data;
    Pathways__V1__ScheduledHours hours;
    Pathways__V1__SelfIdentification self_id;
    char id[96], subject[96];
    buf_t raw;     /* fields appended to the encoded event */
    size_t copies; /* how many times the event is sent */
} event_t;

typedef struct {
    const char *name;
    event_t ev[MAX_EVENTS];
    size_t n;
    char *owned[MAX_OWNED];
    size_t n_owned;
} build_t;

static void base_event(event_t *e, const char *base, const char *name, size_t i)
{
    pathways__v1__employee_event__init(&e->ev);
    pathways__v1__employee_facts__init(&e->data);
    pathways__v1__scheduled_hours__init(&e->hours);
    pathways__v1__self_identification__init(&e->self_id);
    snprintf(e->id, sizeof e->id, "%s-%zu", name, i);
    snprintf(e->subject, sizeof e->subject, "E-%s-%zu", name, i);
    e->ev.id = e->id;
    e->ev.source = "acme";
    e->ev.subject = e->subject;
    e->ev.spec_version = "1.0";
    e->ev.effective_date = "2026-01-05";
    e->copies = 1;
    if (strcmp(base, "bare") == 0) {
        e->ev.type = "org.pathways.employee.job_changed.v1";
        return;
    }
    assert_string_equal(base, "hire");
    e->ev.type = "org.pathways.employee.hired.v1";
    e->ev.data = &e->data;
    e->data.job_family = "clerical";
    e->data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    e->data.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    e->data.standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    e->data.hire_date = "2026-01-05";
    e->data.given_name = "Pat";
    e->data.email = "pat@example.org";
    e->hours.per_week = 40;
    e->data.scheduled_hours = &e->hours;
}

/* A string value: "text", {"repeat": "x", "count": n}, or null (absent). */
static const char *string_value(build_t *b, json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_object(v) && json_object_get(v, "repeat")) {
        const char *unit = json_string_value(json_object_get(v, "repeat"));
        size_t count = (size_t)json_integer_value(json_object_get(v, "count"));
        size_t ulen = strlen(unit);
        char *s = calloc(ulen * count + 1, 1);
        assert_non_null(s);
        for (size_t i = 0; i < count; i++)
            memcpy(s + i * ulen, unit, ulen);
        assert_true(b->n_owned < MAX_OWNED);
        b->owned[b->n_owned++] = s;
        return s;
    }
    assert_true(json_is_null(v));
    return "";
}

/* {"hex": "..."}: the field is sent as raw bytes appended to the event (a
 * later occurrence wins; a second "data" or "self_id" is merged into the
 * first). parent: 0 for the event's own fields, else the sub-message's
 * field number. */
static void set_raw(event_t *e, uint32_t parent, uint32_t number, const char *hex)
{
    buf_t bytes = {0};
    put_hex(&bytes, hex);
    if (parent) {
        buf_t inner = {0};
        put_field(&inner, number, bytes.p, bytes.len);
        put_field(&e->raw, parent, inner.p, inner.len);
        free(inner.p);
    } else {
        put_field(&e->raw, number, bytes.p, bytes.len);
    }
    free(bytes.p);
}

static void set_hours(event_t *e, json_t *v)
{
    e->ev.data = &e->data;
    if (json_is_null(v)) {
        e->data.scheduled_hours = NULL;
        return;
    }
    e->data.scheduled_hours = &e->hours;
    e->hours.per_week =
        json_is_string(v) ? strtod(json_string_value(v), NULL) : json_number_value(v);
}

/* Sets the field at path ("id", "data.status", ...) through the generated
 * descriptors, so any field of the contract can be given any value. */
static void set_field(build_t *b, event_t *e, const char *path, json_t *v)
{
    if (strcmp(path, "data") == 0) {
        assert_true(json_is_null(v));
        e->ev.data = NULL;
        return;
    }
    if (strcmp(path, "data.scheduled_hours") == 0) {
        set_hours(e, v);
        return;
    }
    /* The sub-message a path names: data.*, self_id.*, else the event. */
    const struct {
        const char *prefix;
        uint32_t number;
        const ProtobufCMessageDescriptor *d;
        char *msg;
    } subs[] = {
        {"data.", DATA_FIELD, &pathways__v1__employee_facts__descriptor, (char *)&e->data},
        {"self_id.", SELFID_FIELD, &pathways__v1__self_identification__descriptor,
         (char *)&e->self_id},
        {"", 0, &pathways__v1__employee_event__descriptor, (char *)&e->ev},
    };
    size_t k = 0;
    while (strncmp(path, subs[k].prefix, strlen(subs[k].prefix)) != 0)
        k++;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(subs[k].d, path + strlen(subs[k].prefix));
    if (!f)
        fail_msg("case %s: no field %s in the contract", b->name, path);
    if (json_is_object(v) && json_object_get(v, "hex")) {
        set_raw(e, subs[k].number, f->id, json_string_value(json_object_get(v, "hex")));
        return;
    }
    char *msg = subs[k].msg;
    if (subs[k].number == DATA_FIELD)
        e->ev.data = &e->data;
    else if (subs[k].number == SELFID_FIELD)
        e->ev.self_id = &e->self_id;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        *(const char **)(msg + f->offset) = string_value(b, v);
        break;
    case PROTOBUF_C_TYPE_ENUM:
    case PROTOBUF_C_TYPE_INT32:
        *(int *)(msg + f->offset) = (int)json_integer_value(v);
        break;
    case PROTOBUF_C_TYPE_INT64:
        *(int64_t *)(msg + f->offset) = (int64_t)json_integer_value(v);
        break;
    default:
        fail_msg("case %s: field %s cannot be set", b->name, path);
    }
}

static void build_event(build_t *b, json_t *spec, size_t i)
{
    event_t *e = &b->ev[i];
    json_t *base = json_object_get(spec, "base");
    base_event(e, base ? json_string_value(base) : "hire", b->name, i);
    const char *path;
    json_t *v;
    json_object_foreach(json_object_get(spec, "set"), path, v) set_field(b, e, path, v);
    if (json_object_get(spec, "append_hex"))
        put_hex(&e->raw, json_string_value(json_object_get(spec, "append_hex")));
    if (json_object_get(spec, "copies"))
        e->copies = (size_t)json_integer_value(json_object_get(spec, "copies"));
}

/* The PublishBatch bytes, assembled field by field. */
static void encode_batch(build_t *b, json_t *c, buf_t *out)
{
    json_t *batch_id = json_object_get(c, "batch_id");
    if (json_is_object(batch_id)) {
        buf_t raw = {0};
        put_hex(&raw, json_string_value(json_object_get(batch_id, "hex")));
        put_field(out, 1, raw.p, raw.len);
        free(raw.p);
    } else {
        const char *id = batch_id ? json_string_value(batch_id) : b->name;
        put_field(out, 1, id, strlen(id));
    }
    for (size_t i = 0; i < b->n; i++) {
        size_t len;
        uint8_t *bytes = pw_msg_encode(&b->ev[i].ev.base, 0, &len);
        assert_non_null(bytes);
        buf_t one = {0};
        put(&one, bytes, len);
        put(&one, b->ev[i].raw.p, b->ev[i].raw.len);
        for (size_t k = 0; k < b->ev[i].copies; k++)
            put_field(out, EVENTS_FIELD, one.p, one.len);
        free(bytes);
        free(one.p);
    }
}

/* The body frame: built from events, or "body": {"hex"}, {"random"},
 * {"truncate": n} (drop the last n bytes) or {"oversize": true} (the limit + 1 bytes) or
 * {"oversize": N} (N times it). */
static void build_body(size_t max_message, build_t *b, json_t *c, buf_t *out)
{
    json_t *body = json_object_get(c, "body");
    json_t *events = json_object_get(c, "events");
    size_t i;
    json_t *spec;
    json_array_foreach(events, i, spec)
    {
        assert_true(i < MAX_EVENTS);
        build_event(b, spec, i);
        b->n = i + 1;
    }
    if (body && json_object_get(body, "hex")) {
        put_hex(out, json_string_value(json_object_get(body, "hex")));
    } else if (body && json_object_get(body, "random")) {
        json_t *r = json_object_get(body, "random");
        uint64_t x = (uint64_t)json_integer_value(json_object_get(r, "seed")) | 1;
        size_t n = (size_t)json_integer_value(json_object_get(r, "len"));
        for (size_t k = 0; k < n; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            uint8_t byte = (uint8_t)(x >> 24);
            put(out, &byte, 1);
        }
    } else if (body && json_object_get(body, "oversize")) {
        /* true: one byte over the limit; a number N: N times the limit */
        json_t *o = json_object_get(body, "oversize");
        size_t n =
            json_is_integer(o) ? max_message * (size_t)json_integer_value(o) : max_message + 1;
        uint8_t *fill = malloc(n);
        assert_non_null(fill);
        memset(fill, 0x0a, n);
        put(out, fill, n);
        free(fill);
    } else {
        encode_batch(b, c, out);
        if (body && json_object_get(body, "truncate")) {
            size_t cut = (size_t)json_integer_value(json_object_get(body, "truncate"));
            assert_true(cut < out->len);
            out->len -= cut;
        }
    }
}

static void build_free(build_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->ev[i].raw.p);
    for (size_t i = 0; i < b->n_owned; i++)
        free(b->owned[i]);
}

#endif
