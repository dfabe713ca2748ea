/* Heap-built report replies; see report_msg.h. */
#include "report_msg.h"

#include <stdlib.h>
#include <string.h>

char *report_msg_str(report_msg_t *m, const char *s)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        m->failed = 1;
    return copy;
}

void *report_msg_new(report_msg_t *m, const ProtobufCMessageDescriptor *d)
{
    ProtobufCMessage *msg = calloc(1, d->sizeof_message);
    if (!msg) {
        m->failed = 1;
        return NULL;
    }
    d->message_init(msg);
    return msg;
}

Pathways__V1__Count *report_msg_count(report_msg_t *m, uint64_t value, int suppressed)
{
    Pathways__V1__Count *c = report_msg_new(m, &pathways__v1__count__descriptor);
    if (c) {
        c->value = suppressed ? 0 : value;
        c->suppressed = suppressed ? 1 : 0;
    }
    return c;
}

Pathways__V1__Figure *report_msg_figure(report_msg_t *m, double value, int suppressed)
{
    Pathways__V1__Figure *f = report_msg_new(m, &pathways__v1__figure__descriptor);
    if (f) {
        f->value = suppressed ? 0.0 : value;
        f->suppressed = suppressed ? 1 : 0;
    }
    return f;
}

int report_msg_push(report_msg_t *m, void ***items, size_t *n, void *item)
{
    if (!item) {
        m->failed = 1;
        return -1;
    }
    /* Grow by doubling: capacity is the next power of two >= n + 1. */
    size_t cap = 1;
    while (cap < *n + 1)
        cap <<= 1;
    if (*n == 0 || (*n & (*n - 1)) == 0) {
        void **grown = realloc(*items, cap * sizeof *grown);
        if (!grown) {
            m->failed = 1;
            protobuf_c_message_free_unpacked(item, NULL);
            return -1;
        }
        *items = grown;
    }
    (*items)[(*n)++] = item;
    return 0;
}

void *report_msg_finish(report_msg_t *m, void *msg)
{
    if (m->failed && msg) {
        ProtobufCMessage *base = msg;
        pw_msg_free(&base);
        return NULL;
    }
    return msg;
}

const char *report_slice_name(Pathways__V1__ReportSlice s)
{
    switch (s) {
    case PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_PROGRAM:
        return "program";
    case PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_EMPLOYER:
        return "employer";
    case PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_COHORT:
        return "cohort";
    case PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_JOB_FAMILY:
        return "job_family";
    case PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_PERIOD:
        return "period";
    case PATHWAYS__V1__REPORT_SLICE__REPORT_SLICE_PROVIDER:
        return "provider";
    default:
        return "all";
    }
}
