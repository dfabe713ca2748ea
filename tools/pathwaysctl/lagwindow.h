/* Consumer status judged over a sliding window of samples, as Burrow does
 * for Kafka consumer groups. pathwaysctl is a one-shot tool, so it samples
 * the stream tables itself for a few seconds (`queues --window`), and keeps
 * sampling with `--watch`; no service has to write samples anywhere.
 *
 * Per (consumer, stream, partition) the window keeps (time, offset, head,
 * retry attempts) samples; ctl_window_judge() says:
 *   ok       lag 0 at the last sample, or the offset moved in the window
 *   stalled  lag > 0, the offset did not move, and the consumer is alive:
 *            it is retrying the event after its offset (see last_error;
 *            it becomes a dead letter at the attempt limit) or it holds an
 *            unexpired lease on the partition
 *   stopped  lag > 0, the offset did not move and nothing shows it is
 *            running: no lease, no retries (service down, or a consumer
 *            that never started)
 * and the lag trend over the window (rising / falling / steady). */
#ifndef PATHWAYS_CTL_LAGWINDOW_H
#define PATHWAYS_CTL_LAGWINDOW_H

#include <stdint.h>

#include "queues.h"

#define CTL_WINDOW_SAMPLES 64

typedef enum { CTL_Q_OK = 0, CTL_Q_STALLED, CTL_Q_STOPPED } ctl_qstatus_t;
typedef enum { CTL_TREND_STEADY = 0, CTL_TREND_RISING, CTL_TREND_FALLING } ctl_trend_t;

typedef struct {
    int64_t t_ms;
    int64_t offset, head;
    int retry_attempts;
    double retry_age_seconds;
} ctl_sample_t;

typedef struct {
    ctl_offset_t last; /* the latest row as loaded (names, age, dead letters) */
    int missing;       /* an expected consumer without an offset row */
    ctl_sample_t s[CTL_WINDOW_SAMPLES];
    int n, first; /* ring: n samples from index first */
} ctl_series_t;

typedef struct {
    ctl_series_t *series;
    size_t n, cap;
} ctl_window_t;

typedef struct {
    ctl_qstatus_t status;
    ctl_trend_t trend;
    int64_t lag;
    int64_t moved; /* offset change over the window */
    char detail[CTL_ERROR_MAX + 64];
} ctl_verdict_t;

/* Adds one sample per offset row of q, and one per expected consumer of a
 * non-empty stream that has no offset row yet, taken at now_ms. Series
 * keep their first-seen order. Returns 0 or -1 (out of memory). */
int ctl_window_add(ctl_window_t *w, const ctl_queues_t *q, int64_t now_ms)
    __attribute__((warn_unused_result));
void ctl_window_clear(ctl_window_t *w);

/* Judges a series over the samples of the last window_ms. */
ctl_verdict_t ctl_window_judge(const ctl_series_t *s, int64_t window_ms);

const char *ctl_qstatus_name(ctl_qstatus_t s);
const char *ctl_trend_name(ctl_trend_t t);

#endif
