/* ProgressEvent storage and kind names (pathways/progress_event.h). */
#include "pathways/progress_event.h"

#include <string.h>

#define D(x) PATHWAYS__V1__PROGRESS_EVENT__DETAIL_##x

static const struct {
    Pathways__V1__ProgressEvent__DetailCase which;
    const char *name;
} KINDS[] = {
    {D(ATTENDANCE), "attendance"},
    {D(MODULE_COMPLETED), "module_completed"},
    {D(EXAM), "exam"},
    {D(CREDENTIAL), "credential"},
    {D(COMPLETED), "completed"},
    {D(WITHDRAWN), "withdrawn"},
};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

void pw_progress_event_init(pw_progress_event_t *p)
{
    pathways__v1__progress_event__init(&p->ev);
    pathways__v1__session_attendance__init(&p->attendance);
    pathways__v1__module_completed__init(&p->module);
    pathways__v1__exam_attempted__init(&p->exam);
    pathways__v1__credential_earned__init(&p->credential);
    pathways__v1__program_completed__init(&p->completed);
    pathways__v1__program_withdrawn__init(&p->withdrawn);
}

const char *pw_progress_kind_name(Pathways__V1__ProgressEvent__DetailCase c)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (KINDS[i].which == c)
            return KINDS[i].name;
    return NULL;
}

int pw_progress_event_set_kind(pw_progress_event_t *p, const char *kind)
{
    size_t i = 0;
    while (i < N_KINDS && (!kind || strcmp(kind, KINDS[i].name) != 0))
        i++;
    if (i == N_KINDS)
        return -1;
    switch (KINDS[i].which) {
    case D(ATTENDANCE):
        p->ev.attendance = &p->attendance;
        break;
    case D(MODULE_COMPLETED):
        p->ev.module_completed = &p->module;
        break;
    case D(EXAM):
        p->ev.exam = &p->exam;
        break;
    case D(CREDENTIAL):
        p->ev.credential = &p->credential;
        break;
    case D(COMPLETED):
        p->ev.completed = &p->completed;
        break;
    default:
        p->ev.withdrawn = &p->withdrawn;
        break;
    }
    p->ev.detail_case = KINDS[i].which;
    return 0;
}
