/* libFuzzer harness: the roster tool's CSV reader and row conversion (a
 * partner's roster file). The first record is the header, bound with the
 * default column mapping; every later record is converted, and a canonical
 * row that comes out must split back into all its fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "row.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void convert(const row_map_t *map, char **fields, size_t n)
{
    char employee[ROW_ID_MAX + 1], err[256] = "";
    char *row = row_from_csv(map, fields, n, employee, err, sizeof err);
    if (!row) {
        if (!err[0])
            abort(); /* a refusal always says why */
        return;
    }
    char *buf = malloc(strlen(row) + 1);
    char *split[ROW_COUNT];
    if (!buf || row_split(row, buf, split) != 0)
        abort(); /* a canonical row always splits */
    free(buf);
    free(row);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static row_map_t map; /* large: kept off the stack */
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    csv_t csv;
    char *fields[CSV_MAX_FIELDS], err[256];
    size_t n;
    long line;
    int bound = 0, rc;
    row_map_init(&map);
    csv_init(&csv, text, size);
    while ((rc = csv_next(&csv, fields, &n, &line, err, sizeof err)) != 0) {
        if (rc < 0 || n > CSV_MAX_FIELDS)
            continue;
        if (!bound) {
            if (row_map_bind(&map, fields, n, err, sizeof err) != 0)
                break;
            bound = 1;
            continue;
        }
        convert(&map, fields, n);
    }
    free(text);
    return 0;
}
