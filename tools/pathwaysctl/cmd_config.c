/* pathwaysctl config: every environment variable the binaries read, with
 * its effective value here (from the environment, else the default), where
 * that value comes from, the default and the meaning. The shared variables
 * come from common's configuration table; the services' own settings
 * (notification delivery, reporting) are listed below, with the defaults
 * their loaders use (pathways/defaults.h, shared with them). Secrets are
 * shown as "(set)", never printed. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "json_out.h"
#include "pathways/defaults.h"

typedef struct {
    const char *env, *def, *help;
    int secret;
} extra_t;

/* Read by one service itself (services/notification/settings.c,
 * services/reporting), by the date helpers, or by pathwaysctl. */
static const extra_t EXTRAS[] = {
    {"PATHWAYS_CLOCK_FILE", "", "file whose first line is today's date (re-read on change)", 0},
    {"PATHWAYS_ATTRIBUTES_FILE", PW_DEFAULT_ATTRIBUTES_FILE,
     "eligibility: the declared employee attributes (re-read on change)", 0},
    {"PATHWAYS_NOTIFICATION_ROUTING", PW_DEFAULT_ROUTING_FILE,
     "notification: which trigger goes to whom by which channel", 0},
    {"PATHWAYS_NOTIFICATION_CONTACTS", PW_DEFAULT_CONTACTS_FILE,
     "notification: employers' HR contacts and providers' webhooks", 0},
    {"PATHWAYS_TEMPLATE_DIR", PW_DEFAULT_TEMPLATE_DIR, "notification: message templates", 0},
    {"PATHWAYS_WEBHOOK_SECRET", "", "notification: HMAC key of webhook signatures", 1},
    {"PATHWAYS_WEBHOOK_SECRET_FILE", "", "notification: file holding the webhook key", 0},
    {"PATHWAYS_SMTP_USER", "", "notification: SMTP login", 0},
    {"PATHWAYS_SMTP_PASSWORD", "", "notification: SMTP password", 1},
    {"PATHWAYS_UNSUBSCRIBE_URL", "", "notification: unsubscribe link in emails", 0},
    {"PATHWAYS_NOTIFICATION_BACKOFF_BASE_MS", PW_DEFAULT_TEXT(PW_DEFAULT_BACKOFF_BASE_MS),
     "notification: first retry delay", 0},
    {"PATHWAYS_NOTIFICATION_BACKOFF_CAP_MS", PW_DEFAULT_TEXT(PW_DEFAULT_BACKOFF_CAP_MS),
     "notification: longest retry delay", 0},
    {"PATHWAYS_NOTIFICATION_ADDRESS_WAIT_S", PW_DEFAULT_TEXT(PW_DEFAULT_ADDRESS_WAIT_S),
     "notification: how long an employee notification waits for its address", 0},
    {"PATHWAYS_REPORTING_COSTS_FILE", "(built in)",
     "reporting: replacement costs per employer and role, with sources", 0},
    {"PATHWAYS_REPORTING_RELEASE_PERIOD", PW_DEFAULT_RELEASE_PERIOD,
     "reporting: month | quarter | year, the period protected reports are dated by", 0},
    {"PATHWAYS_PROGRAM_DIR", PW_DEFAULT_PROGRAM_DIR,
     "enrollment: program files whose at_risk sections it reads at start-up", 0},
    {"PATHWAYS_ACTOR", "", "pathwaysctl: who you are in audit records (else $USER)", 0},
};

/* One variable: its effective value and source, as a JSON object. */
static json_t *variable(const char *env, const char *def, const char *help, int secret,
                        const char *override)
{
    const char *set = getenv(env);
    const char *value = override ? override : set && *set ? set : def;
    const char *source = override ? "--database-url" : set && *set ? "environment" : "default";
    if (secret && set && *set)
        value = "(set)";
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", env, "value", value, "source", source,
                     "default", def, "meaning", help);
}

static json_t *variables(const ctl_t *ctl)
{
    json_t *all = json_array();
    const char *env, *def, *help;
    for (size_t i = 0; pw_config_key_at(i, &env, &def, &help) == 0; i++) {
        const char *set = getenv(env);
        const char *url = ctl->cfg.database_url;
        int overridden =
            strcmp(env, "PATHWAYS_DATABASE_URL") == 0 && strcmp(url, set && *set ? set : def) != 0;
        json_array_append_new(all, variable(env, def, help, 0, overridden ? url : NULL));
    }
    for (size_t i = 0; i < sizeof EXTRAS / sizeof EXTRAS[0]; i++)
        json_array_append_new(
            all, variable(EXTRAS[i].env, EXTRAS[i].def, EXTRAS[i].help, EXTRAS[i].secret, NULL));
    return all;
}

/* The endpoints clients and services use with this configuration. */
static json_t *endpoints(const ctl_t *ctl)
{
    static const char *const kinds[] = {"command", "events", "http"};
    json_t *all = json_object();
    for (int s = 0; s < PW_SVC_COUNT; s++) {
        json_t *one = json_object();
        for (int k = 0; k < 3; k++) {
            char ep[PW_ENDPOINT_MAX];
            pw_config_endpoint(&ctl->cfg, (pw_service_id_t)s, (pw_port_kind_t)k, 0, ep, sizeof ep);
            json_object_set_new(one, kinds[k], json_string(ep));
        }
        json_object_set_new(all, pw_service_name((pw_service_id_t)s), one);
    }
    return all;
}

int ctl_config(ctl_t *ctl, int argc, char **argv)
{
    int json = ctl_take_json(&argc, argv);
    if (ctl_wants_help(argc, argv)) {
        printf("usage: pathwaysctl config [--json]\n\n"
               "Prints every environment variable with its effective value here (from the\n"
               "environment or the default; secrets as \"(set)\"), its default and meaning,\n"
               "and the endpoints that follow from them.\n");
        return CTL_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "pathwaysctl config: unexpected argument '%s'\n", argv[1]);
        return CTL_USAGE;
    }
    json_t *vars = variables(ctl), *eps = endpoints(ctl);
    if (json) {
        ctl_json_print(json_pack("{s:o, s:o}", "variables", vars, "endpoints", eps));
        return CTL_OK;
    }
    size_t i;
    json_t *v;
    printf("%-42s %-36s %-12s %s\n", "VARIABLE", "VALUE", "FROM", "MEANING (default)");
    json_array_foreach(vars, i, v)
    {
        const char *value = json_string_value(json_object_get(v, "value"));
        const char *def = json_string_value(json_object_get(v, "default"));
        printf("%-42s %-36s %-12s %s (%s)\n", json_string_value(json_object_get(v, "name")),
               *value ? value : "(empty)", json_string_value(json_object_get(v, "source")),
               json_string_value(json_object_get(v, "meaning")), *def ? def : "empty");
    }
    printf("\nEndpoints (PATHWAYS_<SERVICE>_<COMMAND|EVENTS|HTTP>_ENDPOINT, _BIND override):\n");
    const char *svc;
    json_object_foreach(eps, svc, v)
    {
        printf("  %-13s command %s  events %s  http %s\n", svc,
               json_string_value(json_object_get(v, "command")),
               json_string_value(json_object_get(v, "events")),
               json_string_value(json_object_get(v, "http")));
    }
    json_decref(vars);
    json_decref(eps);
    return CTL_OK;
}
