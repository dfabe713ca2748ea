/* Output formats of pathways-synth; see emit.h. */
#include "emit.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "pathways/date.h"
#include "selfid.h"

/* One event's place in the global order. */
typedef struct {
    const sy_employee_t *e;
    size_t index; /* within the employee's history */
    size_t employee;
} ref_t;

static int ref_cmp(const void *a, const void *b)
{
    const ref_t *x = a, *y = b;
    int32_t dx = x->e->events[x->index].effective, dy = y->e->events[y->index].effective;
    if (dx != dy)
        return dx < dy ? -1 : 1;
    if (x->e->employer != y->e->employer)
        return x->e->employer < y->e->employer ? -1 : 1;
    if (x->employee != y->employee)
        return x->employee < y->employee ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static void set_str(json_t *o, const char *key, const char *value)
{
    if (value)
        json_object_set_new(o, key, json_string(value));
}

static void set_date(json_t *o, const char *key, int32_t day)
{
    char buf[PW_DATE_LEN];
    pw_date_format(day, buf);
    json_object_set_new(o, key, json_string(buf));
}

/* data: only the facts the event states (see oracle.h's SY_F_* bits). */
static json_t *event_data(const sy_employee_t *e, const sy_event_t *ev)
{
    json_t *d = json_object();
    const sy_facts_t *f = &ev->facts;
    if (ev->fields & SY_F_JOB) {
        set_str(d, "job_family", f->job_family);
        set_str(d, "job_title", f->job_title);
    }
    if (ev->fields & SY_F_STATUS) {
        set_str(d, "status", sy_status_word(f->status));
        set_str(d, "status_raw", f->status_raw);
    }
    if (ev->fields & SY_F_TYPE) {
        set_str(d, "employment_type", sy_type_word(f->type));
        set_str(d, "employment_type_raw", f->type_raw);
    }
    if (ev->fields & SY_F_HOURS)
        json_object_set_new(d, "scheduled_hours", json_real(f->hours));
    if (ev->fields & SY_F_STANDING) {
        set_str(d, "standing", sy_standing_word(f->standing));
        set_str(d, "standing_raw", f->standing_raw);
    }
    if (ev->fields & SY_F_HIRE_DATE)
        set_date(d, "hire_date", f->hire_date);
    if (ev->fields & SY_F_PERSON) {
        set_str(d, "given_name", e->given_name);
        set_str(d, "family_name", e->family_name);
        set_str(d, "email", e->email);
        set_str(d, "phone", e->phone);
        set_str(d, "language", e->language);
    }
    if (ev->fields & SY_F_REASON)
        set_str(d, "reason_code", f->reason_code);
    return d;
}

/* The partner "produced" each event on its effective day, during office
 * hours; the minute only spreads them out. */
static void event_time(int32_t day, size_t n, char *out, size_t outlen)
{
    char date[PW_DATE_LEN];
    pw_date_format(day, date);
    snprintf(out, outlen, "%sT%02zu:%02zu:%02zuZ", date, 9 + n / 3600 % 8, n / 60 % 60, n % 60);
}

static int write_event(const sy_workforce_t *w, const ref_t *r, uint64_t n, FILE *out)
{
    const sy_event_t *ev = &r->e->events[r->index];
    char id[48], when[40];
    snprintf(id, sizeof id, "s%" PRIu64 "-%06" PRIu64, w->params.seed, n);
    event_time(ev->effective, (size_t)n, when, sizeof when);
    json_t *o = json_object();
    set_str(o, "specversion", "1.0");
    set_str(o, "id", id);
    set_str(o, "source", w->employer[r->e->employer].id);
    set_str(o, "type", sy_event_type_name(ev->type));
    set_str(o, "time", when);
    set_str(o, "subject", r->e->id);
    set_date(o, "effective_date", ev->effective);
    json_object_set_new(o, "data", event_data(r->e, ev));
    /* Voluntary self-identification comes with the first event (the
     * hire, or the first event of a history that starts before it). */
    json_t *self_id = r->index == 0 ? sy_selfid_json(w->params.seed, r->employee) : NULL;
    if (self_id)
        json_object_set_new(o, "self_id", self_id);
    char *line = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!line)
        return -1;
    int rc = fprintf(out, "%s\n", line) < 0 ? -1 : 0;
    free(line);
    return rc;
}

