/* libFuzzer harness: pw_utf8_valid against a reference written from the
 * Unicode standard's table of well-formed byte sequences (Table 3-7), with
 * NUL refused as the contract adds. Any disagreement is a bug. */
#include <stdlib.h>

#include "pathways/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the well-formed sequence at p (0 when ill-formed). */
static size_t well_formed(const uint8_t *p, size_t left)
{
    static const struct {
        uint8_t lo0, hi0, lo1, hi1;
        size_t n;
    } rows[] = {
        {0x01, 0x7F, 0, 0, 1},       {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
        {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3},
        {0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (p[0] < rows[r].lo0 || p[0] > rows[r].hi0)
            continue;
        size_t n = rows[r].n;
        if (n > left)
            return 0;
        if (n > 1 && (p[1] < rows[r].lo1 || p[1] > rows[r].hi1))
            return 0;
        for (size_t k = 2; k < n; k++)
            if (p[k] < 0x80 || p[k] > 0xBF)
                return 0;
        return n;
    }
    return 0;
}

static int reference(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t n = well_formed(p + i, len - i);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (pw_utf8_valid((const char *)data, size) != reference(data, size))
        abort();
    return 0;
}
