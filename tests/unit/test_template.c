/* Unit tests for notification templates, the built-in catalog and header
 * encoding: a missing or unknown variable is an error, never an empty
 * hole; no value can inject a header line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "notification/catalog.h"
#include "notification/message.h"
#include "notification/template.h"

static const char *const VARS[] = {"given_name", "program", NULL};

static void test_render_named_variables(void **state)
{
    (void)state;
    char err[128];
    ntf_template_t *t =
        ntf_template_new("Hi {{given_name}}, join {{ program }}!", VARS, err, sizeof err);
    assert_non_null(t);
    assert_true(ntf_template_uses(t, "program"));
    ntf_var_t v[] = {{"program", "MAPP"}, {"given_name", "Ana"}};
    char *out = ntf_template_render(t, v, 2, err, sizeof err);
    assert_string_equal(out, "Hi Ana, join MAPP!");
    free(out);
    ntf_template_destroy(&t);
    ntf_template_destroy(&t); /* safe twice */
    assert_null(t);
}

static void test_missing_variable_is_an_error(void **state)
{
    (void)state;
    char err[128] = "";
    ntf_template_t *t = ntf_template_new("Hi {{given_name}} in {{program}}", VARS, err, sizeof err);
    ntf_var_t v[] = {{"given_name", "Ana"}};
    assert_null(ntf_template_render(t, v, 1, err, sizeof err));
    assert_string_equal(err, "missing variable {{program}}");
    ntf_var_t nullv[] = {{"given_name", "Ana"}, {"program", NULL}};
    assert_null(ntf_template_render(t, nullv, 2, err, sizeof err));
    ntf_template_destroy(&t);
}

static void test_bad_templates_fail_at_load(void **state)
{
    (void)state;
    char err[128] = "";
    assert_null(ntf_template_new("Hi {{given_nmae}}", VARS, err, sizeof err));
    assert_string_equal(err, "unknown variable {{given_nmae}}");
    assert_null(ntf_template_new("Hi {{given_name", VARS, err, sizeof err));
    assert_non_null(strstr(err, "unclosed"));
    assert_null(ntf_template_new("Hi {{}}", VARS, err, sizeof err));
    assert_null(ntf_template_new("Hi {{given name}}", VARS, err, sizeof err));
    assert_null(ntf_template_new("{{a-b}}", VARS, err, sizeof err));
    assert_null(ntf_template_new(NULL, VARS, err, sizeof err));
    /* No variables at all is fine, and so is a lone brace. */
    ntf_template_t *t = ntf_template_new("plain { text }", VARS, err, sizeof err);
    assert_non_null(t);
    char *out = ntf_template_render(t, NULL, 0, err, sizeof err);
    assert_string_equal(out, "plain { text }");
    free(out);
    ntf_template_destroy(&t);
}

static void test_values_are_not_reexpanded(void **state)
{
    (void)state;
    char err[128];
    ntf_template_t *t = ntf_template_new("[{{given_name}}]", VARS, err, sizeof err);
    ntf_var_t v[] = {{"given_name", "{{program}}"}};
    char *out = ntf_template_render(t, v, 1, err, sizeof err);
    assert_string_equal(out, "[{{program}}]");
    free(out);
    ntf_template_destroy(&t);
}

