/* Authorization rules, key ids, CURVE socket setup, key files and log
 * redaction; the ZAP handler and key cache live in auth_zap.c. */
#include "pathways/auth.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const role_names[] = {"none",  "partner", "read_only",
                                         "admin", "service", "provider"};

const char *pw_role_name(pw_role_t role)
{
    return (unsigned)role <= PW_ROLE_PROVIDER ? role_names[role] : "none";
}

int pw_role_parse(const char *text, pw_role_t *out)
{
    for (int r = PW_ROLE_PARTNER; r <= PW_ROLE_PROVIDER; r++) {
        if (text && strcmp(text, role_names[r]) == 0) {
            *out = (pw_role_t)r;
            return 0;
        }
    }
    return -1;
}

void pw_peer_dev(pw_peer_t *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->key_id, sizeof out->key_id, "dev");
    out->role = PW_ROLE_ADMIN;
}

int pw_auth_may_publish(const pw_peer_t *peer, const char *employer, char *why, size_t whylen)
{
    if (!peer || peer->role == PW_ROLE_NONE) {
        snprintf(why, whylen, "key %s is not registered (revoked or expired)",
                 peer ? peer->key_id : "?");
        return 0;
    }
    if (peer->role == PW_ROLE_ADMIN)
        return 1;
    if (peer->role != PW_ROLE_PARTNER) {
        snprintf(why, whylen, "key %s has role %s, which may not publish events", peer->key_id,
                 pw_role_name(peer->role));
        return 0;
    }
    if (!employer || strcmp(employer, peer->employer) != 0) {
        snprintf(why, whylen, "key %s may publish only for employer %s, not %.64s", peer->key_id,
                 peer->employer, employer ? employer : "(none)");
        return 0;
    }
    return 1;
}

int pw_auth_may_act_for_provider(const pw_peer_t *peer, const char *provider, char *why,
                                 size_t whylen)
{
    if (peer && peer->role == PW_ROLE_ADMIN)
        return 1;
    if (!peer || peer->role != PW_ROLE_PROVIDER) {
        snprintf(why, whylen, "key %s has role %s; only a provider key acts for a provider",
                 peer ? peer->key_id : "?", pw_role_name(peer ? peer->role : PW_ROLE_NONE));
        return 0;
    }
    if (!provider || strcmp(provider, peer->provider) != 0) {
        snprintf(why, whylen, "key %s acts for provider %s only, not %.64s", peer->key_id,
                 peer->provider, provider ? provider : "(none)");
        return 0;
    }
    return 1;
}

int pw_auth_require_role(const pw_peer_t *peer, pw_role_t min, char *why, size_t whylen)
{
    if (!peer || peer->role == PW_ROLE_NONE) {
        snprintf(why, whylen, "key %s is not registered (revoked or expired)",
                 peer ? peer->key_id : "?");
        return 0;
    }
    if (peer->role == PW_ROLE_SERVICE) {
        snprintf(why, whylen, "key %s is a service key; it may only subscribe to event streams",
                 peer->key_id);
        return 0;
    }
    pw_role_t rank = peer->role == PW_ROLE_PROVIDER ? PW_ROLE_PARTNER : peer->role;
    if (rank < min) {
        snprintf(why, whylen, "key %s has role %s; this needs %s or above", peer->key_id,
                 pw_role_name(peer->role), pw_role_name(min));
        return 0;
    }
    return 1;
}

void pw_auth_key_id(const uint8_t public_key[32], char out[PW_KEY_ID_MAX])
{
    uint8_t hash[crypto_generichash_BYTES];
    crypto_generichash(hash, sizeof hash, public_key, 32, NULL, 0);
    sodium_bin2hex(out, PW_KEY_ID_MAX, hash, PW_KEY_ID_LEN / 2);
}

int pw_auth_key_id_z85(const char *z85, char out[PW_KEY_ID_MAX])
{
    uint8_t key[32];
    if (!z85 || strlen(z85) != PW_Z85_KEY_LEN || !zmq_z85_decode(key, z85))
        return -1;
    pw_auth_key_id(key, out);
    return 0;
}

/* ---- key files ---- */

int pw_auth_check_secret_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!path || !*path) {
        snprintf(err, errlen, "no secret key file given");
        return -1;
    }
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot read secret key file %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "secret key file %s is not a regular file", path);
        return -1;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(err, errlen,
                 "secret key file %s is accessible by group or others (mode %03o); "
                 "run chmod 600 %s",
                 path, (unsigned)(st.st_mode & 0777), path);
        return -1;
    }
    return 0;
}

