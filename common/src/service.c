/* The service runtime: one thread runs the loop over the command ROUTER,
 * the stream SUB sockets and the timers; libmicrohttpd answers health and
 * metrics on its own thread from atomics and the metrics registry. */
#include "pathways/service.h"

#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/http.h"
#include "pathways/log.h"
#include "pathways/migrate.h"
#include "pathways/topology.h"
#include "gate.h"
#include "queue_metrics.h"
#include "service_internal.h"

/* The one process-wide global: how many termination signals arrived. */
static volatile sig_atomic_t signals_received;

static void on_signal(int sig)
{
    (void)sig;
    signals_received++;
}

pw_service_t *pw_service_new(pw_service_id_t id, const pw_config_t *cfg)
{
    pw_service_t *svc = calloc(1, sizeof *svc);
    if (!svc)
        return NULL;
    svc->id = id;
    svc->cfg = *cfg;
    pw_log_level_t lvl = PW_LOG_INFO;
    (void)pw_log_level_parse(cfg->log_level, &lvl);
    pw_log_init(pw_service_name(id), lvl);
    svc->appender = pw_appender_new();
    svc->metrics = pw_metrics_new();
    svc->gate = pw_gate_new(&svc->cfg, pw_service_name(id));
    if (!svc->appender || !svc->metrics || !svc->gate)
        pw_service_destroy(&svc);
    else {
        pw_appender_set_partitions(svc->appender, (uint32_t)cfg->stream_partitions);
        pw_appender_set_max_message(svc->appender, cfg->max_message_bytes);
    }
    return svc;
}

void pw_service_destroy(pw_service_t **p)
{
    if (!p || !*p)
        return;
    pw_service_t *svc = *p;
    pw_http_stop(&svc->http);
    for (int i = 0; i < svc->nconsumers; i++)
        pw_consumer_destroy(&svc->consumers[i].consumer);
    zsock_destroy(&svc->router);
    zsock_destroy(&svc->pub);
    pw_gate_destroy(&svc->gate); /* after the ROUTER it authenticates */
    pw_appender_destroy(&svc->appender);
    pw_db_destroy(&svc->db);
    pw_metrics_destroy(&svc->metrics);
    free(svc);
    *p = NULL;
}

int pw_service_on_request(pw_service_t *svc, pw_request_fn fn, void *ctx)
{
    svc->on_request = fn;
    svc->request_ctx = ctx;
    return 0;
}

static int add_consumer(pw_service_t *svc, consumer_spec_t spec)
{
    char err[256];
    if (pw_topology_check_consumer(svc->id, spec.owner, spec.stream, err, sizeof err) != 0) {
        pw_error("cannot consume: %s", err);
        return -1;
    }
    if (svc->nconsumers == MAX_CONSUMERS || !spec.fn == !spec.batch_fn)
        return -1;
    svc->consumers[svc->nconsumers++] = spec;
    return 0;
}

int pw_service_consume(pw_service_t *svc, pw_service_id_t owner, const char *stream, pw_apply_fn fn,
                       void *ctx)
{
    return add_consumer(svc,
                        (consumer_spec_t){.owner = owner, .stream = stream, .fn = fn, .ctx = ctx});
}

int pw_service_consume_batch(pw_service_t *svc, pw_service_id_t owner, const char *stream,
                             pw_apply_batch_fn fn, void *ctx)
{
    return add_consumer(
        svc, (consumer_spec_t){.owner = owner, .stream = stream, .batch_fn = fn, .ctx = ctx});
}

int pw_service_require(pw_service_t *svc, const char *type, pw_role_t min)
{
    return pw_gate_require(svc->gate, type, min);
}

int pw_service_require_roles(pw_service_t *svc, const char *type, unsigned roles)
{
    return pw_gate_require_roles(svc->gate, type, roles);
}

const pw_peer_t *pw_service_peer(const pw_service_t *svc)
{
    return pw_gate_peer(svc->gate);
}

