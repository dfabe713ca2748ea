/* The stream topology table (topology.h). */
#include "pathways/topology.h"

#include <stdio.h>
#include <string.h>

static const pw_stream_def_t STREAMS[] = {
    {PW_STREAM_EMPLOYEE, PW_SVC_ELIGIBILITY,
     PW_SVC_BIT(PW_SVC_NOTIFICATION) | PW_SVC_BIT(PW_SVC_REPORTING),
     "accepted partner events: the employee registry's changes (contact details for notification)"},
    {PW_STREAM_ELIGIBILITY, PW_SVC_ELIGIBILITY,
     PW_SVC_BIT(PW_SVC_ENROLLMENT) | PW_SVC_BIT(PW_SVC_REPORTING),
     "determinations that changed, with their reasons"},
    {PW_STREAM_ENROLLMENT, PW_SVC_ENROLLMENT,
     PW_SVC_BIT(PW_SVC_ELIGIBILITY) | PW_SVC_BIT(PW_SVC_NOTIFICATION) |
         PW_SVC_BIT(PW_SVC_REPORTING),
     "enrollment transitions (eligibility reads who is already in a program)"},
    {PW_STREAM_NOTIFICATION, PW_SVC_NOTIFICATION, PW_SVC_BIT(PW_SVC_REPORTING),
     "notification state changes (queued, sent, failed, cancelled)"},
};

#define NSTREAMS (sizeof STREAMS / sizeof STREAMS[0])

const pw_stream_def_t *pw_topology_streams(size_t *n)
{
    *n = NSTREAMS;
    return STREAMS;
}

const pw_stream_def_t *pw_topology_stream(const char *name)
{
    for (size_t i = 0; name && i < NSTREAMS; i++)
        if (strcmp(STREAMS[i].name, name) == 0)
            return &STREAMS[i];
    return NULL;
}

size_t pw_topology_consumers(const char *stream, const char *out[PW_SVC_COUNT + 1])
{
    const pw_stream_def_t *s = pw_topology_stream(stream);
    size_t n = 0;
    for (int id = 0; s && id < PW_SVC_COUNT; id++)
        if (s->consumers & PW_SVC_BIT(id))
            out[n++] = pw_service_name((pw_service_id_t)id);
    out[n] = NULL;
    return n;
}

/* The stream called name, or NULL with the reason in err. */
static const pw_stream_def_t *known(const char *stream, char *err, size_t errlen)
{
    const pw_stream_def_t *s = pw_topology_stream(stream);
    if (!s)
        snprintf(err, errlen, "stream \"%s\" is not in the topology (common/src/topology.c)",
                 stream ? stream : "(null)");
    return s;
}

int pw_topology_check_consumer(pw_service_id_t consumer, pw_service_id_t owner, const char *stream,
                               char *err, size_t errlen)
{
    const pw_stream_def_t *s = known(stream, err, errlen);
    if (!s)
        return -1;
    if (s->owner != owner) {
        snprintf(err, errlen, "stream \"%s\" is owned by %s, not %s", s->name,
                 pw_service_name(s->owner), pw_service_name(owner));
        return -1;
    }
    if ((unsigned)consumer >= PW_SVC_COUNT || !(s->consumers & PW_SVC_BIT(consumer))) {
        snprintf(err, errlen,
                 "%s is not a listed consumer of stream \"%s\": add it to the topology "
                 "(common/src/topology.c) so status, wait-idle and the dashboard watch it",
                 pw_service_name(consumer), s->name);
        return -1;
    }
    return 0;
}

int pw_topology_check_owner(pw_service_id_t svc, const char *stream, char *err, size_t errlen)
{
    const pw_stream_def_t *s = known(stream, err, errlen);
    if (!s)
        return -1;
    if (s->owner != svc) {
        snprintf(err, errlen, "stream \"%s\" is owned by %s; %s may not append to it", s->name,
                 pw_service_name(s->owner), pw_service_name(svc));
        return -1;
    }
    return 0;
}
