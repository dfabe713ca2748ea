/* The partner command handler: validate, dedupe, merge, evaluate, store,
 * append, commit, then acknowledge, with a handful of statements per batch
 * whatever its size. */
#include "partner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "determination.h"
#include "employer.h"
#include "ledger.h"
#include "minimize.h"
#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "pathways/partner.h"
#include "registry.h"
#include "selfid_store.h"
#include "validate.h"

#define ACCEPTED  PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED
#define DUPLICATE PATHWAYS__V1__ACK_RESULT__ACK_RESULT_DUPLICATE
#define REJECTED  PATHWAYS__V1__ACK_RESULT__ACK_RESULT_REJECTED
#define KEY_MAX   (ELIG_SUBJECT_MAX + ELIG_ID_MAX + 2)

struct elig_partner {
    const elig_programs_t *programs;
    const elig_attr_schema_t *schema;
    elig_det_batch_t *dets;
};

/* One batch being handled. */
typedef struct {
    Pathways__V1__PublishBatch *batch;
    elig_event_state_t *ev; /* per event */
    /* Per program, per distinct employee of accepted events: the facts
     * (the same in each) with the program's context and determination. */
    elig_employee_t *emps[ELIG_MAX_PROGRAMS];
    size_t n_programs;
    size_t n_emps;
    int32_t *as_of; /* per event: the date its state is evaluated as of (see date_states) */
    int32_t today;
    int32_t max_future_days; /* PATHWAYS_MAX_FUTURE_DAYS */
} job_t;

elig_partner_t *elig_partner_new(const elig_programs_t *programs, const elig_attr_schema_t *schema)
{
    elig_partner_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->programs = programs;
    self->schema = schema;
    self->dets = elig_det_batch_new();
    if (!self->dets)
        elig_partner_destroy(&self);
    return self;
}

void elig_partner_destroy(elig_partner_t **p)
{
    if (!p || !*p)
        return;
    elig_det_batch_destroy(&(*p)->dets);
    free(*p);
    *p = NULL;
}

/* ---- steps before the database ---- */

/* Checks each event, and that the sender may publish for its employer (a
 * partner key speaks for its own employer only). */
static void validate_all(job_t *job, const uint8_t *bad, const pw_peer_t *peer,
                         const elig_attr_schema_t *schema)
{
    for (size_t i = 0; i < job->batch->n_events; i++) {
        elig_event_state_t *s = &job->ev[i];
        char why[sizeof s->why.text];
        s->result = ACCEPTED;
        if (bad[i]) {
            s->result = REJECTED;
            elig_reason_set(&s->why, "invalid_utf8",
                            "a text field holds invalid UTF-8 or a NUL byte");
        } else if (elig_validate_event(job->batch->events[i], job->today, job->max_future_days,
                                       &s->why) != 0 ||
                   elig_attr_check_event(schema, job->batch->events[i], &s->why) != 0) {
            s->result = REJECTED;
        } else if (!pw_auth_may_publish(peer, job->batch->events[i]->source, why, sizeof why)) {
            s->result = REJECTED;
            elig_reason_set(&s->why, "forbidden_employer", "%s", why);
        }
    }
}

/* The second of two valid events with the same (employer, id) in one batch
 * is a duplicate. */
static int dedupe_in_batch(job_t *job)
{
    zhash_t *seen = zhash_new();
    if (!seen)
        return -1;
    for (size_t i = 0; i < job->batch->n_events; i++) {
        const Pathways__V1__EmployeeEvent *e = job->batch->events[i];
        char key[KEY_MAX];
        if (job->ev[i].result != ACCEPTED)
            continue;
        snprintf(key, sizeof key, "%s/%s", e->source, e->id);
        if (zhash_insert(seen, key, (void *)1) != 0) {
            job->ev[i].result = DUPLICATE;
            elig_reason_set(&job->ev[i].why, "duplicate_in_batch",
                            "the same event id appears earlier in this batch");
        }
    }
    zhash_destroy(&seen);
    return 0;
}

/* Gives each accepted event its employee slot, loading what is on file
 * with each program's context. */
