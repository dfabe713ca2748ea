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
    if (e->at_risk)
        return NTF_TRIGGER_AT_RISK;
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
        return e->from_state == S(INVITED) ? NTF_TRIGGER_UNINVITED : "withdrawn";
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
    if (strcmp(recipient, NTF_RECIPIENT_COORDINATOR) == 0)
        return t->contacts && ntf_contacts_coordinator_email(t->contacts, program) != NULL;
    return 1;
}

int ntf_queue_routes(ntf_queue_t *out, const ntf_triggers_t *t, const ntf_enqueue_t *base,
                     const char *cohort_id)
{
    ntf_route_t to[NTF_MAX_ROUTES];
    size_t n = ntf_routes_for(t->routes, base->program, base->trigger, to, NTF_MAX_ROUTES);
    for (size_t i = 0; i < n; i++) {
        if (!has_contact(t, to[i].recipient, base->employer, base->program, cohort_id))
            continue;
        ntf_enqueue_t q = *base;
        q.recipient = to[i].recipient;
        q.channel = to[i].channel;
        if (ntf_queue_add(out, &q) != 0)
            return -1;
    }
    return 0;
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

/* One decoded event of the batch: kept until the batch's statements ran,
 * since the queued rows borrow its strings. */
typedef struct {
    Pathways__V1__EnrollmentChanged *e;
    char *context;
} decoded_t;

/* What the batch writes. */
typedef struct {
    ntf_queue_t queue;
    ntf_reminder_batch_t reminders;
} writes_t;

/* Decodes evs[ord - 1] into d and adds what it causes to w. */
static pw_apply_t collect(const ntf_triggers_t *t, const pw_event_t *ev, size_t ord, decoded_t *d,
                          writes_t *w, char *err, size_t errlen)
{
    Pathways__V1__EnrollmentChanged *e = d->e =
        pw_decode_enrollment_changed(ev->payload, ev->payload_len);
    if (!e) {
        snprintf(err, errlen, "undecodable EnrollmentChanged payload (%zu bytes)", ev->payload_len);
        return PW_APPLY_REJECT;
    }
    if ((e->to_state == S(UNSPECIFIED) && !e->at_risk) || e->historical)
        return PW_APPLY_OK; /* a review flag, or history being recorded: no news */
    if (!valid_event(e, ev)) {
        snprintf(err, errlen, "EnrollmentChanged without employer, employee or event id");
        return PW_APPLY_REJECT;
    }
    const char *trigger = ntf_trigger_for(e);
    /* An at-risk flag is no transition: the reminders stand. */
    int oom = !e->at_risk && ntf_reminders_follow(&w->reminders, t, ord, ev->event_id, e) != 0;
    if (!oom && trigger) {
        d->context = context_of(e);
        ntf_enqueue_t base = {ev->event_id, trigger,    NULL, e->employer,
                              e->employee,  e->program, NULL, d->context};
        oom = !d->context || ntf_queue_routes(&w->queue, t, &base, e->cohort_id) != 0;
    }
    if (oom) {
        snprintf(err, errlen, "out of memory");
        return PW_APPLY_RETRY;
    }
    return PW_APPLY_OK;
}

pw_apply_t ntf_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n, char *err,
                                size_t errlen)
{
    const ntf_triggers_t *t = ctx;
    writes_t w = {0};
    decoded_t *d = calloc(n ? n : 1, sizeof *d);
    pw_apply_t out = PW_APPLY_OK;
    if (!d || ntf_reminders_begin(&w.reminders) != 0) {
        snprintf(err, errlen, "out of memory");
        out = PW_APPLY_RETRY;
    }
    for (size_t i = 0; i < n && out == PW_APPLY_OK; i++)
        out = collect(t, &evs[i], i + 1, &d[i], &w, err, errlen);
    if (out == PW_APPLY_OK && (ntf_reminders_apply(db, &w.reminders, err, errlen) != 0 ||
                               ntf_outbox_enqueue(db, t->pub, &w.queue, err, errlen) < 0))
        out = PW_APPLY_RETRY;
    for (size_t i = 0; d && i < n; i++) {
        free(d[i].context);
        pw_free_enrollment_changed(&d[i].e);
    }
    free(d);
    ntf_queue_release(&w.queue);
    ntf_reminders_release(&w.reminders);
    return out;
}
