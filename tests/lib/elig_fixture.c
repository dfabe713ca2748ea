/* Test helper: the in-process eligibility service (see elig_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "elig_fixture.h"
#include "testdb.h"
#include "testports.h"

void elig_fixture_start(elig_fixture_t *f, const char *db_name, const char *today, int port_start)
{
    char url[1024], err[256];
    f->db = pw_testdb_fresh(db_name, "all", url, sizeof url);
    setenv("PATHWAYS_DATABASE_URL", url, 1);
    setenv("PATHWAYS_CURVE", "off", 1);
    setenv("PATHWAYS_TODAY", today, 1);
    unsetenv("PATHWAYS_CLOCK_FILE");
    pw_test_claim_ports(port_start); /* a free block from there, chosen now */
    setenv("PATHWAYS_LOG_LEVEL", "warn", 1);
    assert_int_equal(pw_config_load(&f->cfg, err, sizeof err), 0);
    f->svc = pw_service_new(PW_SVC_ELIGIBILITY, &f->cfg);
    f->elig = elig_service_new();
    assert_non_null(f->svc);
    assert_non_null(f->elig);
    assert_int_equal(elig_service_attach(f->elig, f->svc), 0);
    assert_int_equal(pw_service_start(f->svc), 0);
}

void elig_fixture_stop(elig_fixture_t *f)
{
    pw_service_destroy(&f->svc);
    elig_service_destroy(&f->elig);
    pw_db_destroy(&f->db);
}
