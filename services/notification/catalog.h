/* The message catalog: for each trigger ("invitation", "exited") and
 * language ("en", "es") a subject and a body template. The foundation's
 * texts are built in; later issues load them per program and language from
 * the database. Every template is compiled when the catalog is built, so a
 * broken text stops the service at start-up, not at the first send. */
#ifndef PATHWAYS_NOTIFICATION_CATALOG_H
#define PATHWAYS_NOTIFICATION_CATALOG_H

#include <stddef.h>

#include "template.h"

#define NTF_TRIGGER_INVITATION "invitation"
#define NTF_TRIGGER_EXITED     "exited"
#define NTF_DEFAULT_LANGUAGE   "en"

typedef struct ntf_catalog ntf_catalog_t;

/* Compiles the built-in texts. Returns NULL with a reason in err. Caller
 * owns the result. */
ntf_catalog_t *ntf_catalog_builtin(char *err, size_t errlen);
void ntf_catalog_destroy(ntf_catalog_t **p);

/* What a message is rendered from; strings borrowed, NULL reads as "". */
typedef struct {
    const char *trigger;
    const char *language; /* BCP 47; "es-MX" uses "es"; unknown uses "en" */
    const char *given_name;
    const char *program; /* program id, e.g. "mapp" */
    const char *notification_id;
} ntf_render_input_t;

/* Renders subject (one line, control characters flattened) and body into
 * malloc'd strings the caller frees. Returns 0, or -1 with a reason in err
 * (unknown trigger, missing variable). */
int ntf_catalog_render(const ntf_catalog_t *c, const ntf_render_input_t *in, char **subject,
                       char **body, char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
