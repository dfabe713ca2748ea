/* Enrollment events -> routed, queued notifications (triggers.h). */
#include "triggers.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "reminders.h"

#define S(x) PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_##x

const char *ntf_trigger_for(const Pathways__V1__EnrollmentChanged *e)
{
    switch (e->to_state) {
    case S(INVITED):
        return "invitation";
    case S(APPLIED):
        return "application_received";
    case S(WAITLISTED):
        return "waitlisted";
    case S(ENROLLED):
        if ((e->reason_code && strcmp(e->reason_code, NTF_REASON_PROMOTED) == 0) ||
            e->from_state == S(WAITLISTED))
            return NTF_TRIGGER_SEAT;
        return "enrolled";
    case S(EXITED):
        return "exited";
    case S(PAUSED):
        return "paused";
    case S(WITHDRAWN):
        return "withdrawn";
    default:
        return NULL;
    }
}

/* HR and provider notices are queued only where contacts.yaml names
 * someone (an employer without an HR contact simply gets none). */
static int has_contact(const ntf_triggers_t *t, const char *recipient, const char *employer,
                       const char *program, const char *cohort_id)
{
    ntf_provider_t p;
    if (strcmp(recipient, NTF_RECIPIENT_HR) == 0)
        return t->contacts && ntf_contacts_hr_email(t->contacts, employer) != NULL;
    if (strcmp(recipient, NTF_RECIPIENT_PROVIDER) == 0)
        return t->contacts && ntf_contacts_provider(t->contacts, program, cohort_id, &p) == 0;
    return 1;
}

int ntf_queue_routes(pw_db_t *db, const ntf_triggers_t *t, const char *trigger_event_id,
                     const char *trigger, const char *employer, const char *employee,
                     const char *program, const char *context, char *err, size_t errlen)
{
    ntf_route_t to[NTF_MAX_ROUTES];
    size_t n = ntf_routes_for(t->routes, program, trigger, to, NTF_MAX_ROUTES);
    json_t *ctx = json_loads(context ? context : "{}", 0, NULL);
    const char *cohort = json_string_value(json_object_get(ctx, "cohort_id"));
    int queued = 0;
    for (size_t i = 0; i < n && queued >= 0; i++) {
        if (!has_contact(t, to[i].recipient, employer, program, cohort))
            continue;
        ntf_enqueue_t q = {trigger_event_id, trigger, to[i].recipient, employer,
                           employee,         program, to[i].channel,   context};
        int rc = ntf_outbox_enqueue(db, t->pub, &q, err, errlen);
        queued = rc < 0 ? -1 : queued + rc;
    }
    json_decref(ctx);
    return queued;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* The trigger's variables, as a JSON object text (malloc'd). */
static char *context_of(const Pathways__V1__EnrollmentChanged *e)
{
    const char *reason = *nz(e->reason) ? e->reason : *nz(e->reason_code) ? e->reason_code : "-";
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "cohort_id", nz(e->cohort_id), "reason", reason,
                          "effective_date", nz(e->effective_date), "cohort_start_date",
                          nz(e->cohort_start_date));
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return text;
}

static int valid_event(const Pathways__V1__EnrollmentChanged *e, const pw_event_t *ev)
{
    return *nz(e->employer) && *nz(e->employee) && *nz(ev->event_id) &&
           pw_utf8_valid(e->employer, strlen(e->employer)) &&
           pw_utf8_valid(e->employee, strlen(e->employee));
}

/* Reminders follow the enrollment: kept for the cohort it is enrolled in,
 * cancelled by any other transition. */
static int follow_reminders(pw_db_t *db, const ntf_triggers_t *t, const pw_event_t *ev,
                            const Pathways__V1__EnrollmentChanged *e, char *err, size_t errlen)
{
    int enrolled = e->to_state == S(ENROLLED);
    if (ntf_reminders_cancel(db, e->employer, e->employee, e->program,
                             enrolled ? nz(e->cohort_id) : NULL, err, errlen) != 0)
        return -1;
    return enrolled ? ntf_reminders_schedule(db, t, ev->event_id, e, err, errlen) : 0;
}

pw_apply_t ntf_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                size_t errlen)
{
    const ntf_triggers_t *t = ctx;
    Pathways__V1__EnrollmentChanged *e = pw_decode_enrollment_changed(ev->payload, ev->payload_len);
    if (!e) {
        snprintf(err, errlen, "undecodable EnrollmentChanged payload (%zu bytes)", ev->payload_len);
        return PW_APPLY_REJECT;
    }
    pw_apply_t out = PW_APPLY_OK;
    const char *trigger = ntf_trigger_for(e);
    if (e->to_state == S(UNSPECIFIED)) {
        out = PW_APPLY_OK; /* a review flag or similar: no transition */
    } else if (!valid_event(e, ev)) {
        snprintf(err, errlen, "EnrollmentChanged without employer, employee or event id");
        out = PW_APPLY_REJECT;
    } else if (follow_reminders(db, t, ev, e, err, errlen) < 0) {
        out = PW_APPLY_RETRY;
    } else if (trigger) {
        char *context = context_of(e);
        if (!context || ntf_queue_routes(db, t, ev->event_id, trigger, e->employer, e->employee,
                                         e->program, context, err, errlen) < 0)
            out = PW_APPLY_RETRY;
        free(context);
    }
    pw_free_enrollment_changed(&e);
    return out;
}
