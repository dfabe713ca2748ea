/* Linked-table disclosure control for protected figures: the cover-table
 * rule. Every table a role can ask for on one report date (any slice, any
 * filter, any report) is a set of counts over the same people, classified
 * by some of five dimensions (program, employer, cohort, job family,
 * period), and for the funnel's people also by six self-identification
 * fields (the equity report). Their cover table is the cross-classification of all the
 * dimensions that are published, further split by the status a figure
 * reveals (separated or not, at risk at a time point, milestones reached).
 * A dimension is published only when every non-empty cell of that cover
 * table holds at least the threshold. Every published figure is then a sum
 * of whole cover cells, and so is anything obtained by adding or
 * subtracting published figures: such a derived count is 0 or at least the
 * threshold, never a small group. No complementary cell is needed, because
 * no published table has a withheld cell. The dimensions are tried in a
 * fixed order (program, employer, job family, period, cohort, then the
 * self-identification fields: gender, age band, race/ethnicity, veteran
 * status, disability status, preferred language); one that
 * would break the rule is left out entirely (its slices and filters are
 * withheld). See services/reporting/README.md ("Disclosure control"). */
#ifndef PATHWAYS_REPORTING_DISCLOSURE_H
#define PATHWAYS_REPORTING_DISCLOSURE_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/db.h"
#include "pathways/selfid.h"

/* DISC_SELFID + i: voluntary self-identification field i (proto order,
 * pathways/selfid.h); only the funnel's plan has them (the equity report's
 * groups). They are tried after every other dimension, so adding them
 * changed nothing another report publishes. */
enum {
    DISC_PROGRAM,
    DISC_EMPLOYER,
    DISC_COHORT,
    DISC_JOB_FAMILY,
    DISC_PERIOD,
    DISC_SELFID,
    DISC_NDIMS = DISC_SELFID + PW_SELFID_NFIELDS
};
#define DISC_BIT(d) (1u << (unsigned)(d))
/* Set in a mask when the undivided table ("all") passes. */
#define DISC_BASE (1u << DISC_NDIMS)

/* Which people a plan covers. */
typedef enum {
    DISC_RETENTION, /* participants and matched comparison, with their follow-up */
    DISC_OUTCOMES,  /* enrollments, with milestones and exits */
    DISC_SUMMARY,   /* employees, with eligibility outcome and termination */
    DISC_FUNNEL     /* the funnel's people, with every stage (funnel_sql.h) */
} disc_source_t;

/* The people groups of a plan. */
enum { DISC_PARTICIPANTS, DISC_COMPARISON, DISC_PEOPLE, DISC_NGROUPS };

/* What a figure reveals about each person, besides the dimensions. */
typedef enum {
    DISC_COUNT, /* only that they are in the group */
    DISC_END,   /* separated by the report date or not */
    DISC_AT,    /* separated by day t, followed for less than t, or at risk at t */
    DISC_STATUS /* the source's status text (milestones and exit reason; outcome) */
} disc_reveal_t;

typedef struct disclosure disclosure_t;

/* Loads the people of source on report date as_of (YYYY-MM-DD) for
 * threshold k. Returns NULL on a database error (logged) or out of memory.
 * Caller owns the result. */
disclosure_t *disclosure_load(pw_db_t *db, disc_source_t source, const char *as_of, unsigned k);
void disclosure_destroy(disclosure_t **p);

/* The dimensions publishable for figures revealing what of group (t: the
 * day for DISC_AT): DISC_BASE | DISC_BIT(d)..., or 0 when not even the
 * undivided table may be shown. Returns 0 as well when memory runs out. */
unsigned disclosure_mask(disclosure_t *d, int group, disc_reveal_t what, int32_t t);

/* 1 when a figure over the dimensions in need may be shown under mask. */
int disclosure_allows(unsigned mask, unsigned need);

#endif
