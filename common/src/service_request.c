/* The command socket: one request read, checked (known type, the
 * sender's role, size), handed to the service's handler and answered. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "service_internal.h"

/* Replies [identity][type][bytes] on the ROUTER. */
static void send_reply(pw_service_t *svc, zframe_t *identity, const char *type, uint8_t *bytes,
                       size_t len)
{
    zmsg_t *reply = zmsg_new();
    zmsg_append(reply, &identity);
    zmsg_addstr(reply, type);
    zmsg_addmem(reply, bytes, len);
    zmsg_send(&reply, svc->router);
}

static void reply_error(pw_service_t *svc, zframe_t *identity, const char *code, const char *why)
{
    Pathways__V1__AdminReply r = PATHWAYS__V1__ADMIN_REPLY__INIT;
    r.error_code = (char *)code;
    r.error = (char *)why;
    size_t len;
    uint8_t *bytes = pw_msg_encode(&r.base, 0, &len);
    if (bytes)
        send_reply(svc, identity, "pathways.v1.AdminReply", bytes, len);
    else
        zframe_destroy(&identity);
    free(bytes);
}

/* Decides whether a request may reach the handler. Returns NULL when it
 * may, else the error code to answer with (the reason in why), after
 * logging it at warn and counting it: an unknown type whatever the
 * sender's role, a sender whose role may not send it, a body over
 * PATHWAYS_MAX_MESSAGE_BYTES. */
static const char *refuse(pw_service_t *svc, zframe_t *type_frame, const char *type, size_t size,
                          char *why, size_t whylen)
{
    const char *code = NULL;
    if (!pw_gate_known(svc->gate, type, why, whylen)) {
        code = "unknown_message_type";
    } else if (!pw_gate_admit(svc->gate, type_frame, type, why, whylen)) {
        code = "forbidden"; /* pw_gate_admit logged it with the key id */
    } else if (size > svc->cfg.max_message_bytes) {
        code = "batch_too_large";
        snprintf(why, whylen, "message of %zu bytes; the limit is %zu (PATHWAYS_MAX_MESSAGE_BYTES)",
                 size, svc->cfg.max_message_bytes);
    }
    if (!code)
        return NULL;
    if (strcmp(code, "forbidden") != 0)
        pw_logkv(PW_LOG_WARN, "request refused", "key_id", pw_service_peer(svc)->key_id, "code",
                 code, "reason", why, NULL);
    char labels[64];
    snprintf(labels, sizeof labels, "reason=\"%s\"", code);
    pw_metrics_add(svc->metrics, "pathways_requests_refused_total", labels, 1);
    return code;
}

/* Counts a request under a bounded label set: its declared type, or
 * "other" for an undeclared or malformed one. */
static void count_request(pw_service_t *svc, const char *type)
{
    char labels[TYPE_MAX + 16];
    snprintf(labels, sizeof labels, "type=\"%s\"", pw_gate_label(svc->gate, type));
    pw_metrics_add(svc->metrics, "pathways_requests_total", labels, 1);
}

int service_handle_request(pw_service_t *svc)
{
    zmsg_t *msg = zmsg_recv(svc->router);
    if (!msg)
        return -1;
    int64_t t_read = pw_now_us();
    zframe_t *identity = zmsg_pop(msg);
    zframe_t *type = zmsg_pop(msg);
    zframe_t *body = zmsg_pop(msg);
    if (!identity) {
        zmsg_destroy(&msg);
        return 0;
    }
    char tname[TYPE_MAX] = "", why[PW_REFUSAL_MAX];
    if (!type || !body || zmsg_size(msg) != 0 || zframe_size(type) >= TYPE_MAX) {
        reply_error(svc, identity, "malformed_request",
                    "expected two frames: [message type][protobuf bytes]");
    } else {
        memcpy(tname, zframe_data(type), zframe_size(type));
        tname[zframe_size(type)] = '\0';
        for (char *t = tname; *t; t++) /* keep the name printable for logs/labels */
            if (!(isalnum((unsigned char)*t) || *t == '.' || *t == '_'))
                *t = '?';
        const char *refusal = refuse(svc, type, tname, zframe_size(body), why, sizeof why);
        if (refusal) {
            reply_error(svc, identity, refusal, why);
            goto done;
        }
        const char *rtype = NULL;
        size_t rlen = 0;
        uint8_t *rbytes = svc->on_request(svc->request_ctx, svc, tname, zframe_data(body),
                                          zframe_size(body), &rtype, &rlen);
        if (pw_db_in_txn(svc->db)) /* a handler must finish its transaction */
            pw_service_rollback(svc);
        if (rbytes && rtype)
            send_reply(svc, identity, rtype, rbytes, rlen);
        else
            zframe_destroy(&identity);
        if (rbytes && rtype && strcmp(rtype, "pathways.v1.PublishAck") == 0)
            pw_metrics_observe(svc->metrics, "pathways_partner_ack_seconds", "",
                               (double)(pw_now_us() - t_read) / 1e6);
        free(rbytes);
    }
done:
    count_request(svc, tname);
    zframe_destroy(&type);
    zframe_destroy(&body);
    zmsg_destroy(&msg);
    return 0;
}
