/* A small Prometheus registry: families with help and type, series keyed by
 * their label string, one mutex (updates are per batch, not per byte).
 *
 * Bounded, loudly: the series grow up to PW_METRICS_MAX_SERIES; past that a
 * new series is not created, and each update it would have taken counts in
 * pathways_metrics_series_dropped_total (always rendered) and the first is
 * logged. Label values must come from bounded sets (never from what a
 * client sends); the cap is the net under that rule, not the rule. */
#include "pathways/metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/log.h"
#include "stream_internal.h"

#define MAX_FAMILIES 64
#define FIRST_SERIES 256
#define NAME_LEN     96
#define DROPPED_NAME "pathways_metrics_series_dropped_total"
#define LABELS_LEN   256

/* Latency buckets in seconds, as client libraries default to. */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                 0.25,  0.5,    1,     2.5,  5,     10};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

typedef struct {
    char name[NAME_LEN];
    char type[16];
    char help[160];
} family_t;

typedef struct {
    char name[NAME_LEN];
    char labels[LABELS_LEN];
    double value; /* counter/gauge value, or histogram sum */
    uint64_t count;
    uint64_t bucket[NBUCKETS];
} series_t;

struct pw_metrics {
    pthread_mutex_t lock;
    family_t families[MAX_FAMILIES];
    int nfamilies;
    series_t *series;
    size_t nseries, cap;
    uint64_t dropped; /* updates of series that could not be created */
};

pw_metrics_t *pw_metrics_new(void)
{
    pw_metrics_t *m = calloc(1, sizeof *m);
    if (m)
        pthread_mutex_init(&m->lock, NULL);
    return m;
}

void pw_metrics_destroy(pw_metrics_t **p)
{
    if (!p || !*p)
        return;
    pthread_mutex_destroy(&(*p)->lock);
    free((*p)->series);
    free(*p);
    *p = NULL;
}

void pw_metrics_describe(pw_metrics_t *m, const char *name, const char *type, const char *help)
{
    pthread_mutex_lock(&m->lock);
    int found = 0;
    for (int i = 0; i < m->nfamilies && !found; i++)
        found = strcmp(m->families[i].name, name) == 0;
    if (!found && m->nfamilies == MAX_FAMILIES)
        pw_error("metrics: family %s not described: %d families at most", name, MAX_FAMILIES);
    if (!found && m->nfamilies < MAX_FAMILIES) {
        family_t *f = &m->families[m->nfamilies++];
        snprintf(f->name, sizeof f->name, "%s", name);
        snprintf(f->type, sizeof f->type, "%s", type);
        snprintf(f->help, sizeof f->help, "%s", help);
    }
    pthread_mutex_unlock(&m->lock);
}

/* Room for one more series; 0, or -1 at the cap (or out of memory). */
static int series_room(pw_metrics_t *m)
{
    if (m->nseries < m->cap)
        return 0;
    if (m->cap >= PW_METRICS_MAX_SERIES)
        return -1;
    size_t cap = m->cap ? m->cap * 2 : FIRST_SERIES;
    if (cap > PW_METRICS_MAX_SERIES)
        cap = PW_METRICS_MAX_SERIES;
    series_t *more = realloc(m->series, cap * sizeof *more);
    if (!more)
        return -1;
    m->series = more;
    m->cap = cap;
    return 0;
}

/* Finds or creates a series; call with the lock held. NULL when full: the
 * update is counted as dropped. */
static series_t *series_get(pw_metrics_t *m, const char *name, const char *labels)
{
    for (size_t i = 0; i < m->nseries; i++)
        if (strcmp(m->series[i].name, name) == 0 && strcmp(m->series[i].labels, labels) == 0)
            return &m->series[i];
    if (series_room(m) != 0) {
        if (m->dropped++ == 0)
            pw_logkv(PW_LOG_ERROR, "metrics: series dropped (see " DROPPED_NAME ")", "metric", name,
                     "labels", labels, NULL);
        return NULL;
    }
    series_t *s = &m->series[m->nseries++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->labels, sizeof s->labels, "%s", labels ? labels : "");
    return s;
}

void pw_metrics_add(pw_metrics_t *m, const char *name, const char *labels, double delta)
{
    pthread_mutex_lock(&m->lock);
    series_t *s = series_get(m, name, labels);
    if (s)
        s->value += delta;
    pthread_mutex_unlock(&m->lock);
}

