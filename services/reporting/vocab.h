/* The reporting vocabulary: the stable text names the projections store for
 * protobuf enums, and the pure rules that derive a fact from an event (the
 * status an employee event implies, which enrollment states count as
 * "enrolled"). The summary queries compare against these same names, so the
 * unit test pins them. */
#ifndef PATHWAYS_REPORTING_VOCAB_H
#define PATHWAYS_REPORTING_VOCAB_H

#include "pathways/codec.h"
#include "pathways/date.h"

/* "active" | "leave" | "terminated" | "prehire", or NULL for UNSPECIFIED and
 * values this build does not know. */
const char *reporting_status_name(Pathways__V1__EmploymentStatus status);
/* "full_time" | "part_time" | "temporary" | "seasonal" | "per_diem" or NULL. */
const char *reporting_employment_type_name(Pathways__V1__EmploymentType type);
/* "eligible" | "not_eligible" | "needs_review" or NULL. */
const char *reporting_outcome_name(Pathways__V1__Outcome outcome);
/* "invited" | "applied" | "enrolled" | "waitlisted" | "in_training" |
 * "completed" | "certified" | "placed" | "withdrawn" | "exited" | "paused",
 * or NULL. */
const char *reporting_state_name(Pathways__V1__EnrollmentState state);
/* "email" | "webhook" or NULL. */
const char *reporting_channel_name(Pathways__V1__Channel channel);
/* "queued" | "sending" | "sent" | "retrying" | "dead" | "cancelled" or NULL. */
const char *reporting_delivery_name(Pathways__V1__DeliveryState state);

/* 1 for the states the summary counts as enrolled (enrolled, in_training,
 * completed, certified, placed), else 0. Mirrors the summary SQL. */
int reporting_state_is_enrolled(Pathways__V1__EnrollmentState state);

/* The employment status an employee event leaves the employee in: the
 * event's stated status when it has one, otherwise the status its CloudEvents
 * type implies (hired, rehired, leave_ended -> active; leave_started ->
 * leave; terminated -> terminated). NULL when neither tells (e.g. a job
 * change that does not restate the status): the status is unchanged. */
const char *reporting_status_after(const char *event_type, Pathways__V1__EmploymentStatus stated);

/* Whether an employee event starts an employment period: a first hire
 * (the period starts on the hire date) or a rehire (on the effective date). */
typedef enum {
    REPORTING_PERIOD_NONE = 0,
    REPORTING_PERIOD_HIRE,
    REPORTING_PERIOD_REHIRE
} reporting_period_t;
reporting_period_t reporting_period_start(const char *event_type);

/* Checks an optional date field for use as a SQL parameter: "" is absent
 * (returns 0 with *days untouched and out NULL), a valid YYYY-MM-DD returns 0
 * with *days set and out pointing at s, anything else returns -1. */
int reporting_date_field(const char *s, const char **out, int32_t *days)
    __attribute__((warn_unused_result));

#endif
