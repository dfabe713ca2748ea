/* Primary then complementary suppression; see suppress.h. The loop ends:
 * every pass that changes something suppresses one more cell, and there are
 * finitely many. */
#include "suppress.h"

int suppress_small(uint64_t v, unsigned threshold)
{
    return v >= 1 && v < threshold;
}

/* The member to suppress alongside a lone suppressed one: the smallest
 * non-zero unsuppressed count, else any unsuppressed cell; SIZE_MAX when
 * every member is suppressed. */
static size_t complement_of(const uint64_t *values, const suppress_group_t *g,
                            const uint8_t *suppressed)
{
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < g->n; k++) {
        size_t c = g->cells[k];
        if (suppressed[c])
            continue;
        if (best == SIZE_MAX || (values[best] == 0 && values[c] > 0) ||
            (values[c] > 0 && values[c] < values[best]))
            best = c;
    }
    return best;
}

static size_t suppressed_in(const suppress_group_t *g, const uint8_t *suppressed)
{
    size_t n = 0;
    for (size_t k = 0; k < g->n; k++)
        n += suppressed[g->cells[k]] ? 1 : 0;
    return n;
}

int suppress_apply(const uint64_t *values, size_t ncells, const suppress_group_t *groups,
                   size_t ngroups, unsigned threshold, uint8_t *suppressed)
{
    for (size_t i = 0; i < ngroups; i++)
        for (size_t k = 0; k < groups[i].n; k++)
            if (groups[i].cells[k] >= ncells)
                return -1;
    int count = 0;
    for (size_t c = 0; c < ncells; c++) {
        if (!suppressed[c] && suppress_small(values[c], threshold))
            suppressed[c] = 1;
        count += suppressed[c] ? 1 : 0;
    }
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t i = 0; i < ngroups; i++) {
            if (suppressed_in(&groups[i], suppressed) != 1)
                continue;
            size_t c = complement_of(values, &groups[i], suppressed);
            if (c == SIZE_MAX)
                continue;
            suppressed[c] = 1;
            count++;
            changed = 1;
        }
    }
    return count;
}
