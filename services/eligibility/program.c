/* Program files, read by the project's YAML reader (pathways/yaml.h), which
 * keeps each value's and each key's line, so every check can say where the
 * problem is. The root is a table of sections, each with its own reader: a
 * new section is one row. */
#include "program.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program_parse.h"
#include "selfid_guard.h"

static int vfail(elig_parse_t *p, size_t line, const char *fmt, va_list ap)
{
    char text[384];
    vsnprintf(text, sizeof text, fmt, ap);
    *p->line = (unsigned)line;
    if (*p->line)
        snprintf(p->err, p->errlen, "%s:%u: %s", p->source, *p->line, text);
    else
        snprintf(p->err, p->errlen, "%s: %s", p->source, text);
    return -1;
}

int elig_parse_fail(elig_parse_t *p, const json_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(p, pw_yaml_line(p->doc, n), fmt, ap);
    va_end(ap);
    return rc;
}

int elig_parse_fail_at(elig_parse_t *p, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(p, line, fmt, ap);
    va_end(ap);
    return rc;
}

#define fail    elig_parse_fail
#define fail_at elig_parse_fail_at

const char *elig_parse_scalar(const json_t *n)
{
    return json_string_value(n);
}

/* A word: [A-Za-z0-9_ -], 1..ELIG_WORD_MAX-1 bytes. */
static int word_ok(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len >= ELIG_WORD_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == ' '))
            return 0;
    return 1;
}

int elig_parse_list(elig_parse_t *p, const json_t *n, const char *what,
                    int (*check)(const char *word), elig_list_t *out)
{
    if (!json_is_array(n))
        return fail(p, n, "%s: expected a list such as [a, b]", what);
    out->n = 0;
    size_t i;
    const json_t *item;
    json_array_foreach(n, i, item)
    {
        const char *s = elig_parse_scalar(item);
        if (!s || !word_ok(s))
            return fail(p, item, "%s: expected words of letters, digits, '_', '-' (up to %d)", what,
                        ELIG_WORD_MAX - 1);
        if (check && !check(s))
            return fail(p, item, "%s: unknown value '%s'", what, s);
        if (out->n >= ELIG_MAX_LIST)
            return fail(p, item, "%s: at most %d entries", what, ELIG_MAX_LIST);
        snprintf(out->items[out->n++], ELIG_WORD_MAX, "%s", s);
    }
    if (out->n == 0)
        return fail(p, n, "%s: the list is empty", what);
    return 0;
}

int elig_parse_number(elig_parse_t *p, const json_t *n, const char *what, double lo, double hi,
                      double *out)
{
    const char *s = elig_parse_scalar(n);
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || !*s || *end || errno || !isfinite(v) || v < lo || v > hi)
        return fail(p, n, "%s: expected a number from %g to %g", what, lo, hi);
    *out = v;
    return 0;
}

int elig_parse_integer(elig_parse_t *p, const json_t *n, const char *what, int lo, int hi, int *out)
{
    double v = 0;
    if (elig_parse_number(p, n, what, lo, hi, &v) != 0)
        return -1;
    if (v != floor(v))
        return fail(p, n, "%s: expected a whole number", what);
    *out = (int)v;
    return 0;
}

int elig_parse_bool(elig_parse_t *p, const json_t *n, const char *what, int *out)
{
    const char *s = elig_parse_scalar(n);
    if (!s || (strcmp(s, "true") != 0 && strcmp(s, "false") != 0))
        return fail(p, n, "%s: expected true or false", what);
    *out = strcmp(s, "true") == 0;
    return 0;
}

/* The reader keeps keys in the file's order (tests/unit/test_yaml.c), so
 * the first problem in the file is the one reported. */
int elig_parse_fields(elig_parse_t *p, const json_t *map, const char *what, elig_field_fn fn,
                      void *arg)
{
    if (!json_is_object(map))
        return fail(p, map, "%s: expected a mapping (key: value)", what);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)map, key, v)
    {
        if (fn(p, key, pw_yaml_key_line(p->doc, map, key), v, arg) != 0)
            return -1;
    }
    return 0;
}

int elig_parse_single(const elig_parse_t *p, const json_t *map, const char **key, size_t *kline,
                      const json_t **v)
{
    void *it =
        json_is_object(map) && json_object_size(map) == 1 ? json_object_iter((json_t *)map) : NULL;
    if (!it)
        return -1;
    *key = json_object_iter_key(it);
    *v = json_object_iter_value(it);
    *kline = pw_yaml_key_line(p->doc, map, *key);
    return 0;
}

