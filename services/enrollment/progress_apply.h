/* One accepted-so-far progress event against the database, inside the
 * batch's transaction: checked (the cohort exists and is run by the
 * event's provider, the date falls within the cohort, the participant is
 * in the cohort, the lifecycle allows the move), recorded in
 * enrollment.progress_event (a (provider, event id) on file makes it a
 * DUPLICATE) and applied: first attendance moves enrolled -> in_training,
 * completion in_training -> completed, a credential completed ->
 * certified, a withdrawal -> withdrawn (its seat goes to the waitlist),
 * each audited with the provider as actor and the event as cause; then the
 * program's at-risk rule (at_risk.h) may raise the flag; the event is
 * appended to stream "progress" (ProgressRecorded). A rejected event writes
 * nothing. */
#ifndef PATHWAYS_ENROLLMENT_PROGRESS_APPLY_H
#define PATHWAYS_ENROLLMENT_PROGRESS_APPLY_H

#include "at_risk.h"
#include "pathways/topology.h"
#include "lifecycle.h"
#include "pathways/partner.h"
#include "progress_check.h"

/* The cause of a provider's change in the audit: "progress:<provider>/<id>". */
#define ENR_PROGRESS_CAUSE "progress:"
/* Every accepted event is appended to this stream (ProgressRecorded). */
#define ENR_PROGRESS_STREAM      PW_STREAM_PROGRESS
#define ENR_PROGRESS_RECORDED_V1 "org.pathways.progress.recorded.v1"

typedef struct {
    pw_db_t *db;
    const enr_emitter_t *emit;
    const enr_at_risk_t *rules; /* may be NULL: no at-risk rules */
    const char *actor;          /* "provider:<id> key:<key id>" */
    const char *batch_id;
} enr_progress_ctx_t;

/* Applies ev (already valid per enr_progress_check). Sets *result to a
 * PW_ACK_* value and why for a rejection or duplicate. Returns 0, or -1 on
 * a database failure with the reason in err: the batch must roll back. */
int enr_progress_apply(const enr_progress_ctx_t *ctx, const enr_progress_event_t *ev, int *result,
                       pw_reason_t *why, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
