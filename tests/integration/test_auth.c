/* Authentication against a real PostgreSQL and real CURVE sockets: the
 * authorization rules, key files, the ZAP handler refusing unknown and
 * revoked keys (without a restart), the gate reading User-Id off each
 * request, and rotation's overlap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/src/gate.h"
#include "pathways/auth.h"
#include "pathways/config.h"
#include "testdb.h"

#define WAIT_MS    1500 /* longer than a refresh (200 ms) plus a handshake */
#define REFRESH_MS 200

static char db_url[1024];
static char dir[256];

static void test_rules(void **state)
{
    (void)state;
    char why[256];
    pw_peer_t p = {.key_id = "0123456789abcdef", .role = PW_ROLE_PARTNER, .employer = "acme"};
    assert_int_equal(pw_auth_may_publish(&p, "acme", why, sizeof why), 1);
    assert_int_equal(pw_auth_may_publish(&p, "globex", why, sizeof why), 0);
    assert_non_null(strstr(why, "0123456789abcdef"));
    assert_non_null(strstr(why, "globex"));
    assert_int_equal(pw_auth_require_role(&p, PW_ROLE_READ_ONLY, why, sizeof why), 0);
    p.role = PW_ROLE_READ_ONLY;
    assert_int_equal(pw_auth_may_publish(&p, "acme", why, sizeof why), 0);
    assert_int_equal(pw_auth_require_role(&p, PW_ROLE_READ_ONLY, why, sizeof why), 1);
    assert_int_equal(pw_auth_require_role(&p, PW_ROLE_ADMIN, why, sizeof why), 0);
    assert_non_null(strstr(why, "needs admin"));
    p.role = PW_ROLE_NONE;
    assert_int_equal(pw_auth_require_role(&p, PW_ROLE_PARTNER, why, sizeof why), 0);
    assert_int_equal(pw_auth_may_publish(NULL, "acme", why, sizeof why), 0);
    pw_peer_dev(&p);
    assert_int_equal(pw_auth_may_publish(&p, "anyone", why, sizeof why), 1);
    assert_int_equal(p.authenticated, 0);
    pw_role_t r;
    assert_int_equal(pw_role_parse("read_only", &r), 0);
    assert_int_equal(r, PW_ROLE_READ_ONLY);
    assert_int_equal(pw_role_parse("service", &r), 0);
    p.role = r; /* a service key sends no request, whatever its rank */
    assert_int_equal(pw_auth_require_role(&p, PW_ROLE_PARTNER, why, sizeof why), 0);
    assert_non_null(strstr(why, "only subscribe"));
    assert_int_equal(pw_auth_may_publish(&p, "acme", why, sizeof why), 0);
    assert_int_equal(pw_role_parse("none", &r), -1);
    assert_int_equal(pw_role_parse("root", &r), -1);
    char out[32];
    assert_string_equal(pw_redact("Jane.Doe@example.org", out, sizeof out), "J***@***");
    assert_string_equal(pw_redact("Okafor", out, sizeof out), "O***");
    assert_string_equal(pw_redact("\xc3\x89lise", out, sizeof out), "***");
    assert_string_equal(pw_redact(NULL, out, sizeof out), "");
}

/* The requests metric's type label comes from the declared types only:
 * whatever a client sends in the type frame, one "other" at most. */
static void test_request_labels_are_bounded(void **state)
{
    (void)state;
    pw_config_t cfg;
    char err[256];
    assert_int_equal(pw_config_defaults(&cfg, err, sizeof err), 0);
    pw_gate_t *gate = pw_gate_new(&cfg, "test");
    assert_int_equal(pw_gate_require(gate, "pathways.v1.PublishBatch", PW_ROLE_PARTNER), 0);
    char type[64] = "pathways.v1.PublishBatch";
    const char *label = pw_gate_label(gate, type);
    assert_string_equal(label, "pathways.v1.PublishBatch");
    assert_true(label != type); /* the gate's own copy, not the sender's bytes */
    for (int i = 0; i < 1000; i++) {
        snprintf(type, sizeof type, "evil.type.%d", i);
        assert_string_equal(pw_gate_label(gate, type), "other");
    }
    assert_string_equal(pw_gate_label(gate, ""), "other");
    pw_gate_destroy(&gate);
}

/* Writes a new key pair under dir; returns its Z85 public key in z85. */
static void new_key(const char *name, char z85[PW_Z85_KEY_LEN + 1], char id[PW_KEY_ID_MAX])
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    zcert_t *cert = zcert_new();
    assert_int_equal(pw_auth_save_cert(cert, path, err, sizeof err), 0);
    snprintf(z85, PW_Z85_KEY_LEN + 1, "%s", zcert_public_txt(cert));
    assert_int_equal(pw_auth_key_id_z85(z85, id), 0);
    zcert_destroy(&cert);
}

