/* The command endpoint's gate, used by the service runtime (not part of the
 * API): CURVE server setup and the ZAP handler when PATHWAYS_CURVE=on, the
 * peer of the request being handled, and the least role each message type
 * needs. */
#ifndef PATHWAYS_GATE_H
#define PATHWAYS_GATE_H

#include <czmq.h>

#include "pathways/auth.h"
#include "pathways/config.h"

typedef struct pw_gate pw_gate_t;

/* Caller owns the result; cfg is borrowed and must outlive it. NULL on
 * out-of-memory. */
pw_gate_t *pw_gate_new(const pw_config_t *cfg);
/* Destroy after the sockets that use it. */
void pw_gate_destroy(pw_gate_t **p);
/* Records that messages of type need at least role min (default: admin).
 * Returns 0 or -1 (table full). */
int pw_gate_require(pw_gate_t *self, const char *type, pw_role_t min);
/* With CURVE on: loads the service's key, starts the ZAP handler and makes
 * router a CURVE server. Does nothing when CURVE is off. Call before bind.
 * Returns 0, or -1 with the reason logged. */
int pw_gate_start(pw_gate_t *self, zsock_t *router);
/* Identifies the sender of a request from one of its received frames and
 * decides whether it may send type. Returns 1 when admitted, or 0 with the
 * refusal logged (key id, type, reason) and the reason in why. */
int pw_gate_admit(pw_gate_t *self, zframe_t *frame, const char *type, char *why, size_t whylen);
/* The peer of the last admitted (or refused) request. */
const pw_peer_t *pw_gate_peer(const pw_gate_t *self);

#endif
