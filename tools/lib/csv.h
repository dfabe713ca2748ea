/* A strict CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF or LF line
 * ends, line breaks inside quotes) over a text held in memory. Each record
 * reports the line it starts on, so problems can be named by line. */
#ifndef PATHWAYS_TOOLS_CSV_H
#define PATHWAYS_TOOLS_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 64

typedef struct {
    char *p, *end; /* the unread text (fields are unescaped in place) */
    long line;     /* the line the next record starts on */
} csv_t;

/* Reads the whole file at path, NUL-terminated, its length (without the
 * NUL) in *len. Caller frees; NULL with the reason in err. */
char *csv_read_file(const char *path, size_t *len, char *err, size_t errlen);

/* Reads from text (len bytes, modified in place; must stay alive). */
void csv_init(csv_t *c, char *text, size_t len);

/* Reads the next record: *n fields (NUL-terminated, pointing into the
 * text) and the line it starts on. Returns 1, 0 at the end, or -1 for a
 * malformed record (an unterminated quote, text after a closing quote, more
 * than CSV_MAX_FIELDS fields, a quote inside an unquoted field, a NUL
 * byte), with the reason in err; reading resumes on the next line. */
int csv_next(csv_t *c, char **fields, size_t *n, long *line, char *err, size_t errlen);

/* A column a file's header may name; required ones must be there. */
typedef struct {
    const char *name;
    int required;
} csv_column_t;

/* Binds a header record (fields[0..n)) to the known columns: at[i] is the
 * field index of cols[i], or -1 when absent. Returns 0, or -1 with err for
 * an unknown or repeated column or a missing required one; known lists the
 * columns for the message. */
int csv_header_bind(const csv_column_t *cols, size_t ncols, const char *known, char *const *fields,
                    size_t n, int *at, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The field at index at of a record, or "" when the column is absent. */
const char *csv_field(char *const *fields, size_t n, int at);

#endif
