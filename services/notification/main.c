/* pathways-notification: turns enrollment events into messages, keeps them
 * in an outbox and delivers them (SMTP, or a JSON-lines file sink). main()
 * only loads config, wires the modules, runs, and tears down in reverse. */
#include <stdio.h>

#include "catalog.h"
#include "channel.h"
#include "delivery.h"
#include "pathways/config.h"
#include "pathways/log.h"
#include "pathways/service.h"
#include "recipient.h"
#include "triggers.h"

static int svc_append(void *ctx, const char *stream, const char *type, const char *key,
                      const char *event_id, const ProtobufCMessage *payload)
{
    return pw_service_append(ctx, stream, type, key, event_id, payload);
}

static int svc_commit(void *ctx, pw_db_t *db)
{
    (void)db; /* the service's own connection */
    return pw_service_commit(ctx);
}

static void svc_rollback(void *ctx, pw_db_t *db)
{
    (void)db;
    pw_service_rollback(ctx);
}

static int deliver(void *ctx, pw_service_t *svc)
{
    return ntf_delivery_tick(ctx, pw_service_db(svc)) < 0 ? -1 : 0;
}

static int run(pw_service_t *svc, const pw_config_t *cfg, ntf_catalog_t *catalog)
{
    ntf_publisher_t pub = {svc_append, svc_commit, svc_rollback, svc};
    ntf_channel_t *channel = ntf_channel_from_config(cfg);
    if (!channel) {
        pw_error("cannot set up the delivery channel (check PATHWAYS_SMTP_URL/_FROM)");
        return 1;
    }
    pw_info("delivering through the %s channel", ntf_channel_name(channel));
    ntf_delivery_opts_t opts = {.max_attempts = cfg->max_attempts,
                                .from = cfg->smtp_from,
                                .metrics = pw_service_metrics(svc)};
    ntf_delivery_t *delivery = ntf_delivery_new(&opts, &channel, catalog, &pub);
    ntf_channel_destroy(&channel);
    int rc = 1;
    if (!delivery ||
        pw_service_consume(svc, PW_SVC_ELIGIBILITY, NTF_EMPLOYEE_STREAM, ntf_apply_employee,
                           NULL) != 0 ||
        pw_service_consume(svc, PW_SVC_ENROLLMENT, NTF_ENROLLMENT_STREAM, ntf_apply_enrollment,
                           &pub) != 0 ||
        pw_service_every(svc, NTF_DELIVERY_INTERVAL_MS, deliver, delivery) != 0 ||
        pw_service_start(svc) != 0)
        goto done;
    rc = pw_service_run(svc) == 0 ? 0 : 1;
done:
    ntf_delivery_destroy(&delivery);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "usage: pathways-notification (configured by PATHWAYS_* variables)\n");
        pw_config_describe(stderr);
        return 2;
    }
    pw_config_t cfg;
    char err[256];
    if (pw_config_load(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "pathways-notification: %s\n", err);
        return 2;
    }
    pw_log_level_t level = PW_LOG_INFO;
    if (pw_log_level_parse(cfg.log_level, &level) != 0)
        level = PW_LOG_INFO;
    pw_log_init("notification", level);
    ntf_catalog_t *catalog = ntf_catalog_builtin(err, sizeof err);
    if (!catalog) {
        pw_error("templates: %s", err);
        return 1;
    }
    pw_service_t *svc = pw_service_new(PW_SVC_NOTIFICATION, &cfg);
    int rc = svc ? run(svc, &cfg, catalog) : 1;
    pw_service_destroy(&svc);
    ntf_catalog_destroy(&catalog);
    return rc;
}
