/* Merged employee facts: the registry's view of one employee, built by
 * applying accepted partner events in effective-date order. Pure: no I/O.
 *
 * Effective dating is per fact group (job, status, hours, standing, hire,
 * contact): an event updates a group only when its effective date is on or
 * after the date that group was last set. A late event therefore never
 * overwrites newer facts, yet still fills groups nothing newer has set (a
 * late "hired" after an early "job_changed" still brings the hire date). */
#ifndef ELIG_FACTS_H
#define ELIG_FACTS_H

#include <stdint.h>

#include "pathways/codec.h"
#include "pathways/date.h"

/* Field length bounds (bytes), shared with validation. */
#define ELIG_NAME_MAX       200 /* names, job family, job title */
#define ELIG_EMAIL_MAX      254
#define ELIG_PHONE_MAX      32
#define ELIG_LANGUAGE_MAX   35
#define ELIG_RAW_MAX        64 /* raw partner values and reason codes */
#define ELIG_ID_MAX         128
#define ELIG_SUBJECT_MAX    64
#define ELIG_SHORT_MAX      64   /* site, shift, education level */
#define ELIG_SET_MAX        255  /* credentials, languages: comma-separated words */
#define ELIG_PROGRAMS_MAX   511  /* "program=state,..." of every program */
#define ELIG_ATTRS_TEXT_MAX 1400 /* declared attributes, "name=value\n"... (attrs.h) */

/* No date set yet. */
#define ELIG_NO_DATE INT32_MIN

typedef enum {
    ELIG_GROUP_JOB = 0,
    ELIG_GROUP_STATUS,
    ELIG_GROUP_HOURS,
    ELIG_GROUP_STANDING,
    ELIG_GROUP_HIRE,
    ELIG_GROUP_CONTACT,
    ELIG_GROUP_QUALIFICATION, /* education level, credentials, languages */
    ELIG_GROUP_COUNT
} elig_group_t;

/* The eight event types, in CloudEvents form. */
typedef enum {
    ELIG_EV_HIRED = 0,
    ELIG_EV_REHIRED,
    ELIG_EV_JOB_CHANGED,
    ELIG_EV_HOURS_CHANGED,
    ELIG_EV_STANDING_CHANGED,
    ELIG_EV_LEAVE_STARTED,
    ELIG_EV_LEAVE_ENDED,
    ELIG_EV_TERMINATED,
    ELIG_EV_COUNT
} elig_event_type_t;

/* Text facts that many employees lack and whose bounds are wide, kept on
 * the heap only when present (inline, they made every employee slot of a
 * 5,000-event batch 2.6 KiB larger). Programs is registry context: every
 * program's enrollment state, "mapp=enrolled,pct=completed". */
typedef enum {
    ELIG_TEXT_SITE = 0,    /* job group */
    ELIG_TEXT_SHIFT,       /* job group */
    ELIG_TEXT_EDUCATION,   /* qualification group */
    ELIG_TEXT_CREDENTIALS, /* qualification group, "a,b" */
    ELIG_TEXT_LANGUAGES,   /* qualification group, "en,es" */
    ELIG_TEXT_ATTRIBUTES,  /* qualification group, "name=value\n"... (attrs.h) */
    ELIG_TEXT_PROGRAMS,    /* context */
    ELIG_TEXT_COUNT
} elig_text_t;

/* Set in elig_facts_apply's result when a text fact could not be stored
 * (out of memory): the facts are incomplete and must not be saved. */
#define ELIG_FACTS_NOMEM (1u << 31)

/* An elig_facts_t owns its texts: elig_facts_init() starts one from
 * memory holding none (zeroed, or fresh on the stack); elig_facts_reset()
 * re-initializes one that may hold some; elig_facts_clear() frees them.
 * Copying the struct would share them: don't. */
