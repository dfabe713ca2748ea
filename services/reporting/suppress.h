/* Small-cell suppression for published tables (CMS's rule): every count
 * from 1 to threshold-1 is suppressed (primary), and so is any further cell
 * needed so that no suppressed cell can be worked out by subtraction
 * (complementary). A table is a flat array of counts plus the additive
 * relations between them: each group lists cells whose values are tied by
 * one linear equation that readers know, typically the parts of a row or
 * column together with its total. A group with exactly one suppressed member
 * gives that member away, so a second one is suppressed: the smallest
 * non-zero count of the group (the least information lost), repeated until
 * no group has exactly one. Zero counts are published: they reveal no
 * person. Pure; no allocation. */
#ifndef PATHWAYS_REPORTING_SUPPRESS_H
#define PATHWAYS_REPORTING_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

/* The default minimum cell size. */
#define SUPPRESS_THRESHOLD 11

/* One additive relation: the indices of its members (parts and total). */
typedef struct {
    const size_t *cells;
    size_t n;
} suppress_group_t;

/* Marks suppressed[i] = 1 for the cells to withhold (suppressed must hold
 * ncells entries; entries already 1 stay suppressed, so callers can force
 * cells). Returns the number of cells suppressed, or -1 when a group names a
 * cell out of range. */
int suppress_apply(const uint64_t *values, size_t ncells, const suppress_group_t *groups,
                   size_t ngroups, unsigned threshold, uint8_t *suppressed)
    __attribute__((warn_unused_result));

/* 1 when a single count must be withheld: 1 <= v < threshold. */
int suppress_small(uint64_t v, unsigned threshold);

#endif
