/* Employers: the upsert command and the per-batch registration check. */
#include "employer.h"

#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "pathways/log.h"
#include "pathways/buf.h"

#define ACCEPTED PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED
#define REJECTED PATHWAYS__V1__ACK_RESULT__ACK_RESULT_REJECTED

static const char UPSERT_SQL[] =
    "INSERT INTO eligibility.employer (employer, name, hr_contact_email, programs)"
    " VALUES ($1, $2, $3, $4::text[])"
    " ON CONFLICT (employer) DO UPDATE SET name = EXCLUDED.name,"
    " hr_contact_email = EXCLUDED.hr_contact_email, programs = EXCLUDED.programs,"
    " updated_at = now()"
    " RETURNING (xmax = 0) AS created";

static const char KNOWN_SQL[] =
    "SELECT employer FROM eligibility.employer WHERE employer = ANY($1::text[])";

static int id_ok(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len == 0 || len > max)
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int text_ok(const char *s, size_t max)
{
    size_t len = strlen(s);
    return len <= max && (len == 0 || pw_utf8_valid(s, len));
}

/* Returns NULL when u is acceptable, else the reason. */
static const char *upsert_problem(const Pathways__V1__EmployerUpsert *u)
{
    if (!id_ok(u->employer, ELIG_SUBJECT_MAX))
        return "employer must be 1-64 characters of [A-Za-z0-9._-]";
    if (!u->name[0] || !text_ok(u->name, ELIG_NAME_MAX))
        return "name must be 1-200 bytes of UTF-8";
    if (!text_ok(u->hr_contact_email, ELIG_EMAIL_MAX) ||
        (u->hr_contact_email[0] && !strchr(u->hr_contact_email, '@')))
        return "hr_contact_email must be an email address";
    if (u->n_programs > ELIG_MAX_PROGRAMS)
        return "too many programs";
    for (size_t i = 0; i < u->n_programs; i++)
        if (!id_ok(u->programs[i], ELIG_RAW_MAX))
            return "program names must be 1-64 characters of [A-Za-z0-9._-]";
    return NULL;
}

uint8_t *elig_admin_error(const char *request_id, const char *code, const char *text,
                          size_t *reply_len)
{
    Pathways__V1__AdminReply reply = PATHWAYS__V1__ADMIN_REPLY__INIT;
    reply.request_id = (char *)(request_id ? request_id : "");
    reply.error_code = (char *)code;
    reply.error = (char *)text;
    return pw_msg_encode(&reply.base, 0, reply_len);
}

/* Runs the upsert; returns 1 created, 0 updated, -1 on a database error. */
static int upsert(pw_db_t *db, const Pathways__V1__EmployerUpsert *u)
{
    pw_buf_t programs;
    pw_buf_init(&programs);
    for (size_t i = 0; i < u->n_programs; i++)
        pw_buf_arr_add(&programs, u->programs[i]);
    if (u->n_programs == 0)
        pw_buf_arr_add(&programs, ELIG_DEFAULT_PROGRAM);
    const char *params[4] = {u->employer, u->name, u->hr_contact_email, pw_buf_array(&programs)};
    PGresult *res = NULL;
    if (pw_buf_ok(&programs) && pw_db_ensure(db) == 0)
        res = pw_db_prepared(db, "elig_employer_upsert", UPSERT_SQL, 4, params);
    pw_buf_release(&programs);
    if (!res)
        return -1;
    int created = PQntuples(res) == 1 && strcmp(pw_db_get(res, 0, "created"), "t") == 0;
    PQclear(res);
    return created;
}

uint8_t *elig_employer_handle_admin(pw_service_t *svc, const Pathways__V1__AdminRequest *req,
                                    size_t *reply_len)
{
    uint8_t *out;
    if (req->request_case != PATHWAYS__V1__ADMIN_REQUEST__REQUEST_EMPLOYER_UPSERT) {
        out = elig_admin_error(req->request_id, "unsupported",
                               "eligibility handles employer_upsert and program_intake only",
                               reply_len);
    } else if (upsert_problem(req->employer_upsert)) {
        out = elig_admin_error(req->request_id, "bad_request", upsert_problem(req->employer_upsert),
                               reply_len);
    } else {
        int created = upsert(pw_service_db(svc), req->employer_upsert);
        if (created < 0) {
            pw_warn("employer upsert failed: %s", pw_db_error(pw_service_db(svc)));
            out = elig_admin_error(req->request_id, "unavailable",
                                   "the employer could not be stored; retry", reply_len);
        } else {
            Pathways__V1__AdminReply reply = PATHWAYS__V1__ADMIN_REPLY__INIT;
            Pathways__V1__EmployerUpserted done = PATHWAYS__V1__EMPLOYER_UPSERTED__INIT;
            done.employer = req->employer_upsert->employer;
            done.created = created;
            reply.request_id = req->request_id;
            reply.reply_case = PATHWAYS__V1__ADMIN_REPLY__REPLY_EMPLOYER_UPSERTED;
            reply.employer_upserted = &done;
            out = pw_msg_encode(&reply.base, 0, reply_len);
        }
    }
    return out;
}

int elig_employer_check(pw_db_t *db, const Pathways__V1__PublishBatch *batch,
                        elig_event_state_t *states)
{
    pw_buf_t names;
    zhash_t *known = zhash_new();
    int rc = -1;
    pw_buf_init(&names);
    for (size_t i = 0; i < batch->n_events; i++)
        if (states[i].result == ACCEPTED)
            pw_buf_arr_add(&names, batch->events[i]->source);
    const char *params[1] = {pw_buf_array(&names)};
    PGresult *res = NULL;
    if (known && pw_buf_ok(&names))
        res = pw_db_prepared(db, "elig_employer_known", KNOWN_SQL, 1, params);
    if (res) {
        for (int r = 0; r < PQntuples(res); r++)
            zhash_insert(known, pw_db_get(res, r, "employer"), (void *)1);
        for (size_t i = 0; i < batch->n_events; i++) {
            if (states[i].result == ACCEPTED && !zhash_lookup(known, batch->events[i]->source)) {
                states[i].result = REJECTED;
                elig_reason_set(&states[i].why, "unknown_employer", "employer %s is not registered",
                                batch->events[i]->source);
            }
        }
        rc = 0;
    }
    PQclear(res);
    zhash_destroy(&known);
    pw_buf_release(&names);
    return rc;
}
