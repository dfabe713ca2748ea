/* The cover-table rule over the people of one report date; see
 * disclosure.h. The people arrive aggregated by class (dimensions, group,
 * day, status); a check builds each class's key for the dimensions tried,
 * sorts the keys and sums equal runs. */
#include "disclosure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funnel_sql.h"
#include "pathways/log.h"

/* The order dimensions are tried in: the most asked-for first. */
static const int DIM_ORDER[DISC_NDIMS] = {DISC_PROGRAM,    DISC_EMPLOYER,   DISC_JOB_FAMILY,
                                          DISC_PERIOD,     DISC_COHORT,     DISC_SELFID + 1,
                                          DISC_SELFID + 2, DISC_SELFID + 0, DISC_SELFID + 4,
                                          DISC_SELFID + 5, DISC_SELFID + 3};
static const char *const DIM_COLUMNS[DISC_NDIMS] = {"program",
                                                    "employer",
                                                    "cohort",
                                                    "job_family",
                                                    "period",
                                                    "sid_race_ethnicity",
                                                    "sid_gender",
                                                    "sid_age_band",
                                                    "sid_preferred_language",
                                                    "sid_veteran_status",
                                                    "sid_disability_status"};
#define MAX_CACHED 16

typedef struct {
    int group;
    disc_reveal_t what;
    int32_t t;
    unsigned mask;
} cached_t;

struct disclosure {
    PGresult *res; /* the classes; row fields are read from it */
    int nrows;
    unsigned k;
    cached_t cache[MAX_CACHED];
    size_t ncached;
};

typedef struct {
    char *key;
    uint64_t n;
} keyed_t;

static int group_of(const char *grp)
{
    return *grp == 'p' ? DISC_PARTICIPANTS : *grp == 'c' ? DISC_COMPARISON : DISC_PEOPLE;
}

disclosure_t *disclosure_load(pw_db_t *db, disc_source_t source, const char *as_of, unsigned k)
{
    static const char *const names[] = {
        "reporting_disclosure_retention", "reporting_disclosure_outcomes",
        "reporting_disclosure_summary", "reporting_disclosure_funnel"};
    static const char *const sql[] = {SQL_DISCLOSURE_RETENTION, SQL_DISCLOSURE_OUTCOMES,
                                      SQL_DISCLOSURE_SUMMARY, SQL_DISCLOSURE_FUNNEL};
    disclosure_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    const char *p[] = {as_of};
    d->res = pw_db_prepared(db, names[source], sql[source], 1, p);
    if (!d->res) {
        pw_warn("disclosure query failed: %s", pw_db_error(db));
        free(d);
        return NULL;
    }
    d->nrows = PQntuples(d->res);
    d->k = k;
    return d;
}

void disclosure_destroy(disclosure_t **p)
{
    if (!p || !*p)
        return;
    PQclear((*p)->res);
    free(*p);
    *p = NULL;
}

/* What row r reveals for the figure: one letter or the status text. */
static const char *revealed(const disclosure_t *d, int r, disc_reveal_t what, int32_t t)
{
    int event = pw_db_get_i64(d->res, r, "event") != 0;
    int64_t day = pw_db_get_i64(d->res, r, "day");
    switch (what) {
    case DISC_END:
        return event ? "e" : "c";
    case DISC_AT:
        return event && day <= t ? "e" : !event && day < t ? "c" : "r";
    case DISC_STATUS:
        return pw_db_get(d->res, r, "status");
    case DISC_COUNT:
        break;
    }
    return "";
}

/* The class key of row r over the dimensions in dims. Caller frees. */
static char *key_of(const disclosure_t *d, int r, unsigned dims, disc_reveal_t what, int32_t t)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return NULL;
    for (int k = 0; k < DISC_NDIMS; k++)
        if (dims & DISC_BIT(k))
            fprintf(f, "%s\x1f", pw_db_get(d->res, r, DIM_COLUMNS[k]));
    fprintf(f, "\x1e%s", revealed(d, r, what, t));
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const keyed_t *)a)->key, ((const keyed_t *)b)->key);
}

/* 1 when every non-empty class over dims holds at least k people, 0 when
 * not, -1 when out of memory. */
static int classes_pass(const disclosure_t *d, int group, unsigned dims, disc_reveal_t what,
                        int32_t t)
{
    keyed_t *keys = calloc((size_t)d->nrows + 1, sizeof *keys);
    if (!keys)
        return -1;
    size_t n = 0;
    int rc = 1;
    for (int r = 0; r < d->nrows && rc == 1; r++) {
        if (group_of(pw_db_get(d->res, r, "grp")) != group)
            continue;
        keys[n].n = (uint64_t)pw_db_get_i64(d->res, r, "n");
        keys[n].key = key_of(d, r, dims, what, t);
        rc = keys[n++].key ? 1 : -1;
    }
    if (rc == 1)
        qsort(keys, n, sizeof *keys, by_key);
    for (size_t i = 0; i < n && rc == 1;) {
        uint64_t sum = 0;
        size_t j = i;
        for (; j < n && strcmp(keys[j].key, keys[i].key) == 0; j++)
            sum += keys[j].n;
        if (sum > 0 && sum < d->k)
            rc = 0;
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        free(keys[i].key);
    free(keys);
    return rc;
}

static unsigned compute_mask(const disclosure_t *d, int group, disc_reveal_t what, int32_t t)
{
    int rc = classes_pass(d, group, 0, what, t);
    if (rc != 1)
        return 0;
    unsigned dims = 0;
    for (int i = 0; i < DISC_NDIMS; i++) {
        /* A plan without the dimension (self-identification outside the
         * funnel's): it splits nothing, and is never asked for. */
        if (PQfnumber(d->res, DIM_COLUMNS[DIM_ORDER[i]]) < 0)
            continue;
        unsigned tried = dims | DISC_BIT(DIM_ORDER[i]);
        rc = classes_pass(d, group, tried, what, t);
        if (rc < 0)
            return 0;
        if (rc == 1)
            dims = tried;
    }
    return DISC_BASE | dims;
}

unsigned disclosure_mask(disclosure_t *d, int group, disc_reveal_t what, int32_t t)
{
    if (what != DISC_AT)
        t = 0;
    for (size_t i = 0; i < d->ncached; i++) {
        const cached_t *c = &d->cache[i];
        if (c->group == group && c->what == what && c->t == t)
            return c->mask;
    }
    unsigned mask = compute_mask(d, group, what, t);
    if (d->ncached < MAX_CACHED)
        d->cache[d->ncached++] = (cached_t){group, what, t, mask};
    return mask;
}

int disclosure_allows(unsigned mask, unsigned need)
{
    return (mask & DISC_BASE) && (need & ~mask & ~DISC_BASE) == 0;
}