static void test_key_files(void **state)
{
    (void)state;
    char z85[PW_Z85_KEY_LEN + 1], id[PW_KEY_ID_MAX], path[512], err[256];
    new_key("files", z85, id);
    assert_int_equal(strlen(id), PW_KEY_ID_LEN);
    snprintf(path, sizeof path, "%s/files_secret", dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    zcert_t *cert = pw_auth_load_secret(path, err, sizeof err);
    assert_non_null(cert);
    assert_string_equal(zcert_public_txt(cert), z85);
    zcert_t *again = zcert_new();
    assert_int_equal(pw_auth_save_cert(again, path, err, sizeof err) == 0, 0); /* no overwrite */
    zcert_destroy(&again);
    zcert_destroy(&cert);
    chmod(path, 0640);
    assert_null(pw_auth_load_secret(path, err, sizeof err));
    assert_non_null(strstr(err, "group or others"));
    snprintf(path, sizeof path, "%s/files", dir); /* zcert would read files_secret */
    chmod(path, 0600);
    assert_null(pw_auth_load_secret(path, err, sizeof err));
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/pubonly' && chmod 600 '%s/pubonly'", path, dir, dir);
    assert_int_equal(system(cmd), 0);
    char pubonly[512];
    snprintf(pubonly, sizeof pubonly, "%s/pubonly", dir); /* a public file holds no secret */
    assert_null(pw_auth_load_secret(pubonly, err, sizeof err));
    assert_non_null(strstr(err, "no secret"));
    char pub[PW_Z85_KEY_LEN + 1];
    assert_int_equal(pw_auth_load_public(path, pub, err, sizeof err), 0);
    assert_string_equal(pub, z85);
}

static void sql(pw_db_t *db, const char *text, int n, const char **params)
{
    if (pw_db_exec(db, text, n, params) != 0)
        fail_msg("%s: %s", text, pw_db_error(db));
}

static void register_key(pw_db_t *db, const char *z85, const char *id, const char *role,
                         const char *employer)
{
    const char *p[] = {id, z85, role, employer};
    sql(db,
        "INSERT INTO auth.key (key_id, public_key, role, employer, created_by)"
        " VALUES ($1, $2, $3, $4, 'test')",
        4, p);
}

/* A CURVE DEALER with the key pair `name` under dir. */
static zsock_t *client(const char *name, const char *endpoint, const char *server_key)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/%s_secret", dir, name);
    zsock_t *s = zsock_new(ZMQ_DEALER);
    zsock_set_linger(s, 0);
    if (pw_auth_client_setup(s, path, server_key, err, sizeof err) != 0)
        fail_msg("client setup: %s", err);
    assert_int_equal(zsock_connect(s, "%s", endpoint), 0);
    return s;
}

typedef struct {
    zsock_t *router;
    pw_gate_t *gate;
    pw_config_t cfg;
    char endpoint[128];
    char server_key[PW_Z85_KEY_LEN + 1];
} server_t;

static void server_start(server_t *s)
{
    char err[256], id[PW_KEY_ID_MAX], name[32];
    static int servers;
    snprintf(name, sizeof name, "server%d", ++servers);
    new_key(name, s->server_key, id);
    assert_int_equal(pw_config_load(&s->cfg, err, sizeof err), 0);
    s->cfg.curve = 1;
    s->cfg.curve_refresh_ms = REFRESH_MS;
    snprintf(s->cfg.database_url, sizeof s->cfg.database_url, "%s", db_url);
    snprintf(s->cfg.curve_secret_file, sizeof s->cfg.curve_secret_file, "%s/%s_secret", dir, name);
    s->gate = pw_gate_new(&s->cfg, "test");
    assert_int_equal(pw_gate_require(s->gate, "pathways.v1.ReportRequest", PW_ROLE_READ_ONLY), 0);
    assert_int_equal(pw_gate_require(s->gate, "pathways.v1.PublishBatch", PW_ROLE_PARTNER), 0);
    s->router = zsock_new(ZMQ_ROUTER);
    assert_int_equal(pw_gate_start(s->gate), 0);
    assert_int_equal(pw_gate_serve(s->gate, s->router, PW_AUTH_DOMAIN), 0);
    assert_true(zsock_bind(s->router, "tcp://127.0.0.1:*") > 0);
    snprintf(s->endpoint, sizeof s->endpoint, "%s", zsock_endpoint(s->router));
}

