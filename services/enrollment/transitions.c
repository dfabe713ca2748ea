/* The enrollment lifecycle table: see transitions.h for the picture. The
 * table is data so that later issues (cohort moves, re-invitations) add a
 * row here and every caller obeys it at once. */
#include "transitions.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    enr_state_t from;
    enr_state_t to;
} enr_edge_t;

/* The forward path and its branches. Moves common to every active state
 * (withdraw, exit, pause) are added by enr_transition_allowed. */
static const enr_edge_t s_path[] = {
    {ENR_STATE_NONE, ENR_STATE_INVITED},
    {ENR_STATE_NONE, ENR_STATE_APPLIED},
    {ENR_STATE_INVITED, ENR_STATE_APPLIED},
    {ENR_STATE_APPLIED, ENR_STATE_ENROLLED},
    {ENR_STATE_APPLIED, ENR_STATE_WAITLISTED},
    {ENR_STATE_WAITLISTED, ENR_STATE_ENROLLED},
    {ENR_STATE_ENROLLED, ENR_STATE_IN_TRAINING},
    {ENR_STATE_IN_TRAINING, ENR_STATE_COMPLETED},
    {ENR_STATE_COMPLETED, ENR_STATE_CERTIFIED},
    {ENR_STATE_CERTIFIED, ENR_STATE_PLACED},
    /* Re-invitation: only the system makes it, and only for an invitation
     * withdrawn because eligibility was lost (lifecycle.c). */
    {ENR_STATE_WITHDRAWN, ENR_STATE_INVITED},
};

static const struct {
    enr_state_t state;
    const char *name;
} s_names[] = {
    {ENR_STATE_NONE, "unspecified"},      {ENR_STATE_INVITED, "invited"},
    {ENR_STATE_APPLIED, "applied"},       {ENR_STATE_ENROLLED, "enrolled"},
    {ENR_STATE_WAITLISTED, "waitlisted"}, {ENR_STATE_IN_TRAINING, "in_training"},
    {ENR_STATE_COMPLETED, "completed"},   {ENR_STATE_CERTIFIED, "certified"},
    {ENR_STATE_PLACED, "placed"},         {ENR_STATE_WITHDRAWN, "withdrawn"},
    {ENR_STATE_EXITED, "exited"},         {ENR_STATE_PAUSED, "paused"},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

int enr_state_is_active(enr_state_t s)
{
    switch (s) {
    case ENR_STATE_INVITED:
    case ENR_STATE_APPLIED:
    case ENR_STATE_ENROLLED:
    case ENR_STATE_WAITLISTED:
    case ENR_STATE_IN_TRAINING:
    case ENR_STATE_PAUSED:
        return 1;
    default:
        return 0;
    }
}

int enr_state_holds_seat(enr_state_t s)
{
    switch (s) {
    case ENR_STATE_ENROLLED:
    case ENR_STATE_IN_TRAINING:
    case ENR_STATE_COMPLETED:
    case ENR_STATE_CERTIFIED:
    case ENR_STATE_PLACED:
        return 1;
    default:
        return 0;
    }
}

int enr_transition_allowed(enr_state_t from, enr_state_t to)
{
    if (from == to)
        return 0;
    for (size_t i = 0; i < ARRAY_LEN(s_path); i++)
        if (s_path[i].from == from && s_path[i].to == to)
            return 1;
    if (!enr_state_is_active(from))
        return 0;
    /* Leaving, from wherever one is in the active part of the lifecycle. */
    if (to == ENR_STATE_WITHDRAWN || to == ENR_STATE_EXITED)
        return 1;
    /* Pausing holds a place; resuming returns to an active state. */
    if (to == ENR_STATE_PAUSED)
        return 1;
    if (from == ENR_STATE_PAUSED && enr_state_is_active(to))
        return 1;
    return 0;
}

int enr_transition_check(enr_state_t from, enr_state_t to, char *err, size_t errlen)
{
    if (enr_transition_allowed(from, to))
        return 0;
    if (err && errlen)
        snprintf(err, errlen, "illegal transition %s -> %s", enr_state_name(from),
                 enr_state_name(to));
    return -1;
}

const char *enr_state_name(enr_state_t s)
{
    for (size_t i = 0; i < ARRAY_LEN(s_names); i++)
        if (s_names[i].state == s)
            return s_names[i].name;
    return "unknown";
}

int enr_state_parse(const char *name, enr_state_t *out)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < ARRAY_LEN(s_names); i++)
        if (strcmp(s_names[i].name, name) == 0) {
            *out = s_names[i].state;
            return 0;
        }
    return -1;
}
