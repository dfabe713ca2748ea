/* Validation of one decoded partner event, before anything is stored. Pure:
 * whether the employer is registered and whether the event repeats another
 * in the batch are the caller's checks ("unknown_employer",
 * "duplicate_in_batch"). */
#ifndef ELIG_VALIDATE_H
#define ELIG_VALIDATE_H

#include <stdint.h>

#include "pathways/codec.h"

/* Scheduled hours per week accepted. */
#define ELIG_MAX_HOURS 80.0

/* Why an event was rejected: a stable code and a sentence for people. */
typedef struct {
    char code[32];
    char text[256];
} elig_reason_t;

/* The verdict on one event of a batch as it moves through the handler:
 * result is a Pathways__V1__AckResult; employee indexes the batch's
 * employees (accepted events only). */
typedef struct {
    int result;
    elig_reason_t why;
    size_t employee;
} elig_event_state_t;

/* Checks ev against the contract as of today (days since the epoch).
 * Returns 0 when valid, or -1 and fills why. */
int elig_validate_event(const Pathways__V1__EmployeeEvent *ev, int32_t today,
                        int32_t max_future_days, elig_reason_t *why)
    __attribute__((warn_unused_result));

/* Fills why with code and a formatted text; returns -1 for convenience. */
int elig_reason_set(elig_reason_t *why, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
