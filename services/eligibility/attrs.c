/* The attribute schema (read with the program parser's helpers), the
 * check of an event's attributes, and their text form in the registry:
 * "name=value\n" per attribute (numbers %.17g, flags true/false). */
#include "attrs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program_parse.h"

#define fail    elig_parse_fail
#define fail_at elig_parse_fail_at

static const char *const TYPES[] = {"text", "number", "flag"};

static int name_ok(const char *s)
{
    size_t len = strlen(s);
    return len && len <= ELIG_ATTR_NAME_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

static int f_decl(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    elig_attr_decl_t *d = arg;
    const char *s = elig_parse_scalar(v);
    if (strcmp(key, "type") == 0) {
        for (int t = 0; s && t < 3; t++)
            if (strcmp(s, TYPES[t]) == 0)
                return d->type = t, 0;
        return fail(p, v, "%s.type: expected text, number or flag", d->name);
    }
    if (strcmp(key, "min") == 0 || strcmp(key, "max") == 0)
        return elig_parse_number(p, v, key, -1e12, 1e12, key[1] == 'i' ? &d->min : &d->max);
    if (strcmp(key, "values") == 0)
        return elig_parse_list(p, v, "values", NULL, &d->values);
    return fail_at(p, k, "%s: unknown key '%s' (expected type, min, max, values)", d->name, key);
}

static int f_attr(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    elig_attr_schema_t *s = arg;
    if (!name_ok(key))
        return fail_at(p, k, "attribute name '%s': expected 1-%d characters of [a-z0-9_]", key,
                       ELIG_ATTR_NAME_MAX);
    /* one declared twice is a duplicate key, refused by the reader */
    if (s->n >= ELIG_MAX_ATTRS)
        return fail_at(p, k, "at most %d attributes", ELIG_MAX_ATTRS);
    elig_attr_decl_t *d = &s->decl[s->n];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", key);
    d->type = -1;
    d->min = -1e12;
    d->max = 1e12;
    if (elig_parse_fields(p, v, key, f_decl, d) != 0)
        return -1;
    if (d->type < 0)
        return fail(p, v, "%s: needs a type (text, number or flag)", key);
    if (d->min > d->max)
        return fail(p, v, "%s: min is above max", key);
    if (d->values.n && d->type != ELIG_ATTR_TEXT)
        return fail(p, v, "%s: values apply to text attributes only", key);
    s->n++;
    return 0;
}

static int f_root(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    if (strcmp(key, "attributes") == 0)
        return elig_parse_fields(p, v, "attributes", f_attr, arg);
    return fail_at(p, k, "unknown key '%s' (expected attributes)", key);
}

static int schema_root(elig_parse_t *p, const json_t *root)
{
    if (!root)
        return 0; /* an empty file declares nothing */
    return elig_parse_fields(p, root, "the file", f_root, p->arg);
}

int elig_attr_schema_parse(const char *text, size_t len, const char *source,
                           elig_attr_schema_t *out, char *err, size_t errlen, unsigned *line)
{
    elig_parse_t p = {.source = source && *source ? source : "attributes",
                      .err = err,
                      .errlen = errlen,
                      .line = line,
                      .arg = out};
    memset(out, 0, sizeof *out);
    return elig_parse_document(&p, text, len, ELIG_ATTR_SCHEMA_MAX, schema_root);
}

int elig_attr_schema_load(const char *path, elig_attr_schema_t *out, char *err, size_t errlen)
{
    static char text[ELIG_ATTR_SCHEMA_MAX + 1];
    elig_attr_schema_t *fresh = malloc(sizeof *fresh);
    unsigned line;
    FILE *f = fopen(path, "rb");
    if (!f) {
        free(fresh);
        memset(out, 0, sizeof *out);
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: cannot read", path), -1);
    }
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    const char *base = strrchr(path, '/');
    int rc = fresh && elig_attr_schema_parse(text, n, base ? base + 1 : path, fresh, err, errlen,
                                             &line) == 0
                 ? 1
                 : -1;
    if (rc == 1)
        *out = *fresh;
    free(fresh);
    return rc;
}

const elig_attr_decl_t *elig_attr_find(const elig_attr_schema_t *schema, const char *name)
{
    for (size_t i = 0; schema && i < schema->n; i++)
        if (strcmp(schema->decl[i].name, name) == 0)
            return &schema->decl[i];
    return NULL;
}

static int check_one(const elig_attr_schema_t *schema, const Pathways__V1__Attribute *a, size_t i,
                     elig_reason_t *why)
{
    const elig_attr_decl_t *d = elig_attr_find(schema, a->name);
    static const int CASES[] = {PATHWAYS__V1__ATTRIBUTE__VALUE_TEXT,
                                PATHWAYS__V1__ATTRIBUTE__VALUE_NUMBER,
                                PATHWAYS__V1__ATTRIBUTE__VALUE_FLAG};
    if (!d)
        return elig_reason_set(why, "unknown_attribute",
                               "attributes[%zu]: '%.40s' is not declared in the attribute schema",
                               i, a->name);
    if ((int)a->value_case != CASES[d->type])
        return elig_reason_set(why, "invalid_attribute", "attribute %s: expected a %s value",
                               d->name, TYPES[d->type]);
    if (d->type == ELIG_ATTR_NUMBER &&
        (!isfinite(a->number) || a->number < d->min || a->number > d->max))
        return elig_reason_set(why, "invalid_attribute", "attribute %s: expected %g to %g", d->name,
                               d->min, d->max);
    if (d->type == ELIG_ATTR_TEXT) {
        size_t len = strlen(a->text);
        if (!len || len > ELIG_ATTR_TEXT_MAX ||
            strspn(a->text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ -") !=
                len)
            return elig_reason_set(why, "invalid_attribute",
                                   "attribute %s: expected 1-%d letters, digits, '_', '-', ' '",
                                   d->name, ELIG_ATTR_TEXT_MAX);
        if (d->values.n && !elig_list_has(&d->values, a->text))
            return elig_reason_set(why, "invalid_attribute",
                                   "attribute %s: '%s' is not one of the declared values", d->name,
                                   a->text);
    }
    return 0;
}

int elig_attr_check_event(const elig_attr_schema_t *schema, const Pathways__V1__EmployeeEvent *ev,
                          elig_reason_t *why)
{
    const Pathways__V1__EmployeeFacts *d = ev->data;
    for (size_t i = 0; d && i < d->n_attributes; i++) {
        if (check_one(schema, d->attributes[i], i, why) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->attributes[j]->name, d->attributes[i]->name) == 0)
                return elig_reason_set(why, "invalid_attribute", "attribute %s is given twice",
                                       d->attributes[i]->name);
    }
    return 0;
}

/* Removes name's line from text. */
static void drop(char *text, const char *name)
{
    size_t nlen = strlen(name);
    for (char *p = text; *p;) {
        char *end = strchr(p, '\n');
        char *next = end ? end + 1 : p + strlen(p);
        if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            memmove(p, next, strlen(next) + 1);
            continue;
        }
        p = next;
    }
}

