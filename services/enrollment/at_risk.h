/* At-risk rules: when a training provider's progress says a participant is
 * struggling. Each program file (deploy/programs/<program>.yaml) may hold
 * a section
 *
 *   at_risk:
 *     absences: 3        # this many absences (excused ones do not count)
 *     within_days: 28    # ... within this many days, ending on the latest
 *     failed_exam: true  # any failed exam attempt
 *
 * read here at start-up from PATHWAYS_PROGRAM_DIR (every *.yaml file; the
 * eligibility service skips the section). A program without the section
 * has no at-risk rule. When a rule fires, enrollment raises the at-risk
 * flag (once; staff clear it) and announces it; the notification service
 * routes trigger "at_risk" (routing.yaml). Kept apart from the eligibility
 * rules' parser on purpose: only this section is read. */
#ifndef PATHWAYS_ENROLLMENT_AT_RISK_H
#define PATHWAYS_ENROLLMENT_AT_RISK_H

#include <stddef.h>

#define ENR_AT_RISK_PROGRAM_MAX 64
#define ENR_AT_RISK_MAX_DAYS    366

typedef struct {
    char program[ENR_AT_RISK_PROGRAM_MAX + 1];
    int absences;    /* 0: no absence rule */
    int within_days; /* the window of the absence rule */
    int failed_exam; /* 1: a failed exam raises the flag */
} enr_at_risk_rule_t;

typedef struct enr_at_risk enr_at_risk_t;

/* An empty rule set (caller owns it), NULL on out-of-memory. */
enr_at_risk_t *enr_at_risk_new(void);
void enr_at_risk_destroy(enr_at_risk_t **p);

/* Reads the at_risk section of one program file's text (name for
 * messages) into self. Returns 0 (also when the file has no section), or
 * -1 with "name: reason" in err. */
int enr_at_risk_parse(enr_at_risk_t *self, const char *text, size_t len, const char *name,
                      char *err, size_t errlen) __attribute__((warn_unused_result));
/* Reads every *.yaml file of dir ("" or a missing dir: no rules). Returns
 * 0 or -1 with the reason in err. */
int enr_at_risk_load_dir(enr_at_risk_t *self, const char *dir, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* enr_at_risk_load_dir of PATHWAYS_PROGRAM_DIR, else of the source tree's
 * deploy/programs. */
int enr_at_risk_load_env(enr_at_risk_t *self, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The rule of program, or NULL when it has none. Borrowed. */
const enr_at_risk_rule_t *enr_at_risk_for(const enr_at_risk_t *self, const char *program);
/* Number of programs with a rule. */
size_t enr_at_risk_count(const enr_at_risk_t *self);

#endif