int pw_service_every(pw_service_t *svc, int interval_ms, pw_timer_fn fn, void *ctx)
{
    if (svc->ntimers == MAX_TIMERS || interval_ms <= 0)
        return -1;
    svc->timers[svc->ntimers++] = (timer_t_){.interval_ms = interval_ms, .fn = fn, .ctx = ctx};
    return 0;
}

pw_db_t *pw_service_db(pw_service_t *svc)
{
    return svc->db;
}

const pw_config_t *pw_service_config(const pw_service_t *svc)
{
    return &svc->cfg;
}

pw_metrics_t *pw_service_metrics(pw_service_t *svc)
{
    return svc->metrics;
}

const char *pw_service_get_name(const pw_service_t *svc)
{
    return pw_service_name(svc->id);
}

struct pw_http *pw_service_http(pw_service_t *svc)
{
    return svc->http;
}

void pw_service_stop(pw_service_t *svc)
{
    svc->stop = 1;
}

int pw_service_append(pw_service_t *svc, const char *stream, const char *type, const char *key,
                      const char *event_id, const ProtobufCMessage *payload)
{
    char err[256];
    if (pw_topology_check_owner(svc->id, stream, err, sizeof err) != 0) {
        pw_error("cannot append: %s", err);
        return -1;
    }
    if (pw_appender_add_msg(svc->appender, stream, type, key, event_id, payload) != 0)
        return -1;
    /* A long transaction writes what it holds as it goes (memory bound). */
    if (pw_appender_bytes(svc->appender) > svc->cfg.append_spill_bytes && pw_db_in_txn(svc->db))
        return pw_appender_spill(svc->appender, svc->db);
    return 0;
}

int pw_service_commit(pw_service_t *svc)
{
    int64_t t0 = pw_now_us();
    if (pw_appender_flush(svc->appender, svc->db) != 0 || pw_db_commit(svc->db) != 0) {
        pw_service_rollback(svc);
        return -1;
    }
    pw_metrics_observe(svc->metrics, "pathways_batch_commit_seconds", "",
                       (double)(pw_now_us() - t0) / 1e6);
    pw_appender_publish(svc->appender, svc->pub);
    return 0;
}

void pw_service_rollback(pw_service_t *svc)
{
    pw_db_rollback(svc->db);
    pw_appender_discard(svc->appender);
}

/* Notices termination signals (from the loop, or from the database's
 * interrupt hook while a statement waits): the first starts the drain.
 * Returns 1 when the service must stop now: a second signal, or the drain
 * deadline passed. */
static int shutdown_due(pw_service_t *svc)
{
    if (signals_received >= 2)
        return 1;
    if (signals_received == 0)
        return 0;
    if (!svc->drain_deadline_ms) {
        pw_info("signal received: draining (a second signal exits at once)");
        svc->drain_deadline_ms = pw_mono_ms() + svc->cfg.drain_timeout_ms;
    }
    return pw_mono_ms() >= svc->drain_deadline_ms;
}

/* The database's interrupt hook: a statement the server does not answer
 * is abandoned when the service must stop. */
static int db_interrupt(void *ctx)
{
    return shutdown_due(ctx);
}

/* Why the loop is stuck, or 0 when it turns. The database connection is
 * read only once db_ready was set (after it exists). */
static int loop_stalled(pw_service_t *svc, char *why, size_t whylen)
{
    int64_t last = atomic_load(&svc->last_turn_ms);
    int64_t idle = last ? pw_mono_ms() - last : 0;
    if (idle < svc->cfg.loop_stall_ms)
        return 0;
    int64_t waiting = atomic_load(&svc->db_ready) ? pw_db_waiting_ms(svc->db) : 0;
    if (waiting >= svc->cfg.loop_stall_ms)
        snprintf(why, whylen, "database unavailable: no answer for %lld ms (loop stalled)",
                 (long long)waiting);
    else
        snprintf(why, whylen, "loop stalled: no turn for %lld ms", (long long)idle);
    return 1;
}

