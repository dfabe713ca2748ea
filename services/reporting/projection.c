/* Stream events -> reporting projections, a whole batch at a time.
 *
 * Each handler decodes and validates every event of the batch (identity
 * fields present, UTF-8, bounded, dates real) before any write, so a
 * rejected event leaves no trace and the consumer's one-at-a-time retry
 * finds it; then each event becomes a row of its table (tables.c) and
 * fold.c applies them: per table, one read of the touched keys' rows and
 * one write of the rows that changed, whatever the batch size. A batch of
 * one is the single-event path. Rows per event: at most one per table and
 * key per batch, none when nothing changes; the dated status history is the
 * one table with a row per (status-stating) event, as the retention report
 * needs every termination date. Names, emails and phones in employee facts
 * are never read. */
#include "projection.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/topology.h"
#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "tables.h"
#include "vocab.h"

#define NUM_LEN 24

/* What a row keeps of its event beyond the decoded message: the numbers it
 * formats. */
typedef struct {
    char seq[NUM_LEN], num[NUM_LEN];
} slot_t;

/* ---- shared helpers ---- */

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

/* 1 when every non-NULL value is bounded, NUL-free UTF-8: PostgreSQL would
 * refuse anything else, and a refusal must be a rejection, not a retry. */
static int texts_ok(const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = v[i] ? strlen(v[i]) : 0;
        if (v[i] && (len > REPORTING_MAX_TEXT || !pw_utf8_valid(v[i], len)))
            return 0;
    }
    return 1;
}

static pw_apply_t reject(const pw_event_t *ev, const char *why, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s (stream %s seq %" PRId64 ")", why, ev->stream ? ev->stream : "?",
             ev->seq);
    return PW_APPLY_REJECT;
}

/* ---- employee stream ---- */

/* Fills the facts row f and the history row h (all NULL when the event
 * states no status) from e. Returns NULL, or why the event cannot be
 * applied. */
static const char *employee_rows(const ProtobufCMessage *m, const pw_event_t *ev, slot_t *slot,
                                 fold_row_t *f, fold_row_t *h)
{
    const Pathways__V1__EmployeeEvent *e = (const Pathways__V1__EmployeeEvent *)m;
    const Pathways__V1__EmployeeFacts *d = e->data;
    const char **fv = f->v;
    int32_t days;
    memset(f, 0, sizeof *f);
    memset(h, 0, sizeof *h);
    const char *event_type = opt(e->type);
    fv[EF_EMPLOYER] = opt(e->source);
    fv[EF_EMPLOYEE] = opt(e->subject);
    fv[EF_SEEN] = REPORTING_TRUE;
    if (!fv[EF_EMPLOYER] || !fv[EF_EMPLOYEE] || !event_type)
        return "employee event without source, subject or type";
    if (reporting_date_field(e->effective_date, &fv[EF_EFFECTIVE], &days) != 0)
        return "employee event with an invalid effective_date";
    if (d && reporting_date_field(d->hire_date, &fv[EF_HIRE_DATE], &days) != 0)
        return "employee event with an invalid hire_date";
    const char *status = reporting_status_after(
        e->type, d ? d->status : PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_UNSPECIFIED);
    const char *reason_code = d ? opt(d->reason_code) : NULL;
    fv[EF_STATUS] = status;
    fv[EF_JOB_FAMILY] = d ? opt(d->job_family) : NULL;
    fv[EF_EMPLOYMENT_TYPE] = d ? reporting_employment_type_name(d->employment_type) : NULL;
    reporting_period_t period = reporting_period_start(e->type);
    if (period == REPORTING_PERIOD_REHIRE)
        fv[EF_PERIOD_START] = fv[EF_EFFECTIVE] ? fv[EF_EFFECTIVE] : fv[EF_HIRE_DATE];
    else if (period == REPORTING_PERIOD_HIRE)
        fv[EF_PERIOD_START] = fv[EF_HIRE_DATE] ? fv[EF_HIRE_DATE] : fv[EF_EFFECTIVE];
    if (status && strcmp(status, "terminated") == 0) {
        fv[EF_TERMINATED_ON] = fv[EF_EFFECTIVE];
        fv[EF_TERMINATION_REASON] = reason_code;
    }
    const char *event_id = opt(e->id) ? e->id : opt(ev->event_id);
    const char *texts[] = {fv[EF_EMPLOYER],   fv[EF_EMPLOYEE], event_type,
                           fv[EF_JOB_FAMILY], reason_code,     event_id};
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return "employee event with oversized or invalid text";

    /* The dated status history, when the event states a status. */
    const char *on = fv[EF_EFFECTIVE] ? fv[EF_EFFECTIVE] : fv[EF_PERIOD_START];
    if (status && on && event_id) {
        snprintf(slot->seq, sizeof slot->seq, "%" PRId64, ev->seq);
        h->v[ES_EMPLOYER] = fv[EF_EMPLOYER];
        h->v[ES_EVENT_ID] = event_id;
        h->v[ES_EMPLOYEE] = fv[EF_EMPLOYEE];
        h->v[ES_EFFECTIVE] = on;
        h->v[ES_STATUS] = status;
        h->v[ES_TYPE] = event_type;
        h->v[ES_REASON] = reason_code;
        h->v[ES_SEQ] = slot->seq;
    }
    return NULL;
}

