/* pathwaysctl's side of the enrollment command endpoint: option parsing
 * shared by `enroll`, `cohort`, `team` and `enrollment`, one round trip
 * (EnrollmentCommand -> EnrollmentResult) and printing the result as text
 * or JSON. */
#ifndef PATHWAYS_CTL_ENROLLMENT_CLIENT_H
#define PATHWAYS_CTL_ENROLLMENT_CLIENT_H

#include "ctl.h"
#include "pathways/v1/enrollment_command.pb-c.h"

#define CTL_ENR_MAX_EMPLOYERS 32
#define CTL_ENR_MAX_POS       4

/* Every option the enrollment subcommands know; NULL/0 when not given. */
typedef struct {
    const char *key, *actor, *program, *cohort, *reason_code, *reason, *date, *credential, *role;
    const char *name, *provider, *start, *end, *status, *org, *person, *kind, *employer;
    const char *employee;
    const char *from; /* --from FILE ('-': stdin): a list of EMPLOYER EMPLOYEE */
    char *employers[CTL_ENR_MAX_EMPLOYERS];
    size_t n_employers;
    unsigned capacity;
    int waitlist, json;
    char *pos[CTL_ENR_MAX_POS]; /* positional arguments */
    int npos;
    char key_buf[40];
} ctl_enr_opts_t;

/* Parses argv[1..] accepting only the options named in allowed (a comma
 * list such as "key,actor,json") and exactly npos positional arguments
 * (or none, with --from).
 * Fills a default idempotency key and actor. Returns 0, or CTL_USAGE with
 * a message (and usage, when given) on stderr. */
int ctl_enr_parse(int argc, char **argv, const char *allowed, int npos, const char *usage,
                  ctl_enr_opts_t *o);

/* Sends cmd (its key and actor taken from o) to pathways-enrollment and
 * prints the result (JSON with --json). Returns CTL_OK, or CTL_FAIL with
 * the refusal ("code: sentence") on stderr prefixed by who. */
int ctl_enr_call(const ctl_t *ctl, Pathways__V1__EnrollmentCommand *cmd, const ctl_enr_opts_t *o,
                 const char *who);

#endif
