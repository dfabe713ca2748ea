/* Sliding-window consumer status; see lagwindow.h for the rules. */
#include "lagwindow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ctl_trend_name(ctl_trend_t t)
{
    static const char *const names[] = {"steady", "rising", "falling"};
    return names[t];
}

static ctl_series_t *find_series(ctl_window_t *w, const char *consumer, const char *stream,
                                 int partition)
{
    for (size_t i = 0; i < w->n; i++) {
        ctl_offset_t *o = &w->series[i].last;
        if (o->partition == partition && strcmp(o->consumer, consumer) == 0 &&
            strcmp(o->stream, stream) == 0)
            return &w->series[i];
    }
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        ctl_series_t *grown = realloc(w->series, cap * sizeof *grown);
        if (!grown)
            return NULL;
        w->series = grown;
        w->cap = cap;
    }
    ctl_series_t *s = &w->series[w->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->last.consumer, sizeof s->last.consumer, "%s", consumer);
    snprintf(s->last.stream, sizeof s->last.stream, "%s", stream);
    s->last.partition = partition;
    return s;
}

static void push(ctl_series_t *s, const ctl_sample_t *x)
{
    if (s->n == CTL_WINDOW_SAMPLES) { /* full: the oldest goes */
        s->first = (s->first + 1) % CTL_WINDOW_SAMPLES;
        s->n--;
    }
    s->s[(s->first + s->n) % CTL_WINDOW_SAMPLES] = *x;
    s->n++;
}

static int add_row(ctl_window_t *w, const ctl_offset_t *o, int64_t now_ms)
{
    ctl_series_t *s = find_series(w, o->consumer, o->stream, o->partition);
    if (!s)
        return -1;
    s->last = *o;
    ctl_sample_t x = {.t_ms = now_ms,
                      .offset = o->offset,
                      .head = o->head,
                      .retry_attempts = o->retry_attempts,
                      .retry_age_seconds = o->retry_age_seconds};
    push(s, &x);
    return 0;
}

int ctl_window_add(ctl_window_t *w, const ctl_queues_t *q, int64_t now_ms)
{
    for (size_t i = 0; i < q->noffsets; i++)
        if (add_row(w, &q->offsets[i], now_ms) != 0)
            return -1;
    return 0;
}

void ctl_window_clear(ctl_window_t *w)
{
    free(w->series);
    memset(w, 0, sizeof *w);
}

static const ctl_sample_t *at(const ctl_series_t *s, int i)
{
    return &s->s[(s->first + i) % CTL_WINDOW_SAMPLES];
}

ctl_verdict_t ctl_window_judge(const ctl_series_t *s, int64_t window_ms)
{
    ctl_verdict_t v = {0};
    if (s->n == 0)
        return v;
    const ctl_sample_t *last = at(s, s->n - 1), *first = last;
    for (int i = s->n - 1; i >= 0 && last->t_ms - at(s, i)->t_ms <= window_ms; i--)
        first = at(s, i);
    int64_t lag0 = first->head - first->offset;
    v.lag = last->head - last->offset;
    v.moved = last->offset - first->offset;
    v.trend = v.lag > lag0 ? CTL_TREND_RISING : v.lag < lag0 ? CTL_TREND_FALLING : CTL_TREND_STEADY;
    pw_queue_obs_t o = {
        .lag = v.lag,
        .offset = last->offset,
        .moved = v.moved,
        .span_seconds = (double)(last->t_ms - first->t_ms) / 1000.0,
        .missing = s->last.missing,
        .retry_attempts = last->retry_attempts,
        .retried = last->retry_attempts > first->retry_attempts,
        .owner = s->last.owner,
        .last_error = s->last.last_error,
    };
    pw_queue_verdict_t j = pw_queue_judge(&o);
    v.status = j.status;
    snprintf(v.detail, sizeof v.detail, "%s", j.detail);
    return v;
}
