/* The fact vocabulary: one table, read by the program parser (names,
 * operators, accepted words) and by the evaluation (labels, groups). */
#include "vocab.h"

#include "rules.h"

#include <stdio.h>
#include <string.h>

static const char *const ENROLLMENT_STATES[] = {
    "invited",   "applied", "enrolled",  "waitlisted", "in_training", "completed",
    "certified", "placed",  "withdrawn", "exited",     "paused",
};

int elig_is_enrollment_state(const char *w)
{
    for (size_t i = 0; i < sizeof ENROLLMENT_STATES / sizeof *ENROLLMENT_STATES; i++)
        if (strcmp(w, ENROLLMENT_STATES[i]) == 0)
            return 1;
    return 0;
}

static int is_status(const char *w)
{
    return elig_status_parse(w) > 0;
}
static int is_type(const char *w)
{
    return elig_type_parse(w) > 0;
}
static int is_standing(const char *w)
{
    return elig_standing_parse(w) > 0;
}

#define STATES                                                                                     \
    "invited, applied, enrolled, waitlisted, in_training, completed, certified, placed,"           \
    " withdrawn, exited, paused"

// clang-format off
static const elig_fact_info_t FACTS[ELIG_FACT_COUNT] = {
    [ELIG_FACT_STATUS] = {"status", "status", ELIG_KIND_WORD, ELIG_GROUP_STATUS, is_status,
                          "active, leave, terminated, prehire"},
    [ELIG_FACT_EMPLOYMENT_TYPE] = {"employment_type", "employment type", ELIG_KIND_WORD,
                                   ELIG_GROUP_HOURS, is_type,
                                   "full_time, part_time, temporary, seasonal, per_diem"},
    [ELIG_FACT_SCHEDULED_HOURS] = {"scheduled_hours", "scheduled hours", ELIG_KIND_NUMBER,
                                   ELIG_GROUP_HOURS, NULL, ""},
    [ELIG_FACT_JOB_FAMILY] = {"job_family", "job family", ELIG_KIND_WORD, ELIG_GROUP_JOB, NULL, ""},
    [ELIG_FACT_JOB_TITLE] = {"job_title", "job title", ELIG_KIND_WORD, ELIG_GROUP_JOB, NULL, ""},
    [ELIG_FACT_STANDING] = {"standing", "standing", ELIG_KIND_WORD, ELIG_GROUP_STANDING,
                            is_standing, "good, corrective_action, final_warning"},
    [ELIG_FACT_TENURE_DAYS] = {"tenure_days", "tenure", ELIG_KIND_NUMBER, ELIG_GROUP_HIRE, NULL,
                               ""},
    [ELIG_FACT_EMPLOYER] = {"employer", "employer", ELIG_KIND_WORD, ELIG_UNDATED, NULL, ""},
    [ELIG_FACT_SITE] = {"site", "site", ELIG_KIND_WORD, ELIG_GROUP_JOB, NULL, ""},
    [ELIG_FACT_SHIFT] = {"shift", "shift", ELIG_KIND_WORD, ELIG_GROUP_JOB, NULL, ""},
    [ELIG_FACT_EDUCATION_LEVEL] = {"education_level", "education level", ELIG_KIND_WORD,
                                   ELIG_GROUP_QUALIFICATION, NULL, ""},
    [ELIG_FACT_CREDENTIALS] = {"credentials", "credentials", ELIG_KIND_SET,
                               ELIG_GROUP_QUALIFICATION, NULL, ""},
    [ELIG_FACT_LANGUAGES] = {"languages", "languages", ELIG_KIND_SET, ELIG_GROUP_QUALIFICATION,
                             NULL, ""},
    [ELIG_FACT_EMPLOYER_PARTICIPATES] = {"employer_participates", "employer", ELIG_KIND_BOOL,
                                         ELIG_UNDATED, NULL, ""},
    [ELIG_FACT_PROGRAM_STATE] = {"program_state", "program state", ELIG_KIND_STATE, ELIG_UNDATED,
                                 elig_is_enrollment_state, STATES},
    [ELIG_FACT_PRIOR_PROGRAM] = {"program.<id>", "program", ELIG_KIND_STATE, ELIG_UNDATED,
                                 elig_is_enrollment_state, STATES},
    [ELIG_FACT_ATTRIBUTE] = {"attributes.<name>", "attribute", ELIG_KIND_WORD,
                             ELIG_GROUP_QUALIFICATION, NULL, ""},
};
// clang-format on

const elig_fact_info_t *elig_fact_info(elig_fact_t fact)
{
    return &FACTS[fact >= 0 && fact < ELIG_FACT_COUNT ? fact : 0];
}

