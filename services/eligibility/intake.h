/* Program intake (open, paused, closed): set by an administrator
 * (AdminRequest program_intake, `pathwaysctl program open|pause|close`),
 * kept in eligibility.program, carried on every determination so that
 * enrollment invites only while a program is open. */
#ifndef ELIG_INTAKE_H
#define ELIG_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/codec.h"
#include "pathways/service.h"
#include "programs.h"

/* Handles a program_intake request (borrowed): stores the intake and sets
 * it in programs. Returns the encoded AdminReply (caller frees) or NULL on
 * out-of-memory. */
uint8_t *elig_intake_handle(pw_service_t *svc, elig_programs_t *programs,
                            const Pathways__V1__AdminRequest *req, size_t *reply_len);

/* Reads every program's stored intake into programs. Returns 0 or -1. */
int elig_intake_refresh(pw_db_t *db, elig_programs_t *programs) __attribute__((warn_unused_result));

#endif
