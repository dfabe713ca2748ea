/* The ZAP handler (RFC 27) and the cache of registered keys it answers
 * from. Why not zauth with a certificate folder: keys live in the database,
 * so one registration reaches every replica of every service, and a
 * revocation or rotation is seen by all of them within a refresh interval
 * without touching files or restarting anything.
 *
 * One thread (a zactor) owns the ZAP socket and its own database
 * connection; it reloads the keys every refresh_ms and swaps the cache in
 * under a mutex, so the service loop can look keys up per request. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/auth.h"
#include "pathways/db.h"
#include "pathways/log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"

typedef struct {
    char public_key[PW_Z85_KEY_LEN + 1];
    pw_peer_t peer;
} key_entry_t;

struct pw_auth {
    zactor_t *actor;
    char *database_url;
    pw_db_opts_t db_opts;
    int refresh_ms;
    int bound; /* set by the thread before it signals */
    pthread_mutex_t lock;
    zhashx_t *keys; /* key id -> key_entry_t, under lock */
};

static const char *const LOAD_SQL =
    "SELECT key_id, public_key, role, coalesce(employer, '') AS employer,"
    " coalesce(provider, '') AS provider FROM auth.key"
    " WHERE revoked_at IS NULL AND not_before <= now()"
    " AND (expires_at IS NULL OR expires_at > now())";

static void entry_free(void **p)
{
    free(*p);
    *p = NULL;
}

/* Reads the valid keys; returns a new table, or NULL when the database did
 * not answer (the caller keeps the old one). */
static zhashx_t *load_keys(pw_db_t *db)
{
    if (pw_db_ensure(db) != 0)
        return NULL;
    PGresult *r = pw_db_query(db, LOAD_SQL, 0, NULL);
    if (!r)
        return NULL;
    zhashx_t *keys = zhashx_new();
    zhashx_set_destructor(keys, entry_free);
    for (int i = 0; i < PQntuples(r); i++) {
        key_entry_t *e = calloc(1, sizeof *e);
        if (!e || pw_role_parse(pw_db_get(r, i, "role"), &e->peer.role) != 0) {
            free(e);
            continue;
        }
        snprintf(e->public_key, sizeof e->public_key, "%s", pw_db_get(r, i, "public_key"));
        snprintf(e->peer.key_id, sizeof e->peer.key_id, "%s", pw_db_get(r, i, "key_id"));
        snprintf(e->peer.employer, sizeof e->peer.employer, "%s", pw_db_get(r, i, "employer"));
        snprintf(e->peer.provider, sizeof e->peer.provider, "%s", pw_db_get(r, i, "provider"));
        e->peer.authenticated = 1;
        zhashx_update(keys, e->peer.key_id, e);
    }
    PQclear(r);
    return keys;
}

static void refresh(pw_auth_t *self, pw_db_t *db, int *warned)
{
    zhashx_t *fresh = load_keys(db);
    if (!fresh) {
        if (!*warned)
            pw_warn("cannot load the registered keys (keeping the last ones): %s", pw_db_error(db));
        *warned = 1;
        return;
    }
    if (*warned)
        pw_info("registered keys loaded again");
    *warned = 0;
    pthread_mutex_lock(&self->lock);
    size_t before = self->keys ? zhashx_size(self->keys) : 0;
    zhashx_destroy(&self->keys);
    self->keys = fresh;
    pthread_mutex_unlock(&self->lock);
    if (before != zhashx_size(fresh))
        pw_debug("registered keys: %zu", zhashx_size(fresh));
}

/* Decides one request: fills code, text and the user id. */
static void decide(pw_auth_t *self, const char *domain, const char *mechanism, zframe_t *cred,
                   const char **code, const char **text, char user[PW_KEY_ID_MAX])
{
    *code = "400";
    snprintf(user, PW_KEY_ID_MAX, "?");
    int events = domain && strcmp(domain, PW_AUTH_DOMAIN_EVENTS) == 0;
    if (!domain || (!events && strcmp(domain, PW_AUTH_DOMAIN) != 0)) {
        *text = "wrong ZAP domain";
    } else if (!mechanism || strcmp(mechanism, "CURVE") != 0 || !cred || zframe_size(cred) != 32) {
        *text = "CURVE required";
    } else {
        char z85[PW_Z85_KEY_LEN + 1];
        zmq_z85_encode(z85, zframe_data(cred), 32);
        pw_auth_key_id(zframe_data(cred), user);
        pw_peer_t peer;
        *text = "unknown, revoked or expired key";
        if (pw_auth_lookup(self, user, &peer)) {
            pthread_mutex_lock(&self->lock);
            key_entry_t *e = zhashx_lookup(self->keys, user);
            int same = e && strcmp(e->public_key, z85) == 0;
            pthread_mutex_unlock(&self->lock);
            /* Event streams carry personal data between services: only
             * service keys subscribe, and service keys do nothing else. */
            if (same && events != (peer.role == PW_ROLE_SERVICE)) {
                *text = events ? "only service keys may subscribe to event streams"
                               : "service keys may only subscribe to event streams";
            } else if (same) {
                *code = "200";
                *text = "OK";
            }
        }
    }
}