static int ready_reason(pw_service_t *svc, char *why, size_t whylen)
{
    if (signals_received) {
        snprintf(why, whylen, "shutting down");
        return 0;
    }
    if (loop_stalled(svc, why, whylen))
        return 0;
    if (atomic_load(&svc->migrations_pending)) {
        snprintf(why, whylen, "migrations pending");
        return 0;
    }
    if (!atomic_load(&svc->sockets_ready)) {
        snprintf(why, whylen, "sockets not bound");
        return 0;
    }
    if (!atomic_load(&svc->db_ready)) {
        snprintf(why, whylen, "database unavailable or not migrated");
        return 0;
    }
    snprintf(why, whylen, "ready");
    return 1;
}

/* Readiness, from any thread. Also refreshes pathways_ready and
 * pathways_database_up, so a scrape during a stall sees the truth. */
static int ready_probe(void *ctx, char *why, size_t whylen)
{
    pw_service_t *svc = ctx;
    int db_up = atomic_load(&svc->db_ready) && pw_db_waiting_ms(svc->db) < svc->cfg.loop_stall_ms;
    pw_metrics_set(svc->metrics, "pathways_database_up", "", db_up);
    int ready = ready_reason(svc, why, whylen);
    pw_metrics_set(svc->metrics, "pathways_ready", "", ready);
    return ready;
}

/* Every few seconds: queue-health gauges from the stream tables. */
static int refresh_queue_metrics(void *ctx, pw_service_t *svc)
{
    return pw_queue_metrics_refresh(svc->db, svc->metrics, pw_service_name(svc->id));
}

static void describe_metrics(pw_metrics_t *m)
{
    pw_queue_metrics_describe(m);
    pw_metrics_describe(m, "pathways_up", "gauge", "1 while the service loop runs");
    pw_metrics_describe(m, "pathways_database_up", "gauge", "1 while the database answers");
    pw_metrics_describe(m, "pathways_consumer_processed_total", "counter",
                        "stream events applied by this consumer");
    pw_metrics_describe(m, "pathways_consumer_dead_lettered_total", "counter",
                        "stream events moved to dead letters");
    pw_metrics_describe(m, "pathways_consumer_redelivered_total", "counter",
                        "stream events retried after a failed attempt");
    pw_metrics_describe(m, "pathways_consumer_replayed_total", "counter",
                        "dead letters applied again on request");
    pw_metrics_describe(m, "pathways_consumer_gaps_total", "counter",
                        "live-path gaps (events lost on the way) closed from the stream table");
    pw_metrics_describe(m, "pathways_ready", "gauge", "1 while /readyz answers ready");
    pw_metrics_describe(m, "pathways_consumer_partitions_owned", "gauge",
                        "partitions this instance holds a lease on");
    pw_metrics_describe(m, "pathways_requests_total", "counter", "command requests by type");
    pw_metrics_describe(m, "pathways_requests_refused_total", "counter",
                        "command requests refused before their handler, by reason");
    pw_metrics_describe(m, "pathways_batch_commit_seconds", "histogram",
                        "time to flush and commit a batch");
    pw_metrics_describe(m, "pathways_partner_ack_seconds", "histogram",
                        "time from reading a PublishBatch to sending its PublishAck");
}

/* 1 when the database holds every migration of common and this service. */
static int schema_current(pw_service_t *svc)
{
    const char *parts[] = {"common", pw_service_name(svc->id)};
    for (int i = 0; i < 2; i++) {
        int have = pw_migrate_applied_version(svc->db, parts[i]);
        if (have < pw_migrate_known_version(parts[i]))
            return 0;
    }
    return 1;
}

/* PATHWAYS_MIGRATE_ON_START=off (least privilege: the service's role may
 * not change the schema): waits until someone else migrated. */
static int wait_for_migrations(pw_service_t *svc)
{
    atomic_store(&svc->migrations_pending, 1);
    for (int n = 0; !schema_current(svc); n++) {
        if (n % 30 == 0)
            pw_warn("waiting for migrations (run pathwaysctl migrate as the owner role)");
        if (signals_received)
            return -1;
        zclock_sleep(RECONNECT_MS);
        if (pw_db_ensure(svc->db) != 0)
            pw_debug("database unavailable: %s", pw_db_error(svc->db));
    }
    atomic_store(&svc->migrations_pending, 0);
    svc->db_generation = pw_db_generation(svc->db);
    atomic_store(&svc->db_ready, 1);
    return 0;
}

