/* The enrollment service's wiring on the runtime: the "eligibility"
 * stream consumer, the command endpoint's request types (EnrollmentCommand
 * for admins; ProgressBatch and ProviderRosterRequest for providers and
 * admins, progress.h) and the programs' at-risk rules. main() and the
 * in-process tests attach it the same way. */
#ifndef PATHWAYS_ENROLLMENT_SERVICE_H
#define PATHWAYS_ENROLLMENT_SERVICE_H

#include "pathways/service.h"

typedef struct enr_service enr_service_t;

/* Loads the at-risk rules (PATHWAYS_PROGRAM_DIR). Returns NULL with the
 * reason in err. Caller owns the result; destroy it after the service. */
enr_service_t *enr_service_new(char *err, size_t errlen);
void enr_service_destroy(enr_service_t **p);

/* Registers the consumer, the request handler and its types on svc (before
 * pw_service_start). Returns 0 or -1. */
int enr_service_attach(enr_service_t *self, pw_service_t *svc) __attribute__((warn_unused_result));

#endif
