/* The partner command handler: a PublishBatch in, a PublishAck out, sent
 * only after the batch's one transaction has committed.
 *
 * Per batch: decode and bound it, validate each event, then in one
 * transaction reject events of unregistered employers, record the accepted
 * (employer, event id) pairs (a repeat is a duplicate, never a second
 * effect), merge the events into the registry, evaluate the rules, store the
 * determinations, append the accepted events to stream "employee" and the
 * changed determinations to stream "eligibility", and commit. When the
 * commit fails the reply carries error_code "unavailable" and no acks: the
 * partner retries the whole batch. */
#ifndef ELIG_PARTNER_H
#define ELIG_PARTNER_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/service.h"
#include "pathways/topology.h"
#include "evaluate.h"
#include "attrs.h"
#include "programs.h"
#include "rules.h"

#define ELIG_STREAM_EMPLOYEE PW_STREAM_EMPLOYEE

typedef struct elig_partner elig_partner_t;

/* Caller owns the result; programs and schema (the declared attributes,
 * attrs.h) are borrowed and must outlive it (each batch is checked and
 * evaluated under those in force then). */
elig_partner_t *elig_partner_new(const elig_programs_t *programs, const elig_attr_schema_t *schema);
void elig_partner_destroy(elig_partner_t **p);

/* Handles one PublishBatch (len bytes) on svc's database and streams.
 * Returns the encoded PublishAck (caller frees) and its length, or NULL on
 * out-of-memory. */
uint8_t *elig_partner_handle(elig_partner_t *self, pw_service_t *svc, const uint8_t *data,
                             size_t len, size_t *reply_len);

#endif
