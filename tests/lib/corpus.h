/* The bad-input corpus harness shared by tests/integration/test_bad_input*.c
 * (employers' PublishBatch to eligibility, providers' ProgressBatch to
 * enrollment; cases in tests/corpus/<kind>/ as JSON, format in
 * tests/corpus/README.md): bytes built field by field, CURVE keys and
 * dealers, the reply checks, and the cmocka group over a folder of case
 * files. Every function aborts the test (cmocka) on a harness error. */
#ifndef PATHWAYS_TEST_CORPUS_H
#define PATHWAYS_TEST_CORPUS_H

#define CORPUS_REPLY_MS   5000 /* how long a reply is waited for */
#define CORPUS_SILENCE_MS 1000 /* how long "no reply" is waited for */

#include <czmq.h>
#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "pathways/codec.h"
#include "pathways/config.h"
#include "pathways/db.h"

/* ---- bytes ---- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} buf_t;

void put(buf_t *b, const void *data, size_t n);
void put_varint(buf_t *b, uint64_t v);
/* A length-delimited field. */
void put_field(buf_t *b, uint32_t number, const void *data, size_t n);
void put_hex(buf_t *b, const char *hex);
/* The "body" variants that are not built from events: {"hex"},
 * {"random": {"seed", "len"}}, {"oversize": true} (max + 1 bytes) or
 * {"oversize": N} (N times max). Returns 1 when body was one of them (out
 * filled), 0 when the events make the body. */
int corpus_raw_body(json_t *body, size_t max_message, buf_t *out);
/* The batch: batch_id (field 1; "batch_id" of the case, {"hex"}, default
 * name), then each event's bytes (field 2). */
void corpus_put_batch_id(buf_t *out, json_t *c, const char *name);
/* Strings a case's build made (corpus_string's copies). */
#define CORPUS_OWNED_MAX 32
typedef struct {
    char *p[CORPUS_OWNED_MAX];
    size_t n;
} corpus_owned_t;
void corpus_owned_free(corpus_owned_t *o);

/* {"truncate": n} in body: drops the last n bytes of out. */
void corpus_truncate(json_t *body, buf_t *out);
/* Sets the scalar field f of message msg to v (string via corpus_string,
 * enum/int32/int64 as a JSON integer); case names the case in failures. */
void corpus_set_scalar(void *msg, const ProtobufCFieldDescriptor *f, json_t *v,
                       corpus_owned_t *owned, const char *name);
/* A string value of a case: "text", {"repeat": "x", "count": n} (the copy
 * is kept in owned), or null (""). */
const char *corpus_string(json_t *v, corpus_owned_t *owned);

/* One event of a case as a test builds it: the message, raw bytes sent
 * after it (fields appended on the wire) and the number of copies. */
typedef struct {
    const ProtobufCMessage *msg;
    const buf_t *raw;
    size_t copies;
} corpus_event_t;
/* Builds event i of a case from its spec. */
typedef corpus_event_t (*corpus_event_fn)(void *ctx, json_t *spec, size_t i);

/* The body frame of case c: a raw variant (corpus_raw_body), else the
 * batch id and the case's "events" (at most max_events, each built by fn,
 * field 2 of the batch), then "truncate". */
void corpus_build_body(json_t *c, const char *name, size_t max_message, size_t max_events,
                       corpus_event_fn fn, void *ctx, buf_t *out);

/* ---- keys and the wire ---- */

/* Makes key pair dir/name and registers it with role, employer and
 * provider (NULL for none). */
void corpus_make_key(pw_db_t *db, const char *dir, const char *name, const char *role,
                     const char *employer, const char *provider);
/* A DEALER with key dir/<name>_secret talking to the service key
 * dir/service at endpoint. Caller destroys it. */
zsock_t *corpus_dealer(const char *dir, const char *name, const char *endpoint);
/* Sends [type][body] from a fresh dealer of sender; returns the reply, or
 * NULL when none came within wait_ms. */
zmsg_t *corpus_exchange(const char *dir, const char *sender, const char *endpoint, const char *type,
                        const buf_t *body, int wait_ms);
/* What every corpus test runs on: the service on its thread, its
 * database, the key folder and a long-lived client (probe). */
typedef struct {
    pw_db_t *db;
    struct pw_service *svc;
    pthread_t loop;
    char keys[256];
    char endpoint[PW_ENDPOINT_MAX];
    zsock_t *probe;
} corpus_fixture_t;

/* Makes the key folder fx->keys (mkdtemp of prefix under TMPDIR). */
void corpus_fixture_keys(corpus_fixture_t *fx, const char *prefix);
/* Starts fx->svc (attached already) on its thread, reads its command
 * endpoint and connects fx->probe with the key named probe_key. */
void corpus_fixture_start(corpus_fixture_t *fx, const pw_config_t *cfg, int service,
                          const char *probe_key, int wait_ms);
/* Sends batch (type) on fx->probe; returns 1 when its one event came back
 * ACCEPTED, else 0. */
int corpus_probe_accepted(corpus_fixture_t *fx, const char *type, const ProtobufCMessage *batch);
/* Stops and frees what corpus_fixture_start and _keys made (the service
 * too), and the database connection. */
void corpus_fixture_stop(corpus_fixture_t *fx);

/* ---- checking a case ---- */

typedef struct {
    char why[512];
    int accepted;
} verdict_t;

int failf(verdict_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Called for each ack that says ACCEPTED (i: the event's place); returns 0
 * or -1 with v->why set. */
typedef int (*corpus_accepted_fn)(void *ctx, size_t i, verdict_t *v);

/* Checks reply against the case's "expect": "reply" ("ack" (default),
 * "admin", "none"), "error_code", "acks" ([[result, code], ...]) or
 * "acks_all" + "count"; echoed strings valid UTF-8. Counts the accepted
 * in v->accepted. Returns 0 or -1 with v->why. */
int corpus_check_reply(zmsg_t *reply, json_t *expect, verdict_t *v, corpus_accepted_fn accepted,
                       void *ctx);

/* Sends a case's frames and returns the reply (NULL: none within wait_ms):
 * a test's own framing when the default two frames do not do. */
typedef zmsg_t *(*corpus_exchange_fn)(void *ctx, json_t *c, const buf_t *body, int wait_ms);

/* Sends body for case c and checks the reply (corpus_check_reply): from
 * the case's "sender" (default_sender) as its "type" (default_type)
 * through corpus_exchange, or through exchange when not NULL; "reply":
 * "none" waits silence_ms, else reply_ms. Returns 0 or -1 with v->why. */
int corpus_send_case(corpus_fixture_t *fx, json_t *c, const char *default_sender,
                     const char *default_type, const buf_t *body, verdict_t *v,
                     corpus_exchange_fn exchange, corpus_accepted_fn accepted, void *ctx);

/* 0 when corpus_probe_accepted, else -1 with v->why. */
int corpus_check_alive(corpus_fixture_t *fx, const char *type, const ProtobufCMessage *batch,
                       verdict_t *v);

/* ---- the group ---- */

/* One case; returns 0 when it held, else fills v->why. */
typedef int (*corpus_case_fn)(json_t *c, const char *name, verdict_t *v);

/* Runs every *.json of the folder env (when set), else of
 * tests/corpus/<kind> (found from source, the caller's __FILE__), one
 * cmocka test per file, each case through run_case, all cases even after a
 * failure. Returns the cmocka result. */
int corpus_main(const char *group, const char *env, const char *source, const char *kind,
                corpus_case_fn run_case, int (*setup)(void **), int (*teardown)(void **));

#endif
