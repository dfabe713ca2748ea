/* A small deterministic PRNG (splitmix64) so that one --seed always yields
 * the same workforce on every platform; rand() is neither portable nor
 * reproducible across C libraries. */
#ifndef PATHWAYS_SYNTH_PRNG_H
#define PATHWAYS_SYNTH_PRNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t state;
} sy_rng_t;

void sy_rng_seed(sy_rng_t *r, uint64_t seed);
uint64_t sy_rng_next(sy_rng_t *r);
/* Uniform in [0, n); 0 when n is 0. */
uint64_t sy_rng_below(sy_rng_t *r, uint64_t n);
/* Uniform in [lo, hi] (inclusive); lo when hi < lo. */
int64_t sy_rng_range(sy_rng_t *r, int64_t lo, int64_t hi);
/* Uniform in [0, 1). */
double sy_rng_unit(sy_rng_t *r);
/* 1 with probability p. */
int sy_rng_chance(sy_rng_t *r, double p);
/* Index drawn by integer weights (sum > 0). */
size_t sy_rng_weighted(sy_rng_t *r, const unsigned *weights, size_t n);

#endif
