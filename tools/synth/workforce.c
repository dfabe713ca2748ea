/* Generates the synthetic workforce; see workforce.h. Every random choice
 * goes through one sy_rng_t in a fixed order, so a seed (and --today)
 * always yields the same feed. */
#include "workforce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prng.h"
#include "replay.h"
#include "vocab.h"

/* Shares of the workforce, in percent or per mille where noted. */
#define P_RECENT_HIRE  0.08 /* hired within the tenure window */
#define P_TERMINATED   0.15
#define P_REHIRED      0.15 /* of the terminated */
#define P_TERM_AGAIN   0.20 /* of the rehired */
#define P_LANGUAGE_ES  0.20
#define P_JOB_CHANGE   0.12
#define P_HOURS_CHANGE 0.10
#define P_STANDING_CHG 0.10
#define P_LEAVE        0.07
#define P_LEAVE_ENDS   0.65
#define MAX_REHIRE_GAP 540

/* Employment types by weight: full, part, per diem, unspecified. */
static const unsigned TYPE_WEIGHTS[] = {62, 20, 14, 4};
static const sy_emp_type_t TYPE_VALUES[] = {SY_TYPE_FULL_TIME, SY_TYPE_PART_TIME, SY_TYPE_PER_DIEM,
                                            SY_TYPE_UNSPECIFIED};
/* Standing by weight: good, corrective action, final warning, none on file. */
static const unsigned STANDING_WEIGHTS[] = {85, 9, 3, 3};
static const sy_standing_t STANDING_VALUES[] = {SY_STANDING_GOOD, SY_STANDING_CORRECTIVE_ACTION,
                                                SY_STANDING_FINAL_WARNING, SY_STANDING_UNSPECIFIED};
static const char *const LEAVE_REASONS[] = {"medical", "family", "personal"};
static const char *const TERM_REASONS[] = {"voluntary", "voluntary", "voluntary", "involuntary",
                                           "retirement"};

/* What one employee's history is being built from. */
typedef struct {
    sy_rng_t *rng;
    const sy_employer_t *employer;
    sy_employee_t *e;
    int32_t today;
    int32_t step;    /* the replay grid, or 0 */
    int32_t history; /* days back the first hire may go */
    size_t job;      /* index into the job table */
    sy_emp_type_t type;
    sy_standing_t standing;
    int on_leave;
} builder_t;

/* day moved back onto the replay grid (today - k * step); day itself
 * without a grid. */
static int32_t snap(const builder_t *b, int32_t day)
{
    if (!b->step || day >= b->today)
        return day;
    return b->today - (b->today - day + b->step - 1) / b->step * b->step;
}

/* A day drawn in [lo, hi], on the grid (so maybe before lo). */
static int32_t draw_day(builder_t *b, int32_t lo, int32_t hi)
{
    return snap(b, (int32_t)sy_rng_range(b->rng, lo, hi));
}

static sy_event_t *append(builder_t *b, sy_event_type_t type, int32_t day, unsigned fields)
{
    if (b->e->nevents >= SY_MAX_EVENTS)
        return NULL;
    sy_event_t *ev = &b->e->events[b->e->nevents++];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->effective = day;
    ev->fields = fields;
    return ev;
}

static int32_t last_day(const builder_t *b)
{
    return b->e->nevents ? b->e->events[b->e->nevents - 1].effective : INT32_MIN;
}

static double hours_for(sy_rng_t *rng, sy_emp_type_t type)
{
    switch (type) {
    case SY_TYPE_FULL_TIME:
        return sy_rng_chance(rng, 0.7) ? 40.0 : 36.0;
    case SY_TYPE_PART_TIME:
        return 4.0 * (double)sy_rng_range(rng, 4, 7);
    case SY_TYPE_PER_DIEM:
        return sy_rng_chance(rng, 0.5) ? 0.0 : 8.0;
    default:
        return sy_rng_chance(rng, 0.6) ? 40.0 : 24.0;
    }
}

