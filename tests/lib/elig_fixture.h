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

/* Creates database db_name and points the service at it, with
 * PATHWAYS_TODAY = today, no clock file, log level warn and a free port
 * block claimed from port_start on; loads the configuration and starts the
 * service. Fails the test on any error. elig_fixture_stop releases it. */
void elig_fixture_start(elig_fixture_t *f, const char *db_name, const char *today, int port_start);
void elig_fixture_stop(elig_fixture_t *f);

#endif
