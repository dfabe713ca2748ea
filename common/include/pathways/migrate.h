/* Versioned SQL migrations, embedded in the binaries at build time and
 * applied under a PostgreSQL advisory lock, so several replicas can start at
 * once and only one applies each step. Each component (common, eligibility,
 * enrollment, notification, reporting) has its own version sequence. */
#ifndef PATHWAYS_MIGRATE_H
#define PATHWAYS_MIGRATE_H

#include "pathways/db.h"

typedef struct {
    const char *component;
    int version;
    const char *name;
    const char *sql;
} pw_migration_t;

/* Tables generated from */
/* <component>/sql/NNN_*.sql; each ends with a {0} sentinel. */
extern const pw_migration_t pw_migrations_common[];
extern const pw_migration_t pw_migrations_eligibility[];
extern const pw_migration_t pw_migrations_enrollment[];
extern const pw_migration_t pw_migrations_notification[];
extern const pw_migration_t pw_migrations_reporting[];

/* Applies the pending migrations of the named component ("all" for every
 * component, in dependency order). Each step runs in its own transaction.
 * Returns the number applied, or -1 with a reason in err. */
int pw_migrate(pw_db_t *db, const char *component, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Highest version of component the code knows, and the one applied in db
 * (0 when none; -1 on error). For readiness checks. */
int pw_migrate_known_version(const char *component);
int pw_migrate_applied_version(pw_db_t *db, const char *component);

#endif
