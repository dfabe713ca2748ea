/* A training provider's roster of one of its cohorts (progress.h):
 * the participants who hold a seat, each with the name they go by, the
 * channel the collaborative reaches them on and the cohort's start date.
 * Nothing else about the employee leaves enrollment this way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/log.h"
#include "progress.h"

static const char *SQL_COHORT =
    "SELECT provider, start_date::text AS start_date FROM enrollment.cohort WHERE cohort_id = $1";
/* Seat holders, and those paused from a seat (they come back). */
static const char *SQL_PEOPLE =
    "SELECT e.employer, e.employee, e.state, COALESCE(k.given_name, '') AS name,"
    " CASE WHEN k.email_on_file THEN 'email' ELSE 'none' END AS channel"
    " FROM enrollment.enrollment e LEFT JOIN enrollment.contact k USING (employer, employee)"
    " WHERE e.cohort_id = $1 AND (e.state IN ('enrolled', 'in_training', 'completed',"
    " 'certified', 'placed') OR (e.state = 'paused' AND e.paused_from IN ('enrolled',"
    " 'in_training'))) ORDER BY e.employer, e.employee";

typedef Pathways__V1__ProviderRoster roster_t;

static uint8_t *encode(roster_t *r, const char *code, const char *error, size_t *len)
{
    r->error_code = (char *)code;
    r->error = (char *)error;
    return pw_msg_encode(&r->base, 0, len);
}

/* Fills r with the rows of res (borrowed: res must outlive the encoding). */
static void fill(roster_t *r, PGresult *res, const char *start,
                 Pathways__V1__ProviderRosterEntry *e, Pathways__V1__ProviderRosterEntry **ptrs)
{
    int n = PQntuples(res);
    for (int i = 0; i < n; i++) {
        pathways__v1__provider_roster_entry__init(&e[i]);
        e[i].employer = (char *)pw_db_get(res, i, "employer");
        e[i].employee = (char *)pw_db_get(res, i, "employee");
        e[i].name = (char *)pw_db_get(res, i, "name");
        e[i].preferred_channel = (char *)pw_db_get(res, i, "channel");
        e[i].state = (char *)pw_db_get(res, i, "state");
        e[i].start_date = (char *)start;
        ptrs[i] = &e[i];
    }
    r->n_entries = (size_t)n;
    r->entries = ptrs;
}

uint8_t *enr_roster_answer(const enr_provider_call_t *call, const uint8_t *data, size_t len,
                           size_t *reply_len)
{
    roster_t r = PATHWAYS__V1__PROVIDER_ROSTER__INIT;
    char why[256];
    pw_db_t *db = call->session->db;
    Pathways__V1__ProviderRosterRequest *q = (Pathways__V1__ProviderRosterRequest *)pw_msg_decode(
        &pathways__v1__provider_roster_request__descriptor, data, len, call->max_bytes);
    if (!q || !*q->cohort_id || strlen(q->cohort_id) > 64) {
        pw_msg_free((ProtobufCMessage **)&q);
        return encode(&r, "bad_request", "expected a ProviderRosterRequest naming a cohort_id",
                      reply_len);
    }
    const char *p[1] = {q->cohort_id};
    r.cohort_id = q->cohort_id;
    PGresult *cohort = pw_db_ensure(db) == 0 ? pw_db_query(db, SQL_COHORT, 1, p) : NULL;
    PGresult *people = NULL;
    uint8_t *out = NULL;
    if (!cohort) {
        out = encode(&r, "unavailable", "the database did not answer; retry", reply_len);
    } else if (PQntuples(cohort) != 1) {
        snprintf(why, sizeof why, "no cohort '%s'", q->cohort_id);
        out = encode(&r, "unknown_cohort", why, reply_len);
    } else if (!pw_auth_may_act_for_provider(call->peer, pw_db_get(cohort, 0, "provider"), why,
                                             sizeof why)) {
        pw_logkv(PW_LOG_WARN, "roster refused", "key_id", call->peer->key_id, "cohort",
                 q->cohort_id, NULL);
        snprintf(why, sizeof why, "cohort %s is not run by your provider", q->cohort_id);
        out = encode(&r, "forbidden_cohort", why, reply_len);
    } else if (!(people = pw_db_query(db, SQL_PEOPLE, 1, p))) {
        out = encode(&r, "unavailable", "the database did not answer; retry", reply_len);
    } else {
        size_t n = (size_t)PQntuples(people);
        Pathways__V1__ProviderRosterEntry *e = calloc(n ? n : 1, sizeof *e);
        Pathways__V1__ProviderRosterEntry **ptrs = calloc(n ? n : 1, sizeof *ptrs);
        if (e && ptrs) {
            fill(&r, people, pw_db_get(cohort, 0, "start_date"), e, ptrs);
            out = encode(&r, "", "", reply_len);
        }
        free(e);
        free(ptrs);
    }
    PQclear(people);
    PQclear(cohort);
    pw_msg_free((ProtobufCMessage **)&q);
    return out;
}
