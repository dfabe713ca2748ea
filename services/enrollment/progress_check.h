/* Validation of one training provider's progress event before anything is
 * read or stored: every field against the contract (progress.proto), the
 * first failure reported with a stable reason code. Pure; what needs the
 * database (the cohort, its provider and dates, the participant) is
 * progress_apply.c's. */
#ifndef PATHWAYS_ENROLLMENT_PROGRESS_CHECK_H
#define PATHWAYS_ENROLLMENT_PROGRESS_CHECK_H

#include <stdint.h>

#include "pathways/auth.h"
#include "pathways/codec.h"
#include "pathways/partner.h"

#define ENR_PROGRESS_ID_MAX   128 /* event ids, employee ids, item ids */
#define ENR_PROGRESS_ORG_MAX  64  /* provider, employer and cohort ids */
#define ENR_PROGRESS_TEXT_MAX 256 /* names, reasons */

typedef Pathways__V1__ProgressEvent enr_progress_event_t;

/* The kind of a progress event as stored ("attendance", "exam"...), or
 * NULL when it carries no detail. Static. */
const char *enr_progress_kind(const enr_progress_event_t *ev);

/* Checks ev as of today (days since the epoch) and that peer may speak for
 * its source (a provider key for its own provider; an admin for any).
 * Returns 0, or -1 with why filled. */
int enr_progress_check(const enr_progress_event_t *ev, const pw_peer_t *peer, int32_t today,
                       pw_reason_t *why) __attribute__((warn_unused_result));

#endif
