/* The stepped replay: what the pipeline decides when the local run moves its
 * clock through the replay grid (workforce.h, params.step) and publishes
 * each day's events on that day. On every grid day the eligibility service
 * first re-checks those whose only failing rule was tenure (they become
 * eligible on the day tenure passes), then evaluates that day's events, each
 * as of that day. So every determination carries its true date, the one a
 * service with dated eligibility would give a history published at once.
 *
 * The replay also follows the one enrollment record of the employee: the
 * invitation bookkeeping of oracle.h, and for a participant (their row
 * imported from the history file) the day the record stops being active:
 * completion or withdrawal, after which a termination exits nothing. */
#ifndef PATHWAYS_SYNTH_REPLAY_H
#define PATHWAYS_SYNTH_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "oracle.h"

typedef struct {
    sy_oracle_t state;              /* after the last day replayed */
    int32_t first_eligible;         /* the first eligible determination's day, or 0 */
    const char *family_at_eligible; /* job family then (borrowed), or NULL */
} sy_replay_t;

/* Replays events[0..n) (strictly increasing days) with the re-checks, up to
 * and including day until. closed: the day the participant's record stops
 * being active (0: not a participant, or still active). Fills out. */
void sy_replay(const sy_event_t *events, size_t n, int32_t until, int32_t closed, sy_replay_t *out);

#endif
