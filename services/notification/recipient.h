/* The recipient directory (notification.recipient): who an employee is for
 * the purpose of writing to them (email, given name, language), kept from
 * the "employee" stream. Events carry only the fields that changed, so
 * each field is merged on its own, and a field stated for an older
 * effective date than the one on file is ignored (late events never
 * overwrite newer facts). Delivery reads the directory with its claim
 * (outbox.h). The two streams are read independently, so an invitation can
 * arrive before the address: its row waits (backoff.h), and the statement
 * that stores the address makes such rows due at once. */
#ifndef PATHWAYS_NOTIFICATION_RECIPIENT_H
#define PATHWAYS_NOTIFICATION_RECIPIENT_H

#include "pathways/db.h"
#include "pathways/stream.h"

/* pw_apply_batch_fn for stream "employee" (ctx unused): the whole batch
 * in one statement, which also makes rows waiting for an address that
 * arrives in it due now. Returns PW_APPLY_REJECT when an event is undecodable
 * or has a bad effective date (the consumer then finds which one),
 * PW_APPLY_RETRY on a database failure, else PW_APPLY_OK. */
pw_apply_t ntf_apply_employee(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n, char *err,
                              size_t errlen);

#endif
