/* The self-identification vocabulary; see selfid.h. The words follow the
 * forms employers already use: race and ethnicity after the U.S. OMB
 * standard of 2024 (SPD 15, with Middle Eastern or North African; more
 * than one answer is "multiracial"), veteran and disability status after
 * the federal contractors' voluntary forms (VEVRAA, CC-305). Adding a word
 * is backward-compatible; removing one is not (stored answers keep it). */
#include "pathways/selfid.h"

#include <string.h>

typedef Pathways__V1__SelfIdentification selfid_t;

static const char *const RACE[] = {"american_indian_or_alaska_native",
                                   "asian",
                                   "black_or_african_american",
                                   "hispanic_or_latino",
                                   "middle_eastern_or_north_african",
                                   "native_hawaiian_or_pacific_islander",
                                   "white",
                                   "multiracial",
                                   PW_SELFID_DECLINED};
static const char *const GENDER[] = {"female", "male", "nonbinary", "another_gender",
                                     PW_SELFID_DECLINED};
static const char *const AGE[] = {"under_25", "25_34",   "35_44",           "45_54",
                                  "55_64",    "65_plus", PW_SELFID_DECLINED};
static const char *const LANGUAGE[] = {"en", "es", "zh", "vi", "tl", "ar",    "ko",
                                       "ru", "ht", "pt", "fr", "so", "other", PW_SELFID_DECLINED};
static const char *const VETERAN[] = {"protected_veteran", "not_veteran", PW_SELFID_DECLINED};
static const char *const DISABILITY[] = {"disability", "no_disability", PW_SELFID_DECLINED};

#define WORDS(a) a, sizeof(a) / sizeof((a)[0])

static const pw_selfid_field_t FIELDS[PW_SELFID_NFIELDS] = {
    {"race_ethnicity", WORDS(RACE)},    {"gender", WORDS(GENDER)},
    {"age_band", WORDS(AGE)},           {"preferred_language", WORDS(LANGUAGE)},
    {"veteran_status", WORDS(VETERAN)}, {"disability_status", WORDS(DISABILITY)},
};

static char **slot(selfid_t *s, size_t i)
{
    char **slots[PW_SELFID_NFIELDS] = {&s->race_ethnicity, &s->gender,
                                       &s->age_band,       &s->preferred_language,
                                       &s->veteran_status, &s->disability_status};
    return slots[i];
}

const pw_selfid_field_t *pw_selfid_field(size_t i)
{
    return i < PW_SELFID_NFIELDS ? &FIELDS[i] : NULL;
}

int pw_selfid_field_index(const char *name)
{
    for (size_t i = 0; name && i < PW_SELFID_NFIELDS; i++)
        if (strcmp(FIELDS[i].name, name) == 0)
            return (int)i;
    return -1;
}

int pw_selfid_known(size_t i, const char *word)
{
    if (i >= PW_SELFID_NFIELDS || !word)
        return 0;
    for (size_t k = 0; k < FIELDS[i].nwords; k++)
        if (strcmp(FIELDS[i].words[k], word) == 0)
            return 1;
    return 0;
}

const char *pw_selfid_get(const Pathways__V1__SelfIdentification *s, size_t i)
{
    if (!s || i >= PW_SELFID_NFIELDS)
        return "";
    const char *v = *slot((selfid_t *)s, i);
    return v ? v : "";
}

void pw_selfid_set(Pathways__V1__SelfIdentification *s, size_t i, const char *word)
{
    if (i < PW_SELFID_NFIELDS)
        *slot(s, i) = (char *)word;
}

int pw_selfid_any(const Pathways__V1__SelfIdentification *s)
{
    for (size_t i = 0; i < PW_SELFID_NFIELDS; i++)
        if (*pw_selfid_get(s, i))
            return 1;
    return 0;
}

int pw_selfid_check(const Pathways__V1__SelfIdentification *s, size_t *bad)
{
    for (size_t i = 0; i < PW_SELFID_NFIELDS; i++) {
        const char *v = pw_selfid_get(s, i);
        if (*v && !pw_selfid_known(i, v)) {
            *bad = i;
            return -1;
        }
    }
    return 0;
}
