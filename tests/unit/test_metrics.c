/* Metrics: counters, gauges and histograms rendered in Prometheus text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/metrics.h"

static void test_render(void **state)
{
    pw_metrics_t *m = pw_metrics_new();
    pw_metrics_describe(m, "pw_events_total", "counter", "events");
    pw_metrics_describe(m, "pw_latency_seconds", "histogram", "latency");
    pw_metrics_add(m, "pw_events_total", "stream=\"employee\"", 2);
    pw_metrics_add(m, "pw_events_total", "stream=\"employee\"", 3);
    pw_metrics_observe(m, "pw_latency_seconds", "", 0.003);
    pw_metrics_observe(m, "pw_latency_seconds", "", 0.2);
    assert_true(pw_metrics_get(m, "pw_events_total", "stream=\"employee\"") == 5);
    char *text = pw_metrics_render(m);
    assert_non_null(strstr(text, "# TYPE pw_events_total counter\n"));
    assert_non_null(strstr(text, "pw_events_total{stream=\"employee\"} 5\n"));
    assert_non_null(strstr(text, "pw_latency_seconds_bucket{le=\"0.005\"} 1\n"));
    assert_non_null(strstr(text, "pw_latency_seconds_bucket{le=\"+Inf\"} 2\n"));
    assert_non_null(strstr(text, "pw_latency_seconds_count 2\n"));
    free(text);
    pw_metrics_destroy(&m);
    assert_null(m);
    pw_metrics_destroy(&m);
}

/* Past PW_METRICS_MAX_SERIES the registry drops, and says so: every lost
 * update is counted in a series that is always rendered. Before, it
 * stopped at 512 without a word. */
static void test_full_registry_counts_what_it_drops(void **state)
{
    (void)state;
    pw_metrics_t *m = pw_metrics_new();
    pw_metrics_describe(m, "pw_many_total", "counter", "many");
    char *text = pw_metrics_render(m);
    assert_non_null(strstr(text, "\npathways_metrics_series_dropped_total 0\n"));
    free(text);
    const int extra = 10;
    for (int i = 0; i < PW_METRICS_MAX_SERIES + extra; i++) {
        char labels[32];
        snprintf(labels, sizeof labels, "n=\"%d\"", i);
        pw_metrics_add(m, "pw_many_total", labels, 1);
    }
    /* Well past the old 512, everything up to the cap is kept. */
    assert_true(pw_metrics_get(m, "pw_many_total", "n=\"600\"") == 1);
    assert_true(pw_metrics_get(m, "pw_many_total", "n=\"4095\"") == 1);
    assert_int_equal(pw_metrics_dropped(m), extra);
    pw_metrics_add(m, "pw_many_total", "n=\"0\"", 1); /* existing: still updated */
    assert_true(pw_metrics_get(m, "pw_many_total", "n=\"0\"") == 2);
    text = pw_metrics_render(m);
    assert_non_null(strstr(text, "\npathways_metrics_series_dropped_total 10\n"));
    assert_null(strstr(text, "n=\"4096\""));
    free(text);
    pw_metrics_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_render),
                                       cmocka_unit_test(test_full_registry_counts_what_it_drops)};
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