static void set_job(builder_t *b, sy_facts_t *f, size_t job)
{
    const sy_job_t *jobs;
    sy_jobs(&jobs);
    b->job = job;
    f->job_family = jobs[job].family;
    f->job_title = jobs[job].titles[sy_rng_below(b->rng, 3)];
}

static size_t draw_job(sy_rng_t *rng)
{
    const sy_job_t *jobs;
    size_t n = sy_jobs(&jobs);
    unsigned weights[16];
    for (size_t i = 0; i < n && i < 16; i++)
        weights[i] = jobs[i].weight;
    return sy_rng_weighted(rng, weights, n < 16 ? n : 16);
}

static void set_type(builder_t *b, sy_facts_t *f, sy_emp_type_t type)
{
    b->type = type;
    f->type = type;
    f->type_raw = sy_type_raw(b->employer->style, type);
    f->hours = hours_for(b->rng, type);
}

static void set_standing(builder_t *b, sy_facts_t *f, sy_standing_t standing)
{
    b->standing = standing;
    f->standing = standing;
    f->standing_raw = sy_standing_raw(b->employer->style, standing);
}

static void set_status(builder_t *b, sy_facts_t *f, sy_status_t status)
{
    b->on_leave = status == SY_STATUS_LEAVE;
    f->status = status;
    f->status_raw = sy_status_raw(b->employer->style, status);
}

/* A hired or rehired event: every fact. Facts merge (an absent field keeps
 * its old value), so a rehire states every rule fact explicitly: a standing
 * and a known employment type, never "unspecified". Only a first hire has
 * "no standing on file" or an unspecified type (then its hours decide). */
static void emit_full(builder_t *b, sy_event_type_t type, int32_t day)
{
    unsigned fields =
        SY_F_JOB | SY_F_STATUS | SY_F_TYPE | SY_F_HOURS | SY_F_HIRE_DATE | SY_F_PERSON;
    sy_standing_t standing = STANDING_VALUES[sy_rng_weighted(b->rng, STANDING_WEIGHTS, 4)];
    if (type == SY_EV_REHIRED)
        standing = sy_rng_chance(b->rng, 0.9) ? SY_STANDING_GOOD : SY_STANDING_CORRECTIVE_ACTION;
    if (standing != SY_STANDING_UNSPECIFIED)
        fields |= SY_F_STANDING;
    sy_event_t *ev = append(b, type, day, fields);
    if (!ev)
        return;
    size_t job = (type == SY_EV_REHIRED && sy_rng_chance(b->rng, 0.5)) ? b->job : draw_job(b->rng);
    set_job(b, &ev->facts, job);
    set_status(b, &ev->facts, SY_STATUS_ACTIVE);
    size_t types = type == SY_EV_REHIRED ? 3 : 4; /* unspecified is last */
    set_type(b, &ev->facts, TYPE_VALUES[sy_rng_weighted(b->rng, TYPE_WEIGHTS, types)]);
    set_standing(b, &ev->facts, standing);
    ev->facts.hire_date = b->e->hire_date;
}

