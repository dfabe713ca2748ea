/* Participation by design; see participation.h. */
#include "participation.h"

#include <stdio.h>
#include <string.h>

#include "pathways/date.h"
#include "prng.h"
#include "replay.h"
#include "workforce.h"

/* A day far enough ahead that only the non-tenure rules can fail. */
#define FAR_FUTURE (1 << 24)
/* Days between becoming eligible and enrolling, and between milestones. */
#define ENROLL_MIN_WAIT 14
#define ENROLL_MAX_WAIT 120
#define TRAINING_AFTER  14
#define COMPLETE_AFTER  270
#define CERTIFY_AFTER   300
#define PLACE_AFTER     330
#define P_WITHDRAW      0.12
#define P_COMPLETE      0.80
#define P_CERTIFY       0.85
#define P_PLACE         0.80
#define APPLIED_BEFORE  7 /* days between application and admission */

int32_t sy_first_eligible(const sy_event_t *events, size_t n, int32_t today)
{
    sy_oracle_t s;
    sy_oracle_init(&s);
    for (size_t k = 0; k < n; k++) {
        sy_oracle_apply(&s, &events[k], events[k].effective);
        int32_t until = k + 1 < n ? events[k + 1].effective - 1 : today;
        if (sy_oracle_evaluate(&s, FAR_FUTURE) != SY_OUTCOME_ELIGIBLE || !s.has_period)
            continue;
        int32_t day = s.period_start + SY_TENURE_MIN_DAYS;
        if (day < events[k].effective)
            day = events[k].effective;
        if (day <= until)
            return day;
    }
    return 0;
}

/* The first termination after day, or n. */
static size_t termination_after(const sy_event_t *events, size_t n, int32_t day)
{
    for (size_t k = 0; k < n; k++)
        if (events[k].type == SY_EV_TERMINATED && events[k].effective > day)
            return k;
    return n;
}

static int32_t milestone(sy_rng_t *rng, int32_t base, int32_t after, double p, int32_t stop)
{
    int32_t day = base + after;
    return base && day < stop && sy_rng_chance(rng, p) ? day : 0;
}

/* The program path from enrollment until stop (a termination or today). A
 * termination exits an enrollment still active (not completed, not
 * withdrawn), as the enrollment service does. */
static void path(sy_rng_t *rng, sy_participation_t *p, int32_t stop, int terminated)
{
    p->training = p->enrolled + TRAINING_AFTER < stop ? p->enrolled + TRAINING_AFTER : 0;
    if (p->training && sy_rng_chance(rng, P_WITHDRAW)) {
        p->withdrawn = (int32_t)sy_rng_range(rng, p->training, p->enrolled + COMPLETE_AFTER);
        p->exit_reason = sy_rng_chance(rng, 0.5) ? "personal" : "schedule";
        if (p->withdrawn < stop)
            return;
        p->withdrawn = 0;
        p->exit_reason = NULL;
    }
    p->completed = milestone(rng, p->training ? p->enrolled : 0, COMPLETE_AFTER, P_COMPLETE, stop);
    p->certified = milestone(rng, p->completed ? p->enrolled : 0, CERTIFY_AFTER, P_CERTIFY, stop);
    p->placed = milestone(rng, p->certified ? p->enrolled : 0, PLACE_AFTER, P_PLACE, stop);
    if (terminated && !p->completed) {
        p->exited = stop;
        p->exit_reason = "terminated";
    }
}

int32_t sy_participation_closed(const sy_participation_t *p)
{
    return p->withdrawn ? p->withdrawn : p->completed;
}

int32_t sy_participation_applied(const sy_participation_t *p)
{
    return p->participant ? p->enrolled - APPLIED_BEFORE : 0;
}

/* With a replay grid: nothing but a termination may follow first
 * eligibility, and the employee must still be eligible at the end of that
 * day. Returns 1 when the history qualifies. */