static int load_employees(job_t *job, pw_db_t *db, const elig_programs_t *programs)
{
    size_t n = job->batch->n_events;
    zhash_t *index = zhash_new();
    job->n_programs = elig_programs_count(programs);
    for (size_t p = 0; p < job->n_programs; p++)
        if (!(job->emps[p] = calloc(n ? n : 1, sizeof *job->emps[p])))
            break;
    if (!index || !job->emps[job->n_programs - 1]) {
        zhash_destroy(&index);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const Pathways__V1__EmployeeEvent *e = job->batch->events[i];
        char key[KEY_MAX];
        if (job->ev[i].result != ACCEPTED)
            continue;
        snprintf(key, sizeof key, "%s/%s", e->source, e->subject);
        uintptr_t slot = (uintptr_t)zhash_lookup(index, key);
        if (!slot) {
            slot = ++job->n_emps;
            for (size_t p = 0; p < job->n_programs; p++)
                elig_facts_init(&job->emps[p][slot - 1].facts, e->source, e->subject);
            zhash_insert(index, key, (void *)slot);
        }
        job->ev[i].employee = slot - 1;
    }
    zhash_destroy(&index);
    for (size_t p = 0; p < job->n_programs; p++)
        if (elig_registry_load(db, elig_programs_at(programs, p), job->emps[p], job->n_emps) != 0)
            return -1;
    return 0;
}

/* A batch may carry an employee's history (a first publish of years of
 * it). The state after each event held from its effective date until the
 * employee's next event in the batch, so it is evaluated as of the last day
 * it held (the day before that event; today for the last one, and never
 * after today): an eligible spell is seen exactly when one existed within
 * those days (tenure only grows while the facts stay), and none is seen
 * that a later fact cut short. This is what publishing the same events day
 * by day would have decided. */
static int date_states(job_t *job)
{
    size_t n = job->batch->n_events;
    int32_t *next = malloc((job->n_emps ? job->n_emps : 1) * sizeof *next);
    job->as_of = calloc(n ? n : 1, sizeof *job->as_of);
    if (!next || !job->as_of) {
        free(next);
        return -1;
    }
    for (size_t k = 0; k < job->n_emps; k++)
        next[k] = ELIG_NO_DATE;
    for (size_t i = n; i-- > 0;) {
        int32_t effective, *after = &next[job->ev[i].employee];
        if (job->ev[i].result != ACCEPTED ||
            pw_date_parse(job->batch->events[i]->effective_date, &effective) != 0)
            continue;
        if (*after == ELIG_NO_DATE)
            job->as_of[i] = job->today;
        else
            job->as_of[i] = effective > *after - 1 ? effective : *after - 1;
        if (job->as_of[i] > job->today)
            job->as_of[i] = job->today;
        *after = effective;
    }
    free(next);
    return 0;
}

/* ---- per accepted event ---- */

/* Merges event i, appends it to stream "employee" and evaluates it under
 * each program (the determination is recorded, and appended when it
 * changed). */
static int apply_event(elig_partner_t *self, pw_service_t *svc, job_t *job, size_t i)
{
    const Pathways__V1__EmployeeEvent *e = job->batch->events[i];
    elig_eval_t ev = {.svc = svc, .dets = self->dets, .today = job->as_of[i], .keep_unchanged = 1};
    elig_change_t change;
    char key[KEY_MAX];
    for (size_t p = 0; p < job->n_programs; p++) {
        elig_employee_t *emp = &job->emps[p][job->ev[i].employee];
        unsigned stale = elig_facts_apply(&emp->facts, e);
        if (stale & ELIG_FACTS_NOMEM) {
            pw_error("event %s: out of memory merging its facts", e->id);
            return -1;
        }
        if (stale && p == 0)
            pw_debug("event %s: older than facts on file for groups 0x%x", e->id, stale);
        emp->dirty = 1;
        snprintf(emp->last_event_id, sizeof emp->last_event_id, "%s", e->id);
    }
    snprintf(key, sizeof key, "%s/%s", e->source, e->subject);
    Pathways__V1__EmployeeEvent view;
    Pathways__V1__EmployeeFacts view_data;
    elig_employee_stream_view(e, &view, &view_data);
    if (pw_service_append(svc, ELIG_STREAM_EMPLOYEE, e->type, key, NULL, &view.base) != 0)
        return -1;
    for (size_t p = 0; p < job->n_programs; p++) {
        ev.rules = elig_programs_at(self->programs, p);
        ev.intake = elig_intake_name(elig_programs_intake(self->programs, p));
        if (elig_eval_employee(&ev, &job->emps[p][job->ev[i].employee], e->id, &change) != 0)
            return -1;
    }
    return 0;
}

/* ---- the transaction ---- */

