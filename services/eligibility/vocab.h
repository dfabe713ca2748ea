/* The fact vocabulary program criteria are written in: each fact's name,
 * kind (which operators apply), the fact group that dates it (facts.h) and
 * how an explanation names it. Pure: no I/O.
 *
 *   fact                    kind     operators
 *   status                  word     in, not_in, exists
 *   employment_type         word     (full_time, part_time, temporary, ...)
 *   job_family, job_title   word     (compared without case, ' ' or '-')
 *   standing                word     (good, corrective_action, final_warning)
 *   employer                word     (the employer's id)
 *   site, shift             word
 *   education_level         word
 *   scheduled_hours         number   at_least, more_than, at_most,
 *   tenure_days             number   less_than, between, exists
 *   credentials, languages  set      any_of, all_of, none_of, exists
 *   employer_participates   yes/no   is
 *   program_state           state    in, not_in (this program's state; none
 *                                    is known, never "not on file")
 *   program.<id>            state    in, not_in (another program's state)
 *   attributes.<name>       as the attribute schema declares it (attrs.h):
 *                           text a word, number a number, flag yes/no
 *
 * tenure_days counts from the start of the current employment period; it
 * is the one fact that changes with time alone, so a criterion on it gives
 * forecasts ("eligible from"). */
#ifndef ELIG_VOCAB_H
#define ELIG_VOCAB_H

#include <stddef.h>

#include "facts.h"

typedef enum {
    ELIG_FACT_STATUS = 0,
    ELIG_FACT_EMPLOYMENT_TYPE,
    ELIG_FACT_SCHEDULED_HOURS,
    ELIG_FACT_JOB_FAMILY,
    ELIG_FACT_JOB_TITLE,
    ELIG_FACT_STANDING,
    ELIG_FACT_TENURE_DAYS,
    ELIG_FACT_EMPLOYER,
    ELIG_FACT_SITE,
    ELIG_FACT_SHIFT,
    ELIG_FACT_EDUCATION_LEVEL,
    ELIG_FACT_CREDENTIALS,
    ELIG_FACT_LANGUAGES,
    ELIG_FACT_EMPLOYER_PARTICIPATES,
    ELIG_FACT_PROGRAM_STATE,
    ELIG_FACT_PRIOR_PROGRAM, /* program.<id> */
    ELIG_FACT_ATTRIBUTE,     /* attributes.<name>, declared in the schema (attrs.h) */
    ELIG_FACT_COUNT
} elig_fact_t;

typedef enum {
    ELIG_KIND_WORD = 0,
    ELIG_KIND_NUMBER,
    ELIG_KIND_SET,
    ELIG_KIND_BOOL,
    ELIG_KIND_STATE
} elig_kind_t;

#define ELIG_UNDATED (-1)

typedef struct {
    const char *name;  /* as written in program files */
    const char *label; /* in explanations ("job family") */
    elig_kind_t kind;
    int group;                   /* elig_group_t that dates it, or ELIG_UNDATED */
    int (*check)(const char *w); /* operand words it accepts; NULL: any word */
    const char *values;          /* the accepted words, for error messages ("" any) */
} elig_fact_info_t;

/* The fact's description (static). */
const elig_fact_info_t *elig_fact_info(elig_fact_t fact);

/* Parses a fact name ("status", "program.mapp"); the key after "program."
 * goes to key (len bytes). Returns the fact, or -1 when unknown. */
int elig_fact_parse(const char *name, char *key, size_t len);

/* Comma-separated names of every fact, for error messages (static). */
const char *elig_fact_names(void);

/* Operator names as written ("in", "at_least", ...; "" for combinators
 * not written as an operator) and back (-1 when unknown). */
const char *elig_op_name(int op);
int elig_op_parse(const char *name);
/* 1 when op applies to facts of kind. */
int elig_op_fits(int op, elig_kind_t kind);
/* The operators that apply to kind, comma-separated (static). */
const char *elig_ops_for(elig_kind_t kind);

/* Enrollment states a state fact may be compared with. */
int elig_is_enrollment_state(const char *w);

/* A word fact's value for f ("" when not on file). */
const char *elig_fact_word(const elig_facts_t *f, elig_fact_t fact);

#endif