/* ---- eligibility stream ---- */

/* Fills r from d. Returns NULL, or why the determination cannot be applied. */
static const char *determination_row(const ProtobufCMessage *m, const pw_event_t *ev, slot_t *slot,
                                     fold_row_t *r, fold_row_t *unused)
{
    const Pathways__V1__Determination *d = (const Pathways__V1__Determination *)m;
    (void)unused;
    const char **v = r->v;
    memset(r, 0, sizeof *r);
    const char *outcome = reporting_outcome_name(d->outcome);
    if (!opt(d->employer) || !opt(d->employee) || !outcome)
        return "determination without employer, employee or outcome";
    const char *as_of, *from, *since, *hire = NULL;
    int32_t as_of_days = 0, from_days, since_days = 0, hire_days = 0;
    const Pathways__V1__EmployeeFacts *f = d->facts;
    if (reporting_date_field(d->as_of, &as_of, &as_of_days) != 0 ||
        reporting_date_field(d->eligible_from, &from, &from_days) != 0 ||
        reporting_date_field(d->eligible_since, &since, &since_days) != 0 ||
        (f && reporting_date_field(f->hire_date, &hire, &hire_days) != 0))
        return "determination with an invalid date";
    const char *job_family = f ? opt(f->job_family) : NULL;
    const char *texts[] = {d->employer, d->employee, d->program, job_family};
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return "determination with oversized or invalid text";
    /* Eligible by the first day of the spell when eligibility dates it
     * (a history published at once), else by the evaluation's date. */
    if (!since) {
        since = as_of;
        since_days = as_of_days;
    }
    int eligible = d->outcome == PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE && since;
    snprintf(slot->seq, sizeof slot->seq, "%" PRId64, ev->seq);
    snprintf(slot->num, sizeof slot->num, "%" PRId32, since_days - hire_days);
    v[ED_EMPLOYER] = d->employer;
    v[ED_EMPLOYEE] = d->employee;
    v[ED_OUTCOME] = outcome;
    v[ED_PROGRAM] = opt(d->program) ? d->program : "";
    v[ED_AS_OF] = as_of;
    v[ED_ELIGIBLE_FROM] = from;
    v[ED_FIRST_ELIGIBLE_ON] = eligible ? since : NULL;
    v[ED_TENURE] = eligible && hire ? slot->num : NULL;
    v[ED_JOB_FAMILY] = eligible ? job_family : NULL;
    v[ED_SEQ] = slot->seq;
    return NULL;
}

/* ---- enrollment stream ---- */

/* The state whose date each dated column records, in column order from
 * EN_INVITED_ON to EN_EXITED_ON. */
static const char *const EN_DATED[] = {"invited",     "applied",   "enrolled",
                                       "in_training", "completed", "certified",
                                       "placed",      "withdrawn", "exited"};

/* Fills r, the row this change alone would make, from c. Returns NULL, or
 * why the change cannot be applied. */
