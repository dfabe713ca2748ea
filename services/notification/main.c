/* pathways-notification: turns enrollment events into routed messages,
 * keeps them in an outbox and delivers them (SMTP or a JSON-lines file
 * sink for email; signed webhooks), with durable cohort reminders and an
 * admin endpoint. main() only loads config, wires the modules, runs, and
 * tears down in reverse. */
#include <stdio.h>

#include "admin.h"
#include "catalog.h"
#include "channel.h"
#include "contacts.h"
#include "delivery.h"
#include "pathways/topology.h"
#include "pathways/config.h"
#include "pathways/log.h"
#include "pathways/service.h"

/* How often the data files are checked for changes (ms). */
#define NTF_CATALOG_WATCH_MS 2000
#include "recipient.h"
#include "reminders.h"
#include "settings.h"
#include "triggers.h"

#define NTF_REMINDER_INTERVAL_MS 1000

typedef struct {
    const pw_config_t *cfg;
    ntf_settings_t settings;
    ntf_catalog_t *catalog;
    ntf_contacts_t *contacts;
} setup_t;

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

static int remind(void *ctx, pw_service_t *svc)
{
    return ntf_reminders_tick(pw_service_db(svc), ctx) < 0 ? -1 : 0;
}

static ntf_delivery_t *delivery_new(const setup_t *s, pw_service_t *svc, const ntf_publisher_t *pub)
{
    const pw_config_t *cfg = s->cfg;
    const char *from = cfg->smtp_from[0] ? cfg->smtp_from : NTF_DEFAULT_FROM;
    ntf_channel_t *email =
        cfg->smtp_url[0] ? ntf_channel_smtp_new_auth(cfg->smtp_url, from, s->settings.smtp_user,
                                                     s->settings.smtp_password)
                         : ntf_channel_from_config(cfg);
    ntf_channel_t *webhook = ntf_channel_webhook_new();
    if (!email || !webhook) {
        pw_error("cannot set up the delivery channels (check PATHWAYS_SMTP_URL/_FROM)");
        ntf_channel_destroy(&email);
        ntf_channel_destroy(&webhook);
        return NULL;
    }
    pw_info("delivering email through the %s channel", ntf_channel_name(email));
    ntf_delivery_opts_t opts = {.max_attempts = cfg->max_attempts,
                                .from = cfg->smtp_from,
                                .metrics = pw_service_metrics(svc),
                                .contacts = s->contacts,
                                .unsubscribe_url = s->settings.unsubscribe_url,
                                .backoff_base_ms = s->settings.backoff_base_ms,
                                .backoff_cap_ms = s->settings.backoff_cap_ms,
                                .address_wait_ms = s->settings.address_wait_ms};
    ntf_delivery_t *d = ntf_delivery_new(&opts, &email, s->catalog, pub);
    ntf_channel_destroy(&email);
    if (d)
        ntf_delivery_set_webhook(d, &webhook);
    ntf_channel_destroy(&webhook);
    return d;
}

/* A program added (or a template changed) by placing files is served
 * without a restart: the catalog is loaded again when the files change. A
 * set of files that does not load is logged and the last good one stays. */
typedef struct {
    const setup_t *s;
    unsigned long long stamp;
} watch_t;

static int watch(void *ctx, pw_service_t *svc)
{
    watch_t *w = ctx;
    char err[512];
    (void)svc;
    unsigned long long now = ntf_catalog_stamp(w->s->settings.routing, w->s->settings.templates);
    if (now == w->stamp)
        return 0;
    w->stamp = now;
    if (ntf_catalog_reload(w->s->catalog, w->s->settings.routing, w->s->settings.templates, err,
                           sizeof err) != 0) {
        pw_error("notification templates changed but do not load (the previous ones stay): %s",
                 err);
        return 0;
    }
    pw_logkv(PW_LOG_INFO, "notification templates reloaded", "routing", w->s->settings.routing,
             "templates", w->s->settings.templates, (char *)NULL);
    return 0;
}

static int run(pw_service_t *svc, const setup_t *s)
{
    watch_t w = {s, ntf_catalog_stamp(s->settings.routing, s->settings.templates)};
    ntf_publisher_t pub = {svc_append, svc_commit, svc_rollback, svc};
    ntf_triggers_t triggers = {&pub, ntf_catalog_routes(s->catalog), s->contacts};
    ntf_delivery_t *delivery = delivery_new(s, svc, &pub);
    int rc = 1;
    if (!delivery ||
        pw_service_consume_batch(svc, PW_SVC_ELIGIBILITY, PW_STREAM_EMPLOYEE, ntf_apply_employee,
                                 NULL) != 0 ||
        pw_service_consume_batch(svc, PW_SVC_ENROLLMENT, PW_STREAM_ENROLLMENT, ntf_apply_enrollment,
                                 &triggers) != 0 ||
        pw_service_on_request(svc, ntf_admin_on_request, &pub) != 0 ||
        pw_service_require(svc, NTF_ADMIN_REQUEST_TYPE, PW_ROLE_ADMIN) != 0 ||
        pw_service_every(svc, NTF_DELIVERY_INTERVAL_MS, deliver, delivery) != 0 ||
        pw_service_every(svc, NTF_REMINDER_INTERVAL_MS, remind, &triggers) != 0 ||
        pw_service_every(svc, NTF_CATALOG_WATCH_MS, watch, &w) != 0 || pw_service_start(svc) != 0)
        goto done;
    rc = pw_service_run(svc) == 0 ? 0 : 1;
done:
    ntf_delivery_destroy(&delivery);
    return rc;
}

/* Loads the data files; any error stops the service before it starts. */
static int load(setup_t *s, char *err, size_t errlen)
{
    if (ntf_settings_load(&s->settings, err, errlen) != 0)
        return -1;
    s->catalog = ntf_catalog_load(s->settings.routing, s->settings.templates, err, errlen);
    if (!s->catalog)
        return -1;
    s->contacts = ntf_contacts_load(s->settings.contacts, s->settings.webhook_secret, err, errlen);
    if (!s->contacts)
        return -1;
    pw_logkv(PW_LOG_INFO, "notification data loaded", "routing", s->settings.routing, "templates",
             s->settings.templates, "contacts", s->settings.contacts, (char *)NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "usage: pathways-notification (configured by PATHWAYS_* variables;\n"
                        "see services/notification/settings.h for the notification ones)\n");
        pw_config_describe(stderr);
        return 2;
    }
    pw_config_t cfg;
    char err[512];
    if (pw_config_load(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "pathways-notification: %s\n", err);
        return 2;
    }
    setup_t s = {.cfg = &cfg};
    int rc = 1;
    /* The service first: it sets up logging for what follows. */
    pw_service_t *svc = pw_service_new(PW_SVC_NOTIFICATION, &cfg);
    if (svc && load(&s, err, sizeof err) != 0)
        pw_error("notification data: %s", err);
    else if (svc)
        rc = run(svc, &s);
    pw_service_destroy(&svc);
    ntf_contacts_destroy(&s.contacts);
    ntf_catalog_destroy(&s.catalog);
    return rc;
}
