/* The eligibility service's command endpoint: routes PublishBatch to the
 * partner handler, ProgramLoad to the program loader and AdminRequest to
 * the employer registry; keeps the active rule version (reloaded when a
 * newer one appears in the database) and runs the forecast timer. */
#ifndef ELIG_ELIGIBILITY_H
#define ELIG_ELIGIBILITY_H

#include "pathways/service.h"

#define ELIG_TYPE_PUBLISH_BATCH  "pathways.v1.PublishBatch"
#define ELIG_TYPE_PUBLISH_ACK    "pathways.v1.PublishAck"
#define ELIG_TYPE_ADMIN_REQUEST  "pathways.v1.AdminRequest"
#define ELIG_TYPE_ADMIN_REPLY    "pathways.v1.AdminReply"
#define ELIG_TYPE_PROGRAM_LOAD   "pathways.v1.ProgramLoad"
#define ELIG_TYPE_PROGRAM_RESULT "pathways.v1.ProgramLoadResult"

/* How often the service looks for a rule version stored by another
 * instance (ms). */
#define ELIG_RULES_POLL_MS 5000

typedef struct elig_service elig_service_t;

/* Caller owns the result (NULL on out-of-memory). */
elig_service_t *elig_service_new(void);
void elig_service_destroy(elig_service_t **p);

/* Registers the request handler and the timers on svc (before
 * pw_service_start). */
int elig_service_attach(elig_service_t *self, pw_service_t *svc)
    __attribute__((warn_unused_result));

/* The pw_request_fn: ctx is an elig_service_t. */
uint8_t *elig_service_request(void *ctx, pw_service_t *svc, const char *type, const uint8_t *data,
                              size_t len, const char **reply_type, size_t *reply_len);

/* The active programs (borrowed; tests). */
const struct elig_programs *elig_service_programs(const elig_service_t *self);

/* The timers' work, callable directly (tests): loads the newest stored
 * rule version when it differs from the active one, and re-checks the
 * forecasts that are due. Each returns 0 or -1. */
int elig_service_refresh_rules(void *ctx, pw_service_t *svc);
int elig_service_recheck(void *ctx, pw_service_t *svc);

#endif
