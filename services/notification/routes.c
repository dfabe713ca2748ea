/* Routing data (routes.h): a validated jansson tree and accessors. */
#include "routes.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/yaml.h"

struct ntf_routes {
    json_t *programs; /* program -> {languages, names, reminder_days, triggers} */
};

const char *const NTF_COMMON_VARS[] = {
    "given_name", "program",       "program_id", "notification_id", "unsubscribe",
    "employer",   "employer_name", "employee",   "effective_date",  NULL};

static const char *const NO_VARS[] = {NULL};
static const char *const COHORT_VARS[] = {"cohort_id", NULL};
static const char *const START_VARS[] = {"cohort_id", "cohort_start_date", "days_until_start",
                                         NULL};
static const char *const REASON_VARS[] = {"cohort_id", "reason", NULL};

static const struct {
    const char *trigger;
    const char *const *vars;
} TRIGGERS[] = {
    {"invitation", NO_VARS},      {"application_received", NO_VARS},
    {"enrolled", COHORT_VARS},    {"waitlisted", COHORT_VARS},
    {"seat_opened", COHORT_VARS}, {"cohort_starting", START_VARS},
    {"exited", REASON_VARS},      {"paused", REASON_VARS},
    {"withdrawn", REASON_VARS},   {"invitation_withdrawn", REASON_VARS},
    {"at_risk", REASON_VARS},
};

const char *const *ntf_trigger_vars(const char *trigger)
{
    for (size_t i = 0; trigger && i < sizeof TRIGGERS / sizeof TRIGGERS[0]; i++)
        if (strcmp(TRIGGERS[i].trigger, trigger) == 0)
            return TRIGGERS[i].vars;
    return NULL;
}

/* Recipients and the channels each may use. */
static const struct {
    const char *recipient;
    const char *channel;
} ALLOWED[] = {
    {NTF_RECIPIENT_EMPLOYEE, NTF_CHANNEL_EMAIL},
    {NTF_RECIPIENT_HR, NTF_CHANNEL_EMAIL},
    {NTF_RECIPIENT_PROVIDER, NTF_CHANNEL_WEBHOOK},
    {NTF_RECIPIENT_COORDINATOR, NTF_CHANNEL_EMAIL},
};
#define N_ALLOWED (sizeof ALLOWED / sizeof ALLOWED[0])

static int allowed_index(const char *recipient, const char *channel)
{
    for (size_t i = 0; i < N_ALLOWED; i++)
        if (strcmp(ALLOWED[i].recipient, recipient) == 0 &&
            strcmp(ALLOWED[i].channel, channel) == 0)
            return (int)i;
    return -1;
}

static int is_language(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    return 1;
}

static int check_route(const char *prog, const char *trig, json_t *route, char *err, size_t errlen)
{
    const char *to = json_string_value(json_object_get(route, "to"));
    const char *ch = json_string_value(json_object_get(route, "channel"));
    if (!json_is_object(route) || !to || !ch || json_object_size(route) != 2) {
        snprintf(err, errlen, "%s/%s: each route is {to: RECIPIENT, channel: CHANNEL}", prog, trig);
        return -1;
    }
    if (allowed_index(to, ch) < 0) {
        snprintf(err, errlen,
                 "%s/%s: recipient \"%s\" cannot use channel \"%s\" (employee, hr and"
                 " coordinator: email; provider: webhook)",
                 prog, trig, to, ch);
        return -1;
    }
    return 0;
}

static int check_triggers(const char *prog, json_t *triggers, char *err, size_t errlen)
{
    const char *trig;
    json_t *routes;
    if (!json_is_object(triggers)) {
        snprintf(err, errlen, "%s: \"triggers\" must map trigger -> list of routes", prog);
        return -1;
    }
    json_object_foreach(triggers, trig, routes)
    {
        if (!ntf_trigger_vars(trig)) {
            snprintf(err, errlen, "%s: unknown trigger \"%s\"", prog, trig);
            return -1;
        }
        if (!json_is_array(routes) || json_array_size(routes) > NTF_MAX_ROUTES) {
            snprintf(err, errlen, "%s/%s: a list of at most %d routes expected", prog, trig,
                     NTF_MAX_ROUTES);
            return -1;
        }
        size_t i;
        json_t *route;
        json_array_foreach(routes, i,
                           route) if (check_route(prog, trig, route, err, errlen) != 0) return -1;
    }
    return 0;
}

static int check_languages(const char *prog, json_t *p, char *err, size_t errlen)
{
    json_t *langs = json_object_get(p, "languages");
    json_t *names = json_object_get(p, "names");
    size_t n = json_array_size(langs), i;
    json_t *l;
    if (n == 0 || n > NTF_MAX_LANGUAGES || !json_is_object(names)) {
        snprintf(err, errlen, "%s: needs \"languages\" (1..%d codes) and \"names\" per language",
                 prog, NTF_MAX_LANGUAGES);
        return -1;
    }
    json_array_foreach(langs, i, l)
    {
        const char *code = json_string_value(l);
        if (!code || !is_language(code) || !json_string_value(json_object_get(names, code))) {
            snprintf(err, errlen,
                     "%s: language %zu: a lower-case ISO 639 code with a name"
                     " under \"names\" expected",
                     prog, i + 1);
            return -1;
        }
    }
    return 0;
}

static int check_reminders(const char *prog, json_t *p, char *err, size_t errlen)
{
    json_t *days = json_object_get(p, "reminder_days");
    size_t i;
    json_t *d;
    long v;
    if (!days)
        return 0;
    if (!json_is_array(days) || json_array_size(days) > NTF_MAX_REMINDERS) {
        snprintf(err, errlen, "%s: reminder_days: a list of at most %d numbers", prog,
                 NTF_MAX_REMINDERS);
        return -1;
    }
    json_array_foreach(days, i, d) if (pw_yaml_int(d, 0, 365, &v) != 0)
    {
        snprintf(err, errlen, "%s: reminder_days: whole days 0..365 expected", prog);
        return -1;
    }
    return 0;
}