zcert_t *pw_auth_load_secret(const char *path, char *err, size_t errlen)
{
    /* zcert_load(path) reads path_secret when it exists: check that too. */
    char sibling[1024];
    snprintf(sibling, sizeof sibling, "%s_secret", path);
    if (pw_auth_check_secret_file(path, err, errlen) != 0 ||
        (access(sibling, F_OK) == 0 && pw_auth_check_secret_file(sibling, err, errlen) != 0))
        return NULL;
    zcert_t *cert = zcert_load(path);
    if (!cert) {
        snprintf(err, errlen, "%s is not a certificate file", path);
        return NULL;
    }
    /* A public file holds no secret: zcert_load leaves it all zeros. */
    static const char zero_z85[] = "0000000000000000000000000000000000000000";
    if (strcmp(zcert_secret_txt(cert), zero_z85) == 0) {
        snprintf(err, errlen, "%s holds no secret key (is it the public file?)", path);
        zcert_destroy(&cert);
    }
    return cert;
}

int pw_auth_load_public(const char *path, char out[PW_Z85_KEY_LEN + 1], char *err, size_t errlen)
{
    zcert_t *cert = access(path, R_OK) == 0 ? zcert_load(path) : NULL;
    if (!cert) {
        snprintf(err, errlen, "cannot read public key file %s", path);
        return -1;
    }
    snprintf(out, PW_Z85_KEY_LEN + 1, "%s", zcert_public_txt(cert));
    zcert_destroy(&cert);
    return 0;
}

int pw_auth_save_cert(zcert_t *cert, const char *path, char *err, size_t errlen)
{
    char secret[1024];
    if (snprintf(secret, sizeof secret, "%s_secret", path) >= (int)sizeof secret) {
        snprintf(err, errlen, "path too long: %s", path);
        return -1;
    }
    if (access(path, F_OK) == 0 || access(secret, F_OK) == 0) {
        snprintf(err, errlen, "%s or %s already exists; not overwriting a key", path, secret);
        return -1;
    }
    /* zcert_save writes the secret file under a private umask. */
    if (zcert_save(cert, path) != 0 || chmod(secret, 0600) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return pw_auth_check_secret_file(secret, err, errlen);
}

/* ---- sockets ---- */

int pw_auth_server_setup(zsock_t *sock, zcert_t *cert, const char *domain)
{
    zcert_apply(cert, sock);
    zsock_set_curve_server(sock, 1);
    zsock_set_zap_domain(sock, domain);
    zsock_set_zap_enforce_domain(sock, 1);
    return zsock_curve_server(sock) == 1 ? 0 : -1;
}

/* Resolves server_key (Z85 text or a public certificate file). */
static int server_key_z85(const char *server_key, char out[PW_Z85_KEY_LEN + 1], char *err,
                          size_t errlen)
{
    uint8_t bin[32];
    if (!server_key || !*server_key) {
        snprintf(err, errlen, "PATHWAYS_CURVE_SERVER_KEY is not set (the services' public key)");
        return -1;
    }
    if (strlen(server_key) == PW_Z85_KEY_LEN && access(server_key, F_OK) != 0) {
        if (!zmq_z85_decode(bin, server_key)) {
            snprintf(err, errlen, "PATHWAYS_CURVE_SERVER_KEY is not a Z85 key");
            return -1;
        }
        memcpy(out, server_key, PW_Z85_KEY_LEN + 1);
        return 0;
    }
    return pw_auth_load_public(server_key, out, err, errlen);
}

int pw_auth_client_cert_setup(zsock_t *sock, zcert_t *cert, const char *server_key, char *err,
                              size_t errlen)
{
    char server[PW_Z85_KEY_LEN + 1];
    if (server_key_z85(server_key, server, err, errlen) != 0)
        return -1;
    zcert_apply(cert, sock);
    zsock_set_curve_serverkey(sock, server);
    return 0;
}

int pw_auth_client_setup(zsock_t *sock, const char *secret_file, const char *server_key, char *err,
                         size_t errlen)
{
    zcert_t *cert = pw_auth_load_secret(secret_file, err, errlen);
    if (!cert)
        return -1;
    int rc = pw_auth_client_cert_setup(sock, cert, server_key, err, errlen);
    zcert_destroy(&cert);
    return rc;
}

int pw_auth_client_from_config(zsock_t *sock, const pw_config_t *cfg, char *err, size_t errlen)
{
    if (!cfg->curve)
        return 0;
    if (!*cfg->curve_client_secret_file) {
        snprintf(err, errlen,
                 "PATHWAYS_CURVE=on but PATHWAYS_CURVE_CLIENT_SECRET_FILE (your secret key "
                 "file) is not set");
        return -1;
    }
    return pw_auth_client_setup(sock, cfg->curve_client_secret_file, cfg->curve_server_key, err,
                                errlen);
}

/* ---- redaction ---- */

const char *pw_redact(const char *value, char *out, size_t outlen)
{
    if (!out || !outlen)
        return out;
    out[0] = '\0';
    if (!value || !*value)
        return out;
    unsigned char first = (unsigned char)value[0];
    char lead[2] = {isalnum(first) ? (char)first : '\0', '\0'};
    snprintf(out, outlen, "%s***%s", lead, strchr(value, '@') ? "@***" : "");
    return out;
}
