/* Checking eligibility again for a command: see eligibility.h. */
#include "eligibility.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "determination.h"
#include "facts.h"
#include "pathways/topology.h"
#include "pathways/codec.h"

/* The decision and, beside it, the stream event it came from. */
static const char *SQL_CHECK =
    "SELECT d.outcome, d.status, d.standing, d.as_of, d.source_partition, d.source_seq,"
    " e.payload FROM enrollment.determination d LEFT JOIN stream.event e"
    "  ON e.stream = $4 AND e.partition = d.source_partition AND e.seq = d.source_seq"
    " WHERE d.employer = $1 AND d.employee = $2 AND d.program = $3";

static const char *SQL_FIRST =
    "SELECT COALESCE(first_eligible::text, '') AS first_eligible FROM enrollment.determination"
    " WHERE employer = $1 AND employee = $2 AND program = $3";

#define OUTCOME_ELIGIBLE_NAME "OUTCOME_ELIGIBLE"

/* The facts (and failing reasons) from the stream event of row 0. Returns
 * 0, or -1 when the event is not there (a row stored before the source
 * was kept) or out of memory. */
static int from_stream(const PGresult *res, char **facts, char **failing)
{
    if (pw_db_isnull(res, 0, "payload"))
        return -1;
    size_t len;
    uint8_t *bytes = pw_db_get_bytea(res, 0, "payload", &len);
    enr_det_t *d = bytes ? pw_decode_determination(bytes, len) : NULL;
    free(bytes);
    if (!d)
        return -1;
    enr_source_t src = {PW_STREAM_ELIGIBILITY, (uint32_t)pw_db_get_i64(res, 0, "source_partition"),
                        pw_db_get_i64(res, 0, "source_seq")};
    *facts = enr_facts_json(d, &src, ENR_FACTS_FULL);
    *failing = enr_facts_failing(d);
    pw_free_determination(&d);
    return *facts && *failing ? 0 : -1;
}

/* The facts the row itself holds, when the stream event is not found. */
static int from_row(const PGresult *res, char **facts, char **failing)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "outcome", pw_db_get(res, 0, "outcome"), "status",
                          pw_db_get(res, 0, "status"), "standing", pw_db_get(res, 0, "standing"),
                          "as_of", pw_db_get(res, 0, "as_of"));
    *facts = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    *failing = strdup("");
    return *facts && *failing ? 0 : -1;
}

/* Reads row 0: 1 eligible, 0 not (why), -1 out of memory (why). */
static int judge(const PGresult *res, const char *employer, const char *employee, char *why,
                 size_t whylen, char **facts)
{
    char *json = NULL, *failing = NULL;
    if (from_stream(res, &json, &failing) != 0) {
        free(json);
        free(failing);
        json = failing = NULL;
        if (from_row(res, &json, &failing) != 0) {
            free(json);
            free(failing);
            snprintf(why, whylen, "read determination: out of memory");
            return -1;
        }
    }
    const char *outcome = pw_db_get(res, 0, "outcome");
    int out = strcmp(outcome, OUTCOME_ELIGIBLE_NAME) == 0;
    if (!out)
        snprintf(why, whylen, "%s/%s is not eligible (%s): %s", employer, employee, outcome,
                 failing);
    free(failing);
    if (facts)
        *facts = json;
    else
        free(json);
    return out;
}

int enr_eligibility_check(pw_db_t *db, const char *employer, const char *employee,
                          const char *program, char *why, size_t whylen, char **facts)
{
    if (facts)
        *facts = NULL;
    const char *p[4] = {employer, employee, program, PW_STREAM_ELIGIBILITY};
    PGresult *res = pw_db_prepared(db, "enr_det_check", SQL_CHECK, 4, p);
    if (!res) {
        snprintf(why, whylen, "read determination: %s", pw_db_error(db));
        return -1;
    }
    int out;
    if (PQntuples(res) == 0) {
        snprintf(why, whylen, "no eligibility determination for %s/%s in %s", employer, employee,
                 program);
        out = -2;
    } else {
        out = judge(res, employer, employee, why, whylen, facts);
    }
    PQclear(res);
    return out;
}

int enr_eligibility_first(pw_db_t *db, const char *employer, const char *employee,
                          const char *program, char first[PW_DATE_LEN], char *why, size_t whylen)
{
    const char *p[3] = {employer, employee, program};
    PGresult *res = pw_db_prepared(db, "enr_det_first", SQL_FIRST, 3, p);
    if (!res) {
        snprintf(why, whylen, "read determination: %s", pw_db_error(db));
        return -1;
    }
    int out = 1;
    if (PQntuples(res) == 0) {
        snprintf(why, whylen, "no eligibility determination for %s/%s in %s", employer, employee,
                 program);
        out = -2;
    } else {
        snprintf(first, PW_DATE_LEN, "%s", pw_db_get(res, 0, "first_eligible"));
    }
    PQclear(res);
    return out;
}
