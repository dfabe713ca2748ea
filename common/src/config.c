/* Configuration as one table of keys with type, default and meaning (the
 * pgbouncer way): loading, describing and documenting all read this table. */
#include "pathways/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/log.h"

typedef enum { CFG_STR, CFG_INT, CFG_SIZE, CFG_BOOL } cfg_type_t;

typedef struct {
    const char *env;
    cfg_type_t type;
    size_t offset;
    size_t size; /* for strings: buffer size */
    const char *def;
    long min, max;
    const char *help;
} cfg_key_t;

#define STR(field, env, def, help)                                                                 \
    {                                                                                              \
        env, CFG_STR, offsetof(pw_config_t, field), sizeof(((pw_config_t *)0)->field), def, 0, 0,  \
            help                                                                                   \
    }
#define INT(field, env, def, lo, hi, help)                                                         \
    {                                                                                              \
        env, CFG_INT, offsetof(pw_config_t, field), sizeof(int), def, lo, hi, help                 \
    }
#define BOOL(field, env, def, help)                                                                \
    {                                                                                              \
        env, CFG_BOOL, offsetof(pw_config_t, field), sizeof(int), def, 0, 1, help                  \
    }
#define SIZE(field, env, def, lo, hi, help)                                                        \
    {                                                                                              \
        env, CFG_SIZE, offsetof(pw_config_t, field), sizeof(size_t), def, lo, hi, help             \
    }

static const cfg_key_t keys[] = {
    STR(database_url, "PATHWAYS_DATABASE_URL", "postgresql://pathways@127.0.0.1:55433/pathways",
        "libpq connection URL of the shared store"),
    STR(bind_host, "PATHWAYS_BIND_HOST", "127.0.0.1", "address the services listen on"),
    STR(connect_host, "PATHWAYS_CONNECT_HOST", "127.0.0.1", "address clients connect to"),
    INT(port_base, "PATHWAYS_PORT_BASE", "7100", 1024, 65000,
        "first port of the block: service N uses base+10N+{0 command,1 events,2 http}"),
    STR(log_level, "PATHWAYS_LOG_LEVEL", "info", "debug | info | warn | error"),
    INT(batch_max, "PATHWAYS_BATCH_MAX", "500", 1, 100000,
        "stream events per consumer transaction"),
    INT(idle_catchup_ms, "PATHWAYS_IDLE_CATCHUP_MS", "1000", 10, 600000,
        "how often an idle consumer re-reads the stream table"),
    INT(max_attempts, "PATHWAYS_MAX_ATTEMPTS", "5", 1, 1000,
        "failed attempts before an event (or a delivery) is dead-lettered"),
    INT(drain_timeout_ms, "PATHWAYS_DRAIN_TIMEOUT_MS", "10000", 0, 600000,
        "how long SIGTERM may spend draining before exiting"),
    SIZE(max_message_bytes, "PATHWAYS_MAX_MESSAGE_BYTES", "4194304", 1024, 67108864,
         "largest message accepted on any socket (ZMQ_MAXMSGSIZE)"),
    SIZE(append_spill_bytes, "PATHWAYS_APPEND_SPILL_BYTES", "8388608", 1024, 1073741824,
         "appended payload bytes a transaction holds before writing them in it (memory bound)"),
    STR(smtp_url, "PATHWAYS_SMTP_URL", "", "SMTP server for email, e.g. smtp://127.0.0.1:2525"),
    STR(smtp_from, "PATHWAYS_SMTP_FROM", "pathways@localhost", "sender address of emails"),
    STR(outbox_file, "PATHWAYS_OUTBOX_FILE", "",
        "file sink for notifications when no SMTP server is set"),
    STR(today, "PATHWAYS_TODAY", "", "fixed date (YYYY-MM-DD) used as today, for tests and demos"),
    INT(stream_partitions, "PATHWAYS_STREAM_PARTITIONS", "1", 1, 64,
        "partitions of a stream when its owner first creates it (fixed afterwards)"),
    INT(lease_ttl_ms, "PATHWAYS_LEASE_TTL_MS", "3000", 300, 600000,
        "partition lease lifetime; a dead instance's partitions move after this"),
    INT(sub_hwm, "PATHWAYS_SUB_HWM", "10000", 1, 10000000,
        "events queued per subscription before ZeroMQ drops (consumers then catch up)"),
    BOOL(migrate_on_start, "PATHWAYS_MIGRATE_ON_START", "on",
         "on: a service applies its migrations at start; off: it waits for them (least privilege)"),
    BOOL(curve, "PATHWAYS_CURVE", "on",
         "on: CURVE authentication and encryption on every socket; off: development mode on "
         "loopback only (nothing authenticated, every request admin; refused elsewhere)"),
    STR(curve_secret_file, "PATHWAYS_CURVE_SECRET_FILE", "",
        "a service's secret certificate file (zcert, mode 0600)"),
    STR(curve_client_secret_file, "PATHWAYS_CURVE_CLIENT_SECRET_FILE", "",
        "a tool's own secret certificate file (zcert, mode 0600)"),
    STR(curve_server_key, "PATHWAYS_CURVE_SERVER_KEY", "",
        "for tools: the services' public key, 40 Z85 characters or a public certificate file"),
    INT(curve_refresh_ms, "PATHWAYS_CURVE_KEY_REFRESH_MS", "1000", 100, 600000,
        "how often the registered keys are re-read (revocation delay)"),
    INT(max_future_days, "PATHWAYS_MAX_FUTURE_DAYS", "366", 0, 3660,
        "partner events whose effective or hire date lies further ahead are rejected"),
    INT(db_connect_timeout_s, "PATHWAYS_DB_CONNECT_TIMEOUT_S", "5", 2, 600,
        "seconds a database connection attempt may take"),
    INT(db_statement_timeout_ms, "PATHWAYS_DB_STATEMENT_TIMEOUT_MS", "60000", 0, 86400000,
        "the server cancels a longer statement (0: off); the client gives up 5 s later"),
    INT(db_idle_in_txn_timeout_ms, "PATHWAYS_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", "60000", 0,
        86400000, "the server ends a transaction left idle this long (0: off)"),
    INT(db_keepalive_idle_s, "PATHWAYS_DB_KEEPALIVE_IDLE_S", "10", 1, 7200,
        "TCP keepalive probes after this much silence (every 5 s, 3 lost = connection dead)"),
    INT(loop_stall_ms, "PATHWAYS_LOOP_STALL_MS", "10000", 500, 600000,
        "/readyz fails when the service loop has not turned for this long"),
};

