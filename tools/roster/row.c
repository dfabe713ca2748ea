/* Column mapping and row conversion. */
#include "row.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pathways/date.h"

#define MAX_HOURS 80.0

static const char *const NAMES[ROW_COUNT] = {
    "employee",
    "status",
    "status_raw",
    "employment_type",
    "employment_type_raw",
    "scheduled_hours",
    "standing",
    "standing_raw",
    "job_family",
    "job_title",
    "hire_date",
    "termination_date",
    "reason_code",
    "given_name",
    "family_name",
    "email",
    "phone",
    "language",
};

/* Normalized values per coded field. */
static const char *const STATUSES[] = {"active", "leave", "terminated", "prehire", NULL};
static const char *const TYPES[] = {"full_time", "part_time", "temporary",
                                    "seasonal",  "per_diem",  NULL};
static const char *const STANDINGS[] = {"good", "corrective_action", "final_warning", NULL};

/* Fields with a column of their own (the *_raw ones are derived). */
static int mappable(int f)
{
    return f != ROW_STATUS_RAW && f != ROW_TYPE_RAW && f != ROW_STANDING_RAW;
}

static const char *const *values_of(int field)
{
    return field == ROW_STATUS     ? STATUSES
           : field == ROW_TYPE     ? TYPES
           : field == ROW_STANDING ? STANDINGS
                                   : NULL;
}

const char *row_field_name(row_field_t f)
{
    return (f >= 0 && f < ROW_COUNT) ? NAMES[f] : "";
}

int row_field_parse(const char *name)
{
    for (int i = 0; i < ROW_COUNT; i++)
        if (strcmp(NAMES[i], name) == 0)
            return i;
    return -1;
}

void row_map_init(row_map_t *m)
{
    memset(m, 0, sizeof *m);
    for (int f = 0; f < ROW_COUNT; f++) {
        if (mappable(f))
            snprintf(m->header[f], sizeof m->header[f], "%s", NAMES[f]);
        m->column[f] = -1;
    }
}

static int known_value(int field, const char *v)
{
    for (const char *const *p = values_of(field); p && *p; p++)
        if (strcmp(*p, v) == 0)
            return 1;
    return 0;
}

/* One map-file line (already split into words). */
static int map_line(row_map_t *m, char **w, int nw, const char *rest, char *why, size_t len)
{
    int field = nw > 1 ? row_field_parse(w[1]) : -1;
    if (nw >= 3 && strcmp(w[0], "column") == 0) {
        if (field < 0 || !mappable(field))
            return snprintf(why, len, "unknown field '%s'", w[1]), -1;
        snprintf(m->header[field], sizeof m->header[field], "%s", rest);
        return 0;
    }
    if (nw == 4 && strcmp(w[0], "code") == 0) {
        if (!values_of(field))
            return snprintf(why, len, "codes apply to status, employment_type, standing"), -1;
        if (!known_value(field, w[3]))
            return snprintf(why, len, "'%s' is not a %s value", w[3], w[1]), -1;
        if (m->n_codes == ROW_CODES_MAX)
            return snprintf(why, len, "at most %d codes", ROW_CODES_MAX), -1;
        row_code_t *c = &m->codes[m->n_codes++];
        c->field = field;
        snprintf(c->raw, sizeof c->raw, "%s", w[2]);
        snprintf(c->normalized, sizeof c->normalized, "%s", w[3]);
        return 0;
    }
    return snprintf(why, len, "expected 'column FIELD HEADER' or 'code FIELD RAW VALUE'"), -1;
}

int row_map_load(row_map_t *m, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char line[512], why[200];
    long lineno = 0;
    if (!f)
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1;
    while (fgets(line, sizeof line, f)) {
        char *w[4], *save = NULL, *rest = NULL;
        int nw = 0;
        lineno++;
        line[strcspn(line, "#\r\n")] = '\0';
        for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
            w[nw++] = t;
            if (nw == 2 && strcmp(w[0], "column") == 0) {
                /* The header is the rest of the line, spaces and all. */
                if (!save)
                    break;
                rest = save + strspn(save, " \t");
                rest[strcspn(rest, "\t")] = '\0';
                while (*rest && rest[strlen(rest) - 1] == ' ')
                    rest[strlen(rest) - 1] = '\0';
                nw += *rest ? 1 : 0;
                break;
            }
            if (nw == 4)
                break;
        }
        if (nw == 0)
            continue;
        if (map_line(m, w, nw, rest ? rest : "", why, sizeof why) != 0) {
            fclose(f);
            return snprintf(err, errlen, "%s:%ld: %s", path, lineno, why), -1;
        }
    }
    fclose(f);
    return 0;
}

