/* Program rules and their evaluation. Pure: the facts and the as-of date in,
 * an outcome with a verdict per criterion out.
 *
 * A program's rules are data (elig_rules_t): named criteria, each an
 * expression over the fact vocabulary of vocab.h (a tree of elig_node_t:
 * leaves compare one fact with an operand, all/any/first_known combine),
 * plus per-employer overrides (tenure minimum, extra job families) that
 * adjust the program without copying it. A program file (program.h)
 * produces one; elig_rules_mapp() is the foundation's built-in MAPP, used
 * until a program version has been loaded into the database. Criteria are
 * reported in the order the file gives them. */
#ifndef ELIG_RULES_H
#define ELIG_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"

#define ELIG_MAX_CRITERIA  16
#define ELIG_MAX_NODES     128 /* expression nodes of one program */
#define ELIG_MAX_LISTS     48  /* operand lists of one program */
#define ELIG_MAX_DEPTH     6   /* nesting of all/any/first_known */
#define ELIG_MAX_LIST      24  /* entries of any list in a program */
#define ELIG_WORD_MAX      64  /* bytes of one list entry */
#define ELIG_MAX_OVERRIDES 64  /* employers with overrides */
#define ELIG_PROGRAM_MAX   64
/* The held days of the criteria of a file in the first format, which named
 * eight fixed criteria: their slots keep that order (spell.h). */
#define ELIG_LEGACY_SLOTS 8

typedef struct {
    char items[ELIG_MAX_LIST][ELIG_WORD_MAX];
    size_t n;
} elig_list_t;

typedef struct {
    char employer[ELIG_SUBJECT_MAX + 1];
    int min_tenure_days; /* -1: the program's */
    elig_list_t extra_job_families;
} elig_override_t;

/* Operators. Leaves: one fact against an operand; combinators: children. */
typedef enum {
    ELIG_OP_IN = 0,   /* word facts: value is one of the list */
    ELIG_OP_NOT_IN,   /* ... is none of the list */
    ELIG_OP_AT_LEAST, /* numbers: >= lo */
    ELIG_OP_MORE_THAN,
    ELIG_OP_AT_MOST,
    ELIG_OP_LESS_THAN,
    ELIG_OP_BETWEEN,     /* lo <= value <= hi */
    ELIG_OP_EXISTS,      /* any fact: on file (lo 1) or not (lo 0); never unknown */
    ELIG_OP_ANY_OF,      /* set facts: holds at least one of the list */
    ELIG_OP_ALL_OF,      /* ... every one of the list */
    ELIG_OP_NONE_OF,     /* ... none of the list */
    ELIG_OP_IS,          /* yes/no facts: equals lo (1 yes, 0 no) */
    ELIG_OP_ALL,         /* every child passes */
    ELIG_OP_ANY,         /* some child passes */
    ELIG_OP_FIRST_KNOWN, /* the first child whose facts are on file decides */
    ELIG_OP_COUNT
} elig_op_t;

typedef struct {
    uint8_t op;     /* elig_op_t */
    uint8_t fact;   /* elig_fact_t (leaves) */
    uint8_t target; /* the operand is the program's target role */
    uint8_t kind;   /* elig_kind_t of a leaf (an attribute's, from the schema) */
    int16_t list;   /* operand list: index in rules->lists, -1 none */
    uint16_t kid0;  /* children: rules->kids[kid0 .. kid0 + n_kids) */
    uint16_t n_kids;
    double lo, hi;
    char key[ELIG_WORD_MAX]; /* program id (program.<id>), attribute name */
} elig_node_t;

typedef struct {
    char name[ELIG_WORD_MAX];
    uint16_t root;   /* node index */
    uint8_t slot;    /* index of its held day in the spell (spell.h) */
    uint8_t timed;   /* reads tenure_days: it can start to pass by time alone */
    unsigned groups; /* bitmask of the fact groups it reads (1 << elig_group_t) */
} elig_criterion_def_t;

/* Intake: open invites the newly eligible; paused and closed do not (closed
 * for good: current cohorts finish). */
typedef enum { ELIG_INTAKE_OPEN = 0, ELIG_INTAKE_PAUSED, ELIG_INTAKE_CLOSED } elig_intake_t;

typedef struct {
    char program[ELIG_PROGRAM_MAX + 1]; /* "mapp" */
    char name[ELIG_NAME_MAX + 1];
    unsigned version;                    /* rule_version stored with every determination */
    char target_role[ELIG_NAME_MAX + 1]; /* for people ("Medical Assistant") */
    int intake;                          /* elig_intake_t the file sets, -1 none */
    elig_list_t target_families;         /* the target role's job families */
    elig_criterion_def_t criteria[ELIG_MAX_CRITERIA];
    size_t n_criteria;
    elig_node_t nodes[ELIG_MAX_NODES];
    size_t n_nodes;
    uint16_t kids[ELIG_MAX_NODES];
    size_t n_kids;
    elig_list_t lists[ELIG_MAX_LISTS];
    size_t n_lists;
    elig_override_t overrides[ELIG_MAX_OVERRIDES];
    size_t n_overrides;
} elig_rules_t;

/* Results use the protobuf enums' numbers. */
typedef struct {
    const char *name; /* borrowed from the rules */
    int slot;         /* the criterion's spell slot */
    int index;        /* the criterion's index in the rules */
    int result;       /* Pathways__V1__CriterionResult */
    char observed[ELIG_NAME_MAX + 64];
    char required[512];
    char reason[ELIG_NAME_MAX + 600];
} elig_criterion_t;

typedef struct {
    int outcome; /* Pathways__V1__Outcome */
    size_t n_criteria;
    elig_criterion_t criteria[ELIG_MAX_CRITERIA];
    int32_t eligible_from; /* ELIG_NO_DATE unless only time stands in the way */
    int32_t as_of;
    /* Filled by elig_spell_update (spell.h), ELIG_NO_DATE until then: the
     * first day of the current eligible spell, and the day the last one
     * ended. */
    int32_t eligible_since;
    int32_t eligible_until;
} elig_result_t;

/* The foundation's MAPP rules (static; never freed): status, full_time,
 * job_family, standing and tenure, version 1. */
const elig_rules_t *elig_rules_mapp(void);

/* The criterion named name, or NULL. */
const elig_criterion_def_t *elig_rules_criterion(const elig_rules_t *rules, const char *name);

/* The override for employer, or NULL. */
const elig_override_t *elig_rules_override(const elig_rules_t *rules, const char *employer);

/* Evaluates facts f under rules as of the given date into out. */
void elig_rules_evaluate(const elig_rules_t *rules, const elig_facts_t *f, int32_t as_of,
                         elig_result_t *out);

/* A short text that changes exactly when the outcome, a criterion's verdict,
 * eligible_from, eligible_since or eligible_until changes (not when only the
 * observed tenure grows).
 * Writes at most len bytes. */
void elig_result_signature(const elig_result_t *r, char *out, size_t len);

/* "eligible" | "not_eligible" | "needs_review" ("" otherwise) and back
 * (0 for anything unknown, including ""). */
const char *elig_outcome_name(int outcome);
int elig_outcome_parse(const char *name);
/* "pass" | "fail" | "unknown". */
const char *elig_criterion_result_name(int result);
/* "open" | "paused" | "closed" and back (-1 when unknown). */
const char *elig_intake_name(int intake);
int elig_intake_parse(const char *name);

/* Job families compare without regard to case, spaces or hyphens
 * ("Food Service" is food_service). */
int elig_same_family(const char *a, const char *b);
/* 1 when list holds word (compared as job families). */
int elig_list_has(const elig_list_t *list, const char *word);

#endif
