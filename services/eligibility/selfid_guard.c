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

typedef struct {
    const pw_yaml_t *doc;
    const json_t *skip; /* the program's free-text name */
    char word[64];
    size_t line;
} guard_t;

/* Looks at key (when not NULL, on line kline) and then at v's scalars, in
 * the file's order: 1 at the first forbidden word, else 0. */
static int scan(guard_t *g, const char *key, size_t kline, const json_t *v)
{
    if (key && find_word(key, g->word, sizeof g->word))
        return g->line = kline, 1;
    if (v == g->skip)
        return 0;
    if (json_is_string(v) && find_word(json_string_value(v), g->word, sizeof g->word))
        return g->line = pw_yaml_line(g->doc, v), 1;
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item)
    {
        if (scan(g, NULL, 0, item))
            return 1;
    }
    const char *k;
    json_object_foreach((json_t *)v, k, item)
    {
        if (scan(g, k, pw_yaml_key_line(g->doc, v, k), item))
            return 1;
    }
    return 0;
}

int elig_selfid_guard(const pw_yaml_t *doc, const char *source, char *err, size_t errlen,
                      unsigned *line)
{
    const json_t *root = pw_yaml_root(doc);
    const json_t *name = json_object_get(root, "name");
    guard_t g = {.doc = doc, .skip = json_is_string(name) ? name : NULL};
    if (!scan(&g, NULL, 0, root))
        return 0;
    *line = (unsigned)g.line;
    snprintf(err, errlen,
             "%s:%u: '%s' is voluntary self-identification; eligibility rules may never "
             "read it (README, \"Equity view\")",
             source, *line, g.word);
    return -1;
}