/* ---- employer overrides ---- */

static int f_override(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    elig_override_t *o = arg;
    if (strcmp(key, "min_tenure_days") == 0)
        return elig_parse_integer(p, v, "min_tenure_days", 0, ELIG_MAX_TENURE_DAYS,
                                  &o->min_tenure_days);
    if (strcmp(key, "extra_job_families") == 0)
        return elig_parse_list(p, v, "extra_job_families", NULL, &o->extra_job_families);
    return fail_at(p, k,
                   "employer %s: unknown key '%s' (expected min_tenure_days,"
                   " extra_job_families)",
                   o->employer, key);
}

static int f_employer(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    elig_rules_t *r = p->rules;
    (void)arg;
    size_t len = strlen(key);
    if (len == 0 || len > ELIG_SUBJECT_MAX ||
        strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
                    "mnopqrstuvwxyz0123456789._-") != len)
        return fail_at(p, k, "employer id '%s' must be 1-64 characters of [A-Za-z0-9._-]", key);
    if (r->n_overrides >= ELIG_MAX_OVERRIDES)
        return fail_at(p, k, "at most %d employers with overrides", ELIG_MAX_OVERRIDES);
    elig_override_t *o = &r->overrides[r->n_overrides];
    memset(o, 0, sizeof *o);
    snprintf(o->employer, sizeof o->employer, "%s", key);
    o->min_tenure_days = -1;
    if (elig_parse_fields(p, v, key, f_override, o) != 0)
        return -1;
    r->n_overrides++;
    return 0;
}

/* ---- the document's sections ---- */

static int s_program(elig_parse_t *p, const json_t *v)
{
    const char *s = elig_parse_scalar(v);
    size_t len = s ? strlen(s) : 0;
    if (!len || len > ELIG_PROGRAM_MAX ||
        strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != len)
        return fail(p, v, "program: expected an id of 1-64 characters of [a-z0-9_-]");
    snprintf(p->rules->program, sizeof p->rules->program, "%s", s);
    return 0;
}

static int s_name(elig_parse_t *p, const json_t *v)
{
    const char *s = elig_parse_scalar(v);
    if (!s || strlen(s) > ELIG_NAME_MAX)
        return fail(p, v, "name: expected text of at most %d bytes", ELIG_NAME_MAX);
    snprintf(p->rules->name, sizeof p->rules->name, "%s", s);
    return 0;
}

static int f_target(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    elig_rules_t *r = p->rules;
    const char *s = elig_parse_scalar(v);
    (void)arg;
    if (strcmp(key, "name") == 0) {
        if (!s || !*s || strlen(s) > ELIG_NAME_MAX)
            return fail(p, v, "target_role.name: expected text of 1-%d bytes", ELIG_NAME_MAX);
        snprintf(r->target_role, sizeof r->target_role, "%s", s);
        return 0;
    }
    if (strcmp(key, "job_families") == 0)
        return elig_parse_list(p, v, "target_role.job_families", NULL, &r->target_families);
    return fail_at(p, k, "target_role: unknown key '%s' (expected name, job_families)", key);
}

static int s_target_role(elig_parse_t *p, const json_t *v)
{
    if (elig_parse_fields(p, v, "target_role", f_target, NULL) != 0)
        return -1;
    if (!p->rules->target_families.n)
        return fail(p, v, "target_role: needs job_families");
    return 0;
}

static int s_intake(elig_parse_t *p, const json_t *v)
{
    p->rules->intake = elig_intake_parse(elig_parse_scalar(v));
    if (p->rules->intake < 0)
        return fail(p, v, "intake: expected open, paused or closed");
    return 0;
}

static int s_employers(elig_parse_t *p, const json_t *v)
{
    return elig_parse_fields(p, v, "employers", f_employer, NULL);
}

/* Sections for other services: at_risk (read by enrollment), accepted
 * when a mapping or a list, not read here. */
static int s_other(elig_parse_t *p, const json_t *v)
{
    if (!json_is_object(v) && !json_is_array(v))
        return fail(p, v, "expected a mapping or a list");
    return 0;
}

typedef struct {
    const char *key;
    int (*read)(elig_parse_t *p, const json_t *v);
} section_t;