static int quiet_after(const sy_event_t *events, size_t n, int32_t first, int32_t today)
{
    sy_replay_t r;
    sy_replay(events, n, first, 0, &r);
    if (r.state.outcome != SY_OUTCOME_ELIGIBLE)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (events[k].effective > first)
            return events[k].type == SY_EV_TERMINATED && events[k].effective <= today;
    return 1;
}

void sy_participation_decide(sy_event_t *events, size_t *n, const struct sy_params *params,
                             size_t index, sy_participation_t *p)
{
    int32_t today = params->today;
    memset(p, 0, sizeof *p);
    sy_rng_t rng;
    sy_rng_seed(&rng, params->seed * 0x9E3779B97F4A7C15ull + index + 1);
    if (params->step) {
        sy_replay_t r;
        sy_replay(events, *n, today, 0, &r);
        p->first_eligible = r.first_eligible;
    } else {
        p->first_eligible = sy_first_eligible(events, *n, today);
    }
    if (!p->first_eligible || !sy_rng_chance(&rng, SY_P_PARTICIPATE))
        return;
    if (params->step && !quiet_after(events, *n, p->first_eligible, today))
        return;
    int32_t enrolled =
        p->first_eligible + (int32_t)sy_rng_range(&rng, ENROLL_MIN_WAIT, ENROLL_MAX_WAIT);
    size_t before = termination_after(events, *n, p->first_eligible);
    if (enrolled >= today || (before < *n && events[before].effective <= enrolled))
        return; /* no time to enroll, or gone before */
    p->participant = 1;
    p->enrolled = enrolled;
    int y, m, d;
    pw_date_to_ymd(enrolled, &y, &m, &d);
    snprintf(p->cohort, sizeof p->cohort, "mapp-%04dq%d", y, (m - 1) / 3 + 1);
    size_t term = termination_after(events, *n, enrolled);
    if (term < *n && sy_rng_chance(&rng, SY_P_RETAINED)) {
        *n = term; /* by design: this participant stays */
        term = *n;
    } else if (term < *n && params->step) {
        *n = term + 1; /* nothing after the termination (replay.h) */
    }
    path(&rng, p, term < *n ? events[term].effective : today + 1, term < *n);
}

/* One transition line; skipped (returns 0) when day is 0. */
static int line(FILE *out, const char *employer, const char *employee, const sy_participation_t *p,
                const char *state, int32_t day, const char *extra)
{
    if (!day)
        return 0;
    char date[PW_DATE_LEN];
    pw_date_format(day, date);
    return fprintf(out, "%s\t%s\tmapp\t%s\t%s\t%s\t%s\n", employer, employee, p->cohort, state,
                   date, extra) < 0
               ? -1
               : 0;
}

int sy_participation_write(FILE *out, const char *employer, const char *employee,
                           const sy_participation_t *p)
{
    char fe[PW_DATE_LEN] = "";
    if (p->first_eligible)
        pw_date_format(p->first_eligible, fe);
    if (p->first_eligible &&
        fprintf(out, "%s\t%s\tmapp\t\teligible\t%s\t\t\t\n", employer, employee, fe) < 0)
        return -1;
    if (!p->participant)
        return 0;
    char reason[64];
    snprintf(reason, sizeof reason, "%s\t\t", p->exit_reason ? p->exit_reason : "");
    int rc = line(out, employer, employee, p, "enrolled", p->enrolled, "\t\t") |
             line(out, employer, employee, p, "in_training", p->training, "\t\t") |
             line(out, employer, employee, p, "completed", p->completed, "\t\t") |
             line(out, employer, employee, p, "certified", p->certified, "\tCCMA\t") |
             line(out, employer, employee, p, "placed", p->placed, "\t\tmedical_assistant") |
             line(out, employer, employee, p, "withdrawn", p->withdrawn, reason) |
             line(out, employer, employee, p, "exited", p->exited, reason);
    return rc ? -1 : 0;
}
