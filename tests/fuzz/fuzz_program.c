/* libFuzzer harness: the program-file parser (YAML from `pathwaysctl
 * program load`, outside bytes on the admin path). A refusal must say why
 * and name a line within the text (never past its end). */
#include <stdlib.h>
#include <string.h>

#include "program.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static elig_rules_t rules; /* large: kept off the stack */
    char err[512] = "";
    unsigned line = 0;
    if (size > ELIG_PROGRAM_TEXT_MAX)
        return 0;
    if (elig_program_parse((const char *)data, size, "fuzz", &rules, err, sizeof err, &line) != 0) {
        if (!err[0])
            abort();
        /* YAML counts CR, LF, CRLF, NEL, LS and PS as line breaks, each at
         * least one byte: the line can never be past size + 1. */
        if (line > size + 1)
            abort();
    }
    return 0;
}
