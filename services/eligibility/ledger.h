/* The ledger of accepted partner events (eligibility.partner_event): the
 * partner's idempotency record, unique on (employer, event id). */
#ifndef ELIG_LEDGER_H
#define ELIG_LEDGER_H

#include "pathways/codec.h"
#include "pathways/db.h"
#include "validate.h"

/* Inside the caller's transaction: records every event of batch whose
 * state is ACCEPTED; one recorded before (by any batch) becomes DUPLICATE.
 * One statement. Returns 0 or -1 (see pw_db_error). */
int elig_ledger_record(pw_db_t *db, const Pathways__V1__PublishBatch *batch,
                       elig_event_state_t *states) __attribute__((warn_unused_result));

#endif
