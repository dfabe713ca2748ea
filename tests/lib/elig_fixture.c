/* Test helper: the in-process eligibility service (see elig_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "elig_fixture.h"
#include "testdb.h"
#include "testports.h"

int elig_fixture_setup(void **state, const char *db_name, const char *today, int port_start)
{
    static elig_fixture_t fixture;
    elig_fixture_t *f = &fixture;
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
    *state = f;
    return 0;
}

int elig_fixture_teardown(void **state)
{
    elig_fixture_t *f = *state;
    pw_service_destroy(&f->svc);
    elig_service_destroy(&f->elig);
    pw_db_destroy(&f->db);
    return 0;
}

const char *elig_fixture_value(elig_fixture_t *f, const char *sql, const char *p1, const char *p2)
{
    static char out[4096];
    const char *params[2] = {p1, p2};
    PGresult *r = pw_db_query(f->db, sql, p2 ? 2 : p1 ? 1 : 0, params);
    if (!r)
        fail_msg("query failed: %s", pw_db_error(f->db));
    snprintf(out, sizeof out, "%s", PQntuples(r) ? pw_db_get(r, 0, "v") : "");
    PQclear(r);
    return out;
}

long elig_fixture_number(elig_fixture_t *f, const char *sql, const char *p1)
{
    return atol(elig_fixture_value(f, sql, p1, NULL));
}
