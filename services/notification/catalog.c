/* Templates from files, per route and language (catalog.h). */
#include "catalog.h"

#include <errno.h>
#include <jansson.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "settings.h"

#define NTF_TEMPLATE_MAX (64 * 1024)
#define NTF_VARS_MAX     24
#define SUBJECT_PREFIX   "Subject:"

typedef struct {
    char *program, *trigger, *recipient, *channel, *language;
    ntf_template_t *subject; /* NULL for webhooks */
    ntf_template_t *body;
} entry_t;

struct ntf_catalog {
    ntf_routes_t *routes;
    entry_t *e;
    size_t n;
};

void ntf_catalog_destroy(ntf_catalog_t **p)
{
    if (!p || !*p)
        return;
    for (size_t i = 0; i < (*p)->n; i++) {
        entry_t *e = &(*p)->e[i];
        free(e->program);
        free(e->trigger);
        free(e->recipient);
        free(e->channel);
        free(e->language);
        ntf_template_destroy(&e->subject);
        ntf_template_destroy(&e->body);
    }
    free((*p)->e);
    ntf_routes_destroy(&(*p)->routes);
    free(*p);
    *p = NULL;
}

const ntf_routes_t *ntf_catalog_routes(const ntf_catalog_t *c)
{
    return c->routes;
}

