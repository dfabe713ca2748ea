/* Synthetic self-identification answers; see selfid.h. The weights are
 * rough shares of a U.S. healthcare support workforce, in the order of the
 * vocabulary in common/src/selfid.c ("declined" last). */
#include "selfid.h"

#include "prng.h"
#include "replay.h"

#define MAX_WORDS 16

static const unsigned WEIGHTS[PW_SELFID_NFIELDS][MAX_WORDS] = {
    /* race_ethnicity */ {1, 6, 25, 22, 2, 1, 35, 4, 4},
    /* gender */ {78, 17, 1, 1, 3},
    /* age_band */ {14, 27, 23, 18, 13, 3, 2},
    /* preferred_language */ {140, 36, 4, 4, 4, 2, 2, 2, 2, 2, 1, 1, 2, 2},
    /* veteran_status */ {4, 86, 10},
    /* disability_status */ {7, 80, 13},
};

int sy_selfid_answers(uint64_t seed, size_t employee, const char *out[PW_SELFID_NFIELDS])
{
    sy_rng_t rng;
    sy_rng_seed(&rng, seed * 0x9e3779b97f4a7c15ull ^ (0x5e1f1dull + employee));
    if (!sy_rng_chance(&rng, SY_SELFID_ASKED))
        return 0;
    for (size_t i = 0; i < PW_SELFID_NFIELDS; i++) {
        const pw_selfid_field_t *f = pw_selfid_field(i);
        size_t n = f->nwords < MAX_WORDS ? f->nwords : MAX_WORDS;
        out[i] = f->words[sy_rng_weighted(&rng, WEIGHTS[i], n)];
    }
    return 1;
}

json_t *sy_selfid_json(uint64_t seed, size_t employee)
{
    const char *words[PW_SELFID_NFIELDS];
    if (!sy_selfid_answers(seed, employee, words))
        return NULL;
    json_t *o = json_object();
    for (size_t i = 0; o && i < PW_SELFID_NFIELDS; i++)
        json_object_set_new(o, pw_selfid_field(i)->name, json_string(words[i]));
    return o;
}

static const char *const COUNTS[] = {"eligible", "enrolled", "completed", "certified", "placed"};
#define NCOUNTS (sizeof COUNTS / sizeof COUNTS[0])

/* Adds one employee's flags to groups[word]. */
static void add(json_t *groups, const char *word, const int flags[NCOUNTS])
{
    json_t *g = json_object_get(groups, word);
    if (!g) {
        g = json_object();
        for (size_t k = 0; k < NCOUNTS; k++)
            json_object_set_new(g, COUNTS[k], json_integer(0));
        json_object_set_new(groups, word, g);
    }
    for (size_t k = 0; k < NCOUNTS; k++) {
        json_t *v = json_object_get(g, COUNTS[k]);
        json_integer_set(v, json_integer_value(v) + flags[k]);
    }
}

json_t *sy_equity_json(const sy_workforce_t *w)
{
    json_t *out = json_object();
    for (size_t i = 0; out && i < PW_SELFID_NFIELDS; i++)
        json_object_set_new(out, pw_selfid_field(i)->name, json_object());
    for (size_t e = 0; out && e < w->params.employees; e++) {
        const sy_employee_t *emp = &w->employee[e];
        const sy_participation_t *p = &w->part[e];
        sy_replay_t r;
        sy_replay(emp->events, emp->nevents, w->params.today, sy_participation_closed(p), &r);
        int flags[NCOUNTS] = {r.first_eligible != 0, p->participant, p->participant && p->completed,
                              p->participant && p->certified, p->participant && p->placed};
        if (!flags[0] && !p->participant)
            continue; /* not among the report's people */
        const char *words[PW_SELFID_NFIELDS];
        int asked = sy_selfid_answers(w->params.seed, e, words);
        for (size_t i = 0; i < PW_SELFID_NFIELDS; i++)
            add(json_object_get(out, pw_selfid_field(i)->name),
                asked ? words[i] : PW_SELFID_NOT_ASKED, flags);
    }
    return out;
}
