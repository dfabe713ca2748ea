/* A training provider's ProgressEvent with room for every detail, so code
 * that builds one (the provider tool's CSV reader, tests) does not allocate
 * per field, and the kinds' names ("attendance", "exam"...) are spelled in
 * one place (progress.proto). */
#ifndef PATHWAYS_PROGRESS_EVENT_H
#define PATHWAYS_PROGRESS_EVENT_H

#include "pathways/codec.h"

typedef struct {
    Pathways__V1__ProgressEvent ev;
    Pathways__V1__SessionAttendance attendance;
    Pathways__V1__ModuleCompleted module;
    Pathways__V1__ExamAttempted exam;
    Pathways__V1__CredentialEarned credential;
    Pathways__V1__ProgramCompleted completed;
    Pathways__V1__ProgramWithdrawn withdrawn;
} pw_progress_event_t;

/* Initializes every part; the event carries no detail yet. */
void pw_progress_event_init(pw_progress_event_t *p);

/* Points p->ev at the detail named kind (pw_progress_kind_name). Returns 0,
 * or -1 for an unknown kind (nothing changed). */
int pw_progress_event_set_kind(pw_progress_event_t *p, const char *kind);

/* The stored name of a detail case ("attendance", "module_completed",
 * "exam", "credential", "completed", "withdrawn"), or NULL for none. */
const char *pw_progress_kind_name(Pathways__V1__ProgressEvent__DetailCase c);

#endif
