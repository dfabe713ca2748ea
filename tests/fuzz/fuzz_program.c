/* libFuzzer harness: the program-file parser (YAML from `pathwaysctl
 * program load`, outside bytes on the admin path). A refusal must say why
 * and name a line within the text (never past its end). A file that loads
 * is evaluated (words, forecast) over a few employees: no criterion may
 * crash or overrun. */
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
        return 0;
    }
    static elig_result_t r;
    elig_facts_t f;
    for (int k = 0; k < 3; k++) {
        elig_facts_init(&f, "acme", "E1");
        if (k > 0) {
            f.status = 1;
            f.employment_type = k;
            f.has_hours = 1;
            f.scheduled_hours = 20.5 * k;
            strcpy(f.job_family, "clerical");
            if (elig_facts_set_text(&f, ELIG_TEXT_CREDENTIALS, "cna,bls") != 0 ||
                elig_facts_set_text(&f, ELIG_TEXT_PROGRAMS, "mapp=enrolled,pct=completed") != 0)
                abort();
            f.hire_date = 20000 - 60 * k;
            f.employer_participates = k - 1;
        }
        elig_rules_evaluate(&rules, &f, 20100, &r);
        elig_facts_clear(&f);
        if (r.n_criteria != rules.n_criteria)
            abort();
    }
    return 0;
}