long sy_emit_events(const sy_workforce_t *w, FILE *out)
{
    size_t total = 0;
    for (size_t i = 0; i < w->params.employees; i++)
        total += w->employee[i].nevents;
    ref_t *refs = calloc(total ? total : 1, sizeof *refs);
    uint64_t *counters = calloc(w->params.employers, sizeof *counters);
    long written = -1;
    if (!refs || !counters)
        goto done;
    size_t k = 0;
    for (size_t i = 0; i < w->params.employees; i++)
        for (size_t j = 0; j < w->employee[i].nevents; j++)
            refs[k++] = (ref_t){.e = &w->employee[i], .index = j, .employee = i};
    qsort(refs, total, sizeof *refs, ref_cmp);
    for (k = 0; k < total; k++)
        if (write_event(w, &refs[k], ++counters[refs[k].e->employer], out) < 0)
            goto done;
    written = (long)total;
done:
    free(counters);
    free(refs);
    return written;
}

int sy_emit_employers(const sy_workforce_t *w, FILE *out)
{
    if (fprintf(out, "employer\tname\thr_email\n") < 0)
        return -1;
    for (size_t i = 0; i < w->params.employers; i++) {
        const sy_employer_t *er = &w->employer[i];
        if (fprintf(out, "%s\t%s\t%s\n", er->id, er->name, er->hr_email) < 0)
            return -1;
    }
    return 0;
}

static json_t *tally_json(const char *employer, const sy_tally_t *t)
{
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "employer", employer,
                     "employees", (json_int_t)t->employees, "eligible", (json_int_t)t->eligible,
                     "not_eligible", (json_int_t)t->not_eligible, "needs_review",
                     (json_int_t)t->needs_review, "invited", (json_int_t)t->invited, "exited",
                     (json_int_t)t->exited, "terminated", (json_int_t)t->terminated,
                     "notifications", (json_int_t)t->notifications);
}

int sy_emit_expected(const sy_workforce_t *w, const sy_tally_t *tallies, FILE *out)
{
    char today[PW_DATE_LEN];
    pw_date_format(w->params.today, today);
    json_t *rows = json_array();
    for (size_t i = 0; i < w->params.employers; i++)
        json_array_append_new(rows, tally_json(w->employer[i].id, &tallies[i]));
    json_t *doc = json_pack("{s:s, s:I, s:o}", "today", today, "seed", (json_int_t)w->params.seed,
                            "employers", rows);
    if (!doc)
        return -1;
    /* With a replay grid the history holds past cohorts: what the
     * evidence reports must show (evidence.h). */
    if (w->params.step && json_object_set_new(doc, "evidence", sy_evidence_json(w)) != 0) {
        json_decref(doc);
        return -1;
    }
    int rc = json_dumpf(doc, out, JSON_INDENT(2)) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    json_decref(doc);
    return rc;
}

int sy_emit_oracle(const sy_workforce_t *w, FILE *out)
{
    static const char *const OUTCOME[] = {"", "eligible", "not_eligible", "needs_review"};
    if (fprintf(out, "employer\temployee\toutcome\tstatus\tinvited\texited\n") < 0)
        return -1;
    for (size_t i = 0; i < w->params.employees; i++) {
        sy_oracle_t s;
        sy_workforce_replay(w, i, &s);
        const char *status = sy_status_word(s.facts.status);
        if (fprintf(out, "%s\t%s\t%s\t%s\t%d\t%d\n", w->employer[w->employee[i].employer].id,
                    w->employee[i].id, OUTCOME[s.outcome], status ? status : "", s.invited,
                    s.exited) < 0)
            return -1;
    }
    return 0;
}

int sy_emit_enrollments(const sy_workforce_t *w, FILE *out)
{
    if (fprintf(out, "employer\temployee\tprogram\tcohort\tstate\tdate\treason_code"
                     "\tcredential\tnew_role\n") < 0)
        return -1;
    for (size_t i = 0; i < w->params.employees; i++)
        if (sy_participation_write(out, w->employer[w->employee[i].employer].id, w->employee[i].id,
                                   &w->part[i]) != 0)
            return -1;
    return 0;
}
