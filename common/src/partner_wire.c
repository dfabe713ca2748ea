/* Wire-level string checks of a partner batch, guided by the generated
 * descriptors (see pathways/partner.h). Moved from services/eligibility
 * (wire.c) so the provider path in enrollment uses the same walk. */
#include "pathways/partner.h"

#include <protobuf-c/protobuf-c.h>

#include "pathways/codec.h"

/* Nesting is shallow in our contracts; deeper input is refused. */
#define MAX_DEPTH 8

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

/* Reads one field: its number, wire type and, for length-delimited ones, the
 * payload. Returns 0 or -1 when malformed. */
static int next_field(const uint8_t **p, const uint8_t *end, uint32_t *number, int *wire,
                      const uint8_t **payload, size_t *plen)
{
    uint64_t tag, v;
    if (read_varint(p, end, &tag) != 0 || (tag >> 3) == 0 || (tag >> 3) > UINT32_MAX)
        return -1;
    *number = (uint32_t)(tag >> 3);
    *wire = (int)(tag & 7);
    *payload = NULL;
    *plen = 0;
    switch (*wire) {
    case 0:
        return read_varint(p, end, &v);
    case 1:
    case 5: {
        size_t w = *wire == 1 ? 8 : 4;
        if ((size_t)(end - *p) < w)
            return -1;
        *p += w;
        return 0;
    }
    case 2:
        if (read_varint(p, end, &v) != 0 || v > (uint64_t)(end - *p))
            return -1;
        *payload = *p;
        *plen = (size_t)v;
        *p += v;
        return 0;
    default:
        return -1;
    }
}

/* 1 when every string of the message (descriptor d) is valid, 0 when one is
 * not, -1 when malformed. */
static int check_message(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len,
                         int depth)
{
    const uint8_t *end = p + len;
    int ok = 1;
    if (depth > MAX_DEPTH)
        return -1;
    while (p < end) {
        uint32_t number;
        int wire;
        const uint8_t *payload;
        size_t plen;
        if (next_field(&p, end, &number, &wire, &payload, &plen) != 0)
            return -1;
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, number);
        if (!f || wire != 2)
            continue;
        if (f->type == PROTOBUF_C_TYPE_STRING && plen &&
            !pw_utf8_valid((const char *)payload, plen))
            ok = 0;
        if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            int sub = check_message(f->descriptor, payload, plen, depth + 1);
            if (sub < 0)
                return -1;
            ok &= sub;
        }
    }
    return ok;
}

int pw_wire_check_batch(const ProtobufCMessageDescriptor *event, const uint8_t *data, size_t len,
                        uint8_t *bad, size_t n)
{
    const uint8_t *p = data, *end = data + len;
    size_t index = 0;
    for (size_t i = 0; i < n; i++)
        bad[i] = 0;
    while (p < end) {
        uint32_t number;
        int wire;
        const uint8_t *payload;
        size_t plen;
        if (next_field(&p, end, &number, &wire, &payload, &plen) != 0)
            return -1;
        if (wire != 2)
            continue;
        if (number == 1 && plen && !pw_utf8_valid((const char *)payload, plen))
            return -1;
        if (number == 2) {
            int ok = check_message(event, payload, plen, 1);
            if (ok < 0)
                return -1;
            if (index < n)
                bad[index] = (uint8_t)!ok;
            index++;
        }
    }
    return 0;
}