static int set_key(pw_config_t *cfg, const cfg_key_t *k, const char *val, char *err, size_t errlen)
{
    char *dst = (char *)cfg + k->offset;
    if (k->type == CFG_STR) {
        if (strlen(val) >= k->size) {
            snprintf(err, errlen, "%s is too long (max %zu bytes)", k->env, k->size - 1);
            return -1;
        }
        memcpy(dst, val, strlen(val) + 1);
        return 0;
    }
    if (k->type == CFG_BOOL) {
        int on = !strcmp(val, "on") || !strcmp(val, "1") || !strcmp(val, "true");
        int off = !strcmp(val, "off") || !strcmp(val, "0") || !strcmp(val, "false");
        if (!on && !off) {
            snprintf(err, errlen, "%s=%s is not on or off", k->env, val);
            return -1;
        }
        *(int *)(void *)dst = on;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (errno || end == val || *end != '\0' || v < k->min || v > k->max) {
        snprintf(err, errlen, "%s=%s is not a whole number from %ld to %ld", k->env, val, k->min,
                 k->max);
        return -1;
    }
    if (k->type == CFG_INT)
        *(int *)(void *)dst = (int)v;
    else
        *(size_t *)(void *)dst = (size_t)v;
    return 0;
}

int pw_config_defaults(pw_config_t *cfg, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (set_key(cfg, &keys[i], keys[i].def, err, errlen) != 0)
            return -1;
    return 0;
}

int pw_config_load(pw_config_t *cfg, char *err, size_t errlen)
{
    if (pw_config_defaults(cfg, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *env = getenv(keys[i].env);
        if (env && *env && set_key(cfg, &keys[i], env, err, errlen) != 0)
            return -1;
    }
    pw_log_level_t lvl;
    if (pw_log_level_parse(cfg->log_level, &lvl) != 0) {
        snprintf(err, errlen, "PATHWAYS_LOG_LEVEL=%s is not debug, info, warn or error",
                 cfg->log_level);
        return -1;
    }
    return 0;
}

static const char *const service_names[PW_SVC_COUNT] = {"eligibility", "enrollment", "notification",
                                                        "reporting"};
static const char *const kind_names[] = {"COMMAND", "EVENTS", "HTTP"};

const char *pw_service_name(pw_service_id_t svc)
{
    return (unsigned)svc < PW_SVC_COUNT ? service_names[svc] : "unknown";
}

int pw_config_host_is_loopback(const char *host)
{
    if (!host)
        return 0;
    if (strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0)
        return 1;
    /* 127.0.0.0/8, written as a dotted quad of digits. */
    unsigned a, b, c, d;
    char tail;
    return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 &&
           c < 256 && d < 256;
}

int pw_config_endpoint_is_loopback(const char *endpoint)
{
    if (!endpoint)
        return 0;
    if (strncmp(endpoint, "ipc://", 6) == 0 || strncmp(endpoint, "inproc://", 9) == 0)
        return 1;
    if (strncmp(endpoint, "tcp://", 6) != 0)
        return 0;
    char host[PW_ENDPOINT_MAX];
    snprintf(host, sizeof host, "%s", endpoint + 6);
    char *colon = strrchr(host, ':'); /* the port follows the last colon */
    if (!colon)
        return 0;
    *colon = '\0';
    return pw_config_host_is_loopback(host);
}

int pw_config_port(const pw_config_t *cfg, pw_service_id_t svc, pw_port_kind_t kind)
{
    return cfg->port_base + 10 * ((int)svc + 1) + (int)kind;
}

void pw_config_endpoint(const pw_config_t *cfg, pw_service_id_t svc, pw_port_kind_t kind,
                        int listen, char *out, size_t outlen)
{
    char var[96], upper[32];
    const char *name = pw_service_name(svc);
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof upper; i++)
        upper[i] = (char)(name[i] - 'a' + 'A');
    upper[i] = '\0';
    /* A listening socket may have its own address (e.g. tcp://0.0.0.0:7111
     * in a pod) while clients keep connecting to the service's name. */
    const char *over = NULL;
    if (listen) {
        snprintf(var, sizeof var, "PATHWAYS_%s_%s_BIND", upper, kind_names[kind]);
        over = getenv(var);
    }
    if (!over || !*over) {
        snprintf(var, sizeof var, "PATHWAYS_%s_%s_ENDPOINT", upper, kind_names[kind]);
        over = getenv(var);
    }
    if (over && *over) {
        snprintf(out, outlen, "%s", over);
        return;
    }
    snprintf(out, outlen, "tcp://%s:%d", listen ? cfg->bind_host : cfg->connect_host,
             pw_config_port(cfg, svc, kind));
}

int pw_config_key_at(size_t i, const char **env, const char **def, const char **help)
{
    if (i >= sizeof keys / sizeof keys[0])
        return -1;
    *env = keys[i].env;
    *def = keys[i].def;
    *help = keys[i].help;
    return 0;
}

void pw_config_describe(void *file)
{
    FILE *f = file;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        fprintf(f, "%-28s default %-10s %s\n", keys[i].env, *keys[i].def ? keys[i].def : "(empty)",
                keys[i].help);
    fprintf(f, "%-28s %s\n", "PATHWAYS_<SVC>_<KIND>_ENDPOINT",
            "explicit endpoint, e.g. PATHWAYS_REPORTING_COMMAND_ENDPOINT=tcp://127.0.0.1:7140");
    fprintf(f, "%-28s %s\n", "PATHWAYS_<SVC>_<KIND>_BIND",
            "listening address only (wins over _ENDPOINT for the service itself)");
    fprintf(f, "%-28s %s\n", "PATHWAYS_CLOCK_FILE",
            "file whose first line is today's date (re-read on change; tests move time)");
}
