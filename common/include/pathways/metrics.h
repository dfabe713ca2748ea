/* Prometheus metrics: counters, gauges and histograms with a fixed label
 * set, updated from any thread (atomics under one registry lock taken only
 * to create a series), rendered in the text exposition format. */
#ifndef PATHWAYS_METRICS_H
#define PATHWAYS_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct pw_metrics pw_metrics_t;

/* Series a registry holds at most; updates to series past it are counted
 * in pathways_metrics_series_dropped_total (and the first is logged). */
#define PW_METRICS_MAX_SERIES 4096

/* Caller owns the result. */
pw_metrics_t *pw_metrics_new(void);
void pw_metrics_destroy(pw_metrics_t **p);

/* Declares a family once (help text and type "counter" | "gauge" |
 * "histogram"); later calls with the same name are no-ops. */
void pw_metrics_describe(pw_metrics_t *m, const char *name, const char *type, const char *help);

/* labels: a Prometheus label list without braces, e.g.
 * "stream=\"employee\",consumer=\"enrollment\"", or "" for none. */
void pw_metrics_add(pw_metrics_t *m, const char *name, const char *labels, double delta);
void pw_metrics_set(pw_metrics_t *m, const char *name, const char *labels, double value);
/* Observes a value (seconds) into a histogram with fixed latency buckets. */
void pw_metrics_observe(pw_metrics_t *m, const char *name, const char *labels, double value);
double pw_metrics_get(pw_metrics_t *m, const char *name, const char *labels);
/* Updates lost because the registry was full. */
uint64_t pw_metrics_dropped(pw_metrics_t *m);

/* Renders the exposition text into a malloc'd string the caller frees. */
char *pw_metrics_render(pw_metrics_t *m);

#endif
