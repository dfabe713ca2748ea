/* Flat-row output for the evidence reports; see report_out.h. */
#include "report_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX 128
#define WITHHELD "*"

int report_fmt_parse(const char *s, report_fmt_t *out)
{
    static const char *const names[] = {"table", "csv", "json"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0)
            return *out = (report_fmt_t)i, 0;
    return -1;
}

void report_fmt_pct(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%.1f%%", v * 100.0);
}

/* "$1,234,567" (negative: "-$1,234"), rounded to the dollar. */
void report_fmt_money(double v, char *buf, size_t len)
{
    long long d = llround(v);
    unsigned long long a = d < 0 ? (unsigned long long)(-d) : (unsigned long long)d;
    char digits[32], grouped[48];
    int n = snprintf(digits, sizeof digits, "%llu", a), k = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    snprintf(buf, len, "%s$%s", d < 0 ? "-" : "", grouped);
}

static void scalar_text(const json_t *v, char *buf, size_t len)
{
    if (!v || json_is_null(v))
        snprintf(buf, len, "%s", "");
    else if (json_is_integer(v))
        snprintf(buf, len, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, len, "%.10g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
    else
        snprintf(buf, len, "%s", json_string_value(v) ? json_string_value(v) : "");
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void report_print_csv(FILE *f, const json_t *rows, const json_t *columns)
{
    json_t *header = json_array();
    const char *key;
    const json_t *v;
    size_t i, k;
    if (json_is_array(columns))
        json_array_extend(header, (json_t *)columns);
    else
        json_object_foreach(json_array_get(rows, 0), key, v)
            json_array_append_new(header, json_string(key));
    json_array_foreach(header, k, v)
    {
        fputs(k ? "," : "", f);
        csv_field(f, json_string_value(v));
    }
    fputc('\n', f);
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_array_foreach(header, k, v)
        {
            char buf[1024];
            scalar_text(json_object_get(row, json_string_value(v)), buf, sizeof buf);
            fputs(k ? "," : "", f);
            csv_field(f, buf);
        }
        fputc('\n', f);
    }
    json_decref(header);
}

void report_print_table(FILE *f, const json_t *rows, const report_col_t *cols, size_t ncols)
{
    size_t nrows = json_array_size(rows);
    size_t *width = calloc(ncols, sizeof *width);
    char *cells = calloc((nrows ? nrows : 1) * ncols, CELL_MAX);
    if (!width || !cells) {
        free(width);
        free(cells);
        return;
    }
    for (size_t c = 0; c < ncols; c++)
        width[c] = strlen(cols[c].heading);
    for (size_t r = 0; r < nrows; r++)
        for (size_t c = 0; c < ncols; c++) {
            char *cell = cells + (r * ncols + c) * CELL_MAX;
            cols[c].text(json_array_get(rows, r), cols[c].key, cell, CELL_MAX);
            if (strlen(cell) > width[c])
                width[c] = strlen(cell);
        }
    for (size_t c = 0; c < ncols; c++)
        fprintf(f, "%s%-*s", c ? "  " : "", (int)width[c], cols[c].heading);
    fputc('\n', f);
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncols; c++)
            fprintf(f, "%s%-*s", c ? "  " : "", (int)width[c], cells + (r * ncols + c) * CELL_MAX);
        fputc('\n', f);
    }
    free(width);
    free(cells);
}

void report_text_plain(const json_t *row, const char *key, char *buf, size_t len)
{
    const json_t *v = json_object_get(row, key);
    if (json_is_null(v))
        snprintf(buf, len, WITHHELD);
    else
        scalar_text(v, buf, len);
}

void report_text_pct(const json_t *row, const char *key, char *buf, size_t len)
{
    const json_t *v = json_object_get(row, key);
    if (!json_is_number(v))
        snprintf(buf, len, "%s", json_is_null(v) ? WITHHELD : "");
    else
        report_fmt_pct(json_number_value(v), buf, len);
}

/* Splits "a|b|c" into three values of row; returns 0 when all are numbers. */
static int triple(const json_t *row, const char *keys, double v[3])
{
    char copy[128];
    snprintf(copy, sizeof copy, "%s", keys);
    char *save = NULL, *k = strtok_r(copy, "|", &save);
    for (int i = 0; i < 3; i++, k = strtok_r(NULL, "|", &save)) {
        const json_t *x = k ? json_object_get(row, k) : NULL;
        if (!json_is_number(x))
            return -1;
        v[i] = json_number_value(x);
    }
    return 0;
}

typedef void (*fmt_fn)(double v, char *buf, size_t len);

static void range_text(const json_t *row, const char *keys, char *buf, size_t len, fmt_fn fmt,
                       const char *sep)
{
    double v[3];
    char a[48], b[48], c[48];
    if (triple(row, keys, v) != 0) {
        snprintf(buf, len, WITHHELD);
        return;
    }
    fmt(v[0], a, sizeof a);
    fmt(v[1], b, sizeof b);
    fmt(v[2], c, sizeof c);
    snprintf(buf, len, "%s (%s%s%s)", a, b, sep, c);
}

static void fmt_num1(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%.1f", v);
}

void report_text_pct_ci(const json_t *row, const char *keys, char *buf, size_t len)
{
    range_text(row, keys, buf, len, report_fmt_pct, "-");
}

void report_text_money_range(const json_t *row, const char *keys, char *buf, size_t len)
{
    range_text(row, keys, buf, len, report_fmt_money, " to ");
}

void report_text_num_range(const json_t *row, const char *keys, char *buf, size_t len)
{
    range_text(row, keys, buf, len, fmt_num1, " to ");
}

void report_text_pct_range(const json_t *row, const char *keys, char *buf, size_t len)
{
    range_text(row, keys, buf, len, report_fmt_pct, " to ");
}
