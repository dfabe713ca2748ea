/* Output of the evidence reports (retention, outcomes, cost): each report
 * becomes flat rows (JSON objects whose keys keep their order; null for a
 * withheld figure), printed as CSV (blank for withheld), as JSON, or as a
 * table through per-report column functions (withheld shown as "*").
 * Percentages and money are formatted exactly as the dashboard does. */
#ifndef PATHWAYS_CTL_REPORT_OUT_H
#define PATHWAYS_CTL_REPORT_OUT_H

#include <jansson.h>
#include <stdio.h>

typedef enum { REPORT_FMT_TABLE = 0, REPORT_FMT_CSV, REPORT_FMT_JSON } report_fmt_t;

/* Parses "table" | "csv" | "json". Returns 0 or -1. */
int report_fmt_parse(const char *s, report_fmt_t *out);

/* A table column: heading and the text of one row (written into buf). */
typedef struct {
    const char *heading;
    void (*text)(const json_t *row, const char *key, char *buf, size_t len);
    const char *key;
} report_col_t;

/* Writes rows as CSV: a header, then values in its order. The header is
 * columns (a JSON array of row keys) when given, so it is printed even when
 * there are no rows; else the first row's keys. */
void report_print_csv(FILE *f, const json_t *rows, const json_t *columns);
/* Writes rows as an aligned table with the given columns. */
void report_print_table(FILE *f, const json_t *rows, const report_col_t *cols, size_t ncols);

/* Cell texts, dashboard style: value, "*" when null. */
void report_text_plain(const json_t *row, const char *key, char *buf, size_t len);
/* "84.3%" */
void report_text_pct(const json_t *row, const char *key, char *buf, size_t len);
/* "84.3% (80.1%-88.0%)" from key, key_low/key_high given as "<key>|<low>|<high>". */
void report_text_pct_ci(const json_t *row, const char *keys, char *buf, size_t len);
/* "$12,345 ($1,000 to $20,000)" with the same key triple. */
void report_text_money_range(const json_t *row, const char *keys, char *buf, size_t len);
/* "5.0% (1.0% to 9.0%)" */
void report_text_pct_range(const json_t *row, const char *keys, char *buf, size_t len);
/* "3.2 (1.0 to 5.5)" */
void report_text_num_range(const json_t *row, const char *keys, char *buf, size_t len);

/* Dashboard formats. */
void report_fmt_pct(double v, char *buf, size_t len);
void report_fmt_money(double v, char *buf, size_t len);

#endif
