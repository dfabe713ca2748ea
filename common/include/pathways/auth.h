/* Authentication and authorization of the services' command endpoints.
 *
 * Partners and administrators connect with CURVE (libzmq + libsodium). Each
 * client key pair is registered in the database (table auth.key) with a
 * role and, for a partner, the one employer it speaks for. A ZAP handler
 * (pw_auth_t: a thread bound to inproc://zeromq.zap.01 with its own
 * database connection) answers every CURVE handshake from a cache of the
 * registered keys that it re-reads every refresh interval (1 s by default),
 * so registration, revocation and rotation take effect within a second or
 * two on every replica, without a restart. Unknown, revoked and expired
 * keys are refused at the handshake (ZAP 400); the reply's User-Id is the
 * key id, which the runtime reads off each request (zframe_meta "User-Id")
 * and looks up again, so a key revoked while connected is refused at its
 * next request too.
 *
 * When CURVE is off (PATHWAYS_CURVE=off, the development default) every
 * request comes from the "dev" peer: unauthenticated, role admin.
 *
 * Key ids are the first 16 hex digits of BLAKE2b(public key): stable, and
 * computable from a public key file alone. */
#ifndef PATHWAYS_AUTH_H
#define PATHWAYS_AUTH_H

#include <czmq.h>
#include <stddef.h>

#include "pathways/config.h"
#include "pathways/db.h"

/* The ZAP domains (domain enforcement is on): command endpoints admit
 * partner, read-only and admin keys; event endpoints (the PUB side of the
 * streams) admit service keys only. */
#define PW_AUTH_DOMAIN        "pathways"
#define PW_AUTH_DOMAIN_EVENTS "pathways.events"
#define PW_KEY_ID_LEN         16
#define PW_KEY_ID_MAX         (PW_KEY_ID_LEN + 1)
#define PW_EMPLOYER_MAX       128
#define PW_PROVIDER_MAX       128
#define PW_Z85_KEY_LEN        40

/* Roles in increasing order of power for pw_auth_require_role: a partner
 * publishes for its own employer only; read_only reads reports; admin may
 * do everything on the command endpoints. service stands apart: a service's
 * key may subscribe to the other services' event streams and do nothing
 * else (its requests are refused). provider stands apart too: a training
 * provider's key speaks for one provider id, publishes progress for the
 * cohorts that provider runs and reads their rosters (request types that
 * name it explicitly with PW_ROLE_BIT(PW_ROLE_PROVIDER)); for
 * pw_auth_require_role it ranks with partner. PW_ROLE_NONE is a key that is
 * no longer registered. */
typedef enum {
    PW_ROLE_NONE = 0,
    PW_ROLE_PARTNER,
    PW_ROLE_READ_ONLY,
    PW_ROLE_ADMIN,
    PW_ROLE_SERVICE,
    PW_ROLE_PROVIDER
} pw_role_t;

/* A set of roles, as a bit mask: PW_ROLE_BIT(PW_ROLE_PARTNER) | ... */
#define PW_ROLE_BIT(r) (1u << (unsigned)(r))

/* Who sent the request being handled. */
typedef struct {
    char key_id[PW_KEY_ID_MAX]; /* "dev" when authentication is off */
    pw_role_t role;
    char employer[PW_EMPLOYER_MAX]; /* partners only, else "" */
    char provider[PW_PROVIDER_MAX]; /* providers only, else "" */
    int authenticated;              /* 0 in development mode */
} pw_peer_t;

/* "partner" | "read_only" | "admin" | "service" | "provider" | "none". */
const char *pw_role_name(pw_role_t role);
/* Parses a role name; returns 0, or -1 on anything else ("none" too). */
int pw_role_parse(const char *text, pw_role_t *out);

/* The development-mode peer: key "dev", role admin, unauthenticated. */
void pw_peer_dev(pw_peer_t *out);

/* Authorization, pure. Each returns 1 when allowed, or 0 with a sentence
 * for the caller (naming the key id, never a secret) in why. A NULL peer is
 * refused. */
/* Partners may publish only for their own employer; admins for any (for
 * operators' backfills); read-only keys never. */
int pw_auth_may_publish(const pw_peer_t *peer, const char *employer, char *why, size_t whylen);
/* Providers may act only for their own provider id; admins for any. */
int pw_auth_may_act_for_provider(const pw_peer_t *peer, const char *provider, char *why,
                                 size_t whylen);
