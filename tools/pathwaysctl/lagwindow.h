/* Consumer status judged over a sliding window of samples, as Burrow does
 * for Kafka consumer groups. pathwaysctl is a one-shot tool, so it samples
 * the stream tables itself for a few seconds (`queues --window`), and keeps
 * sampling with `--watch`; no service has to write samples anywhere.
 *
 * Per (consumer, stream, partition) the window keeps (time, offset, head,
 * retry attempts) samples; ctl_window_judge() gives the common status
 * (ok / stalled / stopped, pathways/queue_health.h) of what the samples
 * show, and the lag trend over the window (rising / falling / steady). */
#ifndef PATHWAYS_CTL_LAGWINDOW_H
#define PATHWAYS_CTL_LAGWINDOW_H

#include <stdint.h>

#include "queues.h"

#define CTL_WINDOW_SAMPLES 64

typedef enum { CTL_TREND_STEADY = 0, CTL_TREND_RISING, CTL_TREND_FALLING } ctl_trend_t;

typedef struct {
    int64_t t_ms;
    int64_t offset, head;
    int retry_attempts;
    double retry_age_seconds;
} ctl_sample_t;

typedef struct {
    ctl_offset_t last; /* the latest row as loaded (names, age, dead letters) */
    ctl_sample_t s[CTL_WINDOW_SAMPLES];
    int n, first; /* ring: n samples from index first */
} ctl_series_t;

typedef struct {
    ctl_series_t *series;
    size_t n, cap;
} ctl_window_t;

typedef struct {
    pw_queue_status_t status;
    ctl_trend_t trend;
    int64_t lag;
    int64_t moved; /* offset change over the window */
    char detail[PW_QUEUE_DETAIL_MAX];
} ctl_verdict_t;

/* Adds one sample per offset row of q (missing rows included: a listed
 * consumer of a non-empty stream with no offset yet), taken at now_ms. Series
 * keep their first-seen order. Returns 0 or -1 (out of memory). */
int ctl_window_add(ctl_window_t *w, const ctl_queues_t *q, int64_t now_ms)
    __attribute__((warn_unused_result));
void ctl_window_clear(ctl_window_t *w);

/* Judges a series over the samples of the last window_ms. */
ctl_verdict_t ctl_window_judge(const ctl_series_t *s, int64_t window_ms);

const char *ctl_trend_name(ctl_trend_t t);

#endif
