/* Template compiler and renderer: text is split once into literal and
 * variable segments; rendering concatenates them. */
#include "template.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/buf.h"

typedef struct {
    int is_var;
    char *text; /* literal text, or the variable's name */
} segment_t;

struct ntf_template {
    segment_t *segs;
    size_t n;
};

void ntf_template_destroy(ntf_template_t **p)
{
    if (!p || !*p)
        return;
    for (size_t i = 0; i < (*p)->n; i++)
        free((*p)->segs[i].text);
    free((*p)->segs);
    free(*p);
    *p = NULL;
}

static int add_segment(ntf_template_t *t, int is_var, const char *s, size_t len)
{
    segment_t *grown = realloc(t->segs, (t->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    t->segs = grown;
    char *copy = strndup(s, len);
    if (!copy)
        return -1;
    t->segs[t->n++] = (segment_t){is_var, copy};
    return 0;
}

static int allowed_name(const char *const *allowed, const char *name, size_t len)
{
    for (size_t i = 0; allowed && allowed[i]; i++)
        if (strlen(allowed[i]) == len && memcmp(allowed[i], name, len) == 0)
            return 1;
    return 0;
}

/* Parses the placeholder starting at p ("{{"); on success stores the name
 * span and returns the position after "}}", else NULL with err. */
static const char *parse_placeholder(const char *text, const char *p, const char **name,
                                     size_t *len, char *err, size_t errlen)
{
    const char *q = p + 2;
    while (*q == ' ')
        q++;
    const char *start = q;
    while (isalnum((unsigned char)*q) || *q == '_')
        q++;
    *name = start;
    *len = (size_t)(q - start);
    while (*q == ' ')
        q++;
    if (q[0] != '}' || q[1] != '}') {
        snprintf(err, errlen, "%s placeholder at offset %zu",
                 strstr(p + 2, "}}") ? "malformed" : "unclosed", (size_t)(p - text));
        return NULL;
    }
    if (*len == 0 || *len > NTF_VAR_NAME_MAX) {
        snprintf(err, errlen, "empty or overlong variable name at offset %zu", (size_t)(p - text));
        return NULL;
    }
    return q + 2;
}

ntf_template_t *ntf_template_new(const char *text, const char *const *allowed, char *err,
                                 size_t errlen)
{
    ntf_template_t *t = calloc(1, sizeof *t);
    if (!t || !text) {
        snprintf(err, errlen, t ? "no template text" : "out of memory");
        free(t);
        return NULL;
    }
    const char *lit = text;
    const char *p = text;
    while ((p = strstr(p, "{{")) != NULL) {
        const char *name;
        size_t len;
        const char *next = parse_placeholder(text, p, &name, &len, err, errlen);
        if (!next)
            goto fail;
        if (!allowed_name(allowed, name, len)) {
            snprintf(err, errlen, "unknown variable {{%.*s}}", (int)len, name);
            goto fail;
        }
        if ((p > lit && add_segment(t, 0, lit, (size_t)(p - lit)) != 0) ||
            add_segment(t, 1, name, len) != 0) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        lit = p = next;
    }
    if (*lit && add_segment(t, 0, lit, strlen(lit)) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    return t;
fail:
    ntf_template_destroy(&t);
    return NULL;
}

int ntf_template_uses(const ntf_template_t *t, const char *name)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (t->segs[i].is_var && strcmp(t->segs[i].text, name) == 0)
            return 1;
    return 0;
}

static const char *lookup(const ntf_var_t *vars, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (vars[i].name && strcmp(vars[i].name, name) == 0)
            return vars[i].value;
    return NULL;
}

static int put(pw_buf_t *b, const char *s, size_t len)
{
    return pw_buf_add(b, s, len);
}

/* HTML and header escapes; JSON goes through the common escaper. */
static const char *escape_char(unsigned char c, ntf_escape_t esc)
{
    switch (esc) {
    case NTF_ESCAPE_HEADER:
        return c < 0x20 || c == 0x7f ? " " : NULL;
    case NTF_ESCAPE_HTML:
        return c == '&'    ? "&amp;"
               : c == '<'  ? "&lt;"
               : c == '>'  ? "&gt;"
               : c == '"'  ? "&quot;"
               : c == '\'' ? "&#39;"
                           : NULL;
    default:
        return NULL;
    }
}

static int put_escaped(pw_buf_t *b, const char *v, ntf_escape_t esc)
{
    if (esc == NTF_ESCAPE_JSON) {
        pw_buf_json_escaped(b, v, strlen(v));
        return pw_buf_ok(b) ? 0 : -1;
    }
    const char *run = v;
    for (const char *p = v; *p; p++) {
        const char *rep = escape_char((unsigned char)*p, esc);
        if (!rep)
            continue;
        if (put(b, run, (size_t)(p - run)) != 0 || put(b, rep, strlen(rep)) != 0)
            return -1;
        run = p + 1;
    }
    return put(b, run, strlen(run));
}

char *ntf_template_render_escaped(const ntf_template_t *t, const ntf_var_t *vars, size_t n,
                                  ntf_escape_t esc, char *err, size_t errlen)
{
    pw_buf_t b = {0};
    if (put(&b, "", 0) != 0) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < t->n; i++) {
        const segment_t *s = &t->segs[i];
        const char *v = s->is_var ? lookup(vars, n, s->text) : s->text;
        if (!v) {
            snprintf(err, errlen, "missing variable {{%s}}", s->text);
            free(b.data);
            return NULL;
        }
        if ((s->is_var ? put_escaped(&b, v, esc) : put(&b, v, strlen(v))) != 0) {
            snprintf(err, errlen, "out of memory");
            free(b.data);
            return NULL;
        }
    }
    return b.data;
}

char *ntf_template_render(const ntf_template_t *t, const ntf_var_t *vars, size_t n, char *err,
                          size_t errlen)
{
    return ntf_template_render_escaped(t, vars, n, NTF_ESCAPE_NONE, err, errlen);
}

void ntf_flatten_line(char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}
