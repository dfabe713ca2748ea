/* Program files: libyaml's document API gives every node with its line, so
 * each check can say where the problem is. */
#include "program.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "selfid_guard.h"

static const char *const ENROLLMENT_STATES[] = {
    "invited",   "applied", "enrolled",  "waitlisted", "in_training", "completed",
    "certified", "placed",  "withdrawn", "exited",     "paused",
};

typedef struct {
    yaml_document_t *doc;
    const char *source;
    char *err;
    size_t errlen;
    unsigned *line;
    elig_rules_t *rules;
} parse_t;

static int fail(parse_t *p, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(parse_t *p, const yaml_node_t *n, const char *fmt, ...)
{
    char text[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    *p->line = n ? (unsigned)n->start_mark.line + 1 : 0;
    if (*p->line)
        snprintf(p->err, p->errlen, "%s:%u: %s", p->source, *p->line, text);
    else
        snprintf(p->err, p->errlen, "%s: %s", p->source, text);
    return -1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *node(parse_t *p, int id)
{
    return yaml_document_get_node(p->doc, id);
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

typedef int (*word_check_fn)(const char *word);

static int list_of(parse_t *p, const yaml_node_t *n, const char *what, word_check_fn check,
                   elig_list_t *out)
{
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return fail(p, n, "%s: expected a list such as [a, b]", what);
    out->n = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        const yaml_node_t *item = node(p, *it);
        const char *s = scalar(item);
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

static int number(parse_t *p, const yaml_node_t *n, const char *what, double lo, double hi,
                  double *out)
{
    const char *s = scalar(n);
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || !*s || *end || errno || !isfinite(v) || v < lo || v > hi)
        return fail(p, n, "%s: expected a number from %g to %g", what, lo, hi);
    *out = v;
    return 0;
}

static int integer(parse_t *p, const yaml_node_t *n, const char *what, int lo, int hi, int *out)
{
    double v;
    if (number(p, n, what, lo, hi, &v) != 0)
        return -1;
    if (v != floor(v))
        return fail(p, n, "%s: expected a whole number", what);
    *out = (int)v;
    return 0;
}

static int is_status(const char *w)
{
    return elig_status_parse(w) > 0;
}
static int is_type(const char *w)
{
    return elig_type_parse(w) > 0;
}
static int is_standing(const char *w)
{
    return elig_standing_parse(w) > 0;
}
static int is_state(const char *w)
{
    for (size_t i = 0; i < sizeof ENROLLMENT_STATES / sizeof *ENROLLMENT_STATES; i++)
        if (strcmp(w, ENROLLMENT_STATES[i]) == 0)
            return 1;
    return 0;
}

/* One key of a mapping: its name, its value node. */
typedef int (*field_fn)(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                        void *arg);

static int each_field(parse_t *p, const yaml_node_t *map, const char *what, field_fn fn, void *arg)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return fail(p, map, "%s: expected a mapping (key: value)", what);
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
        const char *key = scalar(k);
        if (!key)
            return fail(p, k, "%s: keys must be plain words", what);
        if (fn(p, key, k, v, arg) != 0)
            return -1;
    }
    return 0;
}

/* ---- criteria ---- */

static int enable(parse_t *p, elig_crit_t c)
{
    p->rules->enabled |= 1u << c;
    return 0;
}

static int f_status(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                    void *arg)
{
    (void)arg;
    if (strcmp(key, "in") == 0)
        return list_of(p, v, "status.in", is_status, &p->rules->statuses);
    return fail(p, k, "status: unknown key '%s' (expected in)", key);
}

static int f_standing(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                      void *arg)
{
    (void)arg;
    if (strcmp(key, "in") == 0)
        return list_of(p, v, "standing.in", is_standing, &p->rules->standings);
    return fail(p, k, "standing: unknown key '%s' (expected in)", key);
}

static int f_full_time(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                       void *arg)
{
    (void)arg;
    if (strcmp(key, "employment_types") == 0)
        return list_of(p, v, "full_time.employment_types", is_type, &p->rules->employment_types);
    if (strcmp(key, "min_hours") == 0)
        return number(p, v, "full_time.min_hours", 1, 80, &p->rules->full_time_hours);
    return fail(p, k, "full_time: unknown key '%s' (expected employment_types, min_hours)", key);
}

static int f_job_family(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                        void *arg)
{
    int *seen = arg;
    if (strcmp(key, "in") != 0 && strcmp(key, "not_in") != 0)
        return fail(p, k, "job_family: unknown key '%s' (expected in or not_in)", key);
    if ((*seen)++)
        return fail(p, k, "job_family: give either in or not_in, not both");
    p->rules->job_families_exclude = strcmp(key, "not_in") == 0;
    return list_of(p, v, "job_family", NULL, &p->rules->job_families);
}

static int f_tenure(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                    void *arg)
{
    (void)arg;
    if (strcmp(key, "min_days") == 0)
        return integer(p, v, "tenure.min_days", 0, ELIG_MAX_TENURE_DAYS,
                       &p->rules->min_tenure_days);
    return fail(p, k, "tenure: unknown key '%s' (expected min_days)", key);
}

static int f_not_in_program(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                            void *arg)
{
    (void)arg;
    if (strcmp(key, "states") == 0)
        return list_of(p, v, "not_in_program.states", is_state, &p->rules->program_states);
    return fail(p, k, "not_in_program: unknown key '%s' (expected states)", key);
}

static int f_not_in_role(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                         void *arg)
{
    (void)arg;
    if (strcmp(key, "job_families") == 0)
        return list_of(p, v, "not_in_target_role.job_families", NULL,
                       &p->rules->target_job_families);
    return fail(p, k, "not_in_target_role: unknown key '%s' (expected job_families)", key);
}

/* Checks that a criterion's required parameters were given. */
static int criterion_complete(parse_t *p, elig_crit_t c, const yaml_node_t *v)
{
    const elig_rules_t *r = p->rules;
    const char *missing = NULL;
    if (c == ELIG_CRIT_STATUS && !r->statuses.n)
        missing = "in";
    else if (c == ELIG_CRIT_STANDING && !r->standings.n)
        missing = "in";
    else if (c == ELIG_CRIT_FULL_TIME && (!r->employment_types.n || r->full_time_hours <= 0))
        missing = "employment_types and min_hours";
    else if (c == ELIG_CRIT_JOB_FAMILY && !r->job_families.n)
        missing = "in or not_in";
    else if (c == ELIG_CRIT_TENURE && r->min_tenure_days < 0)
        missing = "min_days";
    else if (c == ELIG_CRIT_NOT_IN_PROGRAM && !r->program_states.n)
        missing = "states";
    else if (c == ELIG_CRIT_NOT_IN_ROLE && !r->target_job_families.n)
        missing = "job_families";
    if (missing)
        return fail(p, v, "%s: needs %s", elig_crit_name(c), missing);
    return enable(p, c);
}

static int f_criterion(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                       void *arg)
{
    static const field_fn FIELDS[ELIG_CRIT_COUNT] = {
        f_status, f_full_time, f_job_family,     f_standing,
        f_tenure, NULL,        f_not_in_program, f_not_in_role,
    };
    int c = elig_crit_parse(key), seen = 0;
    (void)arg;
    if (c < 0)
        return fail(p, k,
                    "unknown criterion '%s' (known: status, full_time, job_family, standing,"
                    " tenure, employer_participates, not_in_program, not_in_target_role)",
                    key);
    if (p->rules->enabled & (1u << c))
        return fail(p, k, "criterion '%s' is given twice", key);
    if (c == ELIG_CRIT_EMPLOYER) {
        const char *s = scalar(v);
        if (!s || (strcmp(s, "true") != 0 && strcmp(s, "false") != 0))
            return fail(p, v, "employer_participates: expected true or false");
        return strcmp(s, "true") == 0 ? enable(p, ELIG_CRIT_EMPLOYER) : 0;
    }
    if (each_field(p, v, key, FIELDS[c], &seen) != 0)
        return -1;
    return criterion_complete(p, (elig_crit_t)c, v);
}

/* ---- employer overrides ---- */

static int f_override(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                      void *arg)
{
    elig_override_t *o = arg;
    if (strcmp(key, "min_tenure_days") == 0)
        return integer(p, v, "min_tenure_days", 0, ELIG_MAX_TENURE_DAYS, &o->min_tenure_days);
    if (strcmp(key, "extra_job_families") == 0)
        return list_of(p, v, "extra_job_families", NULL, &o->extra_job_families);
    return fail(p, k,
                "employer %s: unknown key '%s' (expected min_tenure_days,"
                " extra_job_families)",
                o->employer, key);
}

static int f_employer(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                      void *arg)
{
    elig_rules_t *r = p->rules;
    (void)arg;
    size_t len = strlen(key);
    if (len == 0 || len > ELIG_SUBJECT_MAX ||
        strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
                    "mnopqrstuvwxyz0123456789._-") != len)
        return fail(p, k, "employer id '%s' must be 1-64 characters of [A-Za-z0-9._-]", key);
    if (elig_rules_override(r, key))
        return fail(p, k, "employer %s is given twice", key);
    if (r->n_overrides >= ELIG_MAX_OVERRIDES)
        return fail(p, k, "at most %d employers with overrides", ELIG_MAX_OVERRIDES);
    elig_override_t *o = &r->overrides[r->n_overrides];
    memset(o, 0, sizeof *o);
    snprintf(o->employer, sizeof o->employer, "%s", key);
    o->min_tenure_days = -1;
    if (each_field(p, v, key, f_override, o) != 0)
        return -1;
    r->n_overrides++;
    return 0;
}

/* ---- the document ---- */

static int f_root(parse_t *p, const char *key, const yaml_node_t *k, const yaml_node_t *v,
                  void *arg)
{
    elig_rules_t *r = p->rules;
    const char *s = scalar(v);
    (void)arg;
    if (strcmp(key, "program") == 0) {
        size_t len = s ? strlen(s) : 0;
        if (!len || len > ELIG_PROGRAM_MAX ||
            strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != len)
            return fail(p, v, "program: expected an id of 1-64 characters of [a-z0-9_-]");
        snprintf(r->program, sizeof r->program, "%s", s);
        return 0;
    }
    if (strcmp(key, "name") == 0) {
        if (!s || strlen(s) > ELIG_NAME_MAX)
            return fail(p, v, "name: expected text of at most %d bytes", ELIG_NAME_MAX);
        snprintf(r->name, sizeof r->name, "%s", s);
        return 0;
    }
    if (strcmp(key, "criteria") == 0)
        return each_field(p, v, "criteria", f_criterion, NULL);
    if (strcmp(key, "employers") == 0)
        return each_field(p, v, "employers", f_employer, NULL);
    return fail(p, k, "unknown key '%s' (expected program, name, criteria, employers)", key);
}

static int program_root(parse_t *p, const yaml_node_t *root)
{
    if (!root)
        return fail(p, NULL, "the file is empty");
    p->rules->min_tenure_days = -1;
    if (each_field(p, root, "the file", f_root, NULL) != 0)
        return -1;
    if (!p->rules->program[0])
        return fail(p, root, "program: missing (e.g. program: mapp)");
    if (!p->rules->enabled)
        return fail(p, root, "criteria: missing; a program needs at least one criterion");
    if (p->rules->min_tenure_days < 0)
        p->rules->min_tenure_days = 0;
    return 0;
}

int elig_program_parse(const char *text, size_t len, const char *source, elig_rules_t *out,
                       char *err, size_t errlen, unsigned *line)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    parse_t p = {.doc = &doc,
                 .source = source && *source ? source : "program",
                 .err = err,
                 .errlen = errlen,
                 .line = line,
                 .rules = out};
    *line = 0;
    memset(out, 0, sizeof *out);
    if (len > ELIG_PROGRAM_TEXT_MAX)
        return fail(&p, NULL, "the file is larger than %u bytes", ELIG_PROGRAM_TEXT_MAX);
    if (!yaml_parser_initialize(&parser))
        return fail(&p, NULL, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        *line = (unsigned)parser.problem_mark.line + 1;
        snprintf(err, errlen, "%s:%u: %s%s%s", p.source, *line,
                 parser.problem ? parser.problem : "invalid YAML", parser.context ? " " : "",
                 parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return -1;
    }
    int rc = elig_selfid_guard(&doc, p.source, err, errlen, line);
    if (rc == 0)
        rc = program_root(&p, yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}
