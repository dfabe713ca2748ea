/* The codec: bounded decode/encode of every protobuf message, each decode
 * paired with its free. */
#include "pathways/codec.h"

#include <stdlib.h>

/* Drops the unknown fields of m and of every sub-message. Nothing of ours
 * passes unknown fields on, so a sender cannot smuggle bytes through an
 * accepted message into the streams. Returns -1 when one has field number
 * 0, which protobuf-c 1.4 accepts from an overlong tag but never encodes. */
static int strip_unknown(ProtobufCMessage *m)
{
    int rc = 0;
    for (unsigned i = 0; i < m->n_unknown_fields; i++) {
        if (m->unknown_fields[i].tag == 0)
            rc = -1;
        free(m->unknown_fields[i].data);
    }
    free(m->unknown_fields);
    m->unknown_fields = NULL;
    m->n_unknown_fields = 0;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned f = 0; f < d->n_fields; f++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[f];
        if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        char *base = (char *)m + fd->offset;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(size_t *)(void *)((char *)m + fd->quantifier_offset);
            ProtobufCMessage **subs = *(ProtobufCMessage ***)(void *)base;
            for (size_t k = 0; k < n; k++)
                if (subs[k] && strip_unknown(subs[k]) != 0)
                    rc = -1;
        } else {
            /* A oneof member's slot is shared: only the set case is ours. */
            if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
                *(uint32_t *)(void *)((char *)m + fd->quantifier_offset) != fd->id)
                continue;
            ProtobufCMessage *sub = *(ProtobufCMessage **)(void *)base;
            if (sub && strip_unknown(sub) != 0)
                rc = -1;
        }
    }
    return rc;
}

ProtobufCMessage *pw_msg_decode(const ProtobufCMessageDescriptor *d, const uint8_t *data,
                                size_t len, size_t max)
{
    if (max == 0)
        max = PW_MAX_MESSAGE_BYTES;
    if (!d || (!data && len) || len > max)
        return NULL;
    static const uint8_t empty[1] = {0};
    ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, len, data ? data : empty);
    if (m && strip_unknown(m) != 0)
        pw_msg_free(&m);
    return m;
}

void pw_msg_free(ProtobufCMessage **p)
{
    if (p && *p) {
        protobuf_c_message_free_unpacked(*p, NULL);
        *p = NULL;
    }
}

uint8_t *pw_msg_encode(const ProtobufCMessage *m, size_t max, size_t *len)
{
    if (max == 0)
        max = PW_MAX_MESSAGE_BYTES;
    size_t n = protobuf_c_message_get_packed_size(m);
    if (n > max)
        return NULL;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        return NULL;
    *len = protobuf_c_message_pack(m, buf);
    return buf;
}

#define PW_CODEC_DEFINE(name, type, desc)                                                          \
    type *pw_decode_##name(const uint8_t *data, size_t len)                                        \
    {                                                                                              \
        return (type *)pw_msg_decode(&desc, data, len, 0);                                         \
    }                                                                                              \
    type *pw_decode_##name##_max(const uint8_t *data, size_t len, size_t max)                      \
    {                                                                                              \
        return (type *)pw_msg_decode(&desc, data, len, max);                                       \
    }                                                                                              \
    void pw_free_##name(type **p)                                                                  \
    {                                                                                              \
        pw_msg_free((ProtobufCMessage **)p);                                                       \
    }

PW_CODEC_DEFINE(envelope, Pathways__V1__Envelope, pathways__v1__envelope__descriptor)
PW_CODEC_DEFINE(employee_event, Pathways__V1__EmployeeEvent,
                pathways__v1__employee_event__descriptor)
PW_CODEC_DEFINE(publish_batch, Pathways__V1__PublishBatch, pathways__v1__publish_batch__descriptor)
PW_CODEC_DEFINE(publish_ack, Pathways__V1__PublishAck, pathways__v1__publish_ack__descriptor)
PW_CODEC_DEFINE(determination, Pathways__V1__Determination, pathways__v1__determination__descriptor)
PW_CODEC_DEFINE(enrollment_changed, Pathways__V1__EnrollmentChanged,
                pathways__v1__enrollment_changed__descriptor)
PW_CODEC_DEFINE(notification_changed, Pathways__V1__NotificationChanged,
                pathways__v1__notification_changed__descriptor)
PW_CODEC_DEFINE(admin_request, Pathways__V1__AdminRequest, pathways__v1__admin_request__descriptor)
PW_CODEC_DEFINE(admin_reply, Pathways__V1__AdminReply, pathways__v1__admin_reply__descriptor)

int pw_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned min;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0; /* truncated sequence */
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (p[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}
