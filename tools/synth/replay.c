/* The stepped replay; see replay.h. */
#include "replay.h"

#include <string.h>

/* The day the eligibility service will re-check s (evaluated as of as_of):
 * tenure is the only failing rule and nothing is unknown (rules.c's
 * eligible_from); 0 when no re-check is due. */
static int32_t recheck_day(const sy_oracle_t *s, int32_t as_of)
{
    sy_crit_t others[] = {sy_rule_status(s), sy_rule_full_time(s), sy_rule_job_family(s),
                          sy_rule_standing(s)};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (others[i] != SY_CRIT_PASS)
            return 0;
    if (sy_rule_tenure(s, as_of) != SY_CRIT_FAIL)
        return 0;
    return s->period_start + SY_TENURE_MIN_DAYS;
}

static void note_eligible(sy_replay_t *r, int32_t day)
{
    if (r->state.outcome == SY_OUTCOME_ELIGIBLE && !r->first_eligible) {
        r->first_eligible = day;
        r->family_at_eligible = r->state.facts.job_family;
    }
}

void sy_replay(const sy_event_t *events, size_t n, int32_t until, int32_t closed, sy_replay_t *out)
{
    memset(out, 0, sizeof *out);
    sy_oracle_init(&out->state);
    int32_t due = 0;
    int closed_done = 0;
    for (size_t k = 0; k <= n; k++) {
        int32_t day = k < n ? events[k].effective : until + 1;
        if (k < n && day > until)
            day = until + 1;
        if (due && due <= day && due <= until) {
            sy_oracle_recheck(&out->state, due);
            note_eligible(out, due);
            due = 0;
        }
        /* A participant's record closes after their first eligibility
         * (re-checks come first), before any later event. */
        if (closed && !closed_done && closed <= day) {
            out->state.open = 0; /* completed or withdrawn: no longer active */
            closed_done = 1;
        }
        if (k == n || day > until)
            break;
        sy_oracle_apply(&out->state, &events[k], day);
        note_eligible(out, day);
        due = recheck_day(&out->state, day);
    }
}
