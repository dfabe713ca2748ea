/* The word lists the synthetic workforce is drawn from: employer names,
 * personal names, job families and titles, and each partner's own spelling
 * of status, type and standing values. All fake. */
#ifndef PATHWAYS_SYNTH_VOCAB_H
#define PATHWAYS_SYNTH_VOCAB_H

#include <stddef.h>

#include "oracle.h"

/* A personal name and its ASCII form for the e-mail address. */
typedef struct {
    const char *name;
    const char *ascii;
} sy_name_t;

typedef struct {
    const char *family; /* contract job family */
    unsigned weight;    /* how common */
    const char *titles[3];
} sy_job_t;

/* Number of distinct raw-value vocabularies (partners spell values their
 * own way: "FT", "Full Time", "F"). */
#define SY_STYLES 3

size_t sy_employer_names(const char *const **names);
size_t sy_given_names(const sy_name_t **names);
size_t sy_family_names(const sy_name_t **names);
size_t sy_jobs(const sy_job_t **jobs);

const char *sy_status_raw(int style, sy_status_t s);
const char *sy_type_raw(int style, sy_emp_type_t t);
const char *sy_standing_raw(int style, sy_standing_t s);

#endif