static int run_steps(elig_partner_t *self, pw_service_t *svc, job_t *job)
{
    pw_db_t *db = pw_service_db(svc);
    if (elig_employer_check(db, job->batch, job->ev) != 0 || dedupe_in_batch(job) != 0 ||
        elig_ledger_record(db, job->batch, job->ev) != 0 ||
        elig_selfid_store(db, job->batch, job->ev) != 0 ||
        load_employees(job, db, self->programs) != 0 || date_states(job) != 0)
        return -1;
    elig_det_batch_clear(self->dets);
    for (size_t i = 0; i < job->batch->n_events; i++)
        if (job->ev[i].result == ACCEPTED && apply_event(self, svc, job, i) != 0)
            return -1;
    if (elig_registry_save(db, job->emps[0], job->n_emps) != 0 ||
        elig_det_batch_store(self->dets, db) != 0)
        return -1;
    return 0;
}

/* Returns 0 when committed, or -1 (rolled back). */
static int run_transaction(elig_partner_t *self, pw_service_t *svc, job_t *job)
{
    pw_db_t *db = pw_service_db(svc);
    if (pw_db_ensure(db) != 0 || pw_db_begin(db) != 0)
        return -1;
    if (run_steps(self, svc, job) != 0) {
        pw_warn("partner batch rolled back: %s", pw_db_error(db));
        pw_service_rollback(svc);
        return -1;
    }
    if (pw_service_commit(svc) != 0) {
        pw_warn("partner batch commit failed: %s", pw_db_error(db));
        return -1;
    }
    return 0;
}

/* ---- the reply ---- */

/* Only ids that passed their own check are echoed. */
static const char *echo_id(const Pathways__V1__EmployeeEvent *e, const elig_event_state_t *s)
{
    if (s->result == REJECTED &&
        (!strcmp(s->why.code, "missing_id") || !strcmp(s->why.code, "invalid_id") ||
         !strcmp(s->why.code, "invalid_utf8") ||
         (!strcmp(s->why.code, "field_too_long") && strlen(e->id) > ELIG_ID_MAX)))
        return "";
    return e->id;
}

static uint8_t *reply_error(const char *batch_id, const char *code, const char *text,
                            size_t *reply_len)
{
    return pw_ack_error(batch_id, code, text, reply_len);
}

static void fill_ack(void *ctx, size_t i, Pathways__V1__EventAck *ack)
{
    const job_t *job = ctx;
    const elig_event_state_t *s = &job->ev[i];
    ack->event_id = (char *)echo_id(job->batch->events[i], s);
    ack->result = (Pathways__V1__AckResult)s->result;
    ack->reason_code = (char *)s->why.code;
    ack->reason = (char *)s->why.text;
}

static uint8_t *reply_acks(job_t *job, size_t *reply_len)
{
    return pw_ack_encode(job->batch->batch_id, job->batch->n_events, fill_ack, job, reply_len);
}

static void count_results(pw_service_t *svc, const job_t *job)
{
    for (size_t i = 0; i < job->batch->n_events; i++)
        pw_ack_count(pw_service_metrics(svc), job->ev[i].result);
}

uint8_t *elig_partner_handle(elig_partner_t *self, pw_service_t *svc, const uint8_t *data,
                             size_t len, size_t *reply_len)
{
    job_t job = {.today = pw_date_today(),
                 .max_future_days = pw_service_config(svc)->max_future_days};
    pw_batch_t b;
    uint8_t *out = NULL;
    if (pw_batch_open(&b, &pathways__v1__publish_batch__descriptor,
                      &pathways__v1__employee_event__descriptor, data, len,
                      pw_service_config(svc)->max_message_bytes, &out, reply_len) != 0)
        return out;
    job.batch = (Pathways__V1__PublishBatch *)b.msg;
    job.ev = calloc(b.n ? b.n : 1, sizeof *job.ev);
    if (!job.ev)
        goto done;
    validate_all(&job, b.bad, pw_service_peer(svc), self->schema);
    if (run_transaction(self, svc, &job) != 0) {
        out = reply_error(b.batch_id, "unavailable", "the batch could not be stored; retry it",
                          reply_len);
        goto done;
    }
    count_results(svc, &job);
    out = reply_acks(&job, reply_len);
done:
    free(job.ev);
    for (size_t p = 0; p < ELIG_MAX_PROGRAMS; p++)
        elig_employees_free(job.emps[p], job.n_emps);
    free(job.as_of);
    pw_batch_close(&b);
    return out;
}
