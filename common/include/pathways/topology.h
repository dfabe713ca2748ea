/* The stream topology: every stream, the service that owns (appends to) it
 * and the services that consume it. This table is the one place that knows
 * it: the services take their stream names from here and the runtime
 * refuses a consumer or an append the table does not list; pathwaysctl
 * (`status`, `wait-idle`, `queues`) and the dashboard read who must reach
 * each stream's head from here. README "Streams and their consumers". */
#ifndef PATHWAYS_TOPOLOGY_H
#define PATHWAYS_TOPOLOGY_H

#include <stddef.h>

#include "pathways/config.h"

#define PW_STREAM_EMPLOYEE     "employee"
#define PW_STREAM_ELIGIBILITY  "eligibility"
#define PW_STREAM_ENROLLMENT   "enrollment"
#define PW_STREAM_NOTIFICATION "notification"

/* A consumer's bit in pw_stream_def_t.consumers. */
#define PW_SVC_BIT(id) (1u << (unsigned)(id))

typedef struct {
    const char *name;
    pw_service_id_t owner;
    unsigned consumers;  /* PW_SVC_BIT of each consuming service */
    const char *carries; /* one line for people */
} pw_stream_def_t;

/* The table: *n streams, in a fixed order. */
const pw_stream_def_t *pw_topology_streams(size_t *n);
/* The stream called name, or NULL when there is none. */
const pw_stream_def_t *pw_topology_stream(const char *name);

/* The names of the services that consume stream, in service order,
 * NULL-terminated in out (which has room for PW_SVC_COUNT + 1); none for
 * an unknown stream. Returns how many. */
size_t pw_topology_consumers(const char *stream, const char *out[PW_SVC_COUNT + 1]);

/* Whether consumer may consume stream as owner's: 0, or -1 with the reason
 * in err (unknown stream, wrong owner, or a consumer the table does not
 * list). */
int pw_topology_check_consumer(pw_service_id_t consumer, pw_service_id_t owner, const char *stream,
                               char *err, size_t errlen) __attribute__((warn_unused_result));
/* Whether svc may append to stream: 0, or -1 with the reason in err. */
int pw_topology_check_owner(pw_service_id_t svc, const char *stream, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
