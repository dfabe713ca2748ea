/* Program versions: insert, latest, load (parse the stored text again). */
#include "program_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"

static const char LATEST_SQL[] =
    "SELECT coalesce(max(version), 0) AS version FROM eligibility.program_version"
    " WHERE program = $1";

static const char ACTIVE_SQL[] =
    "SELECT version, source_name, source FROM eligibility.program_version WHERE program = $1"
    " ORDER BY version DESC LIMIT 1";

static const char SAME_SQL[] =
    "SELECT (source = $2) AS same FROM eligibility.program_version WHERE program = $1"
    " ORDER BY version DESC LIMIT 1";

static const char INSERT_SQL[] =
    "INSERT INTO eligibility.program_version (program, version, name, source_name, source,"
    " checksum, actor, evaluated, changed) VALUES ($1, $2::int, $3, $4, $5, md5($5), $6,"
    " $7::bigint, $8::bigint)";

long elig_store_latest(pw_db_t *db, const char *program)
{
    const char *params[1] = {program};
    PGresult *res = pw_db_prepared(db, "elig_program_latest", LATEST_SQL, 1, params);
    if (!res)
        return -1;
    long v = PQntuples(res) == 1 ? (long)pw_db_get_i64(res, 0, "version") : -1;
    PQclear(res);
    return v;
}

int elig_store_load_active(pw_db_t *db, const char *program, const elig_attr_schema_t *schema,
                           elig_rules_t *out, char *err, size_t errlen)
{
    const char *params[1] = {program};
    unsigned line;
    PGresult *res = pw_db_prepared(db, "elig_program_active", ACTIVE_SQL, 1, params);
    if (!res) {
        snprintf(err, errlen, "%s", pw_db_error(db));
        return -1;
    }
    int rc = 0;
    if (PQntuples(res) == 1) {
        const char *text = pw_db_get(res, 0, "source");
        rc = elig_program_parse_with(text, strlen(text), pw_db_get(res, 0, "source_name"), schema,
                                     out, err, errlen, &line) == 0
                 ? 1
                 : -1;
        if (rc == 1)
            out->version = (unsigned)pw_db_get_i64(res, 0, "version");
    }
    PQclear(res);
    return rc;
}

int elig_store_same_as_active(pw_db_t *db, const char *program, const char *text)
{
    const char *params[2] = {program, text};
    PGresult *res = pw_db_prepared(db, "elig_program_same", SAME_SQL, 2, params);
    if (!res)
        return -1;
    int same = PQntuples(res) == 1 && strcmp(pw_db_get(res, 0, "same"), "t") == 0;
    PQclear(res);
    return same;
}

int elig_store_insert(pw_db_t *db, const elig_rules_t *rules, const char *source_name,
                      const char *text, const char *actor, uint64_t evaluated, uint64_t changed)
{
    char version[16], ev[24], ch[24];
    snprintf(version, sizeof version, "%u", rules->version);
    snprintf(ev, sizeof ev, "%llu", (unsigned long long)evaluated);
    snprintf(ch, sizeof ch, "%llu", (unsigned long long)changed);
    const char *params[8] = {rules->program, version, rules->name, source_name,
                             text,           actor,   ev,          ch};
    return pw_db_exec(db, INSERT_SQL, 8, params);
}

static const char PROGRAMS_SQL[] =
    "SELECT program, max(version) AS version FROM eligibility.program_version"
    " GROUP BY program ORDER BY program";

static const char REGISTER_SQL[] =
    "INSERT INTO eligibility.program AS p (program, name, intake, actor)"
    " VALUES ($1, $2, coalesce($3, 'open'), $4)"
    " ON CONFLICT (program) DO UPDATE SET name = EXCLUDED.name,"
    " intake = coalesce($3, p.intake), actor = EXCLUDED.actor, updated_at = now()";

/* The row is locked first so that two requests see each other's intake. */
static const char INTAKE_SQL[] =
    "UPDATE eligibility.program p SET intake = $2, actor = $3, updated_at = now()"
    " FROM (SELECT program, intake FROM eligibility.program WHERE program = $1 FOR UPDATE) old"
    " WHERE p.program = old.program RETURNING old.intake AS was";

int elig_store_programs(pw_db_t *db, char (*names)[ELIG_PROGRAM_MAX + 1], long *versions,
                        size_t max, size_t *n)
{
    PGresult *res = pw_db_prepared(db, "elig_program_all", PROGRAMS_SQL, 0, NULL);
    if (!res)
        return -1;
    *n = 0;
    for (int i = 0; i < PQntuples(res) && *n < max; i++) {
        snprintf(names[*n], ELIG_PROGRAM_MAX + 1, "%s", pw_db_get(res, i, "program"));
        versions[(*n)++] = (long)pw_db_get_i64(res, i, "version");
    }
    PQclear(res);
    return 0;
}

int elig_store_register(pw_db_t *db, const elig_rules_t *rules, const char *actor)
{
    const char *params[4] = {rules->program, rules->name,
                             rules->intake >= 0 ? elig_intake_name(rules->intake) : NULL, actor};
    PGresult *res = pw_db_prepared(db, "elig_program_register", REGISTER_SQL, 4, params);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

int elig_store_set_intake(pw_db_t *db, const char *program, const char *intake, const char *actor,
                          char *was, size_t waslen)
{
    const char *params[3] = {program, intake, actor};
    PGresult *res = pw_db_prepared(db, "elig_program_intake", INTAKE_SQL, 3, params);
    if (!res)
        return -1;
    int n = PQntuples(res);
    snprintf(was, waslen, "%s", n > 0 ? pw_db_get(res, 0, "was") : "");
    PQclear(res);
    return n > 0;
}
