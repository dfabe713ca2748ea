/* The bad-input corpus harness (corpus.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "corpus.h"

#include <arpa/inet.h>
#include <glob.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pathways/auth.h"
#include "pathways/service.h"

/* ---- bytes ---- */

void put(buf_t *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
}

void put_varint(buf_t *b, uint64_t v)
{
    uint8_t byte;
    do {
        byte = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            byte |= 0x80;
        put(b, &byte, 1);
    } while (v);
}

void put_field(buf_t *b, uint32_t number, const void *data, size_t n)
{
    put_varint(b, (uint64_t)number << 3 | 2);
    put_varint(b, n);
    put(b, data, n);
}

void put_hex(buf_t *b, const char *hex)
{
    for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
        unsigned v;
        assert_int_equal(sscanf(hex + i, "%2x", &v), 1);
        uint8_t byte = (uint8_t)v;
        put(b, &byte, 1);
    }
}

int corpus_raw_body(json_t *body, size_t max_message, buf_t *out)
{
    if (body && json_object_get(body, "hex")) {
        put_hex(out, json_string_value(json_object_get(body, "hex")));
    } else if (body && json_object_get(body, "random")) {
        json_t *r = json_object_get(body, "random");
        uint64_t x = (uint64_t)json_integer_value(json_object_get(r, "seed")) | 1;
        size_t n = (size_t)json_integer_value(json_object_get(r, "len"));
        for (size_t k = 0; k < n; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            uint8_t byte = (uint8_t)(x >> 24);
            put(out, &byte, 1);
        }
    } else if (body && json_object_get(body, "oversize")) {
        /* true: one byte over the limit; a number N: N times the limit */
        json_t *o = json_object_get(body, "oversize");
        size_t n =
            json_is_integer(o) ? max_message * (size_t)json_integer_value(o) : max_message + 1;
        uint8_t *fill = malloc(n);
        assert_non_null(fill);
        memset(fill, 0x0a, n);
        put(out, fill, n);
        free(fill);
    } else {
        return 0;
    }
    return 1;
}

void corpus_put_batch_id(buf_t *out, json_t *c, const char *name)
{
    json_t *batch_id = json_object_get(c, "batch_id");
    if (json_is_object(batch_id)) {
        buf_t raw = {0};
        put_hex(&raw, json_string_value(json_object_get(batch_id, "hex")));
        put_field(out, 1, raw.p, raw.len);
        free(raw.p);
    } else {
        const char *id = batch_id ? json_string_value(batch_id) : name;
        put_field(out, 1, id, strlen(id));
    }
}

void corpus_truncate(json_t *body, buf_t *out)
{
    if (body && json_object_get(body, "truncate")) {
        size_t cut = (size_t)json_integer_value(json_object_get(body, "truncate"));
        assert_true(cut < out->len);
        out->len -= cut;
    }
}

void corpus_owned_free(corpus_owned_t *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->p[i]);
    o->n = 0;
}

void corpus_set_scalar(void *msg, const ProtobufCFieldDescriptor *f, json_t *v,
                       corpus_owned_t *owned, const char *name)
{
    char *at = (char *)msg + f->offset;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        *(const char **)(void *)at = corpus_string(v, owned);
        break;
    case PROTOBUF_C_TYPE_ENUM:
    case PROTOBUF_C_TYPE_INT32:
        *(int *)(void *)at = (int)json_integer_value(v);
        break;
    case PROTOBUF_C_TYPE_INT64:
        *(int64_t *)(void *)at = (int64_t)json_integer_value(v);
        break;
    default:
        fail_msg("case %s: field %s cannot be set", name, f->name);
    }
}

const char *corpus_string(json_t *v, corpus_owned_t *owned)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_object(v) && json_object_get(v, "repeat")) {
        const char *unit = json_string_value(json_object_get(v, "repeat"));
        size_t count = (size_t)json_integer_value(json_object_get(v, "count"));
        size_t ulen = strlen(unit);
        char *s = calloc(ulen * count + 1, 1);
        assert_non_null(s);
        for (size_t i = 0; i < count; i++)
            memcpy(s + i * ulen, unit, ulen);
        assert_true(owned->n < CORPUS_OWNED_MAX);
        owned->p[owned->n++] = s;
        return s;
    }
    assert_true(json_is_null(v));
    return "";
}

