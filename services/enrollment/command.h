/* The enrollment service's command endpoint: EnrollmentCommand in,
 * EnrollmentResult out (see proto/pathways/v1/enrollment_command.proto).
 *
 * A command that changes something runs in one transaction with its
 * effects, its events and its idempotency record (key -> request and result
 * bytes); a repeat of the same request returns the stored bytes, a different
 * request under a used key is refused. A refused command rolls back and
 * stores nothing. Queries run without a key and change nothing. */
#ifndef PATHWAYS_ENROLLMENT_COMMAND_H
#define PATHWAYS_ENROLLMENT_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"
#include "pathways/date.h"
#include "pathways/v1/enrollment_command.pb-c.h"

#define ENR_COMMAND_TYPE "pathways.v1.EnrollmentCommand"
#define ENR_RESULT_TYPE  "pathways.v1.EnrollmentResult"

/* Stable error codes of EnrollmentResult.error_code. */
#define ENR_E_MALFORMED     "malformed_request" /* undecodable or not EnrollmentCommand */
#define ENR_E_UNSUPPORTED   "unsupported"       /* no command set */
#define ENR_E_INVALID       "invalid_argument"  /* a field is missing or malformed */
#define ENR_E_NO_KEY        "missing_idempotency_key"
#define ENR_E_KEY_REUSED    "idempotency_key_reused" /* same key, different request */
#define ENR_E_UNAVAILABLE   "unavailable"            /* database trouble: retry, same key */
#define ENR_E_UNKNOWN_EMP   "unknown_employee"       /* no determination on file */
#define ENR_E_NOT_ELIGIBLE  "not_eligible"
#define ENR_E_UNKNOWN_ENR   "unknown_enrollment"
#define ENR_E_ILLEGAL       "illegal_transition" /* duplicate or out of order */
#define ENR_E_UNKNOWN_COH   "unknown_cohort"
#define ENR_E_COHORT_EXISTS "cohort_exists"
#define ENR_E_COHORT_CLOSED "cohort_not_open"       /* not taking enrollments */
#define ENR_E_NOT_STARTED   "cohort_not_started"    /* training before the cohort starts */
#define ENR_E_COHORT_FULL   "cohort_full"           /* and no waitlist asked for */
#define ENR_E_COHORT_STATUS "illegal_cohort_status" /* e.g. finished -> open */
#define ENR_E_NOT_SERVED    "employer_not_served"
#define ENR_E_PROGRAM       "program_mismatch"
#define ENR_E_NOT_FLAGGED   "not_flagged"
#define ENR_E_UNKNOWN_TEAM  "unknown_team"
#define ENR_E_UNKNOWN_ORG   "unknown_organization"
#define ENR_E_MEMBER        "already_member"
#define ENR_E_NOT_MEMBER    "not_member"
#define ENR_E_FUTURE        "future_date"        /* a milestone dated after today */
#define ENR_E_OUT_OF_ORDER  "date_out_of_order"  /* before the latest recorded milestone */
#define ENR_E_BEFORE_ELIG   "before_eligibility" /* dated before eligibility, no exception */

#define ENR_KEY_MAX_LEN  128 /* idempotency key */
#define ENR_SEQUENCE_MAX 16  /* steps of a CommandSequence */
#define ENR_TEXT_MAX_LEN 256 /* ids, names, reasons */

/* Where a command's transaction ends: the service's commit (flush events,
 * COMMIT, publish) or a test's. commit returns 0 or -1 (rolled back). */
typedef struct {
    pw_db_t *db;
    enr_emitter_t emit;
    int (*commit)(void *ctx);
    void (*rollback)(void *ctx);
    void *ctx;
    /* The authenticated caller ("key:<id>"), recorded as the actor (with
     * the name the command gives, if any: "NAME via key:<id>"); NULL in
     * development mode, where the command's actor is taken as it is. */
    const char *actor;
} enr_session_t;

/* Answers one request of the given type. Returns the EnrollmentResult bytes
 * (malloc'd, caller frees) and their length; NULL only when out of memory. */
uint8_t *enr_command_answer(const enr_session_t *s, const char *type, const uint8_t *data,
                            size_t len, size_t *reply_len);

/* ---- for the command handlers (participant.c, cohort_admin.c, team.c,
 * view.c) ---- */

typedef struct enr_touched enr_touched_t;

typedef struct {
    pw_db_t *db;
    enr_emitter_t emit; /* records the enrollments touched, then forwards */
    const char *actor;
    const char *cause; /* "command:<idempotency key>" */
    char today[PW_DATE_LEN];
    int historical;                         /* a CommandSequence from history: events say so */
    uint32_t failed_step;                   /* a CommandSequence's refused step (1-based) */
    Pathways__V1__EnrollmentResult *result; /* heap-built, freed by pw_msg_free */
    enr_touched_t *touched;
    char code[48];
    char error[512];
} enr_cmd_t;

typedef int (*enr_cmd_fn)(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);

/* Records a refusal (code and a sentence). Returns -1 for tail calls. */
int enr_cmd_fail(enr_cmd_t *x, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Maps a lifecycle result to a refusal; ENR_OK returns 0. */
int enr_cmd_fail_result(enr_cmd_t *x, enr_result_t r, const char *err);
/* Checks a required or optional text field (at most ENR_TEXT_MAX_LEN bytes,
 * valid UTF-8). Returns 0, or -1 with invalid_argument recorded. */
int enr_cmd_text(enr_cmd_t *x, const char *name, const char *value, int required);
/* Checks an optional YYYY-MM-DD date and writes it, or today when empty,
 * into out. Returns 0 or -1 (invalid_argument). */
int enr_cmd_date(enr_cmd_t *x, const char *name, const char *value, char out[PW_DATE_LEN]);
/* enr_cmd_date for a milestone's effective_date, which may not be after
 * today (future_date). Returns 0 or -1. */
int enr_cmd_effective_date(enr_cmd_t *x, const char *value, char out[PW_DATE_LEN]);
/* 1 when date (YYYY-MM-DD) is before x->today: the command records history. */
int enr_cmd_is_past(const enr_cmd_t *x, const char *date);

/* Handlers, one per command case. Each returns 0 or -1 with a refusal. */
int enr_cmd_apply(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_enroll(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_withdraw(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_progress(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_review_clear(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_cohort_create(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_cohort_update(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_org_upsert(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_team_join(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_team_leave(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_list_enrollments(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_history(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_list_cohorts(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
int enr_cmd_list_teams(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);
/* Runs a CommandSequence's steps through the handlers above (sequence.c). */
int enr_cmd_sequence(enr_cmd_t *x, const Pathways__V1__EnrollmentCommand *cmd);

/* Result building (view.c): appends rows to x->result. Each returns 0 or
 * -1 (unavailable recorded). */
int enr_view_enrollments(enr_cmd_t *x, const char *employer, const char *employee,
                         const char *program, const char *cohort_id);
int enr_view_cohorts(enr_cmd_t *x, const char *cohort_id, const char *program);
int enr_view_teams(enr_cmd_t *x, const char *team_id);
/* Appends the views of every enrollment the command's events touched. */
int enr_view_touched(enr_cmd_t *x);

#endif