/* Connects (retrying until it answers or a signal arrives) and migrates. */
static int start_database(pw_service_t *svc)
{
    pw_db_opts_t opts;
    pw_db_opts_from_config(&opts, &svc->cfg, pw_service_name(svc->id));
    svc->db = pw_db_new_with(svc->cfg.database_url, &opts);
    if (!svc->db)
        return -1;
    pw_db_set_interrupt(svc->db, db_interrupt, svc);
    while (pw_db_ensure(svc->db) != 0) {
        pw_warn("database unavailable, retrying: %s", pw_db_error(svc->db));
        if (signals_received)
            return -1;
        zclock_sleep(RECONNECT_MS);
    }
    char err[512];
    if (!svc->cfg.migrate_on_start)
        return wait_for_migrations(svc);
    if (pw_migrate(svc->db, pw_service_name(svc->id), err, sizeof err) < 0) {
        pw_error("%s", err);
        return -1;
    }
    svc->db_generation = pw_db_generation(svc->db);
    atomic_store(&svc->db_ready, 1);
    return 0;
}

/* The consumer's SUB socket becomes a CURVE client of the stream's owner. */
static int prepare_subscriber(void *ctx, zsock_t *sub)
{
    consumer_spec_t *s = ctx;
    return pw_gate_subscribe(s->gate, sub, pw_service_name(s->owner));
}

/* Development mode (CURVE off) is refused unless every listening address
 * is on this machine's loopback: nothing unauthenticated faces a network. */
static int check_insecure_binds(pw_service_t *svc)
{
    if (svc->cfg.curve)
        return 0;
    char ep[PW_ENDPOINT_MAX];
    const pw_port_kind_t kinds[] = {PW_PORT_COMMAND, PW_PORT_EVENTS};
    if (!pw_config_host_is_loopback(svc->cfg.bind_host)) {
        pw_error("PATHWAYS_CURVE=off is allowed on loopback only, and PATHWAYS_BIND_HOST=%s is "
                 "not loopback: turn CURVE on (see README, Security)",
                 svc->cfg.bind_host);
        return -1;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        pw_config_endpoint(&svc->cfg, svc->id, kinds[i], 1, ep, sizeof ep);
        if (!pw_config_endpoint_is_loopback(ep)) {
            pw_error("PATHWAYS_CURVE=off is allowed on loopback only, and %s is not loopback: "
                     "turn CURVE on (see README, Security)",
                     ep);
            return -1;
        }
    }
    return 0;
}

static int oversize_cap(size_t limit)
{
    size_t cap = limit * PW_OVERSIZE_FACTOR;
    return cap > (size_t)INT_MAX ? INT_MAX : (int)cap;
}

