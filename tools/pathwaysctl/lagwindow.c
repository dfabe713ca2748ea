/* Sliding-window consumer status; see lagwindow.h for the rules. */
#include "lagwindow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ctl_qstatus_name(ctl_qstatus_t s)
{
    static const char *const names[] = {"ok", "stalled", "stopped"};
    return names[s];
}

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

static int add_row(ctl_window_t *w, const ctl_offset_t *o, int missing, int64_t now_ms)
{
    ctl_series_t *s = find_series(w, o->consumer, o->stream, o->partition);
    if (!s)
        return -1;
    s->last = *o;
    s->missing = missing;
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
        if (add_row(w, &q->offsets[i], 0, now_ms) != 0)
            return -1;
    for (size_t i = 0; i < q->nheads; i++) {
        const ctl_head_t *h = &q->heads[i];
        for (const char *const *c = ctl_expected_consumers(h->stream); *c && h->head > 0; c++) {
            if (ctl_queues_find(q, *c, h->stream, h->partition))
                continue;
            ctl_offset_t o = {.partition = h->partition, .head = h->head};
            snprintf(o.consumer, sizeof o.consumer, "%s", *c);
            snprintf(o.stream, sizeof o.stream, "%s", h->stream);
            if (add_row(w, &o, 1, now_ms) != 0)
                return -1;
        }
    }
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

/* Says stalled or stopped for a consumer whose offset did not move. */
static void judge_still(const ctl_series_t *s, const ctl_sample_t *first, const ctl_sample_t *last,
                        ctl_verdict_t *v)
{
    double span_s = (double)(last->t_ms - first->t_ms) / 1000.0;
    int retried = last->retry_attempts > first->retry_attempts;
    if (s->missing) {
        v->status = CTL_Q_STOPPED;
        snprintf(v->detail, sizeof v->detail, "no offset yet: the consumer never ran");
    } else if (retried) {
        v->status = CTL_Q_STALLED;
        snprintf(v->detail, sizeof v->detail, "retrying seq %lld (attempt %d): %s",
                 (long long)(last->offset + 1), last->retry_attempts, s->last.last_error);
    } else if (s->last.owner[0] && last->retry_attempts > 0) {
        v->status = CTL_Q_STALLED;
        snprintf(v->detail, sizeof v->detail, "backing off on seq %lld (attempt %d): %s",
                 (long long)(last->offset + 1), last->retry_attempts, s->last.last_error);
    } else if (s->last.owner[0]) {
        v->status = CTL_Q_STALLED;
        snprintf(v->detail, sizeof v->detail, "%s holds the partition but has not moved in %.1f s",
                 s->last.owner, span_s);
    } else {
        v->status = CTL_Q_STOPPED;
        snprintf(v->detail, sizeof v->detail,
                 "not moved in %.1f s and no live instance holds the partition", span_s);
    }
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
    if (v.lag <= 0) {
        snprintf(v.detail, sizeof v.detail, "caught up");
    } else if (v.moved != 0) {
        snprintf(v.detail, sizeof v.detail, "advanced %lld in %.1f s", (long long)v.moved,
                 (double)(last->t_ms - first->t_ms) / 1000.0);
    } else {
        judge_still(s, first, last, &v);
    }
    return v;
}
