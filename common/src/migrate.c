/* Versioned migrations under an advisory lock: replicas that start together
 * queue on the lock and find the work already done. */
#include "pathways/migrate.h"

#include <stdio.h>
#include <string.h>

#include "pathways/log.h"

/* Arbitrary constant naming the migration lock (pg_advisory_lock key). */
#define MIGRATE_LOCK_KEY "7368041"

typedef struct {
    const char *name;
    const pw_migration_t *table;
} component_t;

/* Dependency order: common first (streams), then the services. */
static const component_t components[] = {
    {"common", pw_migrations_common},         {"eligibility", pw_migrations_eligibility},
    {"enrollment", pw_migrations_enrollment}, {"notification", pw_migrations_notification},
    {"reporting", pw_migrations_reporting},
};
#define NCOMPONENTS (sizeof components / sizeof components[0])

static const char *const META_SQL =
    "CREATE SCHEMA IF NOT EXISTS pathways_meta;"
    "CREATE TABLE IF NOT EXISTS pathways_meta.schema_migration ("
    " component text NOT NULL, version integer NOT NULL, name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))";

static const component_t *find_component(const char *name)
{
    for (size_t i = 0; i < NCOMPONENTS; i++)
        if (strcmp(components[i].name, name) == 0)
            return &components[i];
    return NULL;
}

int pw_migrate_known_version(const char *component)
{
    const component_t *c = find_component(component);
    int v = 0;
    for (const pw_migration_t *m = c ? c->table : NULL; m && m->component; m++)
        if (m->version > v)
            v = m->version;
    return c ? v : -1;
}

int pw_migrate_applied_version(pw_db_t *db, const char *component)
{
    const char *params[] = {component};
    PGresult *r = pw_db_query(db,
                              "SELECT coalesce(max(version), 0) AS v FROM "
                              "pathways_meta.schema_migration WHERE component = $1",
                              1, params);
    if (!r)
        return -1;
    int v = (int)pw_db_get_i64(r, 0, "v");
    PQclear(r);
    return v;
}

/* Applies one step in its own transaction. */
static int apply_step(pw_db_t *db, const pw_migration_t *m, char *err, size_t errlen)
{
    if (pw_db_begin(db) != 0)
        goto fail;
    if (pw_db_exec_script(db, m->sql) != 0)
        goto fail;
    char version[16];
    snprintf(version, sizeof version, "%d", m->version);
    const char *params[] = {m->component, version, m->name};
    if (pw_db_exec(db,
                   "INSERT INTO pathways_meta.schema_migration (component, version, name) "
                   "VALUES ($1, $2, $3)",
                   3, params) != 0 ||
        pw_db_commit(db) != 0)
        goto fail;
    pw_logkv(PW_LOG_INFO, "migration applied", "component", m->component, "name", m->name, NULL);
    return 0;
fail:
    snprintf(err, errlen, "migration %s/%s failed: %s", m->component, m->name, pw_db_error(db));
    pw_db_rollback(db);
    return -1;
}

static int migrate_component(pw_db_t *db, const component_t *c, char *err, size_t errlen)
{
    int applied = pw_migrate_applied_version(db, c->name);
    if (applied < 0) {
        snprintf(err, errlen, "cannot read migration state: %s", pw_db_error(db));
        return -1;
    }
    int count = 0;
    for (const pw_migration_t *m = c->table; m->component; m++) {
        if (m->version <= applied)
            continue;
        if (apply_step(db, m, err, errlen) != 0)
            return -1;
        count++;
    }
    return count;
}

int pw_migrate(pw_db_t *db, const char *component, char *err, size_t errlen)
{
    int all = strcmp(component, "all") == 0;
    if (!all && !find_component(component)) {
        snprintf(err, errlen, "unknown component '%s'", component);
        return -1;
    }
    if (pw_db_ensure(db) != 0) {
        snprintf(err, errlen, "database unavailable: %s", pw_db_error(db));
        return -1;
    }
    /* Waiting for another migrator, and a long schema change, may both
     * outlast PATHWAYS_DB_STATEMENT_TIMEOUT_MS: no timeout until done. */
    if (pw_db_set_statement_timeout(db, 0) != 0 ||
        pw_db_exec(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", 0, NULL) != 0) {
        snprintf(err, errlen, "cannot take the migration lock: %s", pw_db_error(db));
        return -1;
    }
    int total = 0;
    if (pw_db_exec_script(db, META_SQL) != 0) {
        snprintf(err, errlen, "cannot create migration table: %s", pw_db_error(db));
        total = -1;
    }
    for (size_t i = 0; total >= 0 && i < NCOMPONENTS; i++) {
        /* A service also needs the shared plumbing it builds on. */
        if (!all && strcmp(components[i].name, component) != 0 &&
            strcmp(components[i].name, "common") != 0)
            continue;
        int n = migrate_component(db, &components[i], err, errlen);
        total = n < 0 ? -1 : total + n;
    }
    if ((pw_db_exec(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", 0, NULL) != 0 ||
         pw_db_set_statement_timeout(db, -1) != 0) &&
        total >= 0) {
        snprintf(err, errlen, "cannot release the migration lock: %s", pw_db_error(db));
        return -1;
    }
    return total;
}
