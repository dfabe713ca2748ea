/* DEALER client for the services' command endpoints; see client.h. */
#include "client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/auth.h"
#include "pathways/codec.h"
#include "pathways/config.h"

struct pwt_client {
    zsock_t *sock;
    char *endpoint;
};

/* With PATHWAYS_CURVE=on, makes sock a CURVE client with the tool's own key
 * (PATHWAYS_CURVE_CLIENT_SECRET_FILE) and the services' public key
 * (PATHWAYS_CURVE_SERVER_KEY). Secrets come from files only, never from the
 * command line. */
static int apply_curve(zsock_t *sock, char *err, size_t errlen)
{
    pw_config_t cfg;
    char why[512];
    if (pw_config_load(&cfg, why, sizeof why) != 0 ||
        pw_auth_client_from_config(sock, &cfg, why, sizeof why) != 0) {
        snprintf(err, errlen, "CURVE: %s", why);
        return -1;
    }
    return 0;
}

static zsock_t *connect_dealer(const char *endpoint, char *err, size_t errlen)
{
    zsock_t *sock = zsock_new(ZMQ_DEALER);
    if (!sock) {
        snprintf(err, errlen, "cannot create a socket: %s", zmq_strerror(zmq_errno()));
        return NULL;
    }
    zsock_set_linger(sock, 0);
    zsock_set_maxmsgsize(sock, (int)PW_MAX_MESSAGE_BYTES);
    if (apply_curve(sock, err, errlen) != 0) {
        zsock_destroy(&sock);
        return NULL;
    }
    if (zsock_connect(sock, "%s", endpoint) < 0) {
        snprintf(err, errlen, "cannot connect to '%s': %s", endpoint, zmq_strerror(zmq_errno()));
        zsock_destroy(&sock);
    }
    return sock;
}

pwt_client_t *pwt_client_new(const char *endpoint, char *err, size_t errlen)
{
    pwt_client_t *c = calloc(1, sizeof *c);
    if (!c || !(c->endpoint = strdup(endpoint))) {
        snprintf(err, errlen, "out of memory");
        free(c);
        return NULL;
    }
    c->sock = connect_dealer(endpoint, err, errlen);
    if (!c->sock)
        pwt_client_destroy(&c);
    return c;
}

void pwt_client_destroy(pwt_client_t **p)
{
    if (!p || !*p)
        return;
    zsock_destroy(&(*p)->sock);
    free((*p)->endpoint);
    free(*p);
    *p = NULL;
}

int pwt_client_reconnect(pwt_client_t *c, char *err, size_t errlen)
{
    zsock_destroy(&c->sock);
    c->sock = connect_dealer(c->endpoint, err, errlen);
    return c->sock ? 0 : -1;
}

const char *pwt_client_endpoint(const pwt_client_t *c)
{
    return c->endpoint;
}

