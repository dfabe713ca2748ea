/* libFuzzer harness: strict ISO date parsing. Whatever parses must format
 * back to exactly the same ten characters, and the civil-date conversions
 * must agree with each other. */
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[32];
    if (size >= sizeof text)
        size = sizeof text - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    int32_t days;
    if (pw_date_parse(text, &days) == 0) {
        char out[PW_DATE_LEN];
        pw_date_format(days, out);
        if (strcmp(out, text) != 0)
            abort();
        int y, m, d;
        pw_date_to_ymd(days, &y, &m, &d);
        if (pw_date_from_ymd(y, m, d) != days)
            abort();
    }
    return 0;
}
