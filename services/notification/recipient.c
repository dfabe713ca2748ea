/* The recipient directory: per-field effective-dated merge (recipient.h). */
#include "recipient.h"

#include <stdio.h>

#include "pathways/codec.h"
#include "pathways/date.h"

/* For each field: take the new value when the event states it ($n <> '')
 * and its effective date is not older than the one on file. */
static const char *SQL_MERGE =
    "INSERT INTO notification.recipient AS r (employer, employee, email, email_as_of,"
    " given_name, given_name_as_of, language, language_as_of)"
    " VALUES ($1, $2, $3, CASE WHEN $3 <> '' THEN $6::date END,"
    "         $4, CASE WHEN $4 <> '' THEN $6::date END,"
    "         $5, CASE WHEN $5 <> '' THEN $6::date END)"
    " ON CONFLICT (employer, employee) DO UPDATE SET"
    " email = CASE WHEN EXCLUDED.email_as_of >= COALESCE(r.email_as_of, '-infinity')"
    "   THEN EXCLUDED.email ELSE r.email END,"
    " email_as_of = CASE WHEN EXCLUDED.email_as_of >= COALESCE(r.email_as_of, '-infinity')"
    "   THEN EXCLUDED.email_as_of ELSE r.email_as_of END,"
    " given_name = CASE WHEN EXCLUDED.given_name_as_of >= "
    "   COALESCE(r.given_name_as_of, '-infinity') THEN EXCLUDED.given_name ELSE r.given_name END,"
    " given_name_as_of = CASE WHEN EXCLUDED.given_name_as_of >= "
    "   COALESCE(r.given_name_as_of, '-infinity') THEN EXCLUDED.given_name_as_of"
    "   ELSE r.given_name_as_of END,"
    " language = CASE WHEN EXCLUDED.language_as_of >= COALESCE(r.language_as_of, '-infinity')"
    "   THEN EXCLUDED.language ELSE r.language END,"
    " language_as_of = CASE WHEN EXCLUDED.language_as_of >= "
    "   COALESCE(r.language_as_of, '-infinity') THEN EXCLUDED.language_as_of"
    "   ELSE r.language_as_of END,"
    " updated_at = now()";

static const char *SQL_LOOKUP = "SELECT email, given_name, language FROM notification.recipient"
                                " WHERE employer = $1 AND employee = $2";

static const char *nz(const char *s)
{
    return s ? s : "";
}

pw_apply_t ntf_apply_employee(void *ctx, pw_db_t *db, const pw_event_t *ev, char *err,
                              size_t errlen)
{
    (void)ctx;
    Pathways__V1__EmployeeEvent *e = pw_decode_employee_event(ev->payload, ev->payload_len);
    if (!e) {
        snprintf(err, errlen, "undecodable EmployeeEvent payload (%zu bytes)", ev->payload_len);
        return PW_APPLY_REJECT;
    }
    pw_apply_t out = PW_APPLY_OK;
    const Pathways__V1__EmployeeFacts *f = e->data;
    int32_t day;
    if (!f || (!*nz(f->email) && !*nz(f->given_name) && !*nz(f->language))) {
        out = PW_APPLY_OK; /* nothing a notification needs changed */
    } else if (!*nz(e->source) || !*nz(e->subject)) {
        snprintf(err, errlen, "EmployeeEvent without source or subject");
        out = PW_APPLY_REJECT;
    } else if (pw_date_parse(nz(e->effective_date), &day) != 0) {
        snprintf(err, errlen, "EmployeeEvent with invalid effective_date");
        out = PW_APPLY_REJECT;
    } else {
        const char *p[6] = {e->source,         e->subject,      nz(f->email),
                            nz(f->given_name), nz(f->language), e->effective_date};
        PGresult *res = pw_db_prepared(db, "ntf_recipient_merge", SQL_MERGE, 6, p);
        if (!res) {
            snprintf(err, errlen, "merge recipient: %s", pw_db_error(db));
            out = PW_APPLY_RETRY;
        }
        PQclear(res);
    }
    pw_free_employee_event(&e);
    return out;
}

PGresult *ntf_recipient_lookup(pw_db_t *db, const char *employer, const char *employee)
{
    const char *p[2] = {employer, employee};
    return pw_db_prepared(db, "ntf_recipient_lookup", SQL_LOOKUP, 2, p);
}