/* The peer's role must be at least min (a provider ranks with partner). */
int pw_auth_require_role(const pw_peer_t *peer, pw_role_t min, char *why, size_t whylen);

/* Writes the key id of a 32-byte public key (hex, PW_KEY_ID_LEN digits). */
void pw_auth_key_id(const uint8_t public_key[32], char out[PW_KEY_ID_MAX]);
/* Same from a Z85 text key; returns 0, or -1 when it is not 40 Z85 chars. */
int pw_auth_key_id_z85(const char *z85, char out[PW_KEY_ID_MAX]);

/* ---- the ZAP handler and key cache ---- */

typedef struct pw_auth pw_auth_t;

/* Starts the ZAP handler thread: binds inproc://zeromq.zap.01 (one per
 * process), connects to database_url and loads the keys, then reloads them
 * every refresh_ms. Returns NULL with the reason in err (the ZAP endpoint
 * is taken, out of memory). A database that does not answer yet leaves the
 * cache empty (every key refused) until it does. Caller owns the result;
 * destroy it after every socket that uses it. */
pw_auth_t *pw_auth_new(const char *database_url, const pw_db_opts_t *db_opts, int refresh_ms,
                       char *err, size_t errlen);
void pw_auth_destroy(pw_auth_t **p);
/* Fills peer for key_id from the cache. Returns 1 when the key is
 * registered and valid now, 0 when it is not (peer gets role NONE).
 * Thread-safe. */
int pw_auth_lookup(pw_auth_t *self, const char *key_id, pw_peer_t *peer);
/* Number of valid keys in the cache (for tests and metrics). */
size_t pw_auth_cached(pw_auth_t *self);

/* ---- sockets and key files ---- */

/* Makes sock a CURVE server with cert's keys, ZAP domain domain
 * (PW_AUTH_DOMAIN or PW_AUTH_DOMAIN_EVENTS) and domain enforcement on. Call
 * before bind. Returns 0 or -1. */
int pw_auth_server_setup(zsock_t *sock, zcert_t *cert, const char *domain);
/* Makes sock a CURVE client: its own keys from the secret certificate file
 * secret_file (checked with pw_auth_check_secret_file), the server's public
 * key from server_key (40 Z85 characters, or the path of a public
 * certificate file). Call before connect. Returns 0, or -1 with the reason
 * in err. */
int pw_auth_client_setup(zsock_t *sock, const char *secret_file, const char *server_key, char *err,
                         size_t errlen) __attribute__((warn_unused_result));
/* Same with a loaded certificate (borrowed) as the client's keys. */
int pw_auth_client_cert_setup(zsock_t *sock, zcert_t *cert, const char *server_key, char *err,
                              size_t errlen) __attribute__((warn_unused_result));
/* Applies cfg's client settings to sock when cfg->curve is on (else does
 * nothing). Returns 0, or -1 with the reason in err. */
int pw_auth_client_from_config(zsock_t *sock, const pw_config_t *cfg, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* Refuses a secret file that is missing, not a regular file, or readable
 * or writable by group or others. Returns 0, or -1 with the reason. */
int pw_auth_check_secret_file(const char *path, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* Loads a certificate (public and secret key) from its secret file after
 * pw_auth_check_secret_file. Returns NULL with the reason in err. Caller
 * owns the result. */
zcert_t *pw_auth_load_secret(const char *path, char *err, size_t errlen);
/* Reads the Z85 public key from a public (or secret) certificate file into
 * out (PW_Z85_KEY_LEN + 1 bytes). Returns 0, or -1 with the reason. */
int pw_auth_load_public(const char *path, char out[PW_Z85_KEY_LEN + 1], char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* Writes cert to path (public) and path_secret (mode 0600, created that
 * way). Refuses to overwrite either. Returns 0, or -1 with the reason. */
int pw_auth_save_cert(zcert_t *cert, const char *path, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* ---- private data in logs ---- */

/* Writes a redacted form of a personal value (name, email, phone) into out
 * and returns out: the first character and the length class only
 * ("J***", "j***@***", "***"), so log lines still tell empty from present
 * without carrying the value. NULL or "" gives "". */
const char *pw_redact(const char *value, char *out, size_t outlen);

#endif
