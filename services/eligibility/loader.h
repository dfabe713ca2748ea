/* The ProgramLoad command: parse and check the program file, then either
 * count what would change (dry run, nothing written) or, in one
 * transaction, re-evaluate everyone, store the determinations that changed,
 * append them to stream "eligibility" and store the new rule version. A
 * file that does not load stores nothing: the previous version stays
 * active. */
#ifndef ELIG_LOADER_H
#define ELIG_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/service.h"
#include "program.h"
#include "programs.h"
#include "rules.h"

/* Handles one ProgramLoad (len bytes) against the active programs and the
 * attribute schema criteria may read (a
 * program not among them is added: everyone is evaluated). When a new
 * version was stored, *stored receives it (caller owns it; it must become
 * its program's active version). Returns the encoded ProgramLoadResult
 * (caller frees) or NULL on out-of-memory. */
uint8_t *elig_loader_handle(pw_service_t *svc, const elig_programs_t *programs,
                            const elig_attr_schema_t *schema, const uint8_t *data, size_t len,
                            elig_rules_t **stored, size_t *reply_len);

#endif
