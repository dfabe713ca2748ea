/* Names and pure derivation rules for the reporting projections. */
#include "vocab.h"

#include <string.h>

#define EVENT_PREFIX "org.pathways.employee."

const char *reporting_status_name(Pathways__V1__EmploymentStatus status)
{
    switch (status) {
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE:
        return "active";
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE:
        return "leave";
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED:
        return "terminated";
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_PREHIRE:
        return "prehire";
    default:
        return NULL;
    }
}

const char *reporting_employment_type_name(Pathways__V1__EmploymentType type)
{
    switch (type) {
    case PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME:
        return "full_time";
    case PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_PART_TIME:
        return "part_time";
    case PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_TEMPORARY:
        return "temporary";
    case PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_SEASONAL:
        return "seasonal";
    case PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_PER_DIEM:
        return "per_diem";
    default:
        return NULL;
    }
}

const char *reporting_outcome_name(Pathways__V1__Outcome outcome)
{
    switch (outcome) {
    case PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE:
        return "eligible";
    case PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE:
        return "not_eligible";
    case PATHWAYS__V1__OUTCOME__OUTCOME_NEEDS_REVIEW:
        return "needs_review";
    default:
        return NULL;
    }
}

/* Indexed by the EnrollmentState value; NULL where there is no name. */
static const char *const state_names[] = {
    NULL,        "invited",   "applied", "enrolled",  "waitlisted", "in_training",
    "completed", "certified", "placed",  "withdrawn", "exited",     "paused",
};

const char *reporting_state_name(Pathways__V1__EnrollmentState state)
{
    size_t i = (size_t)state;
    if ((int)state < 0 || i >= sizeof state_names / sizeof state_names[0])
        return NULL;
    return state_names[i];
}

const char *reporting_channel_name(Pathways__V1__Channel channel)
{
    switch (channel) {
    case PATHWAYS__V1__CHANNEL__CHANNEL_EMAIL:
        return "email";
    case PATHWAYS__V1__CHANNEL__CHANNEL_WEBHOOK:
        return "webhook";
    default:
        return NULL;
    }
}

static const char *const delivery_names[] = {
    NULL, "queued", "sending", "sent", "retrying", "dead", "cancelled",
};

const char *reporting_delivery_name(Pathways__V1__DeliveryState state)
{
    size_t i = (size_t)state;
    if ((int)state < 0 || i >= sizeof delivery_names / sizeof delivery_names[0])
        return NULL;
    return delivery_names[i];
}

int reporting_state_is_enrolled(Pathways__V1__EnrollmentState state)
{
    switch (state) {
    case PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_ENROLLED:
    case PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_IN_TRAINING:
    case PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_COMPLETED:
    case PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_CERTIFIED:
    case PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_PLACED:
        return 1;
    default:
        return 0;
    }
}

/* The part of an employee event type between the prefix and ".v1", e.g.
 * "hired"; matched exactly so "rehired" is not "hired". */
static int event_is(const char *event_type, const char *verb)
{
    size_t plen = strlen(EVENT_PREFIX), vlen = strlen(verb);
    if (!event_type || strncmp(event_type, EVENT_PREFIX, plen) != 0)
        return 0;
    const char *rest = event_type + plen;
    return strncmp(rest, verb, vlen) == 0 && strcmp(rest + vlen, ".v1") == 0;
}

const char *reporting_status_after(const char *event_type, Pathways__V1__EmploymentStatus stated)
{
    const char *name = reporting_status_name(stated);
    if (name)
        return name;
    if (event_is(event_type, "hired") || event_is(event_type, "rehired") ||
        event_is(event_type, "leave_ended"))
        return "active";
    if (event_is(event_type, "leave_started"))
        return "leave";
    if (event_is(event_type, "terminated"))
        return "terminated";
    return NULL;
}

reporting_period_t reporting_period_start(const char *event_type)
{
    if (event_is(event_type, "hired"))
        return REPORTING_PERIOD_HIRE;
    if (event_is(event_type, "rehired"))
        return REPORTING_PERIOD_REHIRE;
    return REPORTING_PERIOD_NONE;
}

int reporting_date_field(const char *s, const char **out, int32_t *days)
{
    *out = NULL;
    if (!s || !*s)
        return 0;
    if (pw_date_parse(s, days) != 0)
        return -1;
    *out = s;
    return 0;
}
