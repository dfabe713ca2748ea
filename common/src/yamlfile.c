/* libyaml document -> jansson tree (yamlfile.h). */
#include "pathways/yamlfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YAML_MAX_DEPTH 32

static json_t *convert(yaml_document_t *doc, yaml_node_t *node, int depth, const char *name,
                       char *err, size_t errlen);

static json_t *convert_mapping(yaml_document_t *doc, yaml_node_t *node, int depth, const char *name,
                               char *err, size_t errlen)
{
    json_t *obj = json_object();
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         obj && p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (!k || k->type != YAML_SCALAR_NODE) {
            snprintf(err, errlen, "%s:%zu: mapping keys must be plain words", name,
                     node->start_mark.line + 1);
            json_decref(obj);
            return NULL;
        }
        const char *key = (const char *)k->data.scalar.value;
        if (json_object_get(obj, key)) {
            snprintf(err, errlen, "%s:%zu: duplicate key \"%s\"", name, k->start_mark.line + 1,
                     key);
            json_decref(obj);
            return NULL;
        }
        json_t *v =
            convert(doc, yaml_document_get_node(doc, p->value), depth + 1, name, err, errlen);
        if (!v || json_object_set_new(obj, key, v) != 0) {
            json_decref(obj);
            return NULL;
        }
    }
    return obj;
}

static json_t *convert(yaml_document_t *doc, yaml_node_t *node, int depth, const char *name,
                       char *err, size_t errlen)
{
    if (!node)
        return json_object();
    if (depth > YAML_MAX_DEPTH) {
        snprintf(err, errlen, "%s:%zu: nested too deeply", name, node->start_mark.line + 1);
        return NULL;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE:
        return json_stringn((const char *)node->data.scalar.value, node->data.scalar.length);
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        for (yaml_node_item_t *i = node->data.sequence.items.start;
             arr && i < node->data.sequence.items.top; i++) {
            json_t *v = convert(doc, yaml_document_get_node(doc, *i), depth + 1, name, err, errlen);
            if (!v || json_array_append_new(arr, v) != 0) {
                json_decref(arr);
                return NULL;
            }
        }
        return arr;
    }
    case YAML_MAPPING_NODE:
        return convert_mapping(doc, node, depth, name, err, errlen);
    default:
        snprintf(err, errlen, "%s:%zu: unsupported YAML node", name, node->start_mark.line + 1);
        return NULL;
    }
}

static json_t *load(yaml_parser_t *parser, const char *name, char *err, size_t errlen)
{
    yaml_document_t doc;
    if (!yaml_parser_load(parser, &doc)) {
        snprintf(err, errlen, "%s:%zu: %s", name, parser->problem_mark.line + 1,
                 parser->problem ? parser->problem : "YAML syntax error");
        return NULL;
    }
    json_t *out = convert(&doc, yaml_document_get_root_node(&doc), 0, name, err, errlen);
    yaml_document_delete(&doc);
    return out;
}

json_t *pw_yaml_parse(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    json_t *out = load(&parser, name, err, errlen);
    yaml_parser_delete(&parser);
    return out;
}

json_t *pw_yaml_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    yaml_parser_t parser;
    json_t *out = NULL;
    if (yaml_parser_initialize(&parser)) {
        yaml_parser_set_input_file(&parser, f);
        out = load(&parser, path, err, errlen);
        yaml_parser_delete(&parser);
    } else {
        snprintf(err, errlen, "out of memory");
    }
    fclose(f);
    return out;
}

int pw_yaml_int(const json_t *v, long min, long max, long *out)
{
    long n;
    if (json_is_integer(v)) {
        n = (long)json_integer_value(v);
    } else if (json_is_string(v) && *json_string_value(v)) {
        char *end;
        errno = 0;
        n = strtol(json_string_value(v), &end, 10);
        if (errno || *end)
            return -1;
    } else {
        return -1;
    }
    if (n < min || n > max)
        return -1;
    *out = n;
    return 0;
}