static const char *enrollment_row(const ProtobufCMessage *m, const pw_event_t *ev, slot_t *slot,
                                  fold_row_t *r, fold_row_t *unused)
{
    const Pathways__V1__EnrollmentChanged *c = (const Pathways__V1__EnrollmentChanged *)m;
    (void)unused;
    const char **v = r->v;
    memset(r, 0, sizeof *r);
    const char *state = reporting_state_name(c->to_state);
    if (!opt(c->employer) || !opt(c->employee) || !opt(c->program) || !state)
        return "enrollment change without employer, employee, program or state";
    const char *since;
    int32_t days;
    if (reporting_date_field(c->effective_date, &since, &days) != 0)
        return "enrollment change with an invalid effective_date";
    const char *texts[] = {c->employer,    c->employee,   c->program, c->cohort_id,
                           c->reason_code, c->credential, c->new_role};
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return "enrollment change with oversized or invalid text";
    int exiting = c->to_state == PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_EXITED ||
                  c->to_state == PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_WITHDRAWN;
    snprintf(slot->seq, sizeof slot->seq, "%" PRId64, ev->seq);
    v[EN_EMPLOYER] = c->employer;
    v[EN_EMPLOYEE] = c->employee;
    v[EN_PROGRAM] = c->program;
    v[EN_STATE] = state;
    v[EN_STATE_SINCE] = since;
    v[EN_COHORT] = opt(c->cohort_id);
    v[EN_EVER_INVITED] = strcmp(state, "invited") == 0 ? REPORTING_TRUE : REPORTING_FALSE;
    for (int col = EN_INVITED_ON; col <= EN_EXITED_ON; col++)
        v[col] = strcmp(state, EN_DATED[col - EN_INVITED_ON]) == 0 ? since : NULL;
    v[EN_EXIT_REASON] = exiting ? opt(c->reason_code) : NULL;
    v[EN_CREDENTIAL] = opt(c->credential);
    v[EN_NEW_ROLE] = opt(c->new_role);
    v[EN_LAST_SEQ] = slot->seq;
    return NULL;
}

/* ---- notification stream ---- */

static const char *notification_row(const ProtobufCMessage *msg, const pw_event_t *ev, slot_t *slot,
                                    fold_row_t *r, fold_row_t *unused)
{
    const Pathways__V1__NotificationChanged *m = (const Pathways__V1__NotificationChanged *)msg;
    (void)unused;
    const char **v = r->v;
    memset(r, 0, sizeof *r);
    if (!opt(m->notification_id) || !opt(m->employer) || !opt(m->employee))
        return "notification change without id, employer or employee";
    const char *texts[] = {m->notification_id, m->employer, m->employee, m->trigger};
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return "notification change with oversized or invalid text";
    const char *state = reporting_delivery_name(m->state);
    snprintf(slot->seq, sizeof slot->seq, "%" PRId64, ev->seq);
    snprintf(slot->num, sizeof slot->num, "%" PRIu32, m->attempts);
    v[NO_ID] = m->notification_id;
    v[NO_EMPLOYER] = m->employer;
    v[NO_EMPLOYEE] = m->employee;
    v[NO_TRIGGER] = opt(m->trigger) ? m->trigger : "unspecified";
    v[NO_CHANNEL] = reporting_channel_name(m->channel);
    v[NO_STATE] = state ? state : "unspecified";
    v[NO_ATTEMPTS] = slot->num;
    v[NO_LAST_SEQ] = slot->seq;
    return NULL;
}

/* ---- the batch handlers ---- */

/* How one stream's events become rows: the event type read (other types
 * are skipped: owners may add types without breaking us), the message, the
 * row function and its tables (a second one for the status history). */
typedef struct {
    const char *type; /* exact type, or a stem when stem is set */
    int stem;
    const ProtobufCMessageDescriptor *desc;
    const char *undecodable;
    /* Fills the event's row a (and b: b->v[0] stays NULL when the event has
     * no row there). Returns NULL, or why the event cannot be applied. */
    const char *(*rows)(const ProtobufCMessage *m, const pw_event_t *ev, slot_t *slot,
                        fold_row_t *a, fold_row_t *b);
    const fold_table_t *ta, *tb;
} stream_t;

static const stream_t EMPLOYEE = {REPORTING_EMPLOYEE_TYPE_STEM,
                                  1,
                                  &pathways__v1__employee_event__descriptor,
                                  "undecodable EmployeeEvent",
                                  employee_rows,
                                  &REPORTING_FACTS,
                                  &REPORTING_HISTORY};
