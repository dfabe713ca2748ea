/* Unit tests for the notification data files and channel escaping: routing
 * and contacts are validated whole at load (unknown trigger, recipient or
 * channel, a webhook without a key), templates fail at load on a variable
 * their trigger cannot fill, values are escaped per channel, and webhook
 * signatures are the documented HMAC-SHA256. */
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

#include "notification/catalog.h"
#include "notification/channel.h"
#include "notification/contacts.h"
#include "notification/routes.h"
#include "notification/template.h"

static const char *ROUTING = "programs:\n"
                             "  mapp:\n"
                             "    languages: [en, es]\n"
                             "    names: {en: MAPP, es: MAPP-es}\n"
                             "    reminder_days: [7, 1]\n"
                             "    triggers:\n"
                             "      enrolled:\n"
                             "        - {to: employee, channel: email}\n"
                             "        - {to: provider, channel: webhook}\n";

static void test_routes_are_data(void **state)
{
    (void)state;
    char err[256];
    ntf_routes_t *r = ntf_routes_parse(ROUTING, err, sizeof err);
    assert_non_null(r);
    ntf_route_t to[NTF_MAX_ROUTES];
    assert_int_equal(ntf_routes_for(r, "mapp", "enrolled", to, NTF_MAX_ROUTES), 2);
    assert_string_equal(to[1].recipient, "provider");
    assert_string_equal(to[1].channel, "webhook");
    assert_int_equal(ntf_routes_for(r, "mapp", "exited", to, NTF_MAX_ROUTES), 0);
    assert_int_equal(ntf_routes_for(r, "nursing", "enrolled", to, NTF_MAX_ROUTES), 0);
    assert_string_equal(ntf_routes_language(r, "mapp", "es-MX"), "es");
    assert_string_equal(ntf_routes_language(r, "mapp", "fr"), "en");
    assert_string_equal(ntf_routes_name(r, "mapp", "es"), "MAPP-es");
    int days[NTF_MAX_REMINDERS];
    assert_int_equal(ntf_routes_reminders(r, "mapp", days, NTF_MAX_REMINDERS), 2);
    assert_int_equal(days[0], 7);
    ntf_routes_destroy(&r);
    ntf_routes_destroy(&r);
}

static void test_bad_routing_fails_at_load(void **state)
{
    (void)state;
    char err[256], text[1024];
    static const struct {
        const char *from, *to, *why;
    } cases[] = {
        {"enrolled:", "enroled:", "unknown trigger \"enroled\""},
        {"channel: webhook", "channel: sms", "cannot use channel \"sms\""},
        {"to: employee, channel: email", "to: employee, channel: webhook", "cannot use"},
        {"[7, 1]", "[7, soon]", "reminder_days"},
        {"es: MAPP-es", "de: MAPP-de", "language 2"},
        {"to: provider, channel: webhook", "to: coordinator, channel: webhook", "cannot use"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *at = strstr(ROUTING, cases[i].from);
        assert_non_null(at);
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - ROUTING), ROUTING, cases[i].to,
                 at + strlen(cases[i].from));
        assert_null(ntf_routes_parse(text, err, sizeof err));
        if (!strstr(err, cases[i].why))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].why);
    }
    assert_null(ntf_routes_parse("programs: [\n", err, sizeof err));
    assert_null(ntf_routes_parse("other: 1\n", err, sizeof err));
    /* The at-risk trigger goes to the program coordinator by email. */
    snprintf(text, sizeof text, "%s      at_risk:\n        - {to: coordinator, channel: email}\n",
             ROUTING);
    ntf_routes_t *r = ntf_routes_parse(text, err, sizeof err);
    assert_non_null(r);
    ntf_route_t to[NTF_MAX_ROUTES];
    assert_int_equal(ntf_routes_for(r, "mapp", "at_risk", to, NTF_MAX_ROUTES), 1);
    assert_string_equal(to[0].recipient, "coordinator");
    ntf_routes_destroy(&r);
}

static void test_contacts(void **state)
{
    (void)state;
    char err[256];
    const char *text = "employers:\n  acme: {name: Acme, hr_email: hr@acme.example}\n"
                       "providers:\n  col: {webhook_url: 'https://col.example/h'}\n"
                       "programs:\n  mapp: {provider: col, coordinator_email: co@x.example}\n"
                       "cohorts:\n  c1: {start_date: 2027-03-01}\n";
    ntf_contacts_t *c = ntf_contacts_parse(text, "k", err, sizeof err);
    assert_non_null(c);
    assert_string_equal(ntf_contacts_hr_email(c, "acme"), "hr@acme.example");
    assert_null(ntf_contacts_hr_email(c, "other"));
    assert_string_equal(ntf_contacts_coordinator_email(c, "mapp"), "co@x.example");
    assert_null(ntf_contacts_coordinator_email(c, "nursing"));
    ntf_provider_t p;
    assert_int_equal(ntf_contacts_provider(c, "mapp", "c1", &p), 0);
    assert_string_equal(p.webhook_url, "https://col.example/h");
    assert_string_equal(p.secret, "k");
    assert_int_equal(ntf_contacts_provider(c, "nursing", "", &p), -1);
    assert_string_equal(ntf_contacts_cohort_start(c, "c1"), "2027-03-01");
    ntf_contacts_destroy(&c);
    /* A webhook must be signed; addresses and dates are checked. */
    assert_null(ntf_contacts_parse(text, "", err, sizeof err));
    assert_non_null(strstr(err, "no webhook secret"));
    assert_null(
        ntf_contacts_parse("employers:\n  a: {hr_email: 'x@y\r\nBcc: z'}\n", "", err, sizeof err));
    assert_null(ntf_contacts_parse("providers:\n  p: {webhook_url: 'file:///etc/passwd'}\n", "k",
                                   err, sizeof err));
    assert_null(
        ntf_contacts_parse("cohorts:\n  c: {start_date: tomorrow}\n", "k", err, sizeof err));
    assert_null(ntf_contacts_parse("programs:\n  m: {coordinator_email: 'a@b\r\nBcc: z'}\n", "k",
                                   err, sizeof err));
    assert_non_null(strstr(err, "coordinator_email"));
}

