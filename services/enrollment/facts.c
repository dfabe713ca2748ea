/* Frozen facts of a determination: see facts.h. */
#include "facts.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/buf.h"

static const char *enum_name(const ProtobufCEnumDescriptor *d, int value)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
    return v ? v->name : "UNKNOWN";
}

const char *enr_outcome_name(const enr_det_t *d)
{
    return enum_name(&pathways__v1__outcome__descriptor, d->outcome);
}

const char *enr_status_name(const enr_det_t *d)
{
    return enum_name(&pathways__v1__employment_status__descriptor, d->status);
}

const char *enr_standing_name(const enr_det_t *d)
{
    return enum_name(&pathways__v1__standing__descriptor, d->facts ? (int)d->facts->standing : 0);
}

int enr_standing_is_bad(const char *standing)
{
    return strcmp(standing, "STANDING_CORRECTIVE_ACTION") == 0 ||
           strcmp(standing, "STANDING_FINAL_WARNING") == 0;
}

static json_t *criteria_json(const enr_det_t *d)
{
    json_t *crit = json_array();
    for (size_t i = 0; crit && i < d->n_criteria; i++) {
        const Pathways__V1__Criterion *c = d->criteria[i];
        json_array_append_new(
            crit, json_pack("{s:s, s:s, s:s}", "name", c->name ? c->name : "", "result",
                            enum_name(&pathways__v1__criterion_result__descriptor, c->result),
                            "reason", c->reason ? c->reason : ""));
    }
    return crit;
}

char *enr_facts_json(const enr_det_t *d, const enr_source_t *src, enr_facts_depth_t depth)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I}", "outcome", enr_outcome_name(d),
                  "status", enr_status_name(d), "standing", enr_standing_name(d), "as_of",
                  d->as_of ? d->as_of : "", "rule_version", (json_int_t)d->rule_version,
                  "source_stream", src->stream ? src->stream : "", "source_partition",
                  (json_int_t)src->partition, "source_seq", (json_int_t)src->seq);
    if (o && depth == ENR_FACTS_FULL)
        json_object_set_new(o, "criteria", criteria_json(d));
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}

char *enr_facts_failing(const enr_det_t *d)
{
    static const char sep[] = "; ";
    pw_buf_t b = {0};
    int ok = pw_buf_add(&b, "", 0) == 0; /* "" rather than NULL when none fail */
    for (size_t i = 0; ok && i < d->n_criteria; i++) {
        const Pathways__V1__Criterion *c = d->criteria[i];
        if (c->result == PATHWAYS__V1__CRITERION_RESULT__CRITERION_RESULT_PASS)
            continue;
        const char *reason = c->reason ? c->reason : "";
        ok = (b.len == 0 || pw_buf_add(&b, sep, strlen(sep)) == 0) &&
             pw_buf_add(&b, reason, strlen(reason)) == 0;
    }
    if (!ok) {
        free(b.data);
        return NULL;
    }
    return b.data;
}
