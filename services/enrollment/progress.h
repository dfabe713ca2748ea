/* Training providers' endpoint on enrollment's command ROUTER: a
 * ProgressBatch in, a PublishAck out, sent only after the batch's one
 * transaction has committed (progress.proto).
 *
 * Why here and not a second partner endpoint: the events' effects are
 * enrollment's (state moves, the audit, the at-risk flag, the waitlist) and
 * must commit in the same transaction as the event; enrollment's command
 * endpoint already is a CURVE ROUTER with the ZAP key cache, the request
 * gate and the size bounds, so the provider path is one more request type
 * (admitted for provider and admin keys) on it. What the two partner paths
 * share (the batch's wire check, acknowledgements, their metrics) is in
 * common/ (pathways/partner.h).
 *
 * Per batch: decode and bound it, check each event on its own
 * (progress_check.h) and against the others (a repeated (provider, id) in
 * the batch is a duplicate), then in one transaction check, record and
 * apply each remaining event in batch order (progress_apply.h), commit,
 * acknowledge. When the commit fails the reply carries error_code
 * "unavailable" and no acks: the provider resends the whole batch. */
#ifndef PATHWAYS_ENROLLMENT_PROGRESS_H
#define PATHWAYS_ENROLLMENT_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "at_risk.h"
#include "command.h"
#include "pathways/auth.h"
#include "pathways/metrics.h"

#define ENR_PROGRESS_TYPE       "pathways.v1.ProgressBatch"
#define ENR_ROSTER_REQUEST_TYPE "pathways.v1.ProviderRosterRequest"
#define ENR_ROSTER_TYPE         "pathways.v1.ProviderRoster"

typedef struct {
    const enr_session_t *session; /* database, emitter, commit, rollback */
    const pw_peer_t *peer;        /* the sender */
    const enr_at_risk_t *rules;   /* may be NULL */
    size_t max_bytes;             /* PATHWAYS_MAX_MESSAGE_BYTES */
    pw_metrics_t *metrics;        /* may be NULL */
} enr_provider_call_t;

/* Answers one ProgressBatch (len bytes). Returns the encoded PublishAck
 * (caller frees) and its length, or NULL on out-of-memory. */
uint8_t *enr_progress_answer(const enr_provider_call_t *call, const uint8_t *data, size_t len,
                             size_t *reply_len);

/* Answers one ProviderRosterRequest with a ProviderRoster (roster.c):
 * the participants of a cohort the sender's provider runs. Returns the
 * bytes (caller frees), NULL on out-of-memory. */
uint8_t *enr_roster_answer(const enr_provider_call_t *call, const uint8_t *data, size_t len,
                           size_t *reply_len);

#endif
