/* pathwaysctl migrate: applies every component's pending migrations and
 * says what changed, component by component. */
#include <stdio.h>

#include "ctl.h"
#include "pathways/migrate.h"

/* In dependency order, as pw_migrate(db, "all") applies them. */
static const char *const COMPONENTS[] = {"common", "eligibility", "enrollment", "notification",
                                         "reporting"};
#define NCOMPONENTS (sizeof COMPONENTS / sizeof COMPONENTS[0])

/* 1 when the migration bookkeeping table exists (it does not before the
 * very first migration). */
static int migrated_before(pw_db_t *db)
{
    PGresult *r = pw_db_query(db,
                              "SELECT to_regclass('pathways_meta.schema_migration') IS NOT NULL "
                              "AS present",
                              0, NULL);
    int present = r && PQntuples(r) == 1 && pw_db_get(r, 0, "present")[0] == 't';
    PQclear(r);
    return present;
}

static void help(void)
{
    printf("usage: pathwaysctl migrate\n\n"
           "Applies the pending migrations of every component (common, eligibility,\n"
           "enrollment, notification, reporting) under an advisory lock, and prints\n"
           "each component's schema version before and after.\n");
}

int ctl_migrate(ctl_t *ctl, int argc, char **argv)
{
    char err[512];
    int before[NCOMPONENTS];
    if (ctl_wants_help(argc, argv))
        return help(), CTL_OK;
    if (argc > 1) {
        fprintf(stderr, "pathwaysctl migrate: unexpected argument '%s'\n", argv[1]);
        return CTL_USAGE;
    }
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    int known = migrated_before(db);
    for (size_t i = 0; i < NCOMPONENTS; i++) {
        before[i] = known ? pw_migrate_applied_version(db, COMPONENTS[i]) : 0;
        if (before[i] < 0)
            before[i] = 0;
    }
    int applied = pw_migrate(db, "all", err, sizeof err);
    if (applied < 0) {
        fprintf(stderr, "pathwaysctl migrate: %s\n", err);
        pw_db_destroy(&db);
        return CTL_FAIL;
    }
    for (size_t i = 0; i < NCOMPONENTS; i++) {
        int after = pw_migrate_applied_version(db, COMPONENTS[i]);
        if (after == before[i])
            printf("%-13s version %d (up to date)\n", COMPONENTS[i], after);
        else
            printf("%-13s version %d -> %d (%d applied)\n", COMPONENTS[i], before[i], after,
                   after - before[i]);
    }
    printf("%d migration(s) applied\n", applied);
    pw_db_destroy(&db);
    return CTL_OK;
}
