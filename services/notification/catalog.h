/* The message catalog: the routing data (routes.h) and, for every route,
 * its templates, read from files per program and language:
 *
 *   <dir>/<program>/<language>/<trigger>.<recipient>.txt   email:
 *       "Subject: <one line>", a blank line, then the plain-text body
 *   <dir>/<program>/webhook/<trigger>.<recipient>.json     webhook body
 *
 * Every template is compiled when the catalog is loaded against the
 * variables its trigger provides (NTF_COMMON_VARS plus the trigger's own),
 * so a typo or a variable the trigger cannot fill stops the service at
 * start-up, not at the first send. Load also refuses an email body without
 * {{unsubscribe}} and a webhook template that does not render to JSON. */
#ifndef PATHWAYS_NOTIFICATION_CATALOG_H
#define PATHWAYS_NOTIFICATION_CATALOG_H

#include <stddef.h>

#include "routes.h"
#include "template.h"

#define NTF_TRIGGER_INVITATION "invitation"
#define NTF_TRIGGER_EXITED     "exited"
#define NTF_DEFAULT_LANGUAGE   "en"

typedef struct ntf_catalog ntf_catalog_t;

/* Loads the routing file and every template it needs. Returns NULL with a
 * reason in err (naming the file). Caller owns the result. */
ntf_catalog_t *ntf_catalog_load(const char *routing_path, const char *template_dir, char *err,
                                size_t errlen);
/* ntf_catalog_load with the paths of ntf_settings_load (environment, else
 * the source tree's deploy/ folder). */
ntf_catalog_t *ntf_catalog_builtin(char *err, size_t errlen);
void ntf_catalog_destroy(ntf_catalog_t **p);

/* Loads the files again into c, in place (pointers to c and to its routes
 * stay valid): a program added by placing its routing entry and templates
 * is served without a restart. Returns 0, or -1 with a reason in err (c
 * unchanged: the files as last loaded stay in use). */
int ntf_catalog_reload(ntf_catalog_t *c, const char *routing_path, const char *template_dir,
                       char *err, size_t errlen) __attribute__((warn_unused_result));

/* A value that changes when the routing file or any file or folder under
 * the template folder is added, removed, resized or touched (0 when
 * nothing can be read). */
unsigned long long ntf_catalog_stamp(const char *routing_path, const char *template_dir);

const ntf_routes_t *ntf_catalog_routes(const ntf_catalog_t *c);

/* What a message is rendered from; strings borrowed, NULL reads as "". */
typedef struct {
    const char *trigger;
    const char *language; /* BCP 47; "es-MX" uses "es"; unsupported: the program's default */
    const char *given_name;
    const char *program; /* program id, e.g. "mapp" */
    const char *notification_id;
    const char *recipient; /* NULL: "employee" */
    const char *channel;   /* NULL: "email" */
    const ntf_var_t *vars; /* the trigger's context (employer, cohort_id, ...) */
    size_t n_vars;
    const char *unsubscribe_url; /* base; NULL/"": a reply-STOP sentence */
} ntf_render_input_t;

/* Renders subject (one line; NULL for webhooks: *subject is set to an
 * empty string) and body into malloc'd strings the caller frees, each
 * value escaped for the channel (header-safe subject, JSON-escaped
 * webhook body). Returns 0, or -1 with a reason in err (no template for
 * the program/trigger/recipient, missing variable). */
int ntf_catalog_render(const ntf_catalog_t *c, const ntf_render_input_t *in, char **subject,
                       char **body, char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
