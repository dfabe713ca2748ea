/* Metrics: counters, gauges and histograms rendered in Prometheus text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_render)};
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
