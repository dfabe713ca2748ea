/* What a training provider's roster may show about a participant
 * (enrollment.contact), kept from the "employee" stream: the given name,
 * effective-dated, and whether an email address is on file. The stream's
 * other facts are not kept here. */
#ifndef PATHWAYS_ENROLLMENT_CONTACT_H
#define PATHWAYS_ENROLLMENT_CONTACT_H

#include "pathways/stream.h"

#include "pathways/topology.h"

#define ENR_EMPLOYEE_STREAM PW_STREAM_EMPLOYEE

/* pw_apply_batch_fn for stream "employee" (ctx unused): one statement per
 * batch. Returns PW_APPLY_REJECT for an undecodable event or a bad
 * effective date, PW_APPLY_RETRY on a database failure. */
pw_apply_t enr_apply_contacts(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n, char *err,
                              size_t errlen);

#endif