static void emit_change(builder_t *b, sy_event_type_t type, int32_t day)
{
    static const unsigned FIELDS[SY_EV_COUNT] = {
        [SY_EV_JOB_CHANGED] = SY_F_JOB,           [SY_EV_HOURS_CHANGED] = SY_F_TYPE | SY_F_HOURS,
        [SY_EV_STANDING_CHANGED] = SY_F_STANDING, [SY_EV_LEAVE_STARTED] = SY_F_STATUS | SY_F_REASON,
        [SY_EV_LEAVE_ENDED] = SY_F_STATUS,        [SY_EV_TERMINATED] = SY_F_STATUS | SY_F_REASON,
    };
    sy_event_t *ev = append(b, type, day, FIELDS[type]);
    if (!ev)
        return;
    sy_facts_t *f = &ev->facts;
    size_t job;
    sy_emp_type_t t;
    switch (type) {
    case SY_EV_JOB_CHANGED:
        do
            job = draw_job(b->rng);
        while (job == b->job);
        set_job(b, f, job);
        break;
    case SY_EV_HOURS_CHANGED:
        do
            t = TYPE_VALUES[sy_rng_below(b->rng, 3)];
        while (t == b->type);
        set_type(b, f, t);
        break;
    case SY_EV_STANDING_CHANGED:
        if (b->standing == SY_STANDING_GOOD)
            set_standing(b, f,
                         sy_rng_chance(b->rng, 0.7) ? SY_STANDING_CORRECTIVE_ACTION
                                                    : SY_STANDING_FINAL_WARNING);
        else
            set_standing(b, f, SY_STANDING_GOOD);
        break;
    case SY_EV_LEAVE_STARTED:
        set_status(b, f, SY_STATUS_LEAVE);
        f->reason_code = LEAVE_REASONS[sy_rng_below(b->rng, 3)];
        break;
    case SY_EV_LEAVE_ENDED:
        set_status(b, f, SY_STATUS_ACTIVE);
        break;
    default: /* SY_EV_TERMINATED */
        set_status(b, f, SY_STATUS_TERMINATED);
        f->reason_code = TERM_REASONS[sy_rng_below(b->rng, 5)];
        break;
    }
}

typedef struct {
    sy_event_type_t type;
    int32_t day;
} planned_t;