void pw_metrics_set(pw_metrics_t *m, const char *name, const char *labels, double value)
{
    pthread_mutex_lock(&m->lock);
    series_t *s = series_get(m, name, labels);
    if (s)
        s->value = value;
    pthread_mutex_unlock(&m->lock);
}

void pw_metrics_observe(pw_metrics_t *m, const char *name, const char *labels, double value)
{
    pthread_mutex_lock(&m->lock);
    series_t *s = series_get(m, name, labels);
    if (s) {
        s->value += value;
        s->count++;
        for (size_t b = 0; b < NBUCKETS; b++)
            if (value <= buckets[b])
                s->bucket[b]++;
    }
    pthread_mutex_unlock(&m->lock);
}

double pw_metrics_get(pw_metrics_t *m, const char *name, const char *labels)
{
    pthread_mutex_lock(&m->lock);
    double v = 0;
    for (size_t i = 0; i < m->nseries; i++)
        if (strcmp(m->series[i].name, name) == 0 && strcmp(m->series[i].labels, labels) == 0)
            v = m->series[i].value;
    pthread_mutex_unlock(&m->lock);
    return v;
}

uint64_t pw_metrics_dropped(pw_metrics_t *m)
{
    pthread_mutex_lock(&m->lock);
    uint64_t n = m->dropped;
    pthread_mutex_unlock(&m->lock);
    return n;
}

/* Appends the n bytes snprintf produced into line (cap bytes), clamped when
 * the text was cut. Returns 0 or -1 (out of memory). */
static int add_line(pw_buf_t *b, const char *line, int n, size_t cap)
{
    size_t len = n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
    return pw_buf_add(b, line, len);
}

static int render_histogram(pw_buf_t *b, const series_t *s)
{
    char line[512];
    const char *sep = s->labels[0] ? "," : "";
    for (size_t i = 0; i <= NBUCKETS; i++) {
        char le[32];
        if (i < NBUCKETS)
            snprintf(le, sizeof le, "%g", buckets[i]);
        else
            snprintf(le, sizeof le, "+Inf");
        int n = snprintf(line, sizeof line, "%s_bucket{%s%sle=\"%s\"} %llu\n", s->name, s->labels,
                         sep, le, (unsigned long long)(i < NBUCKETS ? s->bucket[i] : s->count));
        if (add_line(b, line, n, sizeof line))
            return -1;
    }
    const char *open = s->labels[0] ? "{" : "", *close = s->labels[0] ? "}" : "";
    int n = snprintf(line, sizeof line, "%s_sum%s%s%s %.6f\n%s_count%s%s%s %llu\n", s->name, open,
                     s->labels, close, s->value, s->name, open, s->labels, close,
                     (unsigned long long)s->count);
    return add_line(b, line, n, sizeof line);
}

static int render_family(pw_buf_t *b, const pw_metrics_t *m, const family_t *fam)
{
    char line[512];
    int n = snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help,
                     fam->name, fam->type);
    if (add_line(b, line, n, sizeof line) != 0)
        return -1;
    for (size_t i = 0; i < m->nseries; i++) {
        const series_t *s = &m->series[i];
        if (strcmp(s->name, fam->name) != 0)
            continue;
        if (strcmp(fam->type, "histogram") == 0) {
            if (render_histogram(b, s) != 0)
                return -1;
            continue;
        }
        n = snprintf(line, sizeof line, "%s%s%s%s %.17g\n", s->name, s->labels[0] ? "{" : "",
                     s->labels, s->labels[0] ? "}" : "", s->value);
        if (add_line(b, line, n, sizeof line) != 0)
            return -1;
    }
    return 0;
}

char *pw_metrics_render(pw_metrics_t *m)
{
    pw_buf_t b = {0};
    int rc = 0;
    pthread_mutex_lock(&m->lock);
    for (int f = 0; f < m->nfamilies && rc == 0; f++)
        rc = render_family(&b, m, &m->families[f]);
    if (rc == 0) {
        char line[256];
        int n = snprintf(line, sizeof line,
                         "# HELP %s metric updates lost: the registry was full\n"
                         "# TYPE %s counter\n%s %llu\n",
                         DROPPED_NAME, DROPPED_NAME, DROPPED_NAME, (unsigned long long)m->dropped);
        rc = add_line(&b, line, n, sizeof line);
    }
    pthread_mutex_unlock(&m->lock);
    if (rc != 0) {
        free(b.data);
        return NULL;
    }
    return b.data ? b.data : strdup("");
}