typedef struct {
    char employer[ELIG_SUBJECT_MAX + 1];
    char employee[ELIG_SUBJECT_MAX + 1];
    char job_family[ELIG_NAME_MAX + 1];
    char job_title[ELIG_NAME_MAX + 1];
    int status; /* Pathways__V1__EmploymentStatus */
    char status_raw[ELIG_RAW_MAX + 1];
    int employment_type; /* Pathways__V1__EmploymentType */
    char employment_type_raw[ELIG_RAW_MAX + 1];
    int has_hours;
    double scheduled_hours;
    int standing; /* Pathways__V1__Standing */
    char standing_raw[ELIG_RAW_MAX + 1];
    int32_t hire_date;    /* original hire date, or ELIG_NO_DATE */
    int32_t period_start; /* start of the current employment period */
    char given_name[ELIG_NAME_MAX + 1];
    char family_name[ELIG_NAME_MAX + 1];
    char email[ELIG_EMAIL_MAX + 1];
    char phone[ELIG_PHONE_MAX + 1];
    char language[ELIG_LANGUAGE_MAX + 1];
    char reason_code[ELIG_RAW_MAX + 1];
    char *text[ELIG_TEXT_COUNT];          /* owned; NULL when none: elig_facts_text() */
    int32_t group_date[ELIG_GROUP_COUNT]; /* effective date per group */
    /* Context the registry adds for the program evaluated (not partner
     * facts): whether the employer takes part (-1 not registered) and the
     * employee's enrollment state in the program ("" none), and in every
     * program ("mapp=enrolled,pct=completed"; "" none). */
    int employer_participates;
    char program_state[ELIG_RAW_MAX + 1];
} elig_facts_t;

/* Returns the type's index, or -1 for anything else (including NULL). */
int elig_event_type_parse(const char *type);
const char *elig_event_type_name(elig_event_type_t t);

/* Sets f to "nothing known" for (employer, employee); f holds no texts
 * (whatever it held is overwritten, not freed). */
void elig_facts_init(elig_facts_t *f, const char *employer, const char *employee);
/* The same for an f that may hold texts (they are freed first). */
void elig_facts_reset(elig_facts_t *f, const char *employer, const char *employee);
/* Frees f's texts (f stays valid, with none). */
void elig_facts_clear(elig_facts_t *f);

/* A text fact ("" when none) and its bound in bytes. */
const char *elig_facts_text(const elig_facts_t *f, elig_text_t t);
size_t elig_text_max(elig_text_t t);
/* Replaces a text fact with value, cut at the bound ("" or NULL: none).
 * Returns 0, or -1 when out of memory (the old value is kept). */
int elig_facts_set_text(elig_facts_t *f, elig_text_t t, const char *value)
    __attribute__((warn_unused_result));

/* Applies a validated event to f. Returns the bitmask of groups that were
 * stale (left alone because newer facts were already on file); 0 when every
 * stated fact was applied; with ELIG_FACTS_NOMEM when out of memory. */
unsigned elig_facts_apply(elig_facts_t *f, const Pathways__V1__EmployeeEvent *ev);

/* Fills out (a caller-owned EmployeeFacts) with pointers borrowed from f;
 * hours and date_buf are caller storage for the hours and the formatted hire
 * date. Valid while f, hours and date_buf live. */
void elig_facts_to_proto(const elig_facts_t *f, Pathways__V1__EmployeeFacts *out,
                         Pathways__V1__ScheduledHours *hours, char date_buf[PW_DATE_LEN]);

/* Whether the event's data states scheduled hours (hides how the generated
 * code represents presence). */
int elig_event_has_hours(const Pathways__V1__EmployeeFacts *d);
/* The stated hours per week (0 when not stated). */
double elig_event_hours(const Pathways__V1__EmployeeFacts *d);

/* Lowercase names of the normalized enums ("active", "full_time", "good";
 * "" for unspecified) and the way back (-1 when unknown). */
const char *elig_status_name(int status);
const char *elig_type_name(int type);
const char *elig_standing_name(int standing);
int elig_status_parse(const char *name);
int elig_type_parse(const char *name);
int elig_standing_parse(const char *name);

#endif
