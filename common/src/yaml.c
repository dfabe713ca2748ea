/* libyaml document -> jansson tree, with each node's line (yaml.h). */
#include "pathways/yaml.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    const json_t *node;
    size_t line;
    size_t key_line; /* of the key whose value node is; 0 for others */
} node_line_t;

struct pw_yaml {
    json_t *root;
    char *name;
    node_line_t *lines; /* sorted by node address once loaded */
    size_t nlines, cap;
};

/* One conversion: the libyaml document, the output and the error. */
typedef struct {
    yaml_document_t *doc;
    pw_yaml_t *y;
    char *err;
    size_t errlen;
} conv_t;

static int fail(conv_t *c, const yaml_node_t *n, const char *why)
{
    snprintf(c->err, c->errlen, "%s:%zu: %s", c->y->name, n ? n->start_mark.line + 1 : 0, why);
    return -1;
}

/* Records v's line; refuses past PW_YAML_MAX_NODES. 0 or -1. */
static int note(conv_t *c, const yaml_node_t *n, json_t *v)
{
    pw_yaml_t *y = c->y;
    if (y->nlines == PW_YAML_MAX_NODES)
        return fail(c, n, "too many nodes (an alias bomb?)");
    if (y->nlines == y->cap) {
        size_t cap = y->cap ? 2 * y->cap : 64;
        node_line_t *grown = realloc(y->lines, cap * sizeof *grown);
        if (!grown)
            return fail(c, n, "out of memory");
        y->lines = grown;
        y->cap = cap;
    }
    y->lines[y->nlines++] = (node_line_t){v, n->start_mark.line + 1, 0};
    return 0;
}

static json_t *convert(conv_t *c, yaml_node_t *node, int depth);

static json_t *convert_mapping(conv_t *c, yaml_node_t *node, int depth)
{
    json_t *obj = json_object();
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         obj && p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        const char *why = NULL;
        char dup[160];
        if (!k || k->type != YAML_SCALAR_NODE) {
            why = "mapping keys must be plain words";
        } else if (strlen((const char *)k->data.scalar.value) != k->data.scalar.length) {
            why = "a mapping key holds a NUL byte";
        } else if (json_object_get(obj, (const char *)k->data.scalar.value)) {
            snprintf(dup, sizeof dup, "duplicate key \"%.100s\"",
                     (const char *)k->data.scalar.value);
            why = dup;
        }
        if (why) {
            fail(c, k ? k : node, why);
            json_decref(obj);
            return NULL;
        }
        json_t *v = convert(c, yaml_document_get_node(c->doc, p->value), depth + 1);
        if (!v || json_object_set_new(obj, (const char *)k->data.scalar.value, v) != 0) {
            if (v && !*c->err)
                fail(c, k, "a mapping key is not valid UTF-8");
            json_decref(obj);
            return NULL;
        }
        /* convert() noted v last (after its children). */
        c->y->lines[c->y->nlines - 1].key_line = k->start_mark.line + 1;
    }
    return obj;
}

static json_t *convert_node(conv_t *c, yaml_node_t *node, int depth)
{
    switch (node->type) {
    case YAML_SCALAR_NODE: {
        json_t *s = json_stringn((const char *)node->data.scalar.value, node->data.scalar.length);
        if (!s)
            fail(c, node, "a value is not valid UTF-8");
        return s;
    }
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        for (yaml_node_item_t *i = node->data.sequence.items.start;
             arr && i < node->data.sequence.items.top; i++) {
            json_t *v = convert(c, yaml_document_get_node(c->doc, *i), depth + 1);
            if (!v || json_array_append_new(arr, v) != 0) {
                json_decref(arr);
                return NULL;
            }
        }
        return arr;
    }
    case YAML_MAPPING_NODE:
        return convert_mapping(c, node, depth);
    default:
        fail(c, node, "unsupported YAML node");
        return NULL;
    }
}

static json_t *convert(conv_t *c, yaml_node_t *node, int depth)
{
    if (!node)
        return json_object();
    if (depth > PW_YAML_MAX_DEPTH) {
        fail(c, node, "nested too deeply");
        return NULL;
    }
    json_t *v = convert_node(c, node, depth);
    if (v && note(c, node, v) != 0) {
        json_decref(v);
        return NULL;
    }
    return v;
}

static int by_node(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const node_line_t *)a)->node;
    uintptr_t y = (uintptr_t)((const node_line_t *)b)->node;
    return (x > y) - (x < y);
}

