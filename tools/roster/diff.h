/* The diff of a roster export against the previous accepted one, as
 * partner events. Per employee:
 *   new id                      -> hired (a row already "terminated" is skipped)
 *   terminated before, not now  -> rehired
 *   now terminated              -> terminated (effective the row's
 *                                  termination_date, else the export date)
 *   active <-> leave            -> leave_started / leave_ended
 *   job family or title         -> job_changed
 *   employment type or hours    -> hours_changed
 *   standing                    -> standing_changed
 *   gone from the export        -> terminated, reason "absent_from_roster"
 * Contact details alone send nothing (no event type carries them). Event
 * ids are "roster-<export>-<employee>-<change>": a run repeated for the
 * same export produces the same ids, hence duplicates, never new effects. */
#ifndef ROSTER_DIFF_H
#define ROSTER_DIFF_H

#include <czmq.h>
#include <stddef.h>

#include "feed.h"

typedef enum {
    CH_HIRED = 0,
    CH_REHIRED,
    CH_JOB,
    CH_HOURS,
    CH_STANDING,
    CH_LEAVE_STARTED,
    CH_LEAVE_ENDED,
    CH_TERMINATED,
    CH_COUNT
} change_t;

typedef struct {
    const char *employer;
    const char *export_id;
    const char *export_date; /* YYYY-MM-DD: effective date of changes */
    zhash_t *prev;           /* employee -> canonical row (last accepted) */
    zhash_t *now;            /* employee -> canonical row (this export, readable rows) */
    zhash_t *withheld;       /* employees whose rows were unreadable: left as they were */
    int no_absent;           /* do not terminate the absent (an unreadable row had no id) */
} diff_in_t;

typedef struct {
    feed_t *feed;    /* the events, in order */
    char **employee; /* per feed event: its employee (owned) */
    size_t counts[CH_COUNT];
    size_t absent;       /* of CH_TERMINATED: gone from the export */
    size_t contact_only; /* rows whose only change is contact details */
    size_t skipped_terminated_new;
} diff_out_t;

const char *diff_change_name(change_t c);

/* Computes the events. Returns 0, or -1 on out-of-memory. */
int diff_run(const diff_in_t *in, diff_out_t *out) __attribute__((warn_unused_result));
void diff_out_release(diff_out_t *out);

/* The state to keep after publishing: prev, updated with every employee
 * whose events were all accepted (or duplicates). Caller destroys it. */
zhash_t *diff_next_state(const diff_in_t *in, const diff_out_t *out);

#endif
