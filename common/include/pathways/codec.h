/* The codec: every protobuf decode paired with its free, and sizes bounded
 * on both sides. Outside bytes are decoded only through these functions. */
#ifndef PATHWAYS_CODEC_H
#define PATHWAYS_CODEC_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "pathways/v1/admin.pb-c.h"
#include "pathways/v1/eligibility.pb-c.h"
#include "pathways/v1/employee.pb-c.h"
#include "pathways/v1/enrollment.pb-c.h"
#include "pathways/v1/envelope.pb-c.h"
#include "pathways/v1/notification.pb-c.h"
#include "pathways/v1/partner.pb-c.h"
#include "pathways/v1/progress.pb-c.h"

/* The default bound for any message (PATHWAYS_MAX_MESSAGE_BYTES overrides
 * it where the configuration reaches: sockets, stream envelopes, partner
 * batches, appended payloads). */
#define PW_MAX_MESSAGE_BYTES (4u * 1024u * 1024u)
/* Room for an envelope's own fields around a payload of the largest size,
 * so any payload the appender accepts also travels on the fast path. */
#define PW_ENVELOPE_SLACK (64u * 1024u)
/* Upper bound for events in one partner batch. */
#define PW_MAX_BATCH_EVENTS 5000u

/* Decodes len bytes as a message of descriptor d. Returns NULL when len is
 * over max (0 means PW_MAX_MESSAGE_BYTES) or the bytes are not a valid
 * message. Caller owns the result: release with pw_msg_free. */
ProtobufCMessage *pw_msg_decode(const ProtobufCMessageDescriptor *d, const uint8_t *data,
                                size_t len, size_t max);
/* Frees a decoded message; accepts NULL, nulls *p. */
void pw_msg_free(ProtobufCMessage **p);
/* Encodes m into a malloc'd buffer (caller frees) and stores its size.
 * Returns NULL when the encoding would exceed max (0: the default). */
uint8_t *pw_msg_encode(const ProtobufCMessage *m, size_t max, size_t *len);

/* Typed wrappers: pw_decode_<name>(data, len) / pw_free_<name>(&p), and
 * pw_decode_<name>_max(data, len, max) with the caller's bound. */
#define PW_CODEC_DECLARE(name, type)                                                               \
    type *pw_decode_##name(const uint8_t *data, size_t len);                                       \
    type *pw_decode_##name##_max(const uint8_t *data, size_t len, size_t max);                     \
    void pw_free_##name(type **p);

PW_CODEC_DECLARE(envelope, Pathways__V1__Envelope)
PW_CODEC_DECLARE(employee_event, Pathways__V1__EmployeeEvent)
PW_CODEC_DECLARE(publish_batch, Pathways__V1__PublishBatch)
PW_CODEC_DECLARE(publish_ack, Pathways__V1__PublishAck)
PW_CODEC_DECLARE(determination, Pathways__V1__Determination)
PW_CODEC_DECLARE(enrollment_changed, Pathways__V1__EnrollmentChanged)
PW_CODEC_DECLARE(notification_changed, Pathways__V1__NotificationChanged)
PW_CODEC_DECLARE(admin_request, Pathways__V1__AdminRequest)
PW_CODEC_DECLARE(admin_reply, Pathways__V1__AdminReply)

/* Returns 1 when s (len bytes) is valid UTF-8 without NUL bytes. */
int pw_utf8_valid(const char *s, size_t len);

#endif
