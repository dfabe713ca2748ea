/* Opening and acknowledging partner batches (see pathways/partner.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "pathways/partner.h"

int pw_reason_set(pw_reason_t *why, const char *code, const char *fmt, ...)
{
    snprintf(why->code, sizeof why->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->text, sizeof why->text, fmt, ap);
    va_end(ap);
    return -1;
}

uint8_t *pw_ack_encode(const char *batch_id, size_t n, pw_ack_fill_fn fill, void *ctx, size_t *len)
{
    Pathways__V1__PublishAck ack = PATHWAYS__V1__PUBLISH_ACK__INIT;
    Pathways__V1__EventAck *acks = calloc(n ? n : 1, sizeof *acks);
    Pathways__V1__EventAck **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    uint8_t *out = NULL;
    if (acks && ptrs) {
        for (size_t i = 0; i < n; i++) {
            pathways__v1__event_ack__init(&acks[i]);
            fill(ctx, i, &acks[i]);
            ptrs[i] = &acks[i];
        }
        ack.batch_id = (char *)(batch_id ? batch_id : "");
        ack.n_acks = n;
        ack.acks = ptrs;
        out = pw_msg_encode(&ack.base, 0, len);
    }
    free(acks);
    free(ptrs);
    return out;
}

uint8_t *pw_ack_error(const char *batch_id, const char *code, const char *text, size_t *len)
{
    Pathways__V1__PublishAck ack = PATHWAYS__V1__PUBLISH_ACK__INIT;
    ack.batch_id = (char *)(batch_id ? batch_id : "");
    ack.error_code = (char *)code;
    ack.error = (char *)text;
    return pw_msg_encode(&ack.base, 0, len);
}

void pw_ack_count(pw_metrics_t *metrics, int result)
{
    static const char *const labels[] = {"", "result=\"accepted\"", "result=\"duplicate\"",
                                         "result=\"rejected\""};
    if (!metrics || result < PW_ACK_ACCEPTED || result > PW_ACK_REJECTED)
        return;
    pw_metrics_describe(metrics, "pathways_partner_events_total", "counter",
                        "Partner events acknowledged, by result.");
    pw_metrics_add(metrics, "pathways_partner_events_total", labels[result], 1);
}

int pw_batch_open(pw_batch_t *b, const ProtobufCMessageDescriptor *batch_desc,
                  const ProtobufCMessageDescriptor *event_desc, const uint8_t *data, size_t len,
                  size_t max, uint8_t **refusal, size_t *refusal_len)
{
    char text[96];
    *b = (pw_batch_t){0};
    *refusal = NULL;
    b->msg = pw_msg_decode(batch_desc, data, len, max);
    if (!b->msg) {
        snprintf(text, sizeof text, "the bytes are not a %s", batch_desc->short_name);
        *refusal = pw_ack_error("", "malformed_batch", text, refusal_len);
        return -1;
    }
    const ProtobufCFieldDescriptor *id = protobuf_c_message_descriptor_get_field(batch_desc, 1);
    const ProtobufCFieldDescriptor *evs = protobuf_c_message_descriptor_get_field(batch_desc, 2);
    b->batch_id = *(const char **)(const void *)((const char *)b->msg + id->offset);
    b->n = *(const size_t *)(const void *)((const char *)b->msg + evs->quantifier_offset);
    if (b->n > PW_MAX_BATCH_EVENTS) {
        snprintf(text, sizeof text, "a batch holds at most %u events", PW_MAX_BATCH_EVENTS);
        *refusal = pw_ack_error(b->batch_id, "batch_too_large", text, refusal_len);
    } else if (!(b->bad = calloc(b->n ? b->n : 1, 1))) {
        /* out of memory: no refusal to send */
    } else if (len && pw_wire_check_batch(event_desc, data, len, b->bad, b->n) != 0) {
        *refusal =
            pw_ack_error("", "malformed_batch", "a text field holds invalid UTF-8", refusal_len);
    } else {
        return 0;
    }
    pw_batch_close(b);
    return -1;
}

void pw_batch_close(pw_batch_t *b)
{
    pw_msg_free(&b->msg);
    free(b->bad);
    *b = (pw_batch_t){0};
}
