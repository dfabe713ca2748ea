/* The facts a decision used, as the JSON object frozen with it in the audit
 * (enrollment.transition.facts), built from a Determination payload and the
 * place the "eligibility" stream keeps it. Personal contact data (names,
 * email, phone) never goes in. */
#ifndef PATHWAYS_ENROLLMENT_FACTS_H
#define PATHWAYS_ENROLLMENT_FACTS_H

#include <stdint.h>

#include "pathways/v1/eligibility.pb-c.h"

typedef Pathways__V1__Determination enr_det_t;

/* Where the stream keeps a determination; stream borrowed. */
typedef struct {
    const char *stream;
    uint32_t partition;
    int64_t seq;
} enr_source_t;

/* How much of the determination the JSON holds. */
typedef enum {
    /* Outcome, status, standing, as_of, rule version and the source: what
     * an invitation decides on. The criteria stay in the stream event the
     * source names, which is never rewritten. */
    ENR_FACTS_DECISION,
    /* The same and every criterion with its result and reason. */
    ENR_FACTS_FULL,
} enr_facts_depth_t;

/* Stored names of the determination's enums ("OUTCOME_ELIGIBLE",
 * "EMPLOYMENT_STATUS_ACTIVE", "STANDING_GOOD"); "UNKNOWN" outside them.
 * Static strings. */
const char *enr_outcome_name(const enr_det_t *d);
const char *enr_status_name(const enr_det_t *d);
const char *enr_standing_name(const enr_det_t *d);

/* 1 when the determination's standing is short of good (corrective action
 * or final warning); standing is a stored name. */
int enr_standing_is_bad(const char *standing);

/* The facts JSON object (keys sorted). Caller frees; NULL on out of
 * memory. */
char *enr_facts_json(const enr_det_t *d, const enr_source_t *src, enr_facts_depth_t depth);

/* The reasons of the criteria d did not pass, joined with "; " ("" when
 * none). Caller frees; NULL on out of memory. */
char *enr_facts_failing(const enr_det_t *d);

#endif
