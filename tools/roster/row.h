/* Roster rows: the column mapping (which CSV header feeds which field, and
 * which partner codes mean which normalized value) and the conversion of a
 * CSV record into a canonical row, checked field by field.
 *
 * A canonical row is one line of tab-separated fields in ROW_* order, with
 * normalized values (status "active", type "full_time", standing "good",
 * dates YYYY-MM-DD, hours as a number or empty). It is what the state file
 * keeps and what the diff compares. */
#ifndef ROSTER_ROW_H
#define ROSTER_ROW_H

#include <stddef.h>
#include <stdio.h>

#include "csv.h"

typedef enum {
    ROW_EMPLOYEE = 0,
    ROW_STATUS,
    ROW_STATUS_RAW,
    ROW_TYPE,
    ROW_TYPE_RAW,
    ROW_HOURS,
    ROW_STANDING,
    ROW_STANDING_RAW,
    ROW_JOB_FAMILY,
    ROW_JOB_TITLE,
    ROW_HIRE_DATE,
    ROW_TERMINATION_DATE,
    ROW_REASON_CODE,
    ROW_GIVEN_NAME,
    ROW_FAMILY_NAME,
    ROW_EMAIL,
    ROW_PHONE,
    ROW_LANGUAGE,
    ROW_COUNT
} row_field_t;

#define ROW_CODES_MAX 128
#define ROW_TEXT_MAX  200

typedef struct {
    int field; /* ROW_STATUS, ROW_TYPE or ROW_STANDING */
    char raw[64];
    char normalized[32];
} row_code_t;

typedef struct {
    char header[ROW_COUNT][96]; /* CSV header per field ("" unmapped) */
    int column[ROW_COUNT];      /* column index once the header is read, -1 absent */
    row_code_t codes[ROW_CODES_MAX];
    size_t n_codes;
} row_map_t;

/* The field's name as used in map files ("employee", "status", ...) and
 * back (-1 unknown). */
const char *row_field_name(row_field_t f);
int row_field_parse(const char *name);

/* Default mapping: each field's header is its own name. */
void row_map_init(row_map_t *m);
/* Reads a map file: lines "column FIELD HEADER" and "code FIELD RAW VALUE"
 * ('#' comments). Returns 0, or -1 with "FILE:LINE: reason" in err. */
int row_map_load(row_map_t *m, const char *path, char *err, size_t errlen);
/* Finds each mapped header among the CSV header fields. Returns 0, or -1
 * with the reason (a required column is missing) in err. */
int row_map_bind(row_map_t *m, char **header, size_t n, char *err, size_t errlen);

/* Converts one CSV record into a canonical row (malloc'd, caller frees).
 * Returns NULL with the reason in err when the record cannot be read; sets
 * employee (at least ROW_ID_MAX+1 bytes) to the record's employee id when
 * that much was readable, else "". */
#define ROW_ID_MAX 64
char *row_from_csv(const row_map_t *m, char **fields, size_t n, char *employee, char *err,
                   size_t errlen);

/* Splits a canonical row (copied into buf, at least strlen+1 bytes) into
 * its ROW_COUNT fields. Returns 0, or -1 when it does not have them all. */
int row_split(const char *row, char *buf, char **fields);

#endif
