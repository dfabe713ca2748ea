/* Test helper: a fresh database of its own on the test PostgreSQL server
 * (PATHWAYS_TEST_DATABASE_URL, started by tests/run), migrated. */
#ifndef PATHWAYS_TESTDB_H
#define PATHWAYS_TESTDB_H

#include "pathways/db.h"

/* Drops and recreates database `name` on the test server, applies the
 * migrations of `component` ("all", "common", ...) and returns a connection
 * to it (caller destroys). Writes the new database's URL into url_out when
 * not NULL. Aborts the test program with a clear message when the server is
 * not configured or not reachable: integration tests never skip. */
pw_db_t *pw_testdb_fresh(const char *name, const char *component, char *url_out, size_t url_len);

#endif