static ntf_routes_t *validate(json_t *root, const char *name, char *err, size_t errlen)
{
    char why[384] = "";
    json_t *programs = json_object_get(root, "programs");
    const char *prog;
    json_t *p;
    if (!json_is_object(programs) || json_object_size(programs) == 0)
        snprintf(why, sizeof why, "a \"programs\" mapping is required");
    else
        json_object_foreach(programs, prog, p)
        {
            if (!json_is_object(p))
                snprintf(why, sizeof why, "%s: a mapping expected", prog);
            else if (check_languages(prog, p, why, sizeof why) == 0 &&
                     check_reminders(prog, p, why, sizeof why) == 0)
                check_triggers(prog, json_object_get(p, "triggers"), why, sizeof why);
            if (*why)
                break;
        }
    ntf_routes_t *r = *why ? NULL : calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: %s", name, *why ? why : "out of memory");
        json_decref(root);
        return NULL;
    }
    r->programs = json_incref(programs);
    json_decref(root);
    return r;
}

ntf_routes_t *ntf_routes_load(const char *path, char *err, size_t errlen)
{
    json_t *root = pw_yaml_load(path, err, errlen);
    return root ? validate(root, path, err, errlen) : NULL;
}

ntf_routes_t *ntf_routes_parse(const char *text, char *err, size_t errlen)
{
    json_t *root = pw_yaml_parse(text, strlen(text), "routing", err, errlen);
    return root ? validate(root, "routing", err, errlen) : NULL;
}

void ntf_routes_destroy(ntf_routes_t **p)
{
    if (!p || !*p)
        return;
    json_decref((*p)->programs);
    free(*p);
    *p = NULL;
}

static json_t *program(const ntf_routes_t *r, const char *id)
{
    return id ? json_object_get(r->programs, id) : NULL;
}

size_t ntf_routes_for(const ntf_routes_t *r, const char *prog, const char *trigger,
                      ntf_route_t *out, size_t max)
{
    json_t *routes = json_object_get(json_object_get(program(r, prog), "triggers"), trigger);
    size_t n = 0, i;
    json_t *route;
    json_array_foreach(routes, i, route)
    {
        int k = allowed_index(json_string_value(json_object_get(route, "to")),
                              json_string_value(json_object_get(route, "channel")));
        if (k >= 0 && n < max)
            out[n++] = (ntf_route_t){ALLOWED[k].recipient, ALLOWED[k].channel};
    }
    return n;
}

const char *ntf_routes_language(const ntf_routes_t *r, const char *prog, const char *tag)
{
    json_t *langs = json_object_get(program(r, prog), "languages");
    if (!langs)
        return NULL;
    char base[8];
    size_t i = 0;
    for (; tag && tag[i] && tag[i] != '-' && tag[i] != '_' && i < sizeof base - 1; i++)
        base[i] = (char)(tag[i] | 0x20);
    base[i] = '\0';
    json_t *l;
    json_array_foreach(langs, i,
                       l) if (strcmp(json_string_value(l), base) == 0) return json_string_value(l);
    return json_string_value(json_array_get(langs, 0));
}

const char *ntf_routes_word(const ntf_routes_t *r, const char *prog, const char *key,
                            const char *language)
{
    json_t *p = program(r, prog);
    json_t *words = json_object_get(p, key);
    const char *w = language ? json_string_value(json_object_get(words, language)) : NULL;
    if (!w && p) {
        const char *first = json_string_value(json_array_get(json_object_get(p, "languages"), 0));
        w = json_string_value(json_object_get(words, first));
    }
    return w;
}

const char *ntf_routes_name(const ntf_routes_t *r, const char *prog, const char *language)
{
    return ntf_routes_word(r, prog, "names", language);
}

size_t ntf_routes_reminders(const ntf_routes_t *r, const char *prog, int *out, size_t max)
{
    json_t *days = json_object_get(program(r, prog), "reminder_days");
    size_t n = 0, i;
    json_t *d;
    long v;
    json_array_foreach(days, i, d) if (n < max && pw_yaml_int(d, 0, 365, &v) == 0) out[n++] =
        (int)v;
    return n;
}

int ntf_routes_each(const ntf_routes_t *r, ntf_routes_each_fn fn, void *ctx)
{
    const char *prog, *trig;
    json_t *p, *routes;
    json_object_foreach(r->programs, prog, p)
    {
        json_object_foreach(json_object_get(p, "triggers"), trig, routes)
        {
            ntf_route_t to[NTF_MAX_ROUTES];
            size_t n = ntf_routes_for(r, prog, trig, to, NTF_MAX_ROUTES);
            for (size_t k = 0; k < n; k++) {
                json_t *langs = json_object_get(p, "languages");
                int webhook = strcmp(to[k].channel, NTF_CHANNEL_WEBHOOK) == 0;
                size_t nl = webhook ? 1 : json_array_size(langs);
                for (size_t li = 0; li < nl; li++) {
                    const char *lang = webhook ? "" : json_string_value(json_array_get(langs, li));
                    int rc = fn(ctx, prog, trig, to[k].recipient, to[k].channel, lang);
                    if (rc != 0)
                        return rc;
                }
            }
        }
    }
    return 0;
}

void ntf_routes_swap(ntf_routes_t *a, ntf_routes_t *b)
{
    json_t *t = a->programs;
    a->programs = b->programs;
    b->programs = t;
}
