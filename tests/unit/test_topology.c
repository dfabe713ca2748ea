/* The stream topology: the table's own consistency, the checks the service
 * runtime makes (a consumer or an append the table does not list is
 * refused), and the services' real registrations passing them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pathways/service.h"
#include "pathways/topology.h"
#include "eligibility/eligibility.h"
#include "reporting/projection.h"

static pw_apply_t ok_batch(void *ctx, pw_db_t *db, const pw_event_t *ev, size_t n, char *err,
                           size_t errlen)
{
    (void)ctx, (void)db, (void)ev, (void)n, (void)err, (void)errlen;
    return PW_APPLY_OK;
}

static void test_table(void **state)
{
    (void)state;
    size_t n;
    const pw_stream_def_t *s = pw_topology_streams(&n);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_ptr_equal(pw_topology_stream(s[i].name), &s[i]);
        /* An owner never consumes its own stream; reporting reads all. */
        assert_false(s[i].consumers & PW_SVC_BIT(s[i].owner));
        assert_true(s[i].consumers & PW_SVC_BIT(PW_SVC_REPORTING));
        assert_true(s[i].carries && *s[i].carries);
    }
    assert_null(pw_topology_stream("nope"));
    assert_null(pw_topology_stream(""));
    assert_null(pw_topology_stream(NULL));
    const char *c[PW_SVC_COUNT + 1];
    assert_int_equal(pw_topology_consumers(PW_STREAM_ENROLLMENT, c), 3);
    assert_string_equal(c[0], "eligibility");
    assert_string_equal(c[1], "notification");
    assert_string_equal(c[2], "reporting");
    assert_null(c[3]);
    assert_int_equal(pw_topology_consumers("nope", c), 0);
    assert_null(c[0]);
}

static void test_checks(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(pw_topology_check_consumer(PW_SVC_NOTIFICATION, PW_SVC_ELIGIBILITY,
                                                PW_STREAM_EMPLOYEE, err, sizeof err),
                     0);
    /* Not a listed consumer: eligibility does not read "notification". */
    assert_int_equal(pw_topology_check_consumer(PW_SVC_ELIGIBILITY, PW_SVC_NOTIFICATION,
                                                PW_STREAM_NOTIFICATION, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "not a listed consumer"));
    /* The wrong owner, an unknown stream, an out-of-range service. */
    assert_int_equal(pw_topology_check_consumer(PW_SVC_REPORTING, PW_SVC_ENROLLMENT,
                                                PW_STREAM_EMPLOYEE, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "owned by eligibility"));
    assert_int_equal(
        pw_topology_check_consumer(PW_SVC_REPORTING, PW_SVC_ELIGIBILITY, "audit", err, sizeof err),
        -1);
    assert_non_null(strstr(err, "not in the topology"));
    assert_int_equal(pw_topology_check_consumer(PW_SVC_COUNT, PW_SVC_ELIGIBILITY,
                                                PW_STREAM_EMPLOYEE, err, sizeof err),
                     -1);
    assert_int_equal(
        pw_topology_check_owner(PW_SVC_ENROLLMENT, PW_STREAM_ENROLLMENT, err, sizeof err), 0);
    assert_int_equal(
        pw_topology_check_owner(PW_SVC_REPORTING, PW_STREAM_ENROLLMENT, err, sizeof err), -1);
    assert_int_equal(pw_topology_check_owner(PW_SVC_REPORTING, NULL, err, sizeof err), -1);
}

/* The runtime refuses what the table does not list, and the services' real
 * registrations (eligibility's and reporting's, which consume from library
 * code) pass. */
static void test_runtime(void **state)
{
    (void)state;
    pw_config_t cfg;
    char err[256];
    assert_int_equal(pw_config_defaults(&cfg, err, sizeof err), 0);
    pw_service_t *svc = pw_service_new(PW_SVC_ENROLLMENT, &cfg);
    assert_non_null(svc);
    assert_int_equal(
        pw_service_consume_batch(svc, PW_SVC_ELIGIBILITY, PW_STREAM_ELIGIBILITY, ok_batch, NULL),
        0);
    assert_int_equal(
        pw_service_consume_batch(svc, PW_SVC_NOTIFICATION, PW_STREAM_NOTIFICATION, ok_batch, NULL),
        -1);
    assert_int_equal(pw_service_consume_batch(svc, PW_SVC_ENROLLMENT, "audit", ok_batch, NULL), -1);
    pw_service_destroy(&svc);
    svc = pw_service_new(PW_SVC_REPORTING, &cfg);
    assert_non_null(svc);
    assert_int_equal(reporting_projection_register(svc), 0);
    pw_service_destroy(&svc);
    svc = pw_service_new(PW_SVC_ELIGIBILITY, &cfg);
    elig_service_t *elig = elig_service_new();
    assert_non_null(svc);
    assert_non_null(elig);
    assert_int_equal(elig_service_attach(elig, svc), 0);
    pw_service_destroy(&svc);
    elig_service_destroy(&elig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_runtime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
