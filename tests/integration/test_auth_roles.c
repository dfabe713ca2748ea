/* Least-privilege database roles (common/sql/003_auth.sql): each service
 * role writes only its own schema and its stream bookkeeping; reporting
 * appends to no stream and writes no other service's tables. Checked with
 * SET ROLE on a fully migrated database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "testdb.h"

static pw_db_t *db;

/* Runs sql as role; returns 1 when it succeeded, 0 when it was refused
 * for lack of privilege (any other error fails the test). */
static int allowed(const char *role, const char *sql)
{
    char set[96];
    snprintf(set, sizeof set, "SET ROLE %s", role);
    assert_int_equal(pw_db_exec(db, set, 0, NULL), 0);
    PGresult *r = PQexec(pw_db_conn(db), sql);
    ExecStatusType st = PQresultStatus(r);
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok && (!state || strcmp(state, "42501") != 0))
        fail_msg("%s as %s: unexpected error %s", sql, role, PQresultErrorMessage(r));
    PQclear(r);
    assert_int_equal(pw_db_exec(db, "RESET ROLE", 0, NULL), 0);
    return ok;
}

/* Every table of the given schemas, as "schema.table". */
static PGresult *tables_of(const char *schemas)
{
    const char *p[] = {schemas};
    PGresult *r = pw_db_query(db,
                              "SELECT format('%I.%I', table_schema, table_name) AS t"
                              " FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                              " AND table_schema = ANY (string_to_array($1, ','))"
                              " ORDER BY 1",
                              1, p);
    assert_non_null(r);
    return r;
}

static void assert_cannot_write(const char *role, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO %s DEFAULT VALUES", table);
    if (allowed(role, sql))
        fail_msg("%s could insert into %s", role, table);
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE false", table);
    if (allowed(role, sql))
        fail_msg("%s could delete from %s", role, table);
    snprintf(sql, sizeof sql, "TRUNCATE %s", table);
    if (allowed(role, sql))
        fail_msg("%s could truncate %s", role, table);
}

static void test_reporting_cannot_write(void **state)
{
    (void)state;
    PGresult *r = tables_of("eligibility,enrollment,notification,auth,pathways_meta");
    assert_true(PQntuples(r) >= 8);
    for (int i = 0; i < PQntuples(r); i++)
        assert_cannot_write("pathways_reporting", pw_db_get(r, i, "t"));
    PQclear(r);
    assert_cannot_write("pathways_reporting", "stream.event");
    assert_cannot_write("pathways_reporting", "stream.head");
    assert_false(allowed("pathways_reporting", "SELECT count(*) FROM eligibility.employee"));
    assert_false(allowed("pathways_reporting", "CREATE TABLE reporting.sneaky (i int)"));
    assert_false(allowed("pathways_reporting", "CREATE TABLE stream.sneaky (i int)"));
    /* What it needs still works. */
    assert_true(allowed("pathways_reporting", "SELECT count(*) FROM stream.event"));
    assert_true(allowed("pathways_reporting", "DELETE FROM reporting.employee WHERE false"));
    assert_true(allowed("pathways_reporting", "DELETE FROM stream.consumer_offset WHERE false"));
    assert_true(allowed("pathways_reporting", "SELECT count(*) FROM auth.key"));
}

static void test_services_keep_to_their_schema(void **state)
{
    (void)state;
    static const char *const svcs[] = {"eligibility", "enrollment", "notification", "reporting"};
    for (int i = 0; i < 4; i++) {
        char role[64], others[128] = "", sql[128];
        snprintf(role, sizeof role, "pathways_%s", svcs[i]);
        for (int j = 0; j < 4; j++)
            if (j != i)
                snprintf(others + strlen(others), sizeof others - strlen(others), "%s%s",
                         *others ? "," : "", svcs[j]);
        PGresult *r = tables_of(others);
        for (int k = 0; k < PQntuples(r); k++)
            assert_cannot_write(role, pw_db_get(r, k, "t"));
        PQclear(r);
        snprintf(sql, sizeof sql, "DELETE FROM %s.%s WHERE false", svcs[i],
                 i == 3   ? "employee"
                 : i == 0 ? "employee"
                 : i == 1 ? "enrollment"
                          : "outbox");
        assert_true(allowed(role, sql));
        assert_false(allowed(role, "DELETE FROM auth.key WHERE false"));
        assert_int_equal(allowed(role, "INSERT INTO stream.event SELECT * FROM stream.event"
                                       " WHERE false"),
                         i < 3); /* stream owners append; reporting does not */
    }
}

int main(void)
{
    db = pw_testdb_fresh("pathways_it_auth_roles", "all", NULL, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reporting_cannot_write),
        cmocka_unit_test(test_services_keep_to_their_schema),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    pw_db_destroy(&db);
    return rc;
}