static pw_yaml_t *load(yaml_parser_t *parser, const char *name, char *err, size_t errlen)
{
    pw_yaml_t *y = calloc(1, sizeof *y);
    if (!y || !(y->name = strdup(name))) {
        free(y);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    yaml_document_t doc;
    if (!yaml_parser_load(parser, &doc)) {
        snprintf(err, errlen, "%s:%zu: %s%s%s", name, parser->problem_mark.line + 1,
                 parser->problem ? parser->problem : "YAML syntax error",
                 parser->context ? " " : "", parser->context ? parser->context : "");
        pw_yaml_destroy(&y);
        return NULL;
    }
    err[0] = '\0';
    conv_t c = {&doc, y, err, errlen};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0 &&
        root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        root = NULL; /* "---" alone: an empty document, as an empty file */
    y->root = convert(&c, root, 0);
    yaml_document_delete(&doc);
    if (!y->root) {
        if (!err[0])
            snprintf(err, errlen, "%s: out of memory", name);
        pw_yaml_destroy(&y);
        return NULL;
    }
    if (y->nlines) /* an empty file has none, and lines is NULL */
        qsort(y->lines, y->nlines, sizeof *y->lines, by_node);
    return y;
}

pw_yaml_t *pw_yaml_open_text(const char *text, size_t len, const char *name, char *err,
                             size_t errlen)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    pw_yaml_t *y = load(&parser, name, err, errlen);
    yaml_parser_delete(&parser);
    return y;
}

pw_yaml_t *pw_yaml_open(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    yaml_parser_t parser;
    pw_yaml_t *y = NULL;
    if (yaml_parser_initialize(&parser)) {
        yaml_parser_set_input_file(&parser, f);
        y = load(&parser, path, err, errlen);
        yaml_parser_delete(&parser);
    } else {
        snprintf(err, errlen, "out of memory");
    }
    fclose(f);
    return y;
}

void pw_yaml_destroy(pw_yaml_t **p)
{
    if (!p || !*p)
        return;
    json_decref((*p)->root);
    free((*p)->name);
    free((*p)->lines);
    free(*p);
    *p = NULL;
}

json_t *pw_yaml_root(const pw_yaml_t *y)
{
    return y->root;
}

const char *pw_yaml_name(const pw_yaml_t *y)
{
    return y->name;
}

static const node_line_t *entry(const pw_yaml_t *y, const json_t *v)
{
    node_line_t key = {v, 0, 0};
    return v && y->nlines ? bsearch(&key, y->lines, y->nlines, sizeof key, by_node) : NULL;
}

size_t pw_yaml_line(const pw_yaml_t *y, const json_t *v)
{
    const node_line_t *hit = entry(y, v);
    return hit ? hit->line : 0;
}

size_t pw_yaml_key_line(const pw_yaml_t *y, const json_t *object, const char *key)
{
    /* Every value of the tree is its own node, so the value names the key. */
    const node_line_t *hit = key ? entry(y, json_object_get(object, key)) : NULL;
    return hit ? hit->key_line : 0;
}

/* The tree alone: takes a reference and drops the document. */
static json_t *tree_of(pw_yaml_t *y)
{
    json_t *root = y ? json_incref(y->root) : NULL;
    pw_yaml_destroy(&y);
    return root;
}

json_t *pw_yaml_load(const char *path, char *err, size_t errlen)
{
    return tree_of(pw_yaml_open(path, err, errlen));
}

json_t *pw_yaml_parse(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
    return tree_of(pw_yaml_open_text(text, len, name, err, errlen));
}

int pw_yaml_int(const json_t *v, long min, long max, long *out)
{
    long n;
    if (json_is_integer(v)) {
        json_int_t j = json_integer_value(v);
        if (j < (json_int_t)min || j > (json_int_t)max)
            return -1;
        n = (long)j;
    } else if (json_is_string(v) && json_string_length(v) > 0 &&
               strlen(json_string_value(v)) == json_string_length(v)) {
        const char *s = json_string_value(v);
        char *end;
        if (!(s[0] == '-' || s[0] == '+' || (s[0] >= '0' && s[0] <= '9')))
            return -1; /* strtol would skip spaces */
        errno = 0;
        n = strtol(s, &end, 10);
        if (errno || *end || end == s)
            return -1;
    } else {
        return -1;
    }
    if (n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

int pw_yaml_number(const json_t *v, double min, double max, double *out)
{
    double d;
    if (json_is_number(v)) {
        d = json_number_value(v);
    } else if (json_is_string(v) && json_string_length(v) > 0 &&
               strlen(json_string_value(v)) == json_string_length(v)) {
        const char *s = json_string_value(v);
        char *end;
        if (!(s[0] == '-' || s[0] == '+' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9')) ||
            strpbrk(s, "xX"))
            return -1; /* no leading spaces, no hexadecimal */
        errno = 0;
        d = strtod(s, &end);
        if (errno || *end || end == s)
            return -1;
    } else {
        return -1;
    }
    if (!isfinite(d) || !(d >= min && d <= max))
        return -1;
    *out = d;
    return 0;
}
