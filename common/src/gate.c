/* The service's gate: its key, CURVE on every socket, who sent a request
 * and may they send it. Types nobody registered need an admin key: a new
 * command is closed until its service says who may use it. */
#include "gate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/db.h"
#include "pathways/log.h"

#define GATE_RULES_MAX 32
#define GATE_TYPE_MAX  128

typedef struct {
    char type[GATE_TYPE_MAX];
    unsigned roles; /* PW_ROLE_BIT of each role that may send it */
} gate_rule_t;

struct pw_gate {
    const pw_config_t *cfg;
    const char *name; /* the service's */
    pw_auth_t *auth;  /* NULL when CURVE is off */
    zcert_t *cert;    /* the service's key; NULL when CURVE is off */
    pw_peer_t peer;
    gate_rule_t rules[GATE_RULES_MAX];
    int nrules;
};

pw_gate_t *pw_gate_new(const pw_config_t *cfg, const char *name)
{
    pw_gate_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->name = name;
    pw_peer_dev(&self->peer);
    return self;
}

void pw_gate_destroy(pw_gate_t **p)
{
    if (!p || !*p)
        return;
    pw_auth_destroy(&(*p)->auth);
    zcert_destroy(&(*p)->cert);
    free(*p);
    *p = NULL;
}

int pw_gate_require_roles(pw_gate_t *self, const char *type, unsigned roles)
{
    if (self->nrules == GATE_RULES_MAX || strlen(type) >= GATE_TYPE_MAX)
        return -1;
    gate_rule_t *r = &self->rules[self->nrules++];
    snprintf(r->type, sizeof r->type, "%s", type);
    r->roles = roles & ~PW_ROLE_BIT(PW_ROLE_SERVICE); /* service keys send nothing */
    return 0;
}

int pw_gate_require(pw_gate_t *self, const char *type, pw_role_t min)
{
    unsigned roles = 0;
    for (int r = min; r <= PW_ROLE_ADMIN; r++)
        roles |= PW_ROLE_BIT(r);
    return pw_gate_require_roles(self, type, roles);
}

int pw_gate_start(pw_gate_t *self)
{
    if (!self->cfg->curve) {
        pw_warn("PATHWAYS_CURVE=off: development mode, no socket is authenticated or encrypted "
                "and every request is treated as admin (allowed on loopback only)");
        return 0;
    }
    char err[512];
    self->cert = pw_auth_load_secret(self->cfg->curve_secret_file, err, sizeof err);
    if (!self->cert) {
        pw_error("PATHWAYS_CURVE_SECRET_FILE: %s", err);
        return -1;
    }
    char app[64];
    snprintf(app, sizeof app, "%s-auth", self->name ? self->name : "service");
    pw_db_opts_t opts;
    pw_db_opts_from_config(&opts, self->cfg, app);
    self->auth =
        pw_auth_new(self->cfg->database_url, &opts, self->cfg->curve_refresh_ms, err, sizeof err);
    if (!self->auth) {
        pw_error("%s", err);
        return -1;
    }
    pw_logkv(PW_LOG_INFO, "CURVE on", "server_key", zcert_public_txt(self->cert), "registered_keys",
             pw_auth_cached(self->auth) ? "yes" : "none yet", NULL);
    return 0;
}

int pw_gate_serve(pw_gate_t *self, zsock_t *sock, const char *domain)
{
    if (!self->cert)
        return 0;
    if (pw_auth_server_setup(sock, self->cert, domain) != 0) {
        pw_error("cannot make a CURVE server socket (libzmq without CURVE?)");
        return -1;
    }
    return 0;
}

int pw_gate_subscribe(pw_gate_t *self, zsock_t *sock, const char *owner)
{
    if (!self->cert)
        return 0;
    char var[64], upper[32], err[512];
    size_t i = 0;
    for (; owner[i] && i + 1 < sizeof upper; i++)
        upper[i] = (char)toupper((unsigned char)owner[i]);
    upper[i] = '\0';
    snprintf(var, sizeof var, "PATHWAYS_%s_SERVER_KEY", upper);
    const char *server = getenv(var);
    if (!server || !*server)
        server = zcert_public_txt(self->cert);
    if (pw_auth_client_cert_setup(sock, self->cert, server, err, sizeof err) != 0) {
        pw_error("%s: %s", var, err);
        return -1;
    }
    return 0;
}

static const gate_rule_t *find_rule(const pw_gate_t *self, const char *type)
{
    for (int i = 0; i < self->nrules; i++)
        if (strcmp(self->rules[i].type, type) == 0)
            return &self->rules[i];
    return NULL;
}

/* Writes the names of the roles in mask ("partner or admin") into out. */
static void role_list(unsigned mask, char *out, size_t outlen)
{
    out[0] = '\0';
    for (int r = PW_ROLE_PARTNER, n = 0; r <= PW_ROLE_PROVIDER; r++) {
        if (!(mask & PW_ROLE_BIT(r)))
            continue;
        size_t used = strlen(out);
        snprintf(out + used, outlen - used, "%s%s", n++ ? " or " : "", pw_role_name((pw_role_t)r));
    }
}

int pw_gate_known(const pw_gate_t *self, const char *type, char *why, size_t whylen)
{
    if (find_rule(self, type))
        return 1;
    size_t used =
        (size_t)snprintf(why, whylen, "unknown message type %s; this endpoint accepts", type);
    for (int i = 0; i < self->nrules && used < whylen; i++)
        used +=
            (size_t)snprintf(why + used, whylen - used, "%s %s", i ? "," : "", self->rules[i].type);
    return 0;
}

const char *pw_gate_label(const pw_gate_t *self, const char *type)
{
    const gate_rule_t *r = find_rule(self, type);
    return r ? r->type : "other";
}

int pw_gate_admit(pw_gate_t *self, zframe_t *frame, const char *type, char *why, size_t whylen)
{
    if (!self->auth) {
        pw_peer_dev(&self->peer);
        return 1;
    }
    const char *user = frame ? zframe_meta(frame, "User-Id") : NULL;
    (void)pw_auth_lookup(self->auth, user && *user ? user : "?", &self->peer);
    const gate_rule_t *rule = find_rule(self, type);
    unsigned mask = rule ? rule->roles : PW_ROLE_BIT(PW_ROLE_ADMIN);
    if (!pw_auth_require_role(&self->peer, PW_ROLE_PARTNER, why, whylen)) {
        /* unregistered, or a service key: the reason is written */
    } else if (!(mask & PW_ROLE_BIT(self->peer.role))) {
        char roles[64];
        role_list(mask, roles, sizeof roles);
        snprintf(why, whylen, "key %s has role %s; %s needs %s", self->peer.key_id,
                 pw_role_name(self->peer.role), type, roles);
    } else {
        return 1;
    }
    pw_logkv(PW_LOG_WARN, "request refused", "key_id", self->peer.key_id, "role",
             pw_role_name(self->peer.role), "type", type, "reason", why, NULL);
    return 0;
}

const pw_peer_t *pw_gate_peer(const pw_gate_t *self)
{
    return &self->peer;
}
