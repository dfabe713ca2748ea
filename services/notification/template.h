/* Message templates with named variables: "Hello {{given_name}}". A
 * template is compiled once against the list of variables its kind of
 * message may use, so a typo ({{given_nmae}}) fails at load time, not when
 * the first employee is mailed; rendering without a value for a variable
 * the template uses is an error too, never an empty hole. */
#ifndef PATHWAYS_NOTIFICATION_TEMPLATE_H
#define PATHWAYS_NOTIFICATION_TEMPLATE_H

#include <stddef.h>

/* Longest variable name accepted inside {{ }}. */
#define NTF_VAR_NAME_MAX 64

typedef struct ntf_template ntf_template_t;

/* One variable's value for rendering; both strings borrowed. */
typedef struct {
    const char *name;
    const char *value;
} ntf_var_t;

/* Compiles text. Placeholders are {{name}} (spaces inside the braces are
 * allowed; name is [A-Za-z0-9_]); each name must appear in allowed, a
 * NULL-terminated list. Returns NULL with a reason in err on an unclosed,
 * empty, malformed or unknown placeholder. Caller owns the result. */
ntf_template_t *ntf_template_new(const char *text, const char *const *allowed, char *err,
                                 size_t errlen);
void ntf_template_destroy(ntf_template_t **p);

/* Returns 1 when the template uses variable name. */
int ntf_template_uses(const ntf_template_t *t, const char *name);

/* Renders with vars[0..n). Returns a malloc'd string the caller frees, or
 * NULL with a reason in err when a used variable has no value (or OOM). */
char *ntf_template_render(const ntf_template_t *t, const ntf_var_t *vars, size_t n, char *err,
                          size_t errlen);

/* How variable values are escaped for the channel the text goes to;
 * the template's own text is never touched. */
typedef enum {
    NTF_ESCAPE_NONE = 0, /* plain-text email body */
    NTF_ESCAPE_HEADER,   /* one header line: control characters become spaces */
    NTF_ESCAPE_HTML,     /* & < > " ' as entities */
    NTF_ESCAPE_JSON,     /* inside a JSON string: \" \\ and \uXXXX for controls */
} ntf_escape_t;

/* ntf_template_render with each value escaped by esc. */
char *ntf_template_render_escaped(const ntf_template_t *t, const ntf_var_t *vars, size_t n,
                                  ntf_escape_t esc, char *err, size_t errlen);

/* Rewrites s in place for use in a one-line header field: every CR, LF and
 * other control character becomes a space, so a value can never start a
 * new header line (no header injection). */
void ntf_flatten_line(char *s);

#endif
