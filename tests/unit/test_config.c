/* Configuration: defaults, overrides, malformed values, endpoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pathways/config.h"

static void test_defaults_and_port_blocks(void **state)
{
    unsetenv("PATHWAYS_PORT_BASE");
    pw_config_t cfg;
    char err[256];
    assert_int_equal(pw_config_load(&cfg, err, sizeof err), 0);
    assert_int_equal(cfg.port_base, 7100);
    char ep[PW_ENDPOINT_MAX];
    pw_config_endpoint(&cfg, PW_SVC_ELIGIBILITY, PW_PORT_COMMAND, 1, ep, sizeof ep);
    assert_string_equal(ep, "tcp://127.0.0.1:7110");
    pw_config_endpoint(&cfg, PW_SVC_REPORTING, PW_PORT_HTTP, 0, ep, sizeof ep);
    assert_string_equal(ep, "tcp://127.0.0.1:7142");
    setenv("PATHWAYS_REPORTING_COMMAND_ENDPOINT", "tcp://127.0.0.1:9999", 1);
    pw_config_endpoint(&cfg, PW_SVC_REPORTING, PW_PORT_COMMAND, 0, ep, sizeof ep);
    assert_string_equal(ep, "tcp://127.0.0.1:9999");
    unsetenv("PATHWAYS_REPORTING_COMMAND_ENDPOINT");
}

static void test_malformed_values_are_errors_with_reasons(void **state)
{
    pw_config_t cfg;
    char err[256];
    setenv("PATHWAYS_PORT_BASE", "71x0", 1);
    assert_int_equal(pw_config_load(&cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "PATHWAYS_PORT_BASE"));
    setenv("PATHWAYS_PORT_BASE", "80", 1);
    assert_int_equal(pw_config_load(&cfg, err, sizeof err), -1);
    setenv("PATHWAYS_PORT_BASE", "7500", 1);
    setenv("PATHWAYS_LOG_LEVEL", "loud", 1);
    assert_int_equal(pw_config_load(&cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "PATHWAYS_LOG_LEVEL"));
    setenv("PATHWAYS_LOG_LEVEL", "debug", 1);
    assert_int_equal(pw_config_load(&cfg, err, sizeof err), 0);
    assert_int_equal(cfg.port_base, 7500);
    unsetenv("PATHWAYS_PORT_BASE");
    unsetenv("PATHWAYS_LOG_LEVEL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_port_blocks),
        cmocka_unit_test(test_malformed_values_are_errors_with_reasons),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