void corpus_build_body(json_t *c, const char *name, size_t max_message, size_t max_events,
                       corpus_event_fn fn, void *ctx, buf_t *out)
{
    json_t *body = json_object_get(c, "body");
    corpus_event_t evs[16];
    size_t i, n = 0;
    json_t *spec;
    assert_true(max_events <= 16);
    json_array_foreach(json_object_get(c, "events"), i, spec)
    {
        assert_true(i < max_events);
        evs[n++] = fn(ctx, spec, i);
    }
    if (corpus_raw_body(body, max_message, out))
        return;
    corpus_put_batch_id(out, c, name);
    for (i = 0; i < n; i++) {
        size_t len;
        uint8_t *bytes = pw_msg_encode(evs[i].msg, 0, &len);
        assert_non_null(bytes);
        buf_t one = {0};
        put(&one, bytes, len);
        if (evs[i].raw)
            put(&one, evs[i].raw->p, evs[i].raw->len);
        for (size_t k = 0; k < evs[i].copies; k++)
            put_field(out, 2, one.p, one.len);
        free(bytes);
        free(one.p);
    }
    corpus_truncate(body, out);
}

/* ---- keys and the wire ---- */

void corpus_make_key(pw_db_t *db, const char *dir, const char *name, const char *role,
                     const char *employer, const char *provider)
{
    char path[512], err[256], id[PW_KEY_ID_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    zcert_t *cert = zcert_new();
    assert_int_equal(pw_auth_save_cert(cert, path, err, sizeof err), 0);
    assert_int_equal(pw_auth_key_id_z85(zcert_public_txt(cert), id), 0);
    const char *p[] = {id, zcert_public_txt(cert), role, employer, provider};
    if (pw_db_exec(db,
                   "INSERT INTO auth.key (key_id, public_key, role, employer, provider, created_by)"
                   " VALUES ($1, $2, $3, $4, $5, 'test')",
                   5, p) != 0)
        fail_msg("register %s: %s", name, pw_db_error(db));
    zcert_destroy(&cert);
}

zsock_t *corpus_dealer(const char *dir, const char *name, const char *endpoint)
{
    char secret[512], server[512], err[256];
    snprintf(secret, sizeof secret, "%s/%s_secret", dir, name);
    snprintf(server, sizeof server, "%s/service", dir);
    zsock_t *dealer = zsock_new(ZMQ_DEALER);
    assert_non_null(dealer);
    if (pw_auth_client_setup(dealer, secret, server, err, sizeof err) != 0)
        fail_msg("sender %s: %s", name, err);
    assert_int_equal(zsock_connect(dealer, "%s", endpoint), 0);
    return dealer;
}

zmsg_t *corpus_exchange(const char *dir, const char *sender, const char *endpoint, const char *type,
                        const buf_t *body, int wait_ms)
{
    zsock_t *dealer = corpus_dealer(dir, sender, endpoint);
    zsock_set_rcvtimeo(dealer, wait_ms);
    zsock_set_linger(dealer, 0);
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, type);
    zmsg_addmem(msg, body->p, body->len);
    assert_int_equal(zmsg_send(&msg, dealer), 0);
    zmsg_t *reply = zmsg_recv(dealer);
    zsock_destroy(&dealer);
    return reply;
}

static void *run_service(void *svc)
{
    pw_service_run(svc);
    return NULL;
}

void corpus_fixture_keys(corpus_fixture_t *fx, const char *prefix)
{
    snprintf(fx->keys, sizeof fx->keys, "%s/%s-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", prefix);
    assert_non_null(mkdtemp(fx->keys));
}

void corpus_fixture_start(corpus_fixture_t *fx, const pw_config_t *cfg, int service,
                          const char *probe_key, int wait_ms)
{
    assert_int_equal(pw_service_start(fx->svc), 0);
    assert_int_equal(pthread_create(&fx->loop, NULL, run_service, fx->svc), 0);
    pw_config_endpoint(cfg, (pw_service_id_t)service, PW_PORT_COMMAND, 0, fx->endpoint,
                       sizeof fx->endpoint);
    fx->probe = corpus_dealer(fx->keys, probe_key, fx->endpoint);
    zsock_set_rcvtimeo(fx->probe, wait_ms);
}