static char *slurp(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%.200s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(NTF_TEMPLATE_MAX + 1);
    size_t n = buf ? fread(buf, 1, NTF_TEMPLATE_MAX + 1, f) : 0;
    fclose(f);
    if (!buf || n > NTF_TEMPLATE_MAX) {
        snprintf(err, errlen, "%.200s: %s", path, buf ? "larger than 64 KiB" : "out of memory");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* The variables a trigger's templates may use. */
static void allowed_vars(const char *trigger, const char *out[NTF_VARS_MAX])
{
    size_t n = 0;
    for (size_t i = 0; NTF_COMMON_VARS[i]; i++)
        out[n++] = NTF_COMMON_VARS[i];
    const char *const *own = ntf_trigger_vars(trigger);
    for (size_t i = 0; own && own[i] && n < NTF_VARS_MAX - 1; i++)
        out[n++] = own[i];
    out[n] = NULL;
}

/* "Subject: ...\n\nbody" -> subject and body templates. */
static int compile_email(entry_t *e, char *text, const char *const *vars, char *why, size_t wl)
{
    char *nl = strchr(text, '\n');
    if (strncmp(text, SUBJECT_PREFIX, strlen(SUBJECT_PREFIX)) != 0 || !nl ||
        (nl[1] != '\n' && strncmp(nl + 1, "\r\n", 2) != 0)) {
        snprintf(why, wl, "must start with \"Subject: ...\" and a blank line");
        return -1;
    }
    *nl = '\0';
    if (nl > text && nl[-1] == '\r')
        nl[-1] = '\0';
    const char *subject = text + strlen(SUBJECT_PREFIX);
    while (*subject == ' ')
        subject++;
    const char *body = nl[1] == '\n' ? nl + 2 : nl + 3;
    e->subject = ntf_template_new(subject, vars, why, wl);
    e->body = e->subject ? ntf_template_new(body, vars, why, wl) : NULL;
    if (!e->body)
        return -1;
    if (!ntf_template_uses(e->body, "unsubscribe")) {
        snprintf(why, wl, "an email body must carry {{unsubscribe}}");
        return -1;
    }
    return 0;
}

/* Renders the webhook template with awkward sample values: it must parse
 * as one JSON object whatever the values hold. */
static int check_webhook(entry_t *e, const char *const *vars, char *why, size_t wl)
{
    ntf_var_t sample[NTF_VARS_MAX];
    size_t n = 0;
    for (; vars[n]; n++)
        sample[n] = (ntf_var_t){vars[n], "x\"\\<\n>\x01"};
    char *out = ntf_template_render_escaped(e->body, sample, n, NTF_ESCAPE_JSON, why, wl);
    json_error_t jerr;
    json_t *j = out ? json_loads(out, 0, &jerr) : NULL;
    int ok = json_is_object(j);
    if (out && !ok)
        snprintf(why, wl, "does not render to a JSON object: %s (line %d)",
                 j ? "not an object" : jerr.text, jerr.line);
    json_decref(j);
    free(out);
    return ok ? 0 : -1;
}

typedef struct {
    ntf_catalog_t *c;
    const char *dir;
    char *err;
    size_t errlen;
} load_t;

static entry_t *find(const ntf_catalog_t *c, const char *program, const char *trigger,
                     const char *recipient, const char *channel, const char *language)
{
    for (size_t i = 0; i < c->n; i++) {
        entry_t *e = &c->e[i];
        if (strcmp(e->program, program) == 0 && strcmp(e->trigger, trigger) == 0 &&
            strcmp(e->recipient, recipient) == 0 && strcmp(e->channel, channel) == 0 &&
            strcmp(e->language, language) == 0)
            return e;
    }
    return NULL;
}

static int compile_file(entry_t *e, const char *path, char *why, size_t wl)
{
    const char *vars[NTF_VARS_MAX];
    allowed_vars(e->trigger, vars);
    char *text = slurp(path, why, wl);
    if (!text)
        return -1;
    int rc;
    if (strcmp(e->channel, NTF_CHANNEL_WEBHOOK) == 0)
        rc = (e->body = ntf_template_new(text, vars, why, wl)) ? check_webhook(e, vars, why, wl)
                                                               : -1;
    else
        rc = compile_email(e, text, vars, why, wl);
    free(text);
    return rc;
}

static int add_entry(void *ctx, const char *program, const char *trigger, const char *recipient,
                     const char *channel, const char *language)
{
    load_t *l = ctx;
    ntf_catalog_t *c = l->c;
    if (find(c, program, trigger, recipient, channel, language))
        return 0;
    int webhook = strcmp(channel, NTF_CHANNEL_WEBHOOK) == 0;
    char path[NTF_PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s/%s/%s.%s.%s", l->dir, program,
             webhook ? "webhook" : language, trigger, recipient, webhook ? "json" : "txt");
    entry_t *grown = realloc(c->e, (c->n + 1) * sizeof *grown);
    if (!grown) {
        snprintf(l->err, l->errlen, "out of memory");
        return -1;
    }
    c->e = grown;
    entry_t *e = &c->e[c->n++];
    *e = (entry_t){strdup(program),
                   strdup(trigger),
                   strdup(recipient),
                   strdup(channel),
                   strdup(language),
                   NULL,
                   NULL};
    char why[256] = "out of memory";
    if (!e->program || !e->trigger || !e->recipient || !e->channel || !e->language ||
        compile_file(e, path, why, sizeof why) != 0) {
        if (strncmp(why, path, strlen(path)) == 0)
            snprintf(l->err, l->errlen, "%s", why);
        else
            snprintf(l->err, l->errlen, "%s: %s", path, why);
        return -1;
    }
    return 0;
}

ntf_catalog_t *ntf_catalog_load(const char *routing_path, const char *template_dir, char *err,
                                size_t errlen)
{
    ntf_catalog_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->routes = ntf_routes_load(routing_path, err, errlen);
    load_t l = {c, template_dir, err, errlen};
    if (!c->routes || ntf_routes_each(c->routes, add_entry, &l) != 0)
        ntf_catalog_destroy(&c);
    return c;
}

ntf_catalog_t *ntf_catalog_builtin(char *err, size_t errlen)
{
    ntf_settings_t s;
    if (ntf_settings_load(&s, err, errlen) != 0)
        return NULL;
    return ntf_catalog_load(s.routing, s.templates, err, errlen);
}

/* The variables of one message: the trigger's context first, then what
 * the catalog knows (program name, greeting, unsubscribe line). */
static size_t build_vars(const ntf_catalog_t *c, const ntf_render_input_t *in, const char *lang,
                         char *unsub, size_t unsub_len, ntf_var_t out[NTF_VARS_MAX])
{
    size_t n = 0;
    for (size_t i = 0; i < in->n_vars && n < NTF_VARS_MAX - 5; i++)
        out[n++] = in->vars[i];
    const char *nobody = ntf_routes_word(c->routes, in->program, "fallback_name", lang);
    const char *name = in->given_name && *in->given_name ? in->given_name : nobody;
    out[n++] = (ntf_var_t){"given_name", name};
    out[n++] = (ntf_var_t){"program", ntf_routes_name(c->routes, in->program, lang)};
    out[n++] = (ntf_var_t){"program_id", in->program};
    out[n++] = (ntf_var_t){"notification_id", in->notification_id};
    if (in->notification_id) {
        const char *how = ntf_routes_word(c->routes, in->program, "unsubscribe", lang);
        if (in->unsubscribe_url && *in->unsubscribe_url)
            snprintf(unsub, unsub_len, "%s%s", in->unsubscribe_url, in->notification_id);
        else
            snprintf(unsub, unsub_len, "%s %s",
                     how ? how : "Unsubscribe reference:", in->notification_id);
        out[n++] = (ntf_var_t){"unsubscribe", unsub};
    }
    return n;
}

int ntf_catalog_render(const ntf_catalog_t *c, const ntf_render_input_t *in, char **subject,
                       char **body, char *err, size_t errlen)
{
    const char *recipient = in->recipient ? in->recipient : NTF_RECIPIENT_EMPLOYEE;
    const char *channel = in->channel ? in->channel : NTF_CHANNEL_EMAIL;
    int webhook = strcmp(channel, NTF_CHANNEL_WEBHOOK) == 0;
    const char *lang = ntf_routes_language(c->routes, in->program, in->language);
    const entry_t *e = lang ? find(c, in->program, in->trigger ? in->trigger : "", recipient,
                                   channel, webhook ? "" : lang)
                            : NULL;
    *subject = *body = NULL;
    if (!e) {
        snprintf(err, errlen, "no template for program \"%s\", trigger \"%s\", %s by %s",
                 in->program ? in->program : "", in->trigger ? in->trigger : "", recipient,
                 channel);
        return -1;
    }
    char unsub[600];
    ntf_var_t vars[NTF_VARS_MAX];
    size_t n = build_vars(c, in, lang, unsub, sizeof unsub, vars);
    *subject =
        webhook ? strdup("")
                : ntf_template_render_escaped(e->subject, vars, n, NTF_ESCAPE_HEADER, err, errlen);
    if (*subject)
        *body = ntf_template_render_escaped(
            e->body, vars, n, webhook ? NTF_ESCAPE_JSON : NTF_ESCAPE_NONE, err, errlen);
    if (!*body) {
        free(*subject);
        *subject = NULL;
        return -1;
    }
    return 0;
}

int ntf_catalog_reload(ntf_catalog_t *c, const char *routing_path, const char *template_dir,
                       char *err, size_t errlen)
{
    ntf_catalog_t *fresh = ntf_catalog_load(routing_path, template_dir, err, errlen);
    if (!fresh)
        return -1;
    ntf_routes_swap(c->routes, fresh->routes);
    entry_t *e = c->e;
    size_t n = c->n;
    c->e = fresh->e;
    c->n = fresh->n;
    fresh->e = e;
    fresh->n = n;
    ntf_catalog_destroy(&fresh);
    return 0;
}

/* Adds one file's identity to *sum (FNV-1a over its name, size, times;
 * summed, so the order folders are read in does not matter). */
static void stamp_one(unsigned long long *sum, const char *path, const struct stat *st)
{
    unsigned long long one = 14695981039346656037ULL, *h = &one;
    unsigned long long v[3] = {(unsigned long long)st->st_size,
                               (unsigned long long)st->st_mtim.tv_sec,
                               (unsigned long long)st->st_mtim.tv_nsec};
    for (const char *p = path; *p; p++)
        *h = (*h ^ (unsigned char)*p) * 1099511628211ULL;
    for (int i = 0; i < 3; i++)
        *h = (*h ^ v[i]) * 1099511628211ULL;
    *sum += one;
}

#define STAMP_DEPTH 4 /* <dir>/<program>/<language>/<file> */

static void stamp_tree(unsigned long long *h, const char *dir, int depth)
{
    DIR *d = depth < STAMP_DEPTH ? opendir(dir) : NULL;
    struct dirent *ent;
    while (d && (ent = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        if (ent->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        if (stat(path, &st) != 0)
            continue;
        stamp_one(h, path, &st);
        if (S_ISDIR(st.st_mode))
            stamp_tree(h, path, depth + 1);
    }
    if (d)
        closedir(d);
}

unsigned long long ntf_catalog_stamp(const char *routing_path, const char *template_dir)
{
    unsigned long long h = 1;
    struct stat st;
    if (stat(routing_path, &st) == 0)
        stamp_one(&h, routing_path, &st);
    stamp_tree(&h, template_dir, 0);
    return h;
}