static int start_sockets(pw_service_t *svc)
{
    char ep[PW_ENDPOINT_MAX];
    if (pw_gate_start(svc->gate) != 0)
        return -1;
    pw_config_endpoint(&svc->cfg, svc->id, PW_PORT_EVENTS, 1, ep, sizeof ep);
    svc->pub = zsock_new(ZMQ_PUB);
    if (!svc->pub || pw_gate_serve(svc->gate, svc->pub, PW_AUTH_DOMAIN_EVENTS) != 0)
        return -1;
    /* Bounded queues: a subscriber that falls further behind loses the
     * fast path and reads the table instead, so memory stays flat. */
    zsock_set_sndhwm(svc->pub, svc->cfg.sub_hwm);
    if (zsock_bind(svc->pub, "%s", ep) < 0) {
        pw_error("cannot bind events endpoint %s: %s", ep, zmq_strerror(zmq_errno()));
        return -1;
    }
    if (svc->on_request) {
        pw_config_endpoint(&svc->cfg, svc->id, PW_PORT_COMMAND, 1, ep, sizeof ep);
        svc->router = zsock_new(ZMQ_ROUTER);
        if (!svc->router)
            return -1;
        /* The socket admits up to PW_OVERSIZE_FACTOR times the limit, so a
         * partner whose batch is too large is told so (batch_too_large);
         * past that libzmq drops the connection without a word. */
        zsock_set_maxmsgsize(svc->router, oversize_cap(svc->cfg.max_message_bytes));
        zsock_set_rcvtimeo(svc->router, 0);
        if (pw_gate_serve(svc->gate, svc->router, PW_AUTH_DOMAIN) != 0)
            return -1;
        if (zsock_bind(svc->router, "%s", ep) < 0) {
            pw_error("cannot bind command endpoint %s: %s", ep, zmq_strerror(zmq_errno()));
            return -1;
        }
    }
    for (int i = 0; i < svc->nconsumers; i++) {
        consumer_spec_t *s = &svc->consumers[i];
        s->gate = svc->gate;
        pw_config_endpoint(&svc->cfg, s->owner, PW_PORT_EVENTS, 0, ep, sizeof ep);
        pw_consumer_opts_t o = {.consumer = pw_service_name(svc->id),
                                .stream = s->stream,
                                .endpoint = ep,
                                .batch_max = svc->cfg.batch_max,
                                .max_attempts = svc->cfg.max_attempts,
                                .idle_catchup_ms = svc->cfg.idle_catchup_ms,
                                .lease_ttl_ms = svc->cfg.lease_ttl_ms,
                                .sub_hwm = svc->cfg.sub_hwm,
                                .max_message_bytes = svc->cfg.max_message_bytes,
                                .apply = s->fn,
                                .apply_batch = s->batch_fn,
                                .ctx = s->ctx,
                                .appender = svc->appender,
                                .pub = svc->pub,
                                .metrics = svc->metrics,
                                .prepare = prepare_subscriber,
                                .prepare_ctx = s};
        s->consumer = pw_consumer_new(&o);
        if (!s->consumer) {
            pw_error("cannot create consumer of %s at %s", s->stream, ep);
            return -1;
        }
    }
    atomic_store(&svc->sockets_ready, 1);
    return 0;
}

int pw_service_start(pw_service_t *svc)
{
    zsys_handler_set(NULL); /* our own handler: first signal drains */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0 || check_insecure_binds(svc) != 0)
        return -1;
    describe_metrics(svc->metrics);
    if (pw_service_every(svc, QUEUE_METRICS_MS, refresh_queue_metrics, NULL) != 0)
        return -1;
    svc->http = pw_http_start(svc->cfg.bind_host, pw_config_port(&svc->cfg, svc->id, PW_PORT_HTTP),
                              svc->metrics, ready_probe, svc);
    if (!svc->http)
        return -1;
    if (start_database(svc) != 0 || start_sockets(svc) != 0)
        return -1;
    pw_metrics_set(svc->metrics, "pathways_up", "", 1);
    pw_logkv(PW_LOG_INFO, "service started", (char *)NULL);
    return 0;
}

static void update_consumer_metrics(pw_service_t *svc)
{
    for (int i = 0; i < svc->nconsumers; i++) {
        pw_consumer_t *c = svc->consumers[i].consumer;
        char labels[160];
        snprintf(labels, sizeof labels, "consumer=\"%s\",stream=\"%s\"", pw_service_name(svc->id),
                 pw_consumer_stream(c));
        pw_metrics_set(svc->metrics, "pathways_consumer_processed_total", labels,
                       (double)pw_consumer_applied(c));
        pw_metrics_set(svc->metrics, "pathways_consumer_dead_lettered_total", labels,
                       (double)pw_consumer_dead(c));
        pw_metrics_set(svc->metrics, "pathways_consumer_redelivered_total", labels,
                       (double)pw_consumer_retried(c));
        pw_metrics_set(svc->metrics, "pathways_consumer_replayed_total", labels,
                       (double)pw_consumer_replayed(c));
        pw_metrics_set(svc->metrics, "pathways_consumer_gaps_total", labels,
                       (double)pw_consumer_gaps(c));
        pw_metrics_set(svc->metrics, "pathways_consumer_partitions_owned", labels,
                       (double)pw_consumer_owned(c));
    }
}