int corpus_probe_accepted(corpus_fixture_t *fx, const char *type, const ProtobufCMessage *batch)
{
    size_t len;
    uint8_t *bytes = pw_msg_encode(batch, 0, &len);
    assert_non_null(bytes);
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, type);
    zmsg_addmem(msg, bytes, len);
    free(bytes);
    assert_int_equal(zmsg_send(&msg, fx->probe), 0);
    zmsg_t *reply = zmsg_recv(fx->probe);
    int ok = 0;
    if (reply) {
        zframe_t *body = zmsg_last(reply);
        Pathways__V1__PublishAck *ack =
            body ? pw_decode_publish_ack(zframe_data(body), zframe_size(body)) : NULL;
        ok = ack && ack->n_acks == 1 &&
             ack->acks[0]->result == PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED;
        pw_free_publish_ack(&ack);
        zmsg_destroy(&reply);
    }
    return ok;
}

void corpus_fixture_stop(corpus_fixture_t *fx)
{
    zsock_destroy(&fx->probe);
    pw_service_stop(fx->svc);
    pthread_join(fx->loop, NULL);
    pw_service_destroy(&fx->svc);
    pw_db_destroy(&fx->db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->keys);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", fx->keys);
}

/* ---- checking a case ---- */

int failf(verdict_t *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!v->why[0])
        vsnprintf(v->why, sizeof v->why, fmt, ap);
    va_end(ap);
    return -1;
}

static int result_of(const char *word)
{
    static const char *const words[] = {"", "accepted", "duplicate", "rejected"};
    for (int i = 1; i < 4; i++)
        if (word && strcmp(word, words[i]) == 0)
            return i;
    fail_msg("unknown result word %s", word ? word : "(null)");
    return -1;
}

static int check_acks(const Pathways__V1__PublishAck *ack, json_t *expect, verdict_t *v,
                      corpus_accepted_fn accepted, void *ctx)
{
    json_t *acks = json_object_get(expect, "acks");
    json_t *all = json_object_get(expect, "acks_all");
    size_t n =
        all ? (size_t)json_integer_value(json_object_get(expect, "count")) : json_array_size(acks);
    if (ack->n_acks != n)
        return failf(v, "%zu acks, expected %zu", ack->n_acks, n);
    for (size_t i = 0; i < ack->n_acks; i++) {
        const Pathways__V1__EventAck *a = ack->acks[i];
        json_t *want = all ? all : json_array_get(acks, i);
        const char *word = json_string_value(json_array_get(want, 0));
        const char *code = json_string_value(json_array_get(want, 1));
        if ((int)a->result != result_of(word) || strcmp(a->reason_code, code) != 0)
            return failf(v, "ack %zu: %d/%s (%s), expected %s/%s", i, a->result, a->reason_code,
                         a->reason, word, code);
        if (!pw_utf8_valid(a->event_id, strlen(a->event_id)) ||
            !pw_utf8_valid(a->reason, strlen(a->reason)))
            return failf(v, "ack %zu echoes invalid UTF-8", i);
        if (a->result == PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED) {
            v->accepted++;
            if (accepted && accepted(ctx, i, v) != 0)
                return -1;
        }
    }
    return 0;
}

int corpus_check_reply(zmsg_t *reply, json_t *expect, verdict_t *v, corpus_accepted_fn accepted,
                       void *ctx)
{
    json_t *kind = json_object_get(expect, "reply");
    const char *want = kind ? json_string_value(kind) : "ack";
    json_t *code = json_object_get(expect, "error_code");
    const char *want_code = code ? json_string_value(code) : "";
    if (strcmp(want, "none") == 0)
        return reply ? failf(v, "a reply came, none expected") : 0;
    if (!reply)
        return failf(v, "no reply");
    char *type = zmsg_popstr(reply);
    zframe_t *body = zmsg_pop(reply);
    int rc = 0;
    if (strcmp(want, "admin") == 0) {
        Pathways__V1__AdminReply *r =
            body ? pw_decode_admin_reply(zframe_data(body), zframe_size(body)) : NULL;
        if (!type || strcmp(type, "pathways.v1.AdminReply") != 0 || !r)
            rc = failf(v, "reply %s is not an AdminReply", type ? type : "(none)");
        else if (strcmp(r->error_code, want_code) != 0)
            rc = failf(v, "error_code %s, expected %s", r->error_code, want_code);
        pw_free_admin_reply(&r);
    } else {
        Pathways__V1__PublishAck *ack =
            body ? pw_decode_publish_ack(zframe_data(body), zframe_size(body)) : NULL;
        if (!type || strcmp(type, "pathways.v1.PublishAck") != 0 || !ack)
            rc = failf(v, "reply %s is not a PublishAck", type ? type : "(none)");
        else if (strcmp(ack->error_code, want_code) != 0)
            rc = failf(v, "error_code \"%s\" (%s), expected \"%s\"", ack->error_code, ack->error,
                       want_code);
        else
            rc = check_acks(ack, expect, v, accepted, ctx);
        pw_free_publish_ack(&ack);
    }
    free(type);
    zframe_destroy(&body);
    return rc;
}

