/* The employer registry (eligibility.employer): administrators register
 * employers with an AdminRequest employer_upsert; partner events for an
 * employer that is not registered are rejected. */
#ifndef ELIG_EMPLOYER_H
#define ELIG_EMPLOYER_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/codec.h"
#include "pathways/service.h"
#include "validate.h"

/* Programs an employer takes part in when the request names none. */
#define ELIG_DEFAULT_PROGRAM "mapp"
#define ELIG_MAX_PROGRAMS    16

/* Handles a decoded AdminRequest (borrowed): employer_upsert is applied;
 * any other request kind is answered with error_code "unsupported".
 * Returns the encoded AdminReply (caller frees) and its length, or NULL on
 * out-of-memory. */
uint8_t *elig_employer_handle_admin(pw_service_t *svc, const Pathways__V1__AdminRequest *req,
                                    size_t *reply_len);

/* Encodes an AdminReply with only an error (caller frees). */
uint8_t *elig_admin_error(const char *request_id, const char *code, const char *text,
                          size_t *reply_len);

/* Inside the caller's transaction: marks every ACCEPTED event of batch whose
 * source is not a registered employer as REJECTED ("unknown_employer").
 * One query. Returns 0 or -1 (see pw_db_error). */
int elig_employer_check(pw_db_t *db, const Pathways__V1__PublishBatch *batch,
                        elig_event_state_t *states) __attribute__((warn_unused_result));

#endif