static const stream_t ELIGIBILITY = {REPORTING_TYPE_DETERMINED,
                                     0,
                                     &pathways__v1__determination__descriptor,
                                     "undecodable Determination",
                                     determination_row,
                                     &REPORTING_DETERMINATIONS,
                                     NULL};
static const stream_t ENROLLMENT = {REPORTING_TYPE_ENROLLMENT,
                                    0,
                                    &pathways__v1__enrollment_changed__descriptor,
                                    "undecodable EnrollmentChanged",
                                    enrollment_row,
                                    &REPORTING_ENROLLMENTS,
                                    NULL};
static const stream_t NOTIFICATION = {REPORTING_TYPE_NOTIFICATION,
                                      0,
                                      &pathways__v1__notification_changed__descriptor,
                                      "undecodable NotificationChanged",
                                      notification_row,
                                      &REPORTING_NOTIFICATIONS,
                                      NULL};

/* ---- progress stream ---- */

static const char *progress_row(const ProtobufCMessage *msg, const pw_event_t *ev, slot_t *slot,
                                fold_row_t *r, fold_row_t *unused)
{
    const Pathways__V1__ProgressRecorded *m = (const Pathways__V1__ProgressRecorded *)msg;
    (void)unused;
    const char **v = r->v;
    memset(r, 0, sizeof *r);
    const char *day;
    int32_t days;
    const char *texts[] = {m->provider, m->event_id, m->cohort_id, m->employer, m->employee,
                           m->program,  m->kind,     m->status,    m->at_risk};
    if (!opt(m->provider) || !opt(m->event_id) || !opt(m->cohort_id) || !opt(m->employer) ||
        !opt(m->employee) || !opt(m->program) || !opt(m->kind))
        return "progress event without provider, id, cohort, person, program or kind";
    if (!texts_ok(texts, sizeof texts / sizeof texts[0]))
        return "progress event with oversized or invalid text";
    if (reporting_date_field(m->date, &day, &days) != 0 || !day)
        return "progress event with an invalid date";
    snprintf(slot->seq, sizeof slot->seq, "%" PRId64, ev->seq);
    const char *vals[PR_NCOLS] = {m->provider, m->event_id, m->cohort_id, m->employer,
                                  m->employee, m->program,  m->kind,      m->status,
                                  day,         m->at_risk,  slot->seq};
    memcpy(v, vals, sizeof vals);
    return NULL;
}

static const stream_t PROGRESS = {REPORTING_TYPE_PROGRESS,
                                  0,
                                  &pathways__v1__progress_recorded__descriptor,
                                  "undecodable ProgressRecorded",
                                  progress_row,
                                  &REPORTING_PROGRESS,
                                  NULL};

static int reads_type(const stream_t *s, const pw_event_t *ev)
{
    if (!ev->type)
        return 0;
    return s->stem ? strncmp(ev->type, s->type, strlen(s->type)) == 0
                   : strcmp(ev->type, s->type) == 0;
}

/* Decodes and validates evs[0..n) into rows a (and b). Returns OK, or
 * REJECT at the first bad event. msgs[i] is the decoded message of event i
 * (the rows borrow from it); the caller frees them. */
static pw_apply_t make_rows(const stream_t *s, const pw_event_t *evs, size_t n,
                            ProtobufCMessage **msgs, slot_t *slots, fold_row_t *a, size_t *na,
                            fold_row_t *b, size_t *nb, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        const pw_event_t *ev = &evs[i];
        if (!reads_type(s, ev))
            continue;
        msgs[i] = pw_msg_decode(s->desc, ev->payload, ev->payload_len, 0);
        if (!msgs[i])
            return reject(ev, s->undecodable, err, errlen);
        fold_row_t spare = {{NULL}};
        fold_row_t *second = b ? &b[*nb] : &spare;
        const char *why = s->rows(msgs[i], ev, &slots[i], &a[*na], second);
        if (why)
            return reject(ev, why, err, errlen);
        (*na)++;
        if (b && second->v[0])
            (*nb)++;
    }
    return PW_APPLY_OK;
}