int corpus_send_case(corpus_fixture_t *fx, json_t *c, const char *default_sender,
                     const char *default_type, const buf_t *body, verdict_t *v,
                     corpus_exchange_fn exchange, corpus_accepted_fn accepted, void *ctx)
{
    json_t *expect = json_object_get(c, "expect");
    json_t *kind = json_object_get(expect, "reply");
    int wait =
        kind && strcmp(json_string_value(kind), "none") == 0 ? CORPUS_SILENCE_MS : CORPUS_REPLY_MS;
    const char *sender = json_string_value(json_object_get(c, "sender"));
    const char *type = json_string_value(json_object_get(c, "type"));
    zmsg_t *reply = exchange
                        ? exchange(ctx, c, body, wait)
                        : corpus_exchange(fx->keys, sender ? sender : default_sender, fx->endpoint,
                                          type ? type : default_type, body, wait);
    int rc = corpus_check_reply(reply, expect, v, accepted, ctx);
    zmsg_destroy(&reply);
    return rc;
}

int corpus_check_alive(corpus_fixture_t *fx, const char *type, const ProtobufCMessage *batch,
                       verdict_t *v)
{
    if (corpus_probe_accepted(fx, type, batch))
        return 0;
    return failf(v, "the service no longer answers a good batch");
}

/* ---- the group ---- */

static corpus_case_fn the_case;
static int failed;
static char failures[4096];

/* One corpus file: an array of cases; each runs even after a failure. */
static void test_corpus_file(void **state)
{
    const char *path = *state;
    json_error_t err;
    json_t *cases = json_load_file(path, 0, &err);
    if (!json_is_array(cases))
        fail_msg("%s:%d: %s", path, err.line, err.text);
    int before = failed;
    failures[0] = '\0';
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        assert_non_null(name);
        verdict_t v = {.why = ""};
        /* A case that is not run would pass unseen: "todo" fails it. */
        if (json_object_get(c, "todo"))
            snprintf(v.why, sizeof v.why, "marked todo (%s): a corpus case must run",
                     json_string_value(json_object_get(c, "todo")) ?: "no reason");
        if (!*v.why && the_case(c, name, &v) == 0) {
            printf("  ok    %-34s\n", name);
        } else {
            printf("  FAIL  %-34s %s\n", name, v.why);
            size_t used = strlen(failures);
            failed++;
            snprintf(failures + used, sizeof failures - used, "  %s: %s\n", name, v.why);
        }
    }
    fflush(stdout);
    json_decref(cases);
    if (failed != before)
        fail_msg("%d case(s) of %s failed:\n%s", failed - before, path, failures);
}

int corpus_main(const char *group, const char *env, const char *source, const char *kind,
                corpus_case_fn run_case, int (*setup)(void **), int (*teardown)(void **))
{
    char pattern[1100], dir[1024];
    const char *given = getenv(env);
    glob_t g;
    snprintf(dir, sizeof dir, "%s", source);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    size_t used = strlen(dir);
    snprintf(dir + used, sizeof dir - used, "/../corpus/%s", kind);
    snprintf(pattern, sizeof pattern, "%s/*.json", given && *given ? given : dir);
    if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        fprintf(stderr, "no corpus files match %s\n", pattern);
        return 1;
    }
    struct CMUnitTest *tests = calloc(g.gl_pathc, sizeof *tests);
    assert_non_null(tests);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        tests[i].name = strrchr(g.gl_pathv[i], '/') + 1;
        tests[i].test_func = test_corpus_file;
        tests[i].initial_state = g.gl_pathv[i];
    }
    the_case = run_case;
    int rc = _cmocka_run_group_tests(group, tests, g.gl_pathc, setup, teardown);
    free(tests);
    globfree(&g);
    return rc;
}
