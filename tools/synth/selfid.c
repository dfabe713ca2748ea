/* Synthetic self-identification answers; see selfid.h. The weights are
 * rough shares of a U.S. healthcare support workforce, in the order of the
 * vocabulary in common/src/selfid.c ("declined" last). */
#include "selfid.h"

#include "pathways/selfid.h"
#include "prng.h"

#define MAX_WORDS 16

static const unsigned WEIGHTS[PW_SELFID_NFIELDS][MAX_WORDS] = {
    /* race_ethnicity */ {1, 6, 25, 22, 2, 1, 35, 4, 4},
    /* gender */ {78, 17, 1, 1, 3},
    /* age_band */ {14, 27, 23, 18, 13, 3, 2},
    /* preferred_language */ {140, 36, 4, 4, 4, 2, 2, 2, 2, 2, 1, 1, 2, 2},
    /* veteran_status */ {4, 86, 10},
    /* disability_status */ {7, 80, 13},
};

json_t *sy_selfid_json(uint64_t seed, size_t employee)
{
    sy_rng_t rng;
    sy_rng_seed(&rng, seed * 0x9e3779b97f4a7c15ull ^ (0x5e1f1dull + employee));
    if (!sy_rng_chance(&rng, SY_SELFID_ASKED))
        return NULL;
    json_t *o = json_object();
    for (size_t i = 0; o && i < PW_SELFID_NFIELDS; i++) {
        const pw_selfid_field_t *f = pw_selfid_field(i);
        size_t n = f->nwords < MAX_WORDS ? f->nwords : MAX_WORDS;
        size_t k = sy_rng_weighted(&rng, WEIGHTS[i], n);
        json_object_set_new(o, f->name, json_string(f->words[k]));
    }
    return o;
}
