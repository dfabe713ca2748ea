/* The service's gate, used by the runtime (not part of the API): the
 * service's key and the ZAP handler when PATHWAYS_CURVE=on, CURVE set-up of
 * every socket (command ROUTER and event PUB as servers, stream SUBs as
 * clients of the other services), the peer of the request being handled,
 * and the least role each message type needs. */
#ifndef PATHWAYS_GATE_H
#define PATHWAYS_GATE_H

#include <czmq.h>

#include "pathways/auth.h"
#include "pathways/config.h"

typedef struct pw_gate pw_gate_t;

/* Caller owns the result; cfg and name (the service's, naming its key
 * cache's database connection) are borrowed and must outlive it. NULL on
 * out-of-memory. */
pw_gate_t *pw_gate_new(const pw_config_t *cfg, const char *name);
/* Destroy after the sockets that use it. */
void pw_gate_destroy(pw_gate_t **p);
/* Declares a message type the endpoint accepts and the roles that may send
 * it (PW_ROLE_BIT of each). Returns 0 or -1 (table full). */
int pw_gate_require_roles(pw_gate_t *self, const char *type, unsigned roles);
/* Same for role min and every role above it (up to admin). */
int pw_gate_require(pw_gate_t *self, const char *type, pw_role_t min);
/* 1 when type was declared; else 0 with "unknown message type ...; this
 * endpoint accepts ..." in why. Whatever the sender's role. */
int pw_gate_known(const pw_gate_t *self, const char *type, char *why, size_t whylen);
/* The label a request of this type is counted under: the declared type
 * (a string of the gate's, stable), or "other" for anything undeclared, so
 * senders cannot grow the metric's label set. */
const char *pw_gate_label(const pw_gate_t *self, const char *type);
/* With CURVE on: loads the service's key and starts the ZAP handler. With
 * CURVE off (development mode): logs a warning. Returns 0, or -1 with the
 * reason logged. */
int pw_gate_start(pw_gate_t *self);
/* Makes sock a CURVE server in ZAP domain (PW_AUTH_DOMAIN for commands,
 * PW_AUTH_DOMAIN_EVENTS for event streams). Does nothing with CURVE off.
 * Call after pw_gate_start, before bind. Returns 0 or -1 (logged). */
int pw_gate_serve(pw_gate_t *self, zsock_t *sock, const char *domain);
/* Makes sock a CURVE client of service owner's event endpoint, with this
 * service's key; the owner's public key is PATHWAYS_<OWNER>_SERVER_KEY
 * (Z85 text or a public certificate file), by default this service's own
 * (one key pair shared by the services). Does nothing with CURVE off.
 * Call before connect. Returns 0 or -1 (logged). */
int pw_gate_subscribe(pw_gate_t *self, zsock_t *sock, const char *owner);
/* Identifies the sender of a request from one of its received frames and
 * decides whether it may send type. Returns 1 when admitted, or 0 with the
 * refusal logged (key id, type, reason) and the reason in why. */
int pw_gate_admit(pw_gate_t *self, zframe_t *frame, const char *type, char *why, size_t whylen);
/* The peer of the last admitted (or refused) request. */
const pw_peer_t *pw_gate_peer(const pw_gate_t *self);

#endif