/* Answers one ZAP request; a REP socket must always answer. */
static void answer(pw_auth_t *self, zsock_t *handler)
{
    zmsg_t *req = zmsg_recv(handler);
    if (!req)
        return;
    char *version = zmsg_popstr(req);
    zframe_t *seq = zmsg_pop(req);
    char *domain = zmsg_popstr(req), *address = zmsg_popstr(req);
    zframe_t *identity = zmsg_pop(req);
    char *mechanism = zmsg_popstr(req);
    zframe_t *cred = zmsg_pop(req);
    const char *code = "500", *text = "malformed ZAP request";
    char user[PW_KEY_ID_MAX] = "?";
    if (version && strcmp(version, "1.0") == 0 && seq)
        decide(self, domain, mechanism, cred, &code, &text, user);
    if (strcmp(code, "200") == 0)
        pw_logkv(PW_LOG_INFO, "connection authenticated", "key_id", user, "address",
                 address ? address : "", NULL);
    else
        pw_logkv(PW_LOG_WARN, "connection refused", "key_id", user, "address",
                 address ? address : "", "reason", text, NULL);
    zmsg_t *rep = zmsg_new();
    zmsg_addstr(rep, "1.0");
    if (seq)
        zmsg_append(rep, &seq);
    else
        zmsg_addstr(rep, "");
    zmsg_addstr(rep, code);
    zmsg_addstr(rep, text);
    zmsg_addstr(rep, strcmp(code, "200") == 0 ? user : "");
    zmsg_addmem(rep, "", 0);
    zmsg_send(&rep, handler);
    free(version);
    free(domain);
    free(address);
    free(mechanism);
    zframe_destroy(&seq);
    zframe_destroy(&identity);
    zframe_destroy(&cred);
    zmsg_destroy(&req);
}

/* The connection's interrupt hook: $TERM waiting on the pipe abandons a
 * key refresh the database does not answer, so the service can stop. */
static int term_waiting(void *pipe)
{
    return (zsock_events(pipe) & ZMQ_POLLIN) != 0;
}

static void zap_actor(zsock_t *pipe, void *args)
{
    pw_auth_t *self = args;
    zsock_t *handler = zsock_new(ZMQ_REP);
    self->bound = handler && zsock_bind(handler, ZAP_ENDPOINT) == 0;
    pw_db_t *db = self->bound ? pw_db_new_with(self->database_url, &self->db_opts) : NULL;
    if (db)
        pw_db_set_interrupt(db, term_waiting, pipe);
    int warned = 0;
    if (db)
        refresh(self, db, &warned); /* keys are there before the first handshake */
    zsock_signal(pipe, 0);
    zpoller_t *poller = db ? zpoller_new(pipe, handler, NULL) : NULL;
    int64_t next = zclock_mono() + self->refresh_ms;
    while (poller) {
        int64_t wait = next - zclock_mono();
        zsock_t *which = zpoller_wait(poller, wait > 0 ? (int)wait : 0);
        if (which == pipe || zpoller_terminated(poller))
            break; /* $TERM */
        if (which == handler)
            answer(self, handler);
        if (zclock_mono() >= next) {
            refresh(self, db, &warned);
            next = zclock_mono() + self->refresh_ms;
        }
    }
    zpoller_destroy(&poller);
    pw_db_destroy(&db);
    zsock_destroy(&handler);
}

pw_auth_t *pw_auth_new(const char *database_url, const pw_db_opts_t *db_opts, int refresh_ms,
                       char *err, size_t errlen)
{
    pw_auth_t *self = calloc(1, sizeof *self);
    if (!self || !(self->database_url = strdup(database_url))) {
        free(self);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (db_opts)
        self->db_opts = *db_opts;
    else
        pw_db_opts_default(&self->db_opts);
    self->refresh_ms = refresh_ms > 0 ? refresh_ms : 1000;
    pthread_mutex_init(&self->lock, NULL);
    self->actor = zactor_new(zap_actor, self);
    if (!self->actor || !self->bound) {
        snprintf(err, errlen, "cannot start the ZAP handler on %s (another one in this process?)",
                 ZAP_ENDPOINT);
        pw_auth_destroy(&self);
    }
    return self;
}

void pw_auth_destroy(pw_auth_t **p)
{
    if (!p || !*p)
        return;
    pw_auth_t *self = *p;
    zactor_destroy(&self->actor);
    zhashx_destroy(&self->keys);
    pthread_mutex_destroy(&self->lock);
    free(self->database_url);
    free(self);
    *p = NULL;
}

int pw_auth_lookup(pw_auth_t *self, const char *key_id, pw_peer_t *peer)
{
    memset(peer, 0, sizeof *peer);
    snprintf(peer->key_id, sizeof peer->key_id, "%s", key_id ? key_id : "?");
    peer->authenticated = 1;
    pthread_mutex_lock(&self->lock);
    key_entry_t *e = self->keys && key_id ? zhashx_lookup(self->keys, key_id) : NULL;
    if (e)
        *peer = e->peer;
    pthread_mutex_unlock(&self->lock);
    return e != NULL;
}

size_t pw_auth_cached(pw_auth_t *self)
{
    pthread_mutex_lock(&self->lock);
    size_t n = self->keys ? zhashx_size(self->keys) : 0;
    pthread_mutex_unlock(&self->lock);
    return n;
}