const char *elig_fact_names(void)
{
    return "status, employment_type, scheduled_hours, job_family, job_title, standing,"
           " tenure_days, employer, site, shift, education_level, credentials, languages,"
           " employer_participates, program_state, program.<id>, attributes.<name>";
}

#define PROGRAM_PREFIX   "program."
#define ATTRIBUTE_PREFIX "attributes."

int elig_fact_parse(const char *name, char *key, size_t len)
{
    if (len)
        key[0] = '\0';
    if (!name)
        return -1;
    if (strncmp(name, PROGRAM_PREFIX, strlen(PROGRAM_PREFIX)) == 0) {
        const char *id = name + strlen(PROGRAM_PREFIX);
        size_t n = strlen(id);
        if (!n || n >= len || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
            return -1;
        snprintf(key, len, "%s", id);
        return ELIG_FACT_PRIOR_PROGRAM;
    }
    if (strncmp(name, ATTRIBUTE_PREFIX, strlen(ATTRIBUTE_PREFIX)) == 0) {
        const char *id = name + strlen(ATTRIBUTE_PREFIX);
        size_t n = strlen(id);
        if (!n || n >= len || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
            return -1;
        snprintf(key, len, "%s", id);
        return ELIG_FACT_ATTRIBUTE;
    }
    for (int i = 0; i < ELIG_FACT_COUNT; i++)
        if (i != ELIG_FACT_PRIOR_PROGRAM && i != ELIG_FACT_ATTRIBUTE &&
            strcmp(name, FACTS[i].name) == 0)
            return i;
    return -1;
}

static const char *const OP_NAMES[ELIG_OP_COUNT] = {
    "in",     "not_in", "at_least", "more_than", "at_most", "less_than", "between",     "exists",
    "any_of", "all_of", "none_of",  "is",        "all",     "any",       "first_known",
};

const char *elig_op_name(int op)
{
    return op >= 0 && op < ELIG_OP_COUNT ? OP_NAMES[op] : "";
}

int elig_op_parse(const char *name)
{
    for (int i = 0; name && i < ELIG_OP_COUNT; i++)
        if (strcmp(name, OP_NAMES[i]) == 0)
            return i;
    return -1;
}

int elig_op_fits(int op, elig_kind_t kind)
{
    if (op == ELIG_OP_EXISTS)
        return kind != ELIG_KIND_BOOL && kind != ELIG_KIND_STATE;
    switch (kind) {
    case ELIG_KIND_WORD:
    case ELIG_KIND_STATE:
        return op == ELIG_OP_IN || op == ELIG_OP_NOT_IN;
    case ELIG_KIND_NUMBER:
        return op >= ELIG_OP_AT_LEAST && op <= ELIG_OP_BETWEEN;
    case ELIG_KIND_SET:
        return op >= ELIG_OP_ANY_OF && op <= ELIG_OP_NONE_OF;
    case ELIG_KIND_BOOL:
        return op == ELIG_OP_IS;
    }
    return 0;
}

const char *elig_ops_for(elig_kind_t kind)
{
    switch (kind) {
    case ELIG_KIND_WORD:
        return "in, not_in, exists";
    case ELIG_KIND_NUMBER:
        return "at_least, more_than, at_most, less_than, between, exists";
    case ELIG_KIND_SET:
        return "any_of, all_of, none_of, exists";
    case ELIG_KIND_BOOL:
        return "is";
    case ELIG_KIND_STATE:
        return "in, not_in";
    }
    return "";
}

const char *elig_fact_word(const elig_facts_t *f, elig_fact_t fact)
{
    switch (fact) {
    case ELIG_FACT_STATUS:
        return elig_status_name(f->status);
    case ELIG_FACT_EMPLOYMENT_TYPE:
        return elig_type_name(f->employment_type);
    case ELIG_FACT_JOB_FAMILY:
        return f->job_family;
    case ELIG_FACT_JOB_TITLE:
        return f->job_title;
    case ELIG_FACT_STANDING:
        return elig_standing_name(f->standing);
    case ELIG_FACT_EMPLOYER:
        return f->employer;
    case ELIG_FACT_SITE:
        return elig_facts_text(f, ELIG_TEXT_SITE);
    case ELIG_FACT_SHIFT:
        return elig_facts_text(f, ELIG_TEXT_SHIFT);
    case ELIG_FACT_EDUCATION_LEVEL:
        return elig_facts_text(f, ELIG_TEXT_EDUCATION);
    case ELIG_FACT_CREDENTIALS:
        return elig_facts_text(f, ELIG_TEXT_CREDENTIALS);
    case ELIG_FACT_LANGUAGES:
        return elig_facts_text(f, ELIG_TEXT_LANGUAGES);
    case ELIG_FACT_PROGRAM_STATE:
        return f->program_state;
    default:
        return "";
    }
}
