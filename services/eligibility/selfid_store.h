/* Voluntary self-identification answers (selfid.answer, migration
 * 005_self_id.sql): written in the batch's transaction, apart from the
 * employee's facts, and never read back by this service (its database
 * role may only insert). */
#ifndef ELIG_SELFID_STORE_H
#define ELIG_SELFID_STORE_H

#include "pathways/codec.h"
#include "pathways/db.h"
#include "validate.h"

/* Inside the caller's transaction, after elig_ledger_record: stores the
 * self_id of every newly accepted event of batch that answers a field.
 * One statement, none when no event does. Returns 0 or -1 (see
 * pw_db_error). */
int elig_selfid_store(pw_db_t *db, const Pathways__V1__PublishBatch *batch,
                      const elig_event_state_t *states) __attribute__((warn_unused_result));

#endif
