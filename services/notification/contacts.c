/* Contacts file (contacts.h). */
#include "contacts.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "pathways/date.h"
#include "settings.h"
#include "pathways/yaml.h"

struct ntf_contacts {
    json_t *root; /* validated; providers carry a resolved "secret" */
};

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int check_employers(json_t *employers, char *err, size_t errlen)
{
    const char *id;
    json_t *e;
    json_object_foreach(employers, id, e)
    {
        const char *email = str(e, "hr_email");
        if (!json_is_object(e) || (email && *email && !ntf_address_valid(email))) {
            snprintf(err, errlen,
                     "employers/%s: {hr_email: a bare address, name, hr_language}"
                     " expected",
                     id);
            return -1;
        }
    }
    return 0;
}

/* Resolves a provider's key into its "secret" member. */
static int resolve_secret(const char *id, json_t *p, const char *fallback, char *err, size_t errlen)
{
    char secret[NTF_SECRET_MAX] = "";
    const char *var = str(p, "secret_env"), *file = str(p, "secret_file");
    if (var && getenv(var))
        snprintf(secret, sizeof secret, "%s", getenv(var));
    else if (file && ntf_read_secret_file(file, secret, sizeof secret, err, errlen) != 0)
        return -1;
    else if (!var && !file)
        snprintf(secret, sizeof secret, "%s", fallback ? fallback : "");
    if (!*secret) {
        snprintf(err, errlen, "providers/%s: no webhook secret (set %s%s)", id,
                 var ? var : "PATHWAYS_WEBHOOK_SECRET", var ? "" : " or secret_env/secret_file");
        return -1;
    }
    return json_object_set_new(p, "secret", json_string(secret));
}

static int check_providers(json_t *providers, const char *secret, char *err, size_t errlen)
{
    const char *id;
    json_t *p;
    json_object_foreach(providers, id, p)
    {
        const char *url = str(p, "webhook_url");
        if (!json_is_object(p) || !url ||
            (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
            snprintf(err, errlen, "providers/%s: webhook_url (http:// or https://) required", id);
            return -1;
        }
        if (resolve_secret(id, p, secret, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int check_links(json_t *root, const char *section, char *err, size_t errlen)
{
    json_t *providers = json_object_get(root, "providers");
    const char *id;
    json_t *o;
    json_object_foreach(json_object_get(root, section), id, o)
    {
        const char *prov = str(o, "provider"), *start = str(o, "start_date");
        int32_t day;
        if (!json_is_object(o) || (prov && !json_object_get(providers, prov)) ||
            (start && pw_date_parse(start, &day) != 0)) {
            snprintf(err, errlen,
                     "%s/%s: provider must name an entry of providers; start_date"
                     " is YYYY-MM-DD",
                     section, id);
            return -1;
        }
    }
    return 0;
}

static ntf_contacts_t *validate(json_t *root, const char *name, const char *secret, char *err,
                                size_t errlen)
{
    char why[320] = "";
    static const char *const SECTIONS[] = {"employers", "providers", "programs", "cohorts"};
    for (size_t i = 0; i < 4 && !*why; i++) {
        json_t *s = json_object_get(root, SECTIONS[i]);
        if (s && !json_is_object(s))
            snprintf(why, sizeof why, "%s: a mapping expected", SECTIONS[i]);
    }
    if (!*why && !json_is_object(root))
        snprintf(why, sizeof why, "a mapping expected");
    if (!*why && check_employers(json_object_get(root, "employers"), why, sizeof why) == 0 &&
        check_providers(json_object_get(root, "providers"), secret, why, sizeof why) == 0 &&
        check_links(root, "programs", why, sizeof why) == 0)
        check_links(root, "cohorts", why, sizeof why);
    ntf_contacts_t *c = *why ? NULL : calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "%s: %s", name, *why ? why : "out of memory");
        json_decref(root);
        return NULL;
    }
    c->root = root;
    return c;
}

ntf_contacts_t *ntf_contacts_load(const char *path, const char *default_secret, char *err,
                                  size_t errlen)
{
    if (!path || !*path)
        return ntf_contacts_parse("{}", default_secret, err, errlen);
    json_t *root = pw_yaml_load(path, err, errlen);
    return root ? validate(root, path, default_secret, err, errlen) : NULL;
}

ntf_contacts_t *ntf_contacts_parse(const char *text, const char *default_secret, char *err,
                                   size_t errlen)
{
    json_t *root = pw_yaml_parse(text, strlen(text), "contacts", err, errlen);
    return root ? validate(root, "contacts", default_secret, err, errlen) : NULL;
}

void ntf_contacts_destroy(ntf_contacts_t **p)
{
    if (!p || !*p)
        return;
    json_decref((*p)->root);
    free(*p);
    *p = NULL;
}

static json_t *entry(const ntf_contacts_t *c, const char *section, const char *id)
{
    return id && *id ? json_object_get(json_object_get(c->root, section), id) : NULL;
}

const char *ntf_contacts_hr_email(const ntf_contacts_t *c, const char *employer)
{
    const char *e = str(entry(c, "employers", employer), "hr_email");
    return e && *e ? e : NULL;
}

const char *ntf_contacts_hr_language(const ntf_contacts_t *c, const char *employer)
{
    return str(entry(c, "employers", employer), "hr_language");
}

const char *ntf_contacts_employer_name(const ntf_contacts_t *c, const char *employer)
{
    return str(entry(c, "employers", employer), "name");
}

int ntf_contacts_provider(const ntf_contacts_t *c, const char *program, const char *cohort_id,
                          ntf_provider_t *out)
{
    const char *id = str(entry(c, "cohorts", cohort_id), "provider");
    if (!id)
        id = str(entry(c, "programs", program), "provider");
    json_t *p = entry(c, "providers", id);
    if (!p)
        return -1;
    *out = (ntf_provider_t){id, str(p, "name") ? str(p, "name") : id, str(p, "webhook_url"),
                            str(p, "secret")};
    return 0;
}

const char *ntf_contacts_cohort_start(const ntf_contacts_t *c, const char *cohort_id)
{
    return str(entry(c, "cohorts", cohort_id), "start_date");
}
