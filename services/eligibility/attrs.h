/* The extension point for facts: partners send facts the contract does not
 * name as typed attributes (EmployeeFacts.attributes), each declared in the
 * deployment's attribute schema, a YAML file (PATHWAYS_ATTRIBUTES_FILE,
 * default deploy/programs/attributes.yaml):
 *
 *   attributes:
 *     union_member: {type: flag}
 *     years_experience: {type: number, min: 0, max: 60}
 *     preferred_unit: {type: text, values: [icu, emergency, med_surg]}
 *
 * An event whose attribute the schema does not declare, or of another type,
 * out of range or not among the values, is rejected with the reason.
 * Program criteria read a declared attribute as the fact
 * attributes.<name>: text as a word, number as a number, flag as yes/no.
 * Adding a fact is a schema entry: no code, no rebuild (the service reads
 * the file again when it changes). Pure apart from elig_attr_schema_load. */
#ifndef ELIG_ATTRS_H
#define ELIG_ATTRS_H

#include <stddef.h>

#include "pathways/codec.h"
#include "rules.h"
#include "validate.h"

#define ELIG_MAX_ATTRS       16
#define ELIG_ATTR_NAME_MAX   32
#define ELIG_ATTR_TEXT_MAX   48
#define ELIG_ATTR_SCHEMA_MAX (64u * 1024u)

typedef enum { ELIG_ATTR_TEXT = 0, ELIG_ATTR_NUMBER, ELIG_ATTR_FLAG } elig_attr_type_t;

typedef struct {
    char name[ELIG_ATTR_NAME_MAX + 1];
    int type; /* elig_attr_type_t */
    double min, max;
    elig_list_t values; /* text: the allowed values (none: any word) */
} elig_attr_decl_t;

typedef struct elig_attr_schema_s {
    elig_attr_decl_t decl[ELIG_MAX_ATTRS];
    size_t n;
} elig_attr_schema_t;

/* Parses a schema file's len bytes into *out. Returns 0, or -1 with
 * "SOURCE:LINE: reason" in err and the line in *line. */
int elig_attr_schema_parse(const char *text, size_t len, const char *source,
                           elig_attr_schema_t *out, char *err, size_t errlen, unsigned *line)
    __attribute__((warn_unused_result));

/* Reads path into *out: 1 when loaded, 0 when the file does not exist
 * (*out empty: no attribute is declared), -1 on a file that does not parse
 * (reason in err, *out untouched). */
int elig_attr_schema_load(const char *path, elig_attr_schema_t *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The declaration of name, or NULL (schema may be NULL). */
const elig_attr_decl_t *elig_attr_find(const elig_attr_schema_t *schema, const char *name);

/* Checks the attributes an event states against schema. Returns 0, or -1
 * with the reason in why ("unknown_attribute", "invalid_attribute"). */
int elig_attr_check_event(const elig_attr_schema_t *schema, const Pathways__V1__EmployeeEvent *ev,
                          elig_reason_t *why) __attribute__((warn_unused_result));

/* Merges the attributes an event states into text ("name=value\n"...,
 * len bytes): each one named replaces the one on file. */
void elig_attr_merge(char *text, size_t len, const Pathways__V1__EmployeeFacts *d);

/* The value on file for name ("" none) into out (len bytes). */
void elig_attr_value(const char *text, const char *name, char *out, size_t len);

#endif
