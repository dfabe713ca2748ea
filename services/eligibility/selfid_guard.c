/* The self-identification guard for rule files; see selfid_guard.h.
 * Scalars are cut into identifier words ([A-Za-z0-9_]; '.', spaces and
 * operators separate), so "self_id.gender == 'x'" in an expression is
 * caught as well as a criterion named gender. */
#include "selfid_guard.h"

#include <stdio.h>
#include <string.h>

#include "pathways/selfid.h"

/* Names beside the proto fields that would mean the same to a reader. */
static const char *const ALIASES[] = {
    "self_id", "selfid",  "self_identification", "race", "ethnicity",
    "sex",     "veteran", "disability",          NULL,
};

int elig_selfid_forbidden(const char *word)
{
    if (pw_selfid_field_index(word) >= 0)
        return 1;
    for (size_t i = 0; ALIASES[i]; i++)
        if (strcmp(word, ALIASES[i]) == 0)
            return 1;
    return 0;
}

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The first forbidden word of text copied into out, or 0 when none. */
static int find_word(const char *text, char *out, size_t outlen)
{
    const char *p = text;
    while (*p) {
        while (*p && !ident_char(*p))
            p++;
        size_t len = 0;
        while (ident_char(p[len]))
            len++;
        if (len > 0 && len < outlen) {
            memcpy(out, p, len);
            out[len] = '\0';
            if (elig_selfid_forbidden(out))
                return 1;
        }
        p += len;
    }
    return 0;
}

/* The value node of the root mapping's "name" key (free text), or NULL. */
static const yaml_node_t *name_value(yaml_document_t *doc)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, "name") == 0)
            return yaml_document_get_node(doc, pr->value);
    }
    return NULL;
}

int elig_selfid_guard(yaml_document_t *doc, const char *source, char *err, size_t errlen,
                      unsigned *line)
{
    const yaml_node_t *skip = name_value(doc);
    char word[64];
    for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
        if (n->type != YAML_SCALAR_NODE || n == skip ||
            !find_word((const char *)n->data.scalar.value, word, sizeof word))
            continue;
        *line = (unsigned)n->start_mark.line + 1;
        snprintf(err, errlen,
                 "%s:%u: '%s' is voluntary self-identification; eligibility rules may never "
                 "read it (README, \"Equity view\")",
                 source, *line, word);
        return -1;
    }
    return 0;
}