void elig_attr_merge(char *text, size_t len, const Pathways__V1__EmployeeFacts *d)
{
    for (size_t i = 0; d && i < d->n_attributes; i++) {
        const Pathways__V1__Attribute *a = d->attributes[i];
        char value[64];
        if (a->value_case == PATHWAYS__V1__ATTRIBUTE__VALUE_NUMBER)
            snprintf(value, sizeof value, "%.17g", a->number);
        else if (a->value_case == PATHWAYS__V1__ATTRIBUTE__VALUE_FLAG)
            snprintf(value, sizeof value, "%s", a->flag ? "true" : "false");
        else
            snprintf(value, sizeof value, "%.*s", ELIG_ATTR_TEXT_MAX, a->text ? a->text : "");
        drop(text, a->name);
        size_t used = strlen(text);
        if (used + strlen(a->name) + strlen(value) + 3 <= len)
            snprintf(text + used, len - used, "%s=%s\n", a->name, value);
    }
}

void elig_attr_value(const char *text, const char *name, char *out, size_t len)
{
    size_t nlen = strlen(name);
    out[0] = '\0';
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            size_t v = n - nlen - 1;
            snprintf(out, len, "%.*s", (int)(v < len ? v : len - 1), p + nlen + 1);
            return;
        }
        p += n + (end != NULL);
    }
}