int pwt_client_send(pwt_client_t *c, const char *type, const uint8_t *data, size_t len)
{
    void *raw = zsock_resolve(c->sock);
    if (zmq_send(raw, type, strlen(type), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -1;
    /* The first frame went out, so the second is accepted too: multipart
     * messages are queued atomically. */
    return zmq_send(raw, data, len, ZMQ_DONTWAIT) < 0 ? -1 : 0;
}

int pwt_client_send_msg(pwt_client_t *c, const ProtobufCMessage *msg, char *err, size_t errlen)
{
    size_t len = 0;
    uint8_t *bytes = pw_msg_encode(msg, PW_MAX_MESSAGE_BYTES, &len);
    if (!bytes) {
        snprintf(err, errlen, "%s is larger than %u bytes", msg->descriptor->name,
                 PW_MAX_MESSAGE_BYTES);
        return -1;
    }
    int rc = pwt_client_send(c, msg->descriptor->name, bytes, len);
    free(bytes);
    if (rc < 0)
        snprintf(err, errlen, "cannot send to %s: %s", c->endpoint, zmq_strerror(zmq_errno()));
    return rc;
}

/* Copies a frame into a malloc'd buffer with a trailing NUL. */
static uint8_t *frame_copy(zframe_t *f, size_t *len)
{
    size_t n = zframe_size(f);
    uint8_t *out = malloc(n + 1);
    if (out) {
        memcpy(out, zframe_data(f), n);
        out[n] = 0;
        *len = n;
    }
    return out;
}

int pwt_client_recv(pwt_client_t *c, int timeout_ms, char **type, uint8_t **data, size_t *len,
                    char *err, size_t errlen)
{
    zmq_pollitem_t item = {.socket = zsock_resolve(c->sock), .events = ZMQ_POLLIN};
    int n = zmq_poll(&item, 1, timeout_ms);
    if (n < 0 && zmq_errno() != EINTR) {
        snprintf(err, errlen, "poll failed: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    if (n <= 0)
        return 0;
    zmsg_t *msg = zmsg_recv(c->sock);
    if (!msg) {
        snprintf(err, errlen, "receive failed: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    int rc = -1;
    size_t tlen;
    if (zmsg_size(msg) != 2) {
        snprintf(err, errlen, "malformed reply from %s: %zu frames, expected 2", c->endpoint,
                 zmsg_size(msg));
    } else if (!(*type = (char *)frame_copy(zmsg_first(msg), &tlen)) ||
               !(*data = frame_copy(zmsg_next(msg), len))) {
        free(*type);
        *type = NULL;
        snprintf(err, errlen, "out of memory");
    } else {
        rc = 1;
    }
    zmsg_destroy(&msg);
    return rc;
}

static int curve_on(void)
{
    pw_config_t cfg;
    char why[256];
    return pw_config_load(&cfg, why, sizeof why) == 0 && cfg.curve;
}

/* A reply of another type than expected: an AdminReply carries the
 * service's refusal ("forbidden", "unsupported") in words. */
static void describe_unexpected(const char *service, const char *type, const char *expected,
                                const uint8_t *data, size_t len, char *err, size_t errlen)
{
    Pathways__V1__AdminReply *r =
        strcmp(type, "pathways.v1.AdminReply") == 0 ? pw_decode_admin_reply(data, len) : NULL;
    if (r && r->error_code && *r->error_code)
        snprintf(err, errlen, "%s refused the request (%s): %s", service, r->error_code,
                 r->error ? r->error : "");
    else
        snprintf(err, errlen, "%s answered with %.80s, expected %s", service, type, expected);
    pw_free_admin_reply(&r);
}

int pwt_request(const char *service, const char *endpoint, const ProtobufCMessage *msg,
                const char *reply_type, int timeout_ms, uint8_t **reply, size_t *reply_len,
                char *err, size_t errlen)
{
    char *type = NULL;
    int rc = -1;
    pwt_client_t *c = pwt_client_new(endpoint, err, errlen);
    if (!c || pwt_client_send_msg(c, msg, err, errlen) < 0)
        goto done;
    int got = pwt_client_recv(c, timeout_ms, &type, reply, reply_len, err, errlen);
    if (got == 0)
        snprintf(err, errlen, "%s did not answer at %s within %d ms — is pathways-%s running?%s",
                 service, endpoint, timeout_ms, service,
                 curve_on() ? " (CURVE is on: an unregistered or revoked key is refused at the "
                              "handshake)"
                            : " (PATHWAYS_CURVE is off here, so this tool sent no key: a service "
                              "running with CURVE on ignores such a connection without a word. "
                              "Set PATHWAYS_CURVE=on, PATHWAYS_CURVE_CLIENT_SECRET_FILE and "
                              "PATHWAYS_CURVE_SERVER_KEY; deploy/local/dev-keys writes them)");
    if (got != 1)
        goto done;
    if (strcmp(type, reply_type) != 0) {
        describe_unexpected(service, type, reply_type, *reply, *reply_len, err, errlen);
        free(*reply);
        *reply = NULL;
        goto done;
    }
    rc = 0;
done:
    free(type);
    pwt_client_destroy(&c);
    return rc;
}
