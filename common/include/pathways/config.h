/* Configuration from environment variables, with defaults that work for a
 * local run. One table (config.c) lists every key with its default and
 * meaning; `pathwaysctl config` prints it, and the README is written from it.
 *
 * Ports follow one block of ten per service above PATHWAYS_PORT_BASE
 * (default 7100): eligibility +10, enrollment +20, notification +30,
 * reporting +40; inside a block +0 is the command ROUTER, +1 the event PUB,
 * +2 HTTP (health, metrics, dashboard). */
#ifndef PATHWAYS_CONFIG_H
#define PATHWAYS_CONFIG_H

#include <stddef.h>

typedef enum {
    PW_SVC_ELIGIBILITY = 0,
    PW_SVC_ENROLLMENT,
    PW_SVC_NOTIFICATION,
    PW_SVC_REPORTING,
    PW_SVC_COUNT
} pw_service_id_t;

typedef enum { PW_PORT_COMMAND = 0, PW_PORT_EVENTS = 1, PW_PORT_HTTP = 2 } pw_port_kind_t;

#define PW_ENDPOINT_MAX 256

typedef struct {
    char database_url[1024];            /* PATHWAYS_DATABASE_URL */
    char bind_host[64];                 /* PATHWAYS_BIND_HOST: where services listen */
    char connect_host[64];              /* PATHWAYS_CONNECT_HOST: where clients connect */
    int port_base;                      /* PATHWAYS_PORT_BASE */
    char log_level[16];                 /* PATHWAYS_LOG_LEVEL */
    int batch_max;                      /* PATHWAYS_BATCH_MAX: events per consumer txn */
    int idle_catchup_ms;                /* PATHWAYS_IDLE_CATCHUP_MS */
    int max_attempts;                   /* PATHWAYS_MAX_ATTEMPTS before dead-lettering */
    int drain_timeout_ms;               /* PATHWAYS_DRAIN_TIMEOUT_MS on SIGTERM */
    size_t max_message_bytes;           /* PATHWAYS_MAX_MESSAGE_BYTES (ZMQ_MAXMSGSIZE) */
    size_t append_spill_bytes;          /* PATHWAYS_APPEND_SPILL_BYTES */
    char smtp_url[512];                 /* PATHWAYS_SMTP_URL, e.g. smtp://127.0.0.1:2525 */
    char smtp_from[256];                /* PATHWAYS_SMTP_FROM */
    char outbox_file[512];              /* PATHWAYS_OUTBOX_FILE: file sink when no SMTP */
    char today[16];                     /* PATHWAYS_TODAY: fixed "today" for tests/demo */
    int stream_partitions;              /* PATHWAYS_STREAM_PARTITIONS for new streams */
    int lease_ttl_ms;                   /* PATHWAYS_LEASE_TTL_MS: partition lease lifetime */
    int sub_hwm;                        /* PATHWAYS_SUB_HWM: queued events per subscription */
    int migrate_on_start;               /* PATHWAYS_MIGRATE_ON_START: on (1) | off (0) */
    int curve;                          /* PATHWAYS_CURVE: on (1) | off (0, loopback development) */
    char curve_secret_file[512];        /* PATHWAYS_CURVE_SECRET_FILE: a service's key */
    char curve_client_secret_file[512]; /* PATHWAYS_CURVE_CLIENT_SECRET_FILE: a tool's key */
    char curve_server_key[512];    /* PATHWAYS_CURVE_SERVER_KEY: Z85 text or public cert file */
    int curve_refresh_ms;          /* PATHWAYS_CURVE_KEY_REFRESH_MS: key cache reload */
    int max_future_days;           /* PATHWAYS_MAX_FUTURE_DAYS: partner dates ahead of today */
    int db_connect_timeout_s;      /* PATHWAYS_DB_CONNECT_TIMEOUT_S */
    int db_statement_timeout_ms;   /* PATHWAYS_DB_STATEMENT_TIMEOUT_MS (0: off) */
    int db_idle_in_txn_timeout_ms; /* PATHWAYS_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS (0: off) */
    int db_keepalive_idle_s;       /* PATHWAYS_DB_KEEPALIVE_IDLE_S */
    int loop_stall_ms;             /* PATHWAYS_LOOP_STALL_MS: readiness fails past it */
} pw_config_t;

/* Fills cfg with the defaults only (the environment is not read). Returns 0
 * or -1 (a default the table itself rejects: a bug). */
int pw_config_defaults(pw_config_t *cfg, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* Fills cfg from the environment over the defaults. Returns 0, or -1 with a
 * reason in err when a value is malformed (e.g. a non-numeric port). */
int pw_config_load(pw_config_t *cfg, char *err, size_t errlen) __attribute__((warn_unused_result));

/* Writes "tcp://HOST:PORT" for a service's port into out. When listen is
 * non-zero the bind host is used, otherwise the connect host. An explicit
 * override variable (PATHWAYS_<SERVICE>_<KIND>_ENDPOINT) wins. */
void pw_config_endpoint(const pw_config_t *cfg, pw_service_id_t svc, pw_port_kind_t kind,
                        int listen, char *out, size_t outlen);
int pw_config_port(const pw_config_t *cfg, pw_service_id_t svc, pw_port_kind_t kind);

const char *pw_service_name(pw_service_id_t svc);

/* 1 when host is a loopback address or name (127.0.0.0/8, ::1,
 * localhost), else 0 ("*", "0.0.0.0", "::", any other address). */
int pw_config_host_is_loopback(const char *host);
/* 1 when a ZeroMQ endpoint listens or connects on loopback only (tcp on a
 * loopback host, or ipc:// / inproc://), else 0. */
int pw_config_endpoint_is_loopback(const char *endpoint);

/* Prints every known variable with its default and meaning (for --help). */
void pw_config_describe(void *file);

/* The i-th variable of the configuration table (0, 1, ...): its name,
 * default and meaning (borrowed, static). Returns 0, or -1 past the last. */
int pw_config_key_at(size_t i, const char **env, const char **def, const char **help);

#endif