static pw_apply_t apply_stream(const stream_t *s, pw_db_t *db, const pw_event_t *evs, size_t n,
                               char *err, size_t errlen)
{
    pw_apply_t rc = PW_APPLY_RETRY;
    size_t na = 0, nb = 0;
    ProtobufCMessage **msgs = calloc(n, sizeof *msgs);
    slot_t *slots = calloc(n, sizeof *slots);
    fold_row_t *a = calloc(n, sizeof *a);
    fold_row_t *b = s->tb ? calloc(n, sizeof *b) : NULL;
    if (!msgs || !slots || !a || (s->tb && !b))
        snprintf(err, errlen, "out of memory for a batch of %zu events", n);
    else
        rc = make_rows(s, evs, n, msgs, slots, a, &na, b, &nb, err, errlen);
    if (rc == PW_APPLY_OK)
        rc = fold_apply(db, s->ta, a, na, err, errlen);
    if (rc == PW_APPLY_OK && s->tb)
        rc = fold_apply(db, s->tb, b, nb, err, errlen);
    for (size_t i = 0; msgs && i < n; i++)
        pw_msg_free(&msgs[i]);
    free(msgs);
    free(slots);
    free(a);
    free(b);
    return rc;
}

pw_apply_t reporting_apply_employee_batch(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                          char *err, size_t errlen)
{
    (void)ctx;
    return apply_stream(&EMPLOYEE, db, evs, n, err, errlen);
}

pw_apply_t reporting_apply_eligibility_batch(void *ctx, pw_db_t *db, const pw_event_t *evs,
                                             size_t n, char *err, size_t errlen)
{
    (void)ctx;
    return apply_stream(&ELIGIBILITY, db, evs, n, err, errlen);
}

pw_apply_t reporting_apply_enrollment_batch(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                            char *err, size_t errlen)
{
    (void)ctx;
    return apply_stream(&ENROLLMENT, db, evs, n, err, errlen);
}

pw_apply_t reporting_apply_notification_batch(void *ctx, pw_db_t *db, const pw_event_t *evs,
                                              size_t n, char *err, size_t errlen)
{
    (void)ctx;
    return apply_stream(&NOTIFICATION, db, evs, n, err, errlen);
}

pw_apply_t reporting_apply_progress_batch(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                          char *err, size_t errlen)
{
    (void)ctx;
    return apply_stream(&PROGRESS, db, evs, n, err, errlen);
}

/* ---- one event at a time: a batch of one ---- */

pw_apply_t reporting_apply_employee(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                    size_t errlen)
{
    return reporting_apply_employee_batch(ctx, db, ev, 1, err, errlen);
}

pw_apply_t reporting_apply_eligibility(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                       size_t errlen)
{
    return reporting_apply_eligibility_batch(ctx, db, ev, 1, err, errlen);
}

pw_apply_t reporting_apply_enrollment(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                      size_t errlen)
{
    return reporting_apply_enrollment_batch(ctx, db, ev, 1, err, errlen);
}

pw_apply_t reporting_apply_notification(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                                        size_t errlen)
{
    return reporting_apply_notification_batch(ctx, db, ev, 1, err, errlen);
}

/* ---- registration ---- */

int reporting_projection_register(pw_service_t *svc)
{
    static const struct {
        pw_service_id_t owner;
        const char *stream;
        pw_apply_batch_fn apply;
    } subs[] = {
        {PW_SVC_ELIGIBILITY, PW_STREAM_EMPLOYEE, reporting_apply_employee_batch},
        {PW_SVC_ELIGIBILITY, PW_STREAM_ELIGIBILITY, reporting_apply_eligibility_batch},
        {PW_SVC_ENROLLMENT, PW_STREAM_ENROLLMENT, reporting_apply_enrollment_batch},
        {PW_SVC_NOTIFICATION, PW_STREAM_NOTIFICATION, reporting_apply_notification_batch},
        {PW_SVC_ENROLLMENT, PW_STREAM_PROGRESS, reporting_apply_progress_batch},
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (pw_service_consume_batch(svc, subs[i].owner, subs[i].stream, subs[i].apply, NULL) !=
            0) {
            pw_error("cannot consume stream %s", subs[i].stream);
            return -1;
        }
    }
    return 0;
}
