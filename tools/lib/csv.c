/* The CSV reader: one pass, unescaping in place. */
#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *csv_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1))) {
            *len = fread(buf, 1, (size_t)size, f);
            buf[*len] = '\0';
        }
    }
    if (!buf || ferror(f)) {
        snprintf(err, errlen, "%s: cannot read it", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

void csv_init(csv_t *c, char *text, size_t len)
{
    c->p = text;
    c->end = text + len;
    c->line = 1;
}

/* Skips to the start of the next line after a bad record. */
static void skip_line(csv_t *c)
{
    while (c->p < c->end && *c->p != '\n')
        c->p++;
    if (c->p < c->end) {
        c->p++;
        c->line++;
    }
}

/* Reads a quoted field starting after its opening quote; *out receives its
 * unescaped text. Returns 0 or -1. */
static int quoted(csv_t *c, char **out, char *err, size_t errlen)
{
    char *w = c->p;
    *out = w;
    for (;;) {
        if (c->p >= c->end)
            return snprintf(err, errlen, "a quoted field is not closed"), -1;
        char ch = *c->p++;
        if (ch == '"') {
            if (c->p < c->end && *c->p == '"') {
                *w++ = '"';
                c->p++;
                continue;
            }
            break;
        }
        if (ch == '\n')
            c->line++;
        if (ch == '\0')
            return snprintf(err, errlen, "a NUL byte"), -1;
        *w++ = ch;
    }
    if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
        return snprintf(err, errlen, "text after a closing quote"), -1;
    *w = '\0'; /* safe: w is behind the closing quote */
    return 0;
}

/* Reads a plain field up to ',' or the line end into *out. Returns 0, or
 * -1 for a quote inside it (RFC 4180 quotes whole fields only) or a NUL
 * byte (it would cut the field short without a word). */
static int plain(csv_t *c, char **out, char *err, size_t errlen)
{
    *out = c->p;
    while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
        if (*c->p == '"')
            return snprintf(err, errlen, "a quote inside an unquoted field"), -1;
        if (*c->p == '\0')
            return snprintf(err, errlen, "a NUL byte"), -1;
        c->p++;
    }
    return 0;
}

int csv_next(csv_t *c, char **fields, size_t *n, long *line, char *err, size_t errlen)
{
    *n = 0;
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) { /* blank lines */
        if (*c->p++ == '\n')
            c->line++;
    }
    if (c->p >= c->end)
        return 0;
    *line = c->line;
    for (;;) {
        char *field;
        if (*n == CSV_MAX_FIELDS) {
            snprintf(err, errlen, "more than %d fields", CSV_MAX_FIELDS);
            skip_line(c);
            return -1;
        }
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            if (quoted(c, &field, err, errlen) != 0) {
                skip_line(c);
                return -1;
            }
        } else if (plain(c, &field, err, errlen) != 0) {
            skip_line(c);
            return -1;
        }
        fields[(*n)++] = field;
        char sep = c->p < c->end ? *c->p : '\n';
        if (c->p < c->end)
            *c->p++ = '\0';
        if (sep == ',')
            continue;
        if (sep == '\r' && c->p < c->end && *c->p == '\n')
            c->p++;
        c->line++;
        return 1;
    }
}

int csv_header_bind(const csv_column_t *cols, size_t ncols, const char *known, char *const *fields,
                    size_t n, int *at, char *err, size_t errlen)
{
    for (size_t i = 0; i < ncols; i++)
        at[i] = -1;
    for (size_t f = 0; f < n; f++) {
        size_t i = 0;
        while (i < ncols && strcmp(cols[i].name, fields[f]) != 0)
            i++;
        if (i == ncols)
            return snprintf(err, errlen, "unknown column '%.40s' (columns: %s)", fields[f], known),
                   -1;
        if (at[i] >= 0)
            return snprintf(err, errlen, "column '%s' appears twice", cols[i].name), -1;
        at[i] = (int)f;
    }
    for (size_t i = 0; i < ncols; i++)
        if (cols[i].required && at[i] < 0)
            return snprintf(err, errlen, "column '%s' is required", cols[i].name), -1;
    return 0;
}

const char *csv_field(char *const *fields, size_t n, int at)
{
    return at >= 0 && (size_t)at < n ? fields[at] : "";
}
