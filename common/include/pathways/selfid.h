/* Voluntary self-identification (EmployeeEvent.self_id): the controlled
 * vocabulary of each field, in one table that the eligibility service's
 * validation, the partner tools, the synthetic workforce and the equity
 * report all read. "declined" (asked, chose not to answer) is a word of
 * every field; an empty field means "not asked", and the report counts
 * people with nothing on file as their own group, "not_asked". */
#ifndef PATHWAYS_SELFID_H
#define PATHWAYS_SELFID_H

#include <stddef.h>

#include "pathways/v1/employee.pb-c.h"

#define PW_SELFID_NFIELDS  6
#define PW_SELFID_DECLINED "declined"
/* The report's group for people with no answer on file for a field. */
#define PW_SELFID_NOT_ASKED "not_asked"
/* Longest word of any vocabulary, plus room. */
#define PW_SELFID_WORD_MAX 40

typedef struct {
    const char *name;         /* the proto field name, e.g. "gender" */
    const char *const *words; /* the vocabulary, "declined" last */
    size_t nwords;
} pw_selfid_field_t;

/* Field i (0 <= i < PW_SELFID_NFIELDS) in proto order. Static data. */
const pw_selfid_field_t *pw_selfid_field(size_t i);

/* The index of the field named name, or -1. */
int pw_selfid_field_index(const char *name);

/* 1 when word is in field i's vocabulary, else 0 ("" is not a word). */
int pw_selfid_known(size_t i, const char *word);

/* The value of field i in s (borrowed; "" when not asked or s is NULL). */
const char *pw_selfid_get(const Pathways__V1__SelfIdentification *s, size_t i);

/* Sets field i of s to word (borrowed: s must not outlive it). */
void pw_selfid_set(Pathways__V1__SelfIdentification *s, size_t i, const char *word);

/* 1 when s answers at least one field (declined counts as an answer). */
int pw_selfid_any(const Pathways__V1__SelfIdentification *s);

/* Checks every non-empty field against its vocabulary. Returns 0, or -1
 * with *bad the index of the first field holding an unknown word. */
int pw_selfid_check(const Pathways__V1__SelfIdentification *s, size_t *bad)
    __attribute__((warn_unused_result));

#endif