int row_map_bind(row_map_t *m, char **header, size_t n, char *err, size_t errlen)
{
    static const int REQUIRED[] = {ROW_EMPLOYEE, ROW_STATUS, ROW_JOB_FAMILY, ROW_HIRE_DATE};
    for (int f = 0; f < ROW_COUNT; f++) {
        m->column[f] = -1;
        for (size_t i = 0; m->header[f][0] && i < n; i++)
            if (strcasecmp(header[i], m->header[f]) == 0)
                m->column[f] = (int)i;
    }
    for (size_t i = 0; i < sizeof REQUIRED / sizeof *REQUIRED; i++)
        if (m->column[REQUIRED[i]] < 0)
            return snprintf(err, errlen, "no column '%s' for %s (map it with 'column %s HEADER')",
                            m->header[REQUIRED[i]], NAMES[REQUIRED[i]], NAMES[REQUIRED[i]]),
                   -1;
    return 0;
}

/* Trims spaces and turns tabs and line breaks into spaces (the canonical
 * row is tab-separated). */
static void clean(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
    size_t len = strlen(s);
    while (len && s[len - 1] == ' ')
        s[--len] = '\0';
    size_t lead = strspn(s, " ");
    memmove(s, s + lead, len - lead + 1);
}

/* The normalized value of a coded field: a mapped code, else the
 * normalized word itself (any case). NULL when unknown. */
static const char *decode(const row_map_t *m, int field, const char *raw, char *buf, size_t len)
{
    for (size_t i = 0; i < m->n_codes; i++)
        if (m->codes[i].field == field && strcmp(m->codes[i].raw, raw) == 0)
            return m->codes[i].normalized;
    snprintf(buf, len, "%s", raw);
    for (char *p = buf; *p; p++)
        *p = (char)(*p == ' ' || *p == '-' ? '_' : tolower((unsigned char)*p));
    return known_value(field, buf) ? buf : NULL;
}

static int id_ok(const char *s)
{
    size_t len = strlen(s);
    return len && len <= ROW_ID_MAX &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

/* Checks and normalizes v (field f) in place or into out[f]. Returns NULL
 * when fine, else the reason. */
static const char *check(const row_map_t *m, int f, char *v, const char **out, char *buf,
                         size_t len)
{
    int32_t days;
    if (f == ROW_EMPLOYEE && !id_ok(v))
        return "employee id must be 1-64 characters of [A-Za-z0-9._-]";
    if ((f == ROW_HIRE_DATE || f == ROW_TERMINATION_DATE) && *v && pw_date_parse(v, &days) != 0)
        return "not a date (YYYY-MM-DD)";
    if (f == ROW_HIRE_DATE && !*v)
        return "missing";
    if (f == ROW_JOB_FAMILY && !*v)
        return "missing";
    if (f == ROW_HOURS && *v) {
        char *end;
        errno = 0;
        double h = strtod(v, &end);
        if (*end || errno || !isfinite(h) || h < 0 || h > MAX_HOURS)
            return "not a number of hours from 0 to 80";
    }
    if (values_of(f)) {
        if (!*v)
            return f == ROW_STATUS ? "missing" : NULL;
        if (!(*out = decode(m, f, v, buf, len)))
            return "unknown code";
    }
    if (strlen(v) > ROW_TEXT_MAX)
        return "longer than 200 bytes";
    return NULL;
}

/* Joins the canonical fields into a malloc'd row. */
static char *join(const char **vals)
{
    size_t len = 0;
    for (int f = 0; f < ROW_COUNT; f++)
        len += strlen(vals[f]) + 1;
    char *row = malloc(len);
    if (!row)
        return NULL;
    char *p = row;
    for (int f = 0; f < ROW_COUNT; f++) {
        size_t l = strlen(vals[f]);
        memcpy(p, vals[f], l);
        p += l;
        *p++ = f + 1 < ROW_COUNT ? '\t' : '\0';
    }
    return row;
}

char *row_from_csv(const row_map_t *m, char **fields, size_t n, char *employee, char *err,
                   size_t errlen)
{
    const char *vals[ROW_COUNT];
    char codes[ROW_COUNT][32];
    employee[0] = '\0';
    for (int f = 0; f < ROW_COUNT; f++)
        vals[f] = "";
    for (int f = 0; f < ROW_COUNT; f++) {
        int col = mappable(f) ? m->column[f] : -1;
        if (col < 0)
            continue;
        if ((size_t)col >= n)
            return snprintf(err, errlen, "%zu fields, column '%s' missing", n, m->header[f]), NULL;
        char *v = fields[col];
        clean(v);
        vals[f] = v;
        const char *why = check(m, f, v, &vals[f], codes[f], sizeof codes[f]);
        if (why)
            return snprintf(err, errlen, "%s '%.60s': %s", NAMES[f], v, why), NULL;
        if (f == ROW_EMPLOYEE)
            snprintf(employee, ROW_ID_MAX + 1, "%s", v);
        if (values_of(f))
            vals[f + 1] = v; /* the raw value beside the normalized one */
    }
    char *row = join(vals);
    if (!row)
        snprintf(err, errlen, "out of memory");
    return row;
}

int row_split(const char *row, char *buf, char **fields)
{
    strcpy(buf, row);
    char *p = buf;
    for (int f = 0; f < ROW_COUNT; f++) {
        fields[f] = p;
        p = strchr(p, '\t');
        if (!p)
            return f + 1 == ROW_COUNT ? 0 : -1;
        *p++ = '\0';
    }
    return -1;
}
