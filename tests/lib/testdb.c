/* See testdb.h. */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/migrate.h"

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "FATAL: %s: %s\n", what, detail ? detail : "");
    exit(1);
}

/* Replaces the database name (path after the last '/') of url. */
static void with_database(const char *url, const char *name, char *out, size_t outlen)
{
    const char *slash = strrchr(url, '/');
    const char *q = strchr(url, '?');
    size_t base = slash && slash > strstr(url, "//") + 1 ? (size_t)(slash - url) : strlen(url);
    snprintf(out, outlen, "%.*s/%s%s", (int)base, url, name, q ? q : "");
}

pw_db_t *pw_testdb_fresh(const char *name, const char *component, char *url_out, size_t url_len)
{
    const char *url = getenv("PATHWAYS_TEST_DATABASE_URL");
    if (!url || !*url)
        die("PATHWAYS_TEST_DATABASE_URL is not set", "run the tests through tests/run");
    pw_db_t *admin = pw_db_new(url);
    if (!admin || pw_db_broken(admin))
        die("cannot reach the test database", admin ? pw_db_error(admin) : "out of memory");
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    if (pw_db_exec(admin, sql, 0, NULL) != 0)
        die("drop database", pw_db_error(admin));
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    if (pw_db_exec(admin, sql, 0, NULL) != 0)
        die("create database", pw_db_error(admin));
    pw_db_destroy(&admin);
    char dburl[1024];
    with_database(url, name, dburl, sizeof dburl);
    pw_db_t *db = pw_db_new(dburl);
    if (!db || pw_db_broken(db))
        die("cannot connect to the fresh database", db ? pw_db_error(db) : dburl);
    char err[512];
    if (pw_migrate(db, component, err, sizeof err) < 0)
        die("migrate", err);
    if (url_out)
        snprintf(url_out, url_len, "%s", dburl);
    return db;
}
