/* The synthetic workforce's test oracle: MAPP rules over merged facts, and
 * the per-employee bookkeeping of invitations and exits. See oracle.h. */
#include "oracle.h"

#include <string.h>

static const char *const NON_CLINICAL[] = {
    "environmental_services", "food_service", "patient_access", "transport", "clerical",
};

int sy_job_family_non_clinical(const char *job_family)
{
    if (!job_family)
        return 0;
    for (size_t i = 0; i < sizeof NON_CLINICAL / sizeof NON_CLINICAL[0]; i++)
        if (strcmp(job_family, NON_CLINICAL[i]) == 0)
            return 1;
    return 0;
}

sy_crit_t sy_rule_status(const sy_oracle_t *s)
{
    if (s->facts.status == SY_STATUS_UNSPECIFIED)
        return SY_CRIT_UNKNOWN;
    return s->facts.status == SY_STATUS_ACTIVE ? SY_CRIT_PASS : SY_CRIT_FAIL;
}

/* Full time: the normalized type decides; only when it is unspecified do
 * the scheduled hours (>= 36) decide, and without hours it is unknown. */
sy_crit_t sy_rule_full_time(const sy_oracle_t *s)
{
    if (s->facts.type != SY_TYPE_UNSPECIFIED)
        return s->facts.type == SY_TYPE_FULL_TIME ? SY_CRIT_PASS : SY_CRIT_FAIL;
    if (!(s->known & SY_F_HOURS))
        return SY_CRIT_UNKNOWN;
    return s->facts.hours >= SY_FULL_TIME_HOURS ? SY_CRIT_PASS : SY_CRIT_FAIL;
}

sy_crit_t sy_rule_job_family(const sy_oracle_t *s)
{
    if (!s->facts.job_family || !*s->facts.job_family)
        return SY_CRIT_UNKNOWN;
    return sy_job_family_non_clinical(s->facts.job_family) ? SY_CRIT_PASS : SY_CRIT_FAIL;
}

sy_crit_t sy_rule_standing(const sy_oracle_t *s)
{
    switch (s->facts.standing) {
    case SY_STANDING_GOOD:
        return SY_CRIT_PASS;
    case SY_STANDING_CORRECTIVE_ACTION:
    case SY_STANDING_FINAL_WARNING:
        return SY_CRIT_FAIL;
    default:
        return SY_CRIT_UNKNOWN;
    }
}

sy_crit_t sy_rule_tenure(const sy_oracle_t *s, int32_t today)
{
    if (!s->has_period)
        return SY_CRIT_UNKNOWN;
    return today - s->period_start >= SY_TENURE_MIN_DAYS ? SY_CRIT_PASS : SY_CRIT_FAIL;
}

sy_outcome_t sy_oracle_evaluate(const sy_oracle_t *s, int32_t today)
{
    sy_crit_t verdicts[] = {
        sy_rule_status(s),   sy_rule_full_time(s),     sy_rule_job_family(s),
        sy_rule_standing(s), sy_rule_tenure(s, today),
    };
    int unknown = 0;
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
        if (verdicts[i] == SY_CRIT_FAIL)
            return SY_OUTCOME_NOT_ELIGIBLE;
        if (verdicts[i] == SY_CRIT_UNKNOWN)
            unknown = 1;
    }
    return unknown ? SY_OUTCOME_NEEDS_REVIEW : SY_OUTCOME_ELIGIBLE;
}

void sy_oracle_init(sy_oracle_t *s)
{
    memset(s, 0, sizeof *s);
}

/* Copies the facts ev states over the merged ones. */
static void merge_facts(sy_oracle_t *s, const sy_event_t *ev)
{
    const sy_facts_t *in = &ev->facts;
    sy_facts_t *f = &s->facts;
    if (ev->fields & SY_F_JOB) {
        f->job_family = in->job_family;
        f->job_title = in->job_title;
    }
    if (ev->fields & SY_F_STATUS) {
        f->status = in->status;
        f->status_raw = in->status_raw;
    }
    if (ev->fields & SY_F_TYPE) {
        f->type = in->type;
        f->type_raw = in->type_raw;
    }
    if (ev->fields & SY_F_HOURS)
        f->hours = in->hours;
    if (ev->fields & SY_F_STANDING) {
        f->standing = in->standing;
        f->standing_raw = in->standing_raw;
    }
    if (ev->fields & SY_F_HIRE_DATE)
        f->hire_date = in->hire_date;
    if (ev->fields & SY_F_REASON)
        f->reason_code = in->reason_code;
    s->known |= ev->fields;
}

/* Facts are merged: an event states only what it changes, and that holds
 * for hired/rehired events too (the generator makes them state every rule
 * fact explicitly, so nothing from an earlier employment period decides).
 *
 * Tenure counts from the start of the current employment period: for a hire
 * that is data.hire_date (equal to the effective date in this feed); for a
 * rehire it is the rehire's effective date, while data.hire_date stays the
 * ORIGINAL hire date. The eligibility service must compute tenure the same
 * way. */
void sy_oracle_apply(sy_oracle_t *s, const sy_event_t *ev, int32_t today)
{
    merge_facts(s, ev);
    if (ev->type == SY_EV_HIRED) {
        s->period_start = (ev->fields & SY_F_HIRE_DATE) ? ev->facts.hire_date : ev->effective;
        s->has_period = 1;
    } else if (ev->type == SY_EV_REHIRED) {
        s->period_start = ev->effective;
        s->has_period = 1;
    }
    sy_oracle_recheck(s, today);
}

/* One enrollment record per employee: invited when eligible (again, after a
 * withdrawal for lost eligibility); an open invitation is withdrawn when
 * eligibility is lost, or exited by a termination; an exit is final (a
 * rehire does not undo it). Each move notifies. */
void sy_oracle_recheck(sy_oracle_t *s, int32_t today)
{
    s->outcome = sy_oracle_evaluate(s, today);
    if (s->exited)
        return;
    if (s->facts.status == SY_STATUS_TERMINATED) {
        if (s->open) {
            s->open = 0;
            s->exited = 1;
            s->notices++;
        }
    } else if (s->outcome == SY_OUTCOME_ELIGIBLE) {
        if (!s->open && (!s->invited || s->lost)) {
            s->open = 1;
            s->lost = 0;
            s->notices++;
        }
        s->invited = 1;
    } else if (s->open) {
        s->open = 0;
        s->lost = 1;
        s->notices++;
    }
}

void sy_tally_add(sy_tally_t *t, const sy_oracle_t *s)
{
    t->employees++;
    switch (s->outcome) {
    case SY_OUTCOME_ELIGIBLE:
        t->eligible++;
        break;
    case SY_OUTCOME_NOT_ELIGIBLE:
        t->not_eligible++;
        break;
    case SY_OUTCOME_NEEDS_REVIEW:
        t->needs_review++;
        break;
    default:
        break;
    }
    t->invited += s->invited ? 1 : 0;
    t->exited += s->exited ? 1 : 0;
    t->terminated += s->facts.status == SY_STATUS_TERMINATED ? 1 : 0;
    t->notifications += s->notices;
}
