/* Program versions in eligibility.program_version: the YAML text as loaded,
 * numbered per program; the active version is the highest. The text is
 * parsed again when read, so what is stored is exactly what was checked. */
#ifndef ELIG_PROGRAM_STORE_H
#define ELIG_PROGRAM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/db.h"
#include "program.h"
#include "rules.h"

/* The highest stored version of program, 0 when none, -1 on error. */
long elig_store_latest(pw_db_t *db, const char *program) __attribute__((warn_unused_result));

/* Loads the active version of program into *out. Returns 1 when loaded, 0
 * when none is stored, -1 on a database error or a stored text that no
 * longer parses (reason in err). */
int elig_store_load_active(pw_db_t *db, const char *program, const elig_attr_schema_t *schema,
                           elig_rules_t *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* 1 when text equals the active version's text, 0 when not, -1 on error. */
int elig_store_same_as_active(pw_db_t *db, const char *program, const char *text)
    __attribute__((warn_unused_result));

/* Inside the caller's transaction: stores text as rules->version of
 * rules->program with the load's counts. Returns 0 or -1. */
int elig_store_insert(pw_db_t *db, const elig_rules_t *rules, const char *source_name,
                      const char *text, const char *actor, uint64_t evaluated, uint64_t changed)
    __attribute__((warn_unused_result));

/* Every stored program and its highest version, at most max of them, into
 * names and versions; *n is how many. Returns 0 or -1. */
int elig_store_programs(pw_db_t *db, char (*names)[ELIG_PROGRAM_MAX + 1], long *versions,
                        size_t max, size_t *n) __attribute__((warn_unused_result));

/* Inside the caller's transaction: records rules->program in
 * eligibility.program (its name, and the intake the file sets, if any).
 * Returns 0 or -1. */
int elig_store_register(pw_db_t *db, const elig_rules_t *rules, const char *actor)
    __attribute__((warn_unused_result));

/* Sets a program's intake ("open", "paused", "closed"); the one it had
 * goes into was. Returns 1 when the program is known, 0 when not, -1 on
 * error. */
int elig_store_set_intake(pw_db_t *db, const char *program, const char *intake, const char *actor,
                          char *was, size_t waslen) __attribute__((warn_unused_result));

#endif