static void test_catalog_languages(void **state)
{
    (void)state;
    char err[160];
    ntf_catalog_t *c = ntf_catalog_builtin(err, sizeof err);
    assert_non_null(c);
    char *subject = NULL, *body = NULL;
    ntf_render_input_t in = {.trigger = NTF_TRIGGER_INVITATION,
                             .language = "es-MX",
                             .given_name = "Lucía",
                             .program = "mapp",
                             .notification_id = "n-1"};
    assert_int_equal(ntf_catalog_render(c, &in, &subject, &body, err, sizeof err), 0);
    assert_non_null(strstr(subject, "Invitación"));
    assert_non_null(strstr(body, "Hola Lucía"));
    assert_non_null(strstr(body, "n-1"));
    free(subject);
    free(body);
    static const ntf_var_t why[] = {{"reason", "terminated"},
                                    {"employer", "acme"},
                                    {"employee", "e1"},
                                    {"employer_name", "Acme"},
                                    {"effective_date", "2026-01-01"},
                                    {"cohort_id", "c1"}};
    ntf_render_input_t en = {.trigger = NTF_TRIGGER_EXITED,
                             .language = "fr",
                             .given_name = "",
                             .program = "mapp",
                             .notification_id = "n-2",
                             .vars = why,
                             .n_vars = 6};
    assert_int_equal(ntf_catalog_render(c, &en, &subject, &body, err, sizeof err), 0);
    assert_non_null(strstr(subject, "has ended"));
    assert_non_null(strstr(body, "Hello colleague"));
    free(subject);
    free(body);
    ntf_render_input_t bad = {.trigger = "promoted", .program = "mapp", .notification_id = "n-3"};
    assert_int_equal(ntf_catalog_render(c, &bad, &subject, &body, err, sizeof err), -1);
    assert_non_null(strstr(err, "no template"));
    /* The exit notice uses {{reason}}: without it, an error, not a blank. */
    ntf_render_input_t noreason = en;
    noreason.n_vars = 0;
    assert_int_equal(ntf_catalog_render(c, &noreason, &subject, &body, err, sizeof err), -1);
    assert_string_equal(err, "missing variable {{reason}}");
    ntf_render_input_t noid = en;
    noid.notification_id = NULL;
    assert_int_equal(ntf_catalog_render(c, &noid, &subject, &body, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing variable"));
    /* Unknown program. */
    ntf_render_input_t other = en;
    other.program = "nursing";
    assert_int_equal(ntf_catalog_render(c, &other, &subject, &body, err, sizeof err), -1);
    ntf_catalog_destroy(&c);
}

static void test_subject_cannot_inject_headers(void **state)
{
    (void)state;
    char err[160];
    ntf_catalog_t *c = ntf_catalog_builtin(err, sizeof err);
    char *subject = NULL, *body = NULL;
    static const ntf_var_t v[] = {{"employer", "acme"},
                                  {"employee", "e1"},
                                  {"employer_name", "Acme"},
                                  {"effective_date", "2026-01-01"},
                                  {"cohort_id", "c1\r\nX: y"}};
    /* The HR notice's subject carries the employee's name. */
    ntf_render_input_t in = {.trigger = "enrolled",
                             .language = "en",
                             .given_name = "x\r\nBcc: a@b.c",
                             .program = "mapp",
                             .notification_id = "n-1",
                             .recipient = "hr",
                             .vars = v,
                             .n_vars = 5};
    assert_int_equal(ntf_catalog_render(c, &in, &subject, &body, err, sizeof err), 0);
    assert_null(strchr(subject, '\r'));
    assert_null(strchr(subject, '\n'));
    assert_non_null(strstr(subject, "x  Bcc: a@b.c"));
    free(subject);
    free(body);
    ntf_catalog_destroy(&c);

    char *h = ntf_header_encode("Hi\r\nBcc: victim@example.com\n\tX");
    assert_string_equal(h, "Hi  Bcc: victim@example.com  X");
    free(h);
    h = ntf_header_encode("Invitación\r\nBcc: v@e.com");
    assert_non_null(h);
    assert_null(strpbrk(h, "\r\n"));
    assert_int_equal(strncmp(h, "=?UTF-8?B?", 10), 0);
    free(h);
}

static void test_long_utf8_subject_is_split_into_words(void **state)
{
    (void)state;
    char in[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(in, "ñá");
    char *h = ntf_header_encode(in);
    assert_non_null(h);
    for (char *w = h; w && *w;) {
        char *sp = strchr(w, ' ');
        size_t len = sp ? (size_t)(sp - w) : strlen(w);
        assert_true(len <= 75);
        w = sp ? sp + 1 : NULL;
    }
    free(h);
}

static void test_message_format(void **state)
{
    (void)state;
    char err[128];
    ntf_message_t m = {.notification_id = "3f2b-77",
                       .to = "ana@example.com",
                       .from = "Pathways <noreply@pathways.test>",
                       .subject = "Hello\nBcc: x@y.z",
                       .body = "line one\nline two"};
    char *text = ntf_message_format(&m, 0, err, sizeof err);
    assert_non_null(text);
    assert_non_null(strstr(text, "\r\nTo: ana@example.com\r\n"));
    assert_non_null(strstr(text, "\r\nSubject: Hello Bcc: x@y.z\r\n"));
    assert_null(strstr(text, "\r\nBcc:"));
    assert_non_null(strstr(text, "Message-ID: <3f2b-77@pathways.test>\r\n"));
    assert_non_null(strstr(text, "X-Pathways-Notification-Id: 3f2b-77\r\n"));
    assert_non_null(strstr(text, "\r\n\r\nline one\r\nline two\r\n"));
    free(text);
    m.to = "ana@example.com\r\nBcc: x@y.z";
    assert_null(ntf_message_format(&m, 0, err, sizeof err));
    m.to = "ana@example.com";
    m.notification_id = "id>\r\nX: y";
    assert_null(ntf_message_format(&m, 0, err, sizeof err));
}

static void test_addresses(void **state)
{
    (void)state;
    assert_true(ntf_address_valid("a.b+c@example.org"));
    assert_false(ntf_address_valid("no-at-sign"));
    assert_false(ntf_address_valid("@example.org"));
    assert_false(ntf_address_valid("a@"));
    assert_false(ntf_address_valid("a@b@c"));
    assert_false(ntf_address_valid("a b@c.d"));
    assert_false(ntf_address_valid("a@c.d\r\n"));
    assert_false(ntf_address_valid(""));
    assert_false(ntf_address_valid(NULL));
    char out[64];
    assert_int_equal(ntf_address_extract("Pathways <p@x.org>", out, sizeof out), 0);
    assert_string_equal(out, "p@x.org");
    assert_int_equal(ntf_address_extract("p@x.org", out, sizeof out), 0);
    assert_int_equal(ntf_address_extract("Pathways <p@x.org", out, sizeof out), -1);
    assert_int_equal(ntf_address_extract("p@x.org", out, 4), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_named_variables),
        cmocka_unit_test(test_missing_variable_is_an_error),
        cmocka_unit_test(test_bad_templates_fail_at_load),
        cmocka_unit_test(test_values_are_not_reexpanded),
        cmocka_unit_test(test_catalog_languages),
        cmocka_unit_test(test_subject_cannot_inject_headers),
        cmocka_unit_test(test_long_utf8_subject_is_split_into_words),
        cmocka_unit_test(test_message_format),
        cmocka_unit_test(test_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
