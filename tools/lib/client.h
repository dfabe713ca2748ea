/* The command-line tools' side of the services' command endpoints: a
 * DEALER socket speaking the two-frame framing [message type][protobuf
 * bytes], and the one-shot request helper every pathwaysctl subcommand uses.
 *
 * Timeouts follow the zguide's Lazy Pirate pattern: a request that got no
 * answer is abandoned with its socket (pwt_client_reconnect), so a late reply
 * can never be mistaken for the answer to the next request. */
#ifndef PATHWAYS_TOOLS_CLIENT_H
#define PATHWAYS_TOOLS_CLIENT_H

#include <czmq.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pwt_client pwt_client_t;

/* Creates a DEALER connected to endpoint, with linger 0 and ZMQ_MAXMSGSIZE
 * set to the codec's PW_MAX_MESSAGE_BYTES. Returns NULL with the reason in
 * err (e.g. a malformed endpoint). Caller owns the result. */
pwt_client_t *pwt_client_new(const char *endpoint, char *err, size_t errlen);
/* Closes the socket (dropping anything queued) and frees; accepts NULL,
 * nulls *p. */
void pwt_client_destroy(pwt_client_t **p);
/* Replaces the socket by a fresh one connected to the same endpoint.
 * Returns 0, or -1 with the reason in err. */
int pwt_client_reconnect(pwt_client_t *c, char *err, size_t errlen)
    __attribute__((warn_unused_result));
const char *pwt_client_endpoint(const pwt_client_t *c);

/* Sends [type][data]. Never blocks: returns -1 when the socket cannot take
 * the message right now (no peer yet and the queue is full). */
int pwt_client_send(pwt_client_t *c, const char *type, const uint8_t *data, size_t len)
    __attribute__((warn_unused_result));
/* Encodes msg with the codec's bound and sends it under its full type name
 * (the descriptor's name, e.g. "pathways.v1.AdminRequest"). Returns 0 or -1
 * with the reason in err. */
int pwt_client_send_msg(pwt_client_t *c, const ProtobufCMessage *msg, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Waits up to timeout_ms for one reply. Returns 1 with the reply's type and
 * bytes (both malloc'd, the caller frees them), 0 on timeout, or -1 with
 * the reason in err when the reply is not two frames. */
int pwt_client_recv(pwt_client_t *c, int timeout_ms, char **type, uint8_t **data, size_t *len,
                    char *err, size_t errlen) __attribute__((warn_unused_result));

/* One request and its reply: connects to endpoint, sends msg, waits up to
 * timeout_ms for a reply of type reply_type and returns 0 with its bytes in
 * *reply (malloc'd, the caller frees it). On failure returns -1 with a
 * sentence for a person in err, naming the service ("reporting did not
 * answer at tcp://127.0.0.1:7140 within 5000 ms — is pathways-reporting
 * running?"). */
int pwt_request(const char *service, const char *endpoint, const ProtobufCMessage *msg,
                const char *reply_type, int timeout_ms, uint8_t **reply, size_t *reply_len,
                char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
