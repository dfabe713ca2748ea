/* Issue 17, upgrade in place: a database at the schema of the last
 * release before programs (eligibility migrations 001-004), holding MAPP
 * data as that release wrote it (a first-format rule version, an employee,
 * the current determination with its signature and held days, an
 * enrollment state), is migrated; then the data and rule versions are all
 * there, MAPP is a registered open program, the stored version loads, and
 * evaluating the employee again gives the very signature on file: nothing
 * would be re-published. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elig_mapp_v1.h"
#include "eligibility/program_store.h"
#include "eligibility/registry.h"
#include "eligibility/rules.h"
#include "eligibility/spell.h"
#include "pathways/date.h"
#include "pathways/migrate.h"
#include "testdb.h"

/* deploy/programs/mapp.yaml before issue 17, as loaded then. */
static const char MAPP_V1_TEXT[] = ELIG_MAPP_V1_TEXT;

/* Applies the eligibility migrations up to version last, as a release
 * that had only those would have. */
static void migrate_to(pw_db_t *db, int last)
{
    for (const pw_migration_t *m = pw_migrations_eligibility; m->component; m++) {
        if (m->version > last)
            continue;
        char version[16];
        snprintf(version, sizeof version, "%d", m->version);
        const char *params[] = {m->component, version, m->name};
        assert_int_equal(pw_db_exec_script(db, m->sql), 0);
        assert_int_equal(pw_db_exec(db,
                                    "INSERT INTO pathways_meta.schema_migration"
                                    " (component, version, name) VALUES ($1, $2, $3)",
                                    3, params),
                         0);
    }
}

static void exec(pw_db_t *db, const char *sql, const char *p1, const char *p2)
{
    const char *params[2] = {p1, p2};
    if (pw_db_exec(db, sql, p2 ? 2 : p1 ? 1 : 0, params) != 0)
        fail_msg("%s: %s", sql, pw_db_error(db));
}

static const char *one(pw_db_t *db, const char *sql)
{
    static char out[1024];
    PGresult *res = pw_db_query(db, sql, 0, NULL);
    if (!res || PQntuples(res) != 1)
        fail_msg("%s: %s", sql, pw_db_error(db));
    snprintf(out, sizeof out, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return out;
}

static void test_upgrade_in_place(void **state)
{
    (void)state;
    pw_db_t *db = pw_testdb_fresh("pathways_it_elig_migrate", "common", NULL, 0);
    migrate_to(db, 4);
    int32_t start, since, today;
    assert_int_equal(pw_date_parse("2026-01-05", &start), 0);
    assert_int_equal(pw_date_parse("2026-06-01", &today), 0);
    since = start + 90;
    /* What the release wrote: its signature format, held days per fixed
     * criterion (status .. not_in_target_role). */
    char signature[256], held[128], d_start[PW_DATE_LEN], d_since[PW_DATE_LEN];
    pw_date_format(start, d_start);
    pw_date_format(since, d_since);
    snprintf(signature, sizeof signature,
             "1|status=1|full_time=1|job_family=1|standing=1|tenure=1|employer_participates=1"
             "|not_in_program=1|not_in_target_role=1|since=%ld|status=1",
             (long)since);
    snprintf(held, sizeof held, "{%s,%s,%s,%s,%s,NULL,NULL,%s}", d_start, d_start, d_start, d_start,
             d_since, d_start);
    exec(db,
         "INSERT INTO eligibility.employer (employer, name, programs)"
         " VALUES ('acme', 'Acme', '{mapp}')",
         NULL, NULL);
    exec(db,
         "INSERT INTO eligibility.program_version (program, version, name, source_name,"
         " source, checksum) VALUES ('mapp', 2, 'Medical Assistant Pathway Program',"
         " 'mapp.yaml', $1, md5($1))",
         MAPP_V1_TEXT, NULL);
    exec(db,
         "INSERT INTO eligibility.employee (employer, employee, job_family, status,"
         " employment_type, standing, hire_date, period_start, job_eff, status_eff, hours_eff,"
         " standing_eff, hire_eff, last_event_id) VALUES ('acme', 'E1', 'clerical', 'active',"
         " 'full_time', 'good', '2026-01-05', '2026-01-05', '2026-01-05', '2026-01-05',"
         " '2026-01-05', '2026-01-05', '2026-01-05', 'ev-1')",
         NULL, NULL);
    exec(db, "INSERT INTO eligibility.participation VALUES ('acme', 'E2', 'mapp', 'placed')", NULL,
         NULL);
    exec(db,
         "INSERT INTO eligibility.current_determination (employer, employee, program,"
         " outcome, criteria, signature, rule_version, as_of, eligible_since, held_since)"
         " VALUES ('acme', 'E1', 'mapp', 'eligible', '[]', $1, 2, '2026-05-30', '2026-04-05',"
         " $2::date[])",
         signature, held);
    /* The upgrade. */
    char err[512];
    int applied = pw_migrate(db, "eligibility", err, sizeof err);
    if (applied < 1)
        fail_msg("migrate: %d %s", applied, err);
    assert_string_equal(one(db, "SELECT count(*) FROM eligibility.program_version"), "1");
    assert_string_equal(one(db, "SELECT state FROM eligibility.participation"), "placed");
    assert_string_equal(one(db, "SELECT program || ' ' || intake || ' ' || name"
                                " FROM eligibility.program"),
                        "mapp open Medical Assistant Pathway Program");
    assert_string_equal(one(db, "SELECT site || '|' || credentials || '|' ||"
                                " coalesce(qual_eff::text, '-') FROM eligibility.employee"),
                        "||-");
    /* The stored version loads, and decides as it did. */
    static elig_rules_t rules;
    assert_int_equal(elig_store_load_active(db, "mapp", NULL, &rules, err, sizeof err), 1);
    assert_int_equal(rules.version, 2);
    assert_int_equal(rules.n_criteria, 8);
    static elig_employee_t emp;
    elig_facts_init(&emp.facts, "acme", "E1");
    assert_int_equal(elig_registry_load(db, &rules, &emp, 1), 0);
    assert_true(emp.exists);
    assert_string_equal(emp.signature, signature);
    static elig_result_t r;
    elig_rules_evaluate(&rules, &emp.facts, today, &r);
    elig_spell_update(&emp.spell, &rules, &emp.facts, emp.outcome, &r);
    char now[256];
    elig_result_signature(&r, now, sizeof now);
    size_t used = strlen(now);
    snprintf(now + used, sizeof now - used, "|status=%d", emp.facts.status);
    assert_string_equal(now, signature);
    /* Migrating again does nothing. */
    assert_int_equal(pw_migrate(db, "eligibility", err, sizeof err), 0);
    pw_db_destroy(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upgrade_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
