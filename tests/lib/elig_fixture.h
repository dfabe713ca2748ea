/* Test helper: the eligibility service in-process on a started
 * pw_service_t (handlers on loopback, CURVE off: CURVE is tested in
 * test_auth and end to end), against a fresh database with every
 * component's migrations. */
#ifndef PATHWAYS_ELIG_FIXTURE_H
#define PATHWAYS_ELIG_FIXTURE_H

#include "eligibility/eligibility.h"
#include "pathways/config.h"
#include "pathways/db.h"
#include "pathways/service.h"

typedef struct {
    pw_db_t *db; /* the test's own connection */
    pw_service_t *svc;
    elig_service_t *elig;
    pw_config_t cfg;
} elig_fixture_t;

/* cmocka group setup: creates database db_name and points the service at
 * it, with PATHWAYS_TODAY = today, no clock file, log level warn and a free
 * port block claimed from port_start on; loads the configuration, starts
 * the service and sets *state to the program's one fixture. Fails the test
 * on any error. elig_fixture_teardown (the group teardown) releases it. */
int elig_fixture_setup(void **state, const char *db_name, const char *today, int port_start);
int elig_fixture_teardown(void **state);

/* Runs a one-value query (column "v") with up to two text parameters on
 * the test's own connection; "" for no row. The text is valid until the
 * next call. Fails the test when the query fails. */
const char *elig_fixture_value(elig_fixture_t *f, const char *sql, const char *p1, const char *p2);

/* elig_fixture_value with one parameter, as a number. */
long elig_fixture_number(elig_fixture_t *f, const char *sql, const char *p1);

#endif