static int planned_cmp(const void *a, const void *b)
{
    const planned_t *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

/* Changes inside one employment period, on distinct days in [lo, hi]. A
 * change drawn on a day already taken is dropped, and a leave end without
 * its start with it. */
static void emit_changes(builder_t *b, int32_t lo, int32_t hi, double scale)
{
    planned_t plan[6];
    size_t n = 0;
    if (hi < lo)
        return;
    if (sy_rng_chance(b->rng, P_JOB_CHANGE * scale))
        plan[n++] = (planned_t){SY_EV_JOB_CHANGED, draw_day(b, lo, hi)};
    if (sy_rng_chance(b->rng, P_HOURS_CHANGE * scale))
        plan[n++] = (planned_t){SY_EV_HOURS_CHANGED, draw_day(b, lo, hi)};
    if (sy_rng_chance(b->rng, P_STANDING_CHG * scale))
        plan[n++] = (planned_t){SY_EV_STANDING_CHANGED, draw_day(b, lo, hi)};
    if (sy_rng_chance(b->rng, P_LEAVE * scale)) {
        int32_t start = draw_day(b, lo, hi);
        plan[n++] = (planned_t){SY_EV_LEAVE_STARTED, start};
        if (start < hi && sy_rng_chance(b->rng, P_LEAVE_ENDS))
            plan[n++] = (planned_t){SY_EV_LEAVE_ENDED, draw_day(b, start + 1, hi)};
    }
    qsort(plan, n, sizeof plan[0], planned_cmp);
    for (size_t i = 0; i < n; i++) {
        if (plan[i].day <= last_day(b))
            continue;
        if (plan[i].type == SY_EV_LEAVE_ENDED && !b->on_leave)
            continue;
        if (plan[i].type == SY_EV_LEAVE_STARTED && b->on_leave)
            continue;
        emit_change(b, plan[i].type, plan[i].day);
    }
}

/* One employment period from start: changes, then maybe a termination.
 * Returns the termination day, or 0 when the period is still open. */
static int32_t emit_period(builder_t *b, int32_t start, double scale, double p_term)
{
    int32_t end = b->today;
    int32_t term = 0;
    if (start < b->today && sy_rng_chance(b->rng, p_term)) {
        term = draw_day(b, start + 1, b->today);
        end = term - 1;
    }
    emit_changes(b, start + 1, end, scale);
    if (term && term > last_day(b))
        emit_change(b, SY_EV_TERMINATED, term);
    else
        term = 0;
    return term;
}

static void gen_history(builder_t *b)
{
    sy_employee_t *e = b->e;
    if (sy_rng_chance(b->rng, P_RECENT_HIRE))
        e->hire_date = snap(b, b->today - (int32_t)sy_rng_range(b->rng, 0, SY_TENURE_MIN_DAYS - 1));
    else
        e->hire_date =
            snap(b, b->today - (int32_t)sy_rng_range(b->rng, SY_TENURE_MIN_DAYS, b->history));
    emit_full(b, SY_EV_HIRED, e->hire_date);
    int32_t term = emit_period(b, e->hire_date, 1.0, P_TERMINATED);
    if (!term || term >= b->today || !sy_rng_chance(b->rng, P_REHIRED))
        return;
    int32_t latest = term + MAX_REHIRE_GAP < b->today ? term + MAX_REHIRE_GAP : b->today;
    int32_t rehire = draw_day(b, term + 1, latest);
    if (rehire <= term)
        return; /* the grid left no day for it */
    emit_full(b, SY_EV_REHIRED, rehire);
    (void)emit_period(b, rehire, 0.5, P_TERM_AGAIN);
}

static void gen_person(sy_employee_t *e, sy_rng_t *rng, size_t index)
{
    const sy_name_t *given, *family;
    size_t ng = sy_given_names(&given);
    size_t nf = sy_family_names(&family);
    const sy_name_t *g = &given[sy_rng_below(rng, ng)];
    const sy_name_t *f = &family[sy_rng_below(rng, nf)];
    snprintf(e->id, sizeof e->id, "e%06zu", index + 1);
    e->given_name = g->name;
    e->family_name = f->name;
    snprintf(e->email, sizeof e->email, "%s.%s.%zu@example.org", g->ascii, f->ascii, index + 1);
    snprintf(e->phone, sizeof e->phone, "+1-312-555-%04u", (unsigned)sy_rng_below(rng, 10000));
    e->language = sy_rng_chance(rng, P_LANGUAGE_ES) ? "es" : "en";
}

static void gen_employers(sy_workforce_t *w)
{
    const char *const *names;
    size_t nn = sy_employer_names(&names);
    for (size_t i = 0; i < w->params.employers; i++) {
        sy_employer_t *er = &w->employer[i];
        snprintf(er->id, sizeof er->id, "emp-%03zu", i + 1);
        if (i < nn)
            snprintf(er->name, sizeof er->name, "%s", names[i]);
        else
            snprintf(er->name, sizeof er->name, "%s %zu", names[i % nn], i / nn + 1);
        snprintf(er->hr_email, sizeof er->hr_email, "hr@%s.example.org", er->id);
        er->style = (int)(i % SY_STYLES);
    }
}

/* The first employee of each employer guarantees none is empty; the rest
 * go by random weights, so employers differ in size. */
static size_t pick_employer(sy_rng_t *rng, const unsigned *weights, size_t n, size_t index)
{
    return index < n ? index : sy_rng_weighted(rng, weights, n);
}

sy_workforce_t *sy_workforce_new(const sy_params_t *params)
{
    if (params->employers == 0)
        return NULL;
    sy_workforce_t *w = calloc(1, sizeof *w);
    unsigned *weights = calloc(params->employers, sizeof *weights);
    if (!w || !weights)
        goto fail;
    w->params = *params;
    w->employer = calloc(params->employers, sizeof *w->employer);
    w->employee = calloc(params->employees ? params->employees : 1, sizeof *w->employee);
    w->part = calloc(params->employees ? params->employees : 1, sizeof *w->part);
    if (!w->employer || !w->employee || !w->part)
        goto fail;
    sy_rng_t rng;
    sy_rng_seed(&rng, params->seed);
    gen_employers(w);
    for (size_t i = 0; i < params->employers; i++)
        weights[i] = (unsigned)sy_rng_range(&rng, 2, 8);
    for (size_t i = 0; i < params->employees; i++) {
        sy_employee_t *e = &w->employee[i];
        e->employer = pick_employer(&rng, weights, params->employers, i);
        gen_person(e, &rng, i);
        builder_t b = {.rng = &rng,
                       .employer = &w->employer[e->employer],
                       .e = e,
                       .today = params->today,
                       .step = params->step,
                       .history = params->history_days ? params->history_days : SY_HISTORY_DAYS};
        gen_history(&b);
        sy_participation_decide(e->events, &e->nevents, params, i, &w->part[i]);
    }
    free(weights);
    return w;
fail:
    free(weights);
    sy_workforce_destroy(&w);
    return NULL;
}

void sy_workforce_destroy(sy_workforce_t **p)
{
    if (!p || !*p)
        return;
    free((*p)->employer);
    free((*p)->employee);
    free((*p)->part);
    free(*p);
    *p = NULL;
}

void sy_workforce_replay(const sy_workforce_t *w, size_t i, sy_oracle_t *s)
{
    const sy_employee_t *e = &w->employee[i];
    if (w->params.step) {
        sy_replay_t r;
        sy_replay(e->events, e->nevents, w->params.today, sy_participation_closed(&w->part[i]), &r);
        *s = r.state;
        return;
    }
    sy_oracle_init(s);
    /* As the service decides a history published in one batch: the state
     * after each event as of the last day it held (the day before the
     * next event, never after today), the last one as of today. */
    for (size_t k = 0; k < e->nevents; k++) {
        int32_t on = w->params.today;
        if (k + 1 < e->nevents) {
            on = e->events[k + 1].effective - 1;
            if (on < e->events[k].effective)
                on = e->events[k].effective;
        }
        if (on > w->params.today)
            on = w->params.today;
        sy_oracle_apply(s, &e->events[k], on);
    }
}

/* Whether participation p holds the employee in MAPP today: enrolled and
 * neither withdrawn nor exited (MAPP's not_in_program criterion: enrolled,
 * in training, completed, certified or placed). */
static int in_program(const sy_participation_t *p, int32_t today)
{
    return p->participant && p->enrolled && p->enrolled <= today && !p->withdrawn && !p->exited;
}

void sy_workforce_tally(const sy_workforce_t *w, sy_tally_t *tallies)
{
    memset(tallies, 0, w->params.employers * sizeof *tallies);
    for (size_t i = 0; i < w->params.employees; i++) {
        sy_oracle_t s;
        sy_workforce_replay(w, i, &s);
        /* The service determines a participant again when their imported
         * enrollment changes, so someone in the program is no longer
         * eligible (a failed criterion outweighs an unknown one). */
        if (w->params.imported && w->part && in_program(&w->part[i], w->params.today) &&
            (s.outcome == SY_OUTCOME_ELIGIBLE || s.outcome == SY_OUTCOME_NEEDS_REVIEW))
            s.outcome = SY_OUTCOME_NOT_ELIGIBLE;
        sy_tally_add(&tallies[w->employee[i].employer], &s);
    }
}

const char *sy_status_word(sy_status_t s)
{
    static const char *const W[] = {NULL, "active", "leave", "terminated"};
    return (unsigned)s < 4u ? W[s] : NULL;
}

const char *sy_type_word(sy_emp_type_t t)
{
    static const char *const W[] = {NULL, "full_time", "part_time", "per_diem"};
    return (unsigned)t < 4u ? W[t] : NULL;
}

const char *sy_standing_word(sy_standing_t s)
{
    static const char *const W[] = {NULL, "good", "corrective_action", "final_warning"};
    return (unsigned)s < 4u ? W[s] : NULL;
}

const char *sy_event_type_name(sy_event_type_t t)
{
    static const char *const N[SY_EV_COUNT] = {
        "org.pathways.employee.hired.v1",
        "org.pathways.employee.rehired.v1",
        "org.pathways.employee.job_changed.v1",
        "org.pathways.employee.hours_changed.v1",
        "org.pathways.employee.standing_changed.v1",
        "org.pathways.employee.leave_started.v1",
        "org.pathways.employee.leave_ended.v1",
        "org.pathways.employee.terminated.v1",
    };
    return (unsigned)t < SY_EV_COUNT ? N[t] : NULL;
}
