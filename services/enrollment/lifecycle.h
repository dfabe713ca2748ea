/* Enrollment state changes: the one path by which an enrollment is created
 * or moved. Each change is checked against the transition table, written to
 * enrollment.enrollment, audited in enrollment.transition (who, why, cause,
 * frozen facts) and announced as EnrollmentChanged on stream "enrollment",
 * all inside the caller's open transaction. */
#ifndef PATHWAYS_ENROLLMENT_LIFECYCLE_H
#define PATHWAYS_ENROLLMENT_LIFECYCLE_H

#include <stdint.h>

#include "pathways/db.h"
#include "transitions.h"

#define ENR_STREAM       "enrollment"
#define ENR_EVENT_TYPE   "org.pathways.enrollment.changed.v1"
#define ENR_ACTOR_SYSTEM "system"

/* Where events go: pw_service_append in the service, a plain appender or a
 * recorder in tests. Returns 0 or -1. */
typedef int (*enr_emit_fn)(void *ctx, const char *stream, const char *type, const char *key,
                           const char *event_id, const ProtobufCMessage *payload);
typedef struct {
    enr_emit_fn fn;
    void *ctx;
} enr_emitter_t;

/* One requested change; every string borrowed, NULL reads as "". */
typedef struct {
    const char *employer;
    const char *employee;
    const char *program;
    enr_state_t to;
    const char *cohort_id;
    const char *reason_code;
    const char *reason;
    const char *actor;          /* "system" or an administrator's identity */
    const char *cause_event_id; /* stream event or command that caused it */
    const char *effective_date; /* YYYY-MM-DD */
    const char *facts_json;     /* frozen facts, a JSON object (NULL: {}) */
} enr_change_t;

typedef enum {
    ENR_OK = 0,
    ENR_EXISTS = 1,       /* create: the enrollment already exists */
    ENR_ERR_DB = -1,      /* database or emit failure: retry later */
    ENR_ERR_ILLEGAL = -2, /* the lifecycle forbids it: never retry */
    ENR_ERR_STALE = -3,   /* the row was not in the expected state */
} enr_result_t;

/* Creates the enrollment in state c->to (a move from "none"). Returns
 * ENR_OK, ENR_EXISTS (nothing written), or an error with a reason in err. */
enr_result_t enr_lifecycle_create(pw_db_t *db, const enr_emitter_t *emit, const enr_change_t *c,
                                  char *err, size_t errlen) __attribute__((warn_unused_result));

/* Moves enrollment id, currently in state from, to c->to. Returns ENR_OK or
 * an error with a reason in err. */
enr_result_t enr_lifecycle_move(pw_db_t *db, const enr_emitter_t *emit, int64_t id,
                                enr_state_t from, const enr_change_t *c, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
