/* Building report replies (report.proto) on the heap, so that one
 * pw_msg_free() releases them: every string, submessage and repeated array
 * is its own malloc'd block, as protobuf-c's free_unpacked expects. The
 * helpers return NULL only when out of memory; callers check once at the
 * end through report_msg_ok(). */
#ifndef PATHWAYS_REPORTING_REPORT_MSG_H
#define PATHWAYS_REPORTING_REPORT_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/codec.h"
#include "pathways/v1/report.pb-c.h"

/* Tracks allocation failures while a reply is being built. */
typedef struct {
    int failed;
} report_msg_t;

/* A malloc'd copy of s ("" for NULL). */
char *report_msg_str(report_msg_t *m, const char *s);
Pathways__V1__Count *report_msg_count(report_msg_t *m, uint64_t value, int suppressed);
Pathways__V1__Figure *report_msg_figure(report_msg_t *m, double value, int suppressed);
/* Appends item to the repeated field (*items, *n), growing it. Returns 0 or
 * -1 (then m->failed is set and item, a message, is freed). */
int report_msg_push(report_msg_t *m, void ***items, size_t *n, void *item);
/* Allocates and inits a message of descriptor d. */
void *report_msg_new(report_msg_t *m, const ProtobufCMessageDescriptor *d);

/* Ends a build: returns msg, or frees it and returns NULL when anything
 * failed on the way. */
void *report_msg_finish(report_msg_t *m, void *msg);

/* Stable names of slice dimensions ("all", "program", "employer", "cohort",
 * "job_family", "period"). */
const char *report_slice_name(Pathways__V1__ReportSlice s);

#endif
