/* The partner path's shared parts, for every service that takes batches
 * of partner events on its command endpoint (eligibility: employee events
 * from employers; enrollment: progress events from training providers).
 *
 * A batch is [batch_id = 1][repeated event = 2] whatever the event type
 * (PublishBatch, ProgressBatch); the answer is a PublishAck with one
 * EventAck per event in batch order, sent only after the batch's one
 * transaction has committed. What stays with each service: validating its
 * events, its ledger of accepted (sender, event id) pairs (a resend is a
 * DUPLICATE, never a second effect) and applying them. */
#ifndef PATHWAYS_PARTNER_H
#define PATHWAYS_PARTNER_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "pathways/codec.h"
#include "pathways/metrics.h"

#define PW_ACK_ACCEPTED  PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED
#define PW_ACK_DUPLICATE PATHWAYS__V1__ACK_RESULT__ACK_RESULT_DUPLICATE
#define PW_ACK_REJECTED  PATHWAYS__V1__ACK_RESULT__ACK_RESULT_REJECTED
#define PW_ACK_TYPE      "pathways.v1.PublishAck"

/* Why an event was rejected (or duplicate): a stable code and a sentence. */
typedef struct {
    char code[32];
    char text[256];
} pw_reason_t;

/* Fills why with code and a formatted text; returns -1 for tail calls. */
int pw_reason_set(pw_reason_t *why, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A walk over the raw bytes of a batch that finds strings protobuf-c
 * accepts but the contract does not: protobuf-c 1.4 neither checks UTF-8
 * nor refuses NUL bytes, and a NUL silently cuts the decoded C string
 * short. Sets bad[i] to 1 for the i-th event (field 2, in order; a message
 * of descriptor event) whose string fields, at any depth, hold invalid
 * UTF-8 or NUL bytes; 0 otherwise (n entries; events past n are ignored).
 * Returns 0, or -1 when the bytes are not well-formed or batch_id (field
 * 1) is bad. */
int pw_wire_check_batch(const ProtobufCMessageDescriptor *event, const uint8_t *data, size_t len,
                        uint8_t *bad, size_t n) __attribute__((warn_unused_result));

/* A batch that passed the batch-level checks. */
typedef struct {
    ProtobufCMessage *msg; /* the decoded batch (PublishBatch, ProgressBatch...) */
    const char *batch_id;  /* borrowed from msg */
    size_t n;              /* events */
    uint8_t *bad;          /* n flags: the event holds a bad string (pw_wire_check_batch) */
} pw_batch_t;

/* The batch-level checks every partner endpoint makes before it looks at
 * an event: decodes data as a batch_desc message (batch_id = 1, repeated
 * events = 2, each an event_desc) within max bytes, bounds the number of
 * events (PW_MAX_BATCH_EVENTS) and walks the wire for bad strings. Returns
 * 0 with b filled (release with pw_batch_close), or -1 with the refusal
 * already encoded as a PublishAck in *refusal (caller frees; NULL on
 * out-of-memory) and b empty. */
int pw_batch_open(pw_batch_t *b, const ProtobufCMessageDescriptor *batch_desc,
                  const ProtobufCMessageDescriptor *event_desc, const uint8_t *data, size_t len,
                  size_t max, uint8_t **refusal, size_t *refusal_len)
    __attribute__((warn_unused_result));
/* Frees what pw_batch_open allocated; safe on an empty b. */
void pw_batch_close(pw_batch_t *b);

/* Fills the acknowledgement of event i (borrowed strings; they must live
 * until pw_ack_encode returns). */
typedef void (*pw_ack_fill_fn)(void *ctx, size_t i, Pathways__V1__EventAck *ack);

/* Encodes a PublishAck for batch_id with n acks filled by fill. Returns
 * the bytes (caller frees) and their length, or NULL on out-of-memory. */
uint8_t *pw_ack_encode(const char *batch_id, size_t n, pw_ack_fill_fn fill, void *ctx, size_t *len);
/* Encodes a PublishAck that refuses the whole batch (code, text). */
uint8_t *pw_ack_error(const char *batch_id, const char *code, const char *text, size_t *len);
/* Counts one acknowledged event in pathways_partner_events_total{result}
 * (metrics may be NULL). */
void pw_ack_count(pw_metrics_t *metrics, int result);

#endif