/* Sends [type][""] from c; returns 1 when the server received it, and then
 * the gate's verdict in *admitted (and the refusal in why). */
static int ask(server_t *s, zsock_t *c, const char *type, int *admitted, char *why, size_t wl)
{
    assert_int_equal(zstr_sendm(c, type), 0);
    assert_int_equal(zstr_send(c, ""), 0);
    zpoller_t *poller = zpoller_new(s->router, NULL);
    zsock_t *which = zpoller_wait(poller, WAIT_MS);
    zpoller_destroy(&poller);
    if (!which)
        return 0;
    zmsg_t *m = zmsg_recv(s->router);
    assert_int_equal(zmsg_size(m), 3);
    (void)zmsg_first(m); /* the identity */
    zframe_t *tf = zmsg_next(m);
    *admitted = pw_gate_admit(s->gate, tf, type, why, wl);
    zmsg_destroy(&m);
    return 1;
}

static void test_handshake_and_roles(void **state)
{
    (void)state;
    pw_db_t *db = pw_testdb_fresh("pathways_it_auth", "common", db_url, sizeof db_url);
    char admin[41], ro[41], partner[41], stranger[41];
    char admin_id[PW_KEY_ID_MAX], ro_id[PW_KEY_ID_MAX], partner_id[PW_KEY_ID_MAX],
        stranger_id[PW_KEY_ID_MAX], why[256];
    new_key("admin", admin, admin_id);
    new_key("ro", ro, ro_id);
    new_key("partner", partner, partner_id);
    new_key("stranger", stranger, stranger_id);
    register_key(db, admin, admin_id, "admin", NULL);
    register_key(db, ro, ro_id, "read_only", NULL);
    register_key(db, partner, partner_id, "partner", "acme");
    server_t s = {0};
    server_start(&s);
    int ok = -1;

    /* An unknown key never gets a message through. */
    zsock_t *c = client("stranger", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.ReportRequest", &ok, why, sizeof why), 0);
    zsock_destroy(&c);

    /* The admin key: any type, its key id read off the frame. */
    c = client("admin", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.EnrollCommand", &ok, why, sizeof why), 1);
    assert_int_equal(ok, 1);
    assert_string_equal(pw_gate_peer(s.gate)->key_id, admin_id);
    assert_int_equal(pw_gate_peer(s.gate)->role, PW_ROLE_ADMIN);
    zsock_destroy(&c);

    /* Read-only: reports yes, anything unregistered (enrollment) no. */
    c = client("ro", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.ReportRequest", &ok, why, sizeof why), 1);
    assert_int_equal(ok, 1);
    assert_int_equal(ask(&s, c, "pathways.v1.EnrollCommand", &ok, why, sizeof why), 1);
    assert_int_equal(ok, 0);
    assert_non_null(strstr(why, ro_id));

    /* Revoked while connected: refused at the next request, and a new
     * connection is refused at the handshake, with no restart. */
    const char *p[] = {ro_id};
    sql(db, "UPDATE auth.key SET revoked_at = now() WHERE key_id = $1", 1, p);
    zclock_sleep(3 * REFRESH_MS);
    assert_int_equal(ask(&s, c, "pathways.v1.ReportRequest", &ok, why, sizeof why), 1);
    assert_int_equal(ok, 0);
    assert_non_null(strstr(why, "not registered"));
    zsock_destroy(&c);
    c = client("ro", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.ReportRequest", &ok, why, sizeof why), 0);
    zsock_destroy(&c);

    /* A partner publishes (employer checked by the handler), reads no
     * reports. */
    c = client("partner", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.PublishBatch", &ok, why, sizeof why), 1);
    assert_int_equal(ok, 1);
    assert_string_equal(pw_gate_peer(s.gate)->employer, "acme");
    assert_int_equal(pw_auth_may_publish(pw_gate_peer(s.gate), "globex", why, sizeof why), 0);
    assert_int_equal(ask(&s, c, "pathways.v1.ReportRequest", &ok, why, sizeof why), 1);
    assert_int_equal(ok, 0);
    zsock_destroy(&c);

    /* Rotation: during the overlap both keys work; once it ends, only the
     * new one. */
    char next[41], next_id[PW_KEY_ID_MAX];
    new_key("partner2", next, next_id);
    register_key(db, next, next_id, "partner", "acme");
    const char *q[] = {partner_id, next_id};
    sql(db,
        "UPDATE auth.key SET expires_at = now() + interval '1 hour', replaced_by = $2"
        " WHERE key_id = $1",
        2, q);
    zclock_sleep(3 * REFRESH_MS);
    c = client("partner", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.PublishBatch", &ok, why, sizeof why), 1);
    zsock_destroy(&c);
    sql(db, "UPDATE auth.key SET expires_at = now() WHERE key_id = $1", 1, q);
    zclock_sleep(3 * REFRESH_MS);
    c = client("partner", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.PublishBatch", &ok, why, sizeof why), 0);
    zsock_destroy(&c);
    c = client("partner2", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.PublishBatch", &ok, why, sizeof why), 1);
    assert_string_equal(pw_gate_peer(s.gate)->key_id, next_id);
    zsock_destroy(&c);

    zsock_destroy(&s.router);
    pw_gate_destroy(&s.gate);
    pw_db_destroy(&db);
}

/* A SUB socket with the key pair `name` (NULL: no CURVE at all), connected
 * to endpoint. */
static zsock_t *subscriber(const char *name, const char *endpoint, const char *server_key)
{
    char path[512], err[256];
    zsock_t *s = zsock_new(ZMQ_SUB);
    zsock_set_linger(s, 0);
    zsock_set_subscribe(s, "");
    if (name) {
        snprintf(path, sizeof path, "%s/%s_secret", dir, name);
        if (pw_auth_client_setup(s, path, server_key, err, sizeof err) != 0)
            fail_msg("client setup: %s", err);
    }
    assert_int_equal(zsock_connect(s, "%s", endpoint), 0);
    return s;
}

/* Publishes on pub until sub receives something or WAIT_MS pass; returns
 * 1 when it received. */
static int receives(zsock_t *pub, zsock_t *sub)
{
    zpoller_t *poller = zpoller_new(sub, NULL);
    int got = 0;
    for (int64_t end = zclock_mono() + WAIT_MS; !got && zclock_mono() < end;) {
        zstr_send(pub, "employee personal data");
        got = zpoller_wait(poller, 50) == sub;
    }
    if (got)
        zstr_free(&(char *){zstr_recv(sub)});
    zpoller_destroy(&poller);
    return got;
}

/* Event endpoints: only service keys subscribe; no key, an unknown key, an
 * admin or a partner key receive nothing; a service key cannot send
 * commands. The positive case shows the check can see a message. */
static void test_event_endpoint_admits_service_keys_only(void **state)
{
    (void)state;
    pw_db_t *db = pw_testdb_fresh("pathways_it_auth_events", "common", db_url, sizeof db_url);
    char svc[41], adm[41], part[41], svc_id[PW_KEY_ID_MAX], adm_id[PW_KEY_ID_MAX],
        part_id[PW_KEY_ID_MAX], why[256];
    new_key("evsvc", svc, svc_id);
    new_key("evadmin", adm, adm_id);
    new_key("evpartner", part, part_id);
    new_key("evstranger", (char[41]){0}, (char[PW_KEY_ID_MAX]){0});
    register_key(db, svc, svc_id, "service", NULL);
    register_key(db, adm, adm_id, "admin", NULL);
    register_key(db, part, part_id, "partner", "acme");
    server_t s = {0};
    server_start(&s);
    zsock_t *pub = zsock_new(ZMQ_PUB);
    assert_int_equal(pw_gate_serve(s.gate, pub, PW_AUTH_DOMAIN_EVENTS), 0);
    assert_true(zsock_bind(pub, "tcp://127.0.0.1:*") > 0);
    const char *ep = zsock_endpoint(pub);

    const char *refused[] = {NULL, "evstranger", "evadmin", "evpartner"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        zsock_t *sub = subscriber(refused[i], ep, s.server_key);
        if (receives(pub, sub))
            fail_msg("subscriber with key %s received an event",
                     refused[i] ? refused[i] : "(none)");
        zsock_destroy(&sub);
    }
    zsock_t *sub = subscriber("evsvc", ep, s.server_key);
    assert_int_equal(receives(pub, sub), 1);
    zsock_destroy(&sub);

    /* The service key on the command endpoint: refused at the handshake. */
    int ok = -1;
    zsock_t *c = client("evsvc", s.endpoint, s.server_key);
    assert_int_equal(ask(&s, c, "pathways.v1.ReportRequest", &ok, why, sizeof why), 0);
    zsock_destroy(&c);

    zsock_destroy(&pub);
    zsock_destroy(&s.router);
    pw_gate_destroy(&s.gate);
    pw_db_destroy(&db);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/pathways-auth-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return perror("mkdtemp"), 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_request_labels_are_bounded),
        cmocka_unit_test(test_key_files),
        cmocka_unit_test(test_handshake_and_roles),
        cmocka_unit_test(test_event_endpoint_admits_service_keys_only),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}