static const section_t SECTIONS[] = {
    {"program", s_program},
    {"name", s_name},
    {"target_role", s_target_role},
    {"intake", s_intake},
    {"criteria", elig_parse_criteria},
    {"employers", s_employers},
    {"at_risk", s_other}, /* enrollment's (services/enrollment/at_risk.h) */
};
#define SECTION_NAMES "program, name, target_role, intake, criteria, employers, at_risk"

/* Keys that belong in other files: refused with where they live, so a
 * setting is never silently ignored. */
static const char *const ELSEWHERE[][2] = {
    {"templates", "a program's templates live in deploy/templates/<program>/<language>/"
                  "<trigger>.<recipient>.txt"},
    {"costs", "a program's target-role cost lives in deploy/costs.yaml, programs.<program>"},
};

/* A section given twice is a duplicate key, refused by the reader. */
static int f_root(elig_parse_t *p, const char *key, size_t k, const json_t *v, void *arg)
{
    (void)arg;
    for (size_t i = 0; i < sizeof ELSEWHERE / sizeof *ELSEWHERE; i++)
        if (strcmp(key, ELSEWHERE[i][0]) == 0)
            return fail_at(p, k, "'%s' is not read from a program file: %s", key, ELSEWHERE[i][1]);
    for (size_t i = 0; i < sizeof SECTIONS / sizeof *SECTIONS; i++)
        if (strcmp(key, SECTIONS[i].key) == 0)
            return SECTIONS[i].read(p, v);
    return fail_at(p, k, "unknown key '%s' (expected " SECTION_NAMES ")", key);
}

static int program_root(elig_parse_t *p, const json_t *root)
{
    if (!root)
        return fail(p, NULL, "the file is empty");
    if (elig_parse_fields(p, root, "the file", f_root, NULL) != 0)
        return -1;
    if (!p->rules->program[0])
        return fail(p, root, "program: missing (e.g. program: mapp)");
    if (!p->rules->n_criteria)
        return fail(p, root, "criteria: missing; a program needs at least one criterion");
    /* A criterion on the target role needs the role. */
    for (size_t i = 0; i < p->rules->n_nodes; i++)
        if (p->rules->nodes[i].target && !p->rules->target_families.n)
            return fail(p, root,
                        "criteria: 'target_role' is used but the file has no"
                        " target_role section with job_families");
    return 0;
}

/* The line of the reader's "SOURCE:LINE: reason", or 0. */
static unsigned error_line(const char *err, const char *source)
{
    size_t n = strlen(source);
    char *end;
    if (strncmp(err, source, n) != 0 || err[n] != ':' || err[n + 1] < '0' || err[n + 1] > '9')
        return 0;
    unsigned long line = strtoul(err + n + 1, &end, 10);
    return *end == ':' && line <= UINT_MAX ? (unsigned)line : 0;
}

int elig_parse_document(elig_parse_t *p, const char *text, size_t len, size_t max,
                        int (*root)(elig_parse_t *p, const json_t *root))
{
    *p->line = 0;
    if (len > max)
        return fail(p, NULL, "the file is larger than %zu bytes", max);
    pw_yaml_t *doc = pw_yaml_open_text(text, len, p->source, p->err, p->errlen);
    if (!doc) {
        *p->line = error_line(p->err, p->source);
        return -1;
    }
    p->doc = doc;
    int rc = elig_selfid_guard(doc, p->source, p->err, p->errlen, p->line);
    if (rc == 0) {
        /* An empty file is the reader's empty mapping, on no line. */
        const json_t *top = pw_yaml_root(doc);
        rc = root(p, pw_yaml_line(doc, top) ? top : NULL);
    }
    p->doc = NULL;
    pw_yaml_destroy(&doc);
    return rc;
}

int elig_program_parse_with(const char *text, size_t len, const char *source,
                            const elig_attr_schema_t *schema, elig_rules_t *out, char *err,
                            size_t errlen, unsigned *line)
{
    elig_parse_t p = {.source = source && *source ? source : "program",
                      .err = err,
                      .errlen = errlen,
                      .line = line,
                      .rules = out,
                      .schema = schema};
    memset(out, 0, sizeof *out);
    out->intake = -1;
    return elig_parse_document(&p, text, len, ELIG_PROGRAM_TEXT_MAX, program_root);
}

int elig_program_parse(const char *text, size_t len, const char *source, elig_rules_t *out,
                       char *err, size_t errlen, unsigned *line)
{
    return elig_program_parse_with(text, len, source, NULL, out, err, errlen, line);
}
