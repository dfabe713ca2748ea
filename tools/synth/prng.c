/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for
 * test data; see prng.h. */
#include "prng.h"

void sy_rng_seed(sy_rng_t *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t sy_rng_next(sy_rng_t *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Rejection sampling keeps the result unbiased for every n. */
uint64_t sy_rng_below(sy_rng_t *r, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = sy_rng_next(r);
    } while (x >= limit);
    return x % n;
}

int64_t sy_rng_range(sy_rng_t *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)sy_rng_below(r, (uint64_t)(hi - lo) + 1u);
}

double sy_rng_unit(sy_rng_t *r)
{
    return (double)(sy_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int sy_rng_chance(sy_rng_t *r, double p)
{
    return sy_rng_unit(r) < p;
}

size_t sy_rng_weighted(sy_rng_t *r, const unsigned *weights, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    uint64_t x = sy_rng_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n ? n - 1 : 0;
}