/* Keeps the connection alive: when it broke, reconnect (pw_db_ensure
 * tries at most once a second), and after any reconnect, here or inside a
 * handler, make consumers re-read their offsets. */
static void check_database(pw_service_t *svc)
{
    if (pw_db_broken(svc->db)) {
        atomic_store(&svc->db_ready, 0);
        if (pw_db_ensure(svc->db) != 0) {
            pw_debug("database unavailable: %s", pw_db_error(svc->db));
            return;
        }
    }
    if (pw_db_generation(svc->db) != svc->db_generation) {
        pw_info("database reconnected");
        svc->db_generation = pw_db_generation(svc->db);
        for (int i = 0; i < svc->nconsumers; i++)
            pw_consumer_reset(svc->consumers[i].consumer);
    }
    atomic_store(&svc->db_ready, 1);
}

static void run_timers(pw_service_t *svc)
{
    int64_t now = pw_mono_ms();
    for (int i = 0; i < svc->ntimers; i++) {
        timer_t_ *t = &svc->timers[i];
        if (now < t->next_ms)
            continue;
        t->next_ms = now + t->interval_ms;
        if (!pw_db_broken(svc->db) && t->fn(t->ctx, svc) != 0)
            pw_warn("periodic task failed: %s", pw_db_error(svc->db));
        if (pw_db_in_txn(svc->db))
            pw_service_rollback(svc);
    }
}

/* One turn of the loop: wait for input (at most POLL_MAX_MS), then serve
 * requests, stream events, consumer ticks and timers. */
static void loop_turn(pw_service_t *svc, zmq_pollitem_t *items, int nitems)
{
    if (zmq_poll(items, nitems, POLL_MAX_MS) < 0)
        return; /* EINTR: a signal; the caller looks at it */
    check_database(svc);
    char why[PW_REFUSAL_MAX];
    (void)ready_probe(svc, why, sizeof why); /* refreshes the gauges */
    int k = 0;
    /* Requests are served even without a database: handlers then answer
     * "unavailable" at once, so partners back off instead of timing out. */
    if (svc->router) {
        for (int n = 0; n < REQUESTS_PER_TURN && service_handle_request(svc) == 0; n++)
            ;
        k++;
    }
    if (pw_db_broken(svc->db))
        return;
    for (int i = 0; i < svc->nconsumers; i++, k++) {
        pw_consumer_t *c = svc->consumers[i].consumer;
        if (items[k].revents & ZMQ_POLLIN)
            (void)pw_consumer_on_readable(c, svc->db);
        (void)pw_consumer_tick(c, svc->db);
    }
    run_timers(svc);
    update_consumer_metrics(svc);
}

int pw_service_run(pw_service_t *svc)
{
    zmq_pollitem_t items[MAX_CONSUMERS + 1];
    int n = 0;
    if (svc->router)
        items[n++] = (zmq_pollitem_t){.socket = zsock_resolve(svc->router), .events = ZMQ_POLLIN};
    for (int i = 0; i < svc->nconsumers; i++)
        items[n++] = (zmq_pollitem_t){
            .socket = zsock_resolve(pw_consumer_socket(svc->consumers[i].consumer)),
            .events = ZMQ_POLLIN};
    while (!svc->stop) {
        atomic_store(&svc->last_turn_ms, pw_mono_ms());
        if (shutdown_due(svc))
            break;
        int draining = svc->drain_deadline_ms != 0;
        loop_turn(svc, items, n);
        /* Draining: the turn above served what had arrived; stop once no
         * request is waiting, or at the deadline (shutdown_due). */
        if (draining && (!svc->router || !(zsock_events(svc->router) & ZMQ_POLLIN)))
            break;
    }
    pw_metrics_set(svc->metrics, "pathways_up", "", 0);
    pw_service_rollback(svc);
    for (int i = 0; i < svc->nconsumers; i++) /* hand partitions over at once */
        pw_consumer_release(svc->consumers[i].consumer, svc->db);
    int cut = signals_received >= 2;
    pw_logkv(PW_LOG_INFO, cut ? "stopped at once" : "stopped cleanly", NULL);
    return cut;
}
