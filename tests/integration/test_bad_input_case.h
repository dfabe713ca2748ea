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

#include "corpus.h"
#include "pathways/codec.h"

#define MAX_EVENTS   8  /* distinct event specs per case */
#define DATA_FIELD   11 /* EmployeeEvent.data */
#define SELFID_FIELD 12 /* EmployeeEvent.self_id */

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
    corpus_owned_t owned;
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
    corpus_set_scalar(msg, f, v, &b->owned, b->name);
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

static corpus_event_t event_of(void *ctx, json_t *spec, size_t i)
{
    build_t *b = ctx;
    build_event(b, spec, i);
    b->n = i + 1;
    return (corpus_event_t){&b->ev[i].ev.base, &b->ev[i].raw, b->ev[i].copies};
}

/* The body frame: built from events field by field, or "body": {"hex"},
 * {"random"}, {"truncate": n}, {"oversize": true | N} (corpus.h). */
static void build_body(size_t max_message, build_t *b, json_t *c, buf_t *out)
{
    corpus_build_body(c, b->name, max_message, MAX_EVENTS, event_of, b, out);
}

static void build_free(build_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->ev[i].raw.p);
    corpus_owned_free(&b->owned);
}

#endif