/* Writes the routing and one template tree under dir; returns 0. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_templates_fail_at_load(void **state)
{
    (void)state;
    char dir[] = "/tmp/pw-ut-tmpl-XXXXXX", path[256], routing[256], err[512];
    assert_non_null(mkdtemp(dir));
    snprintf(routing, sizeof routing, "%s/routing.yaml", dir);
    write_file(routing, ROUTING);
    const char *mk[] = {"mapp", "mapp/en", "mapp/es", "mapp/webhook"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, mk[i]);
        assert_int_equal(mkdir(path, 0700) == 0 || access(path, F_OK) == 0, 1);
    }
    const char *ok = "Subject: Hi {{given_name}}\n\nIn {{cohort_id}}.\n{{unsubscribe}}\n";
    snprintf(path, sizeof path, "%s/mapp/en/enrolled.employee.txt", dir);
    write_file(path, ok);
    snprintf(path, sizeof path, "%s/mapp/es/enrolled.employee.txt", dir);
    write_file(path, "Subject: Hola\n\n{{days_until_start}}\n{{unsubscribe}}\n");
    snprintf(path, sizeof path, "%s/mapp/webhook/enrolled.provider.json", dir);
    write_file(path, "{\"id\": \"{{notification_id}}\", \"who\": \"{{given_name}}\"}\n");
    /* es uses a variable only reminders have. */
    assert_null(ntf_catalog_load(routing, dir, err, sizeof err));
    assert_non_null(strstr(err, "es/enrolled.employee.txt: unknown variable {{days_until_start}}"));
    snprintf(path, sizeof path, "%s/mapp/es/enrolled.employee.txt", dir);
    write_file(path, "Subject: Hola\n\nsin referencia\n");
    assert_null(ntf_catalog_load(routing, dir, err, sizeof err));
    assert_non_null(strstr(err, "{{unsubscribe}}"));
    write_file(path, ok);
    ntf_catalog_t *c = ntf_catalog_load(routing, dir, err, sizeof err);
    assert_non_null(c);
    /* The webhook body is JSON-escaped. */
    ntf_var_t v[] = {{"cohort_id", "c1"}};
    ntf_render_input_t in = {.trigger = "enrolled",
                             .given_name = "A \"B\"\n<c>",
                             .program = "mapp",
                             .notification_id = "n-1",
                             .recipient = "provider",
                             .channel = "webhook",
                             .vars = v,
                             .n_vars = 1};
    char *subject, *body;
    assert_int_equal(ntf_catalog_render(c, &in, &subject, &body, err, sizeof err), 0);
    assert_string_equal(body, "{\"id\": \"n-1\", \"who\": \"A \\\"B\\\"\\u000a<c>\"}\n");
    free(subject);
    free(body);
    ntf_catalog_destroy(&c);
    snprintf(path, sizeof path, "%s/mapp/webhook/enrolled.provider.json", dir);
    write_file(path, "{\"id\": {{notification_id}}}\n"); /* unquoted: not JSON for all values */
    assert_null(ntf_catalog_load(routing, dir, err, sizeof err));
    assert_non_null(strstr(err, "JSON"));
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_escaping_per_channel(void **state)
{
    (void)state;
    char err[128];
    static const char *const V[] = {"x", NULL};
    ntf_template_t *t = ntf_template_new("[{{x}}]", V, err, sizeof err);
    ntf_var_t v[] = {{"x", "a<b>&\"c'\r\n"}};
    char *s = ntf_template_render_escaped(t, v, 1, NTF_ESCAPE_HTML, err, sizeof err);
    assert_string_equal(s, "[a&lt;b&gt;&amp;&quot;c&#39;\r\n]");
    free(s);
    s = ntf_template_render_escaped(t, v, 1, NTF_ESCAPE_HEADER, err, sizeof err);
    assert_string_equal(s, "[a<b>&\"c'  ]");
    free(s);
    s = ntf_template_render_escaped(t, v, 1, NTF_ESCAPE_JSON, err, sizeof err);
    assert_string_equal(s, "[a<b>&\\\"c'\\u000d\\u000a]");
    free(s);
    ntf_template_destroy(&t);
}

static void test_webhook_signature(void **state)
{
    (void)state;
    char hex[65];
    /* HMAC-SHA256("key", "1700000000.{}"), as Python's hmac computes it. */
    assert_int_equal(ntf_webhook_sign("key", "1700000000", "{}", hex, sizeof hex), 0);
    assert_string_equal(hex, "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
    assert_int_equal(ntf_webhook_sign("", "1", "{}", hex, sizeof hex), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_are_data),
        cmocka_unit_test(test_bad_routing_fails_at_load),
        cmocka_unit_test(test_contacts),
        cmocka_unit_test(test_templates_fail_at_load),
        cmocka_unit_test(test_escaping_per_channel),
        cmocka_unit_test(test_webhook_signature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
