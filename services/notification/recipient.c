/* The recipient directory: per-field effective-dated merge (recipient.h). */
#include "recipient.h"

#include <stdio.h>

#include "columns.h"
#include "pathways/codec.h"
#include "pathways/date.h"

/* The batch folded per person first (ON CONFLICT may touch a row once per
 * statement): for each field, the value stated with the latest effective
 * date, the later event winning a tie -- what applying the events one by
 * one would leave. Then each field is merged with the row on file the same
 * way (a date not older than the one on file wins), and a row is written
 * only when some field changes: replayed or stale facts cost no row
 * version. $6 holds the effective dates; ord is the event's place. */
static const char *SQL_MERGE =
    "WITH ev AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    "   $5::text[], $6::date[]) WITH ORDINALITY"
    "   AS e(employer, employee, email, given_name, language, as_of, ord)),"
    " b AS (SELECT employer, employee,"
    "   (array_agg(email ORDER BY as_of DESC, ord DESC) FILTER (WHERE email <> ''))[1] AS email,"
    "   max(as_of) FILTER (WHERE email <> '') AS email_as_of,"
    "   (array_agg(given_name ORDER BY as_of DESC, ord DESC) FILTER (WHERE given_name <> ''))[1]"
    "     AS given_name,"
    "   max(as_of) FILTER (WHERE given_name <> '') AS given_name_as_of,"
    "   (array_agg(language ORDER BY as_of DESC, ord DESC) FILTER (WHERE language <> ''))[1]"
    "     AS language,"
    "   max(as_of) FILTER (WHERE language <> '') AS language_as_of"
    "   FROM ev GROUP BY employer, employee)"
    " , m AS (INSERT INTO notification.recipient AS r (employer, employee, email, email_as_of,"
    " given_name, given_name_as_of, language, language_as_of)"
    " SELECT employer, employee, COALESCE(email, ''), email_as_of, COALESCE(given_name, ''),"
    " given_name_as_of, COALESCE(language, ''), language_as_of FROM b"
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
    " updated_at = now()"
    " WHERE (EXCLUDED.email_as_of >= COALESCE(r.email_as_of, '-infinity') AND"
    "   (EXCLUDED.email, EXCLUDED.email_as_of) IS DISTINCT FROM (r.email, r.email_as_of))"
    " OR (EXCLUDED.given_name_as_of >= COALESCE(r.given_name_as_of, '-infinity') AND"
    "   (EXCLUDED.given_name, EXCLUDED.given_name_as_of)"
    "   IS DISTINCT FROM (r.given_name, r.given_name_as_of))"
    " OR (EXCLUDED.language_as_of >= COALESCE(r.language_as_of, '-infinity') AND"
    "   (EXCLUDED.language, EXCLUDED.language_as_of) IS DISTINCT FROM (r.language, "
    "r.language_as_of))"
    " RETURNING r.employer, r.employee, r.email)"
    /* Rows waiting for an address that has just arrived are due now. */
    " UPDATE notification.outbox o SET next_attempt_at = now(), updated_at = now() FROM m"
    " WHERE m.email <> '' AND o.employer = m.employer AND o.employee = m.employee"
    " AND o.recipient = 'employee' AND o.state = 'retrying'"
    " AND o.address_wait_since IS NOT NULL AND o.next_attempt_at > now()";

#define MERGE_COLUMNS 6

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* Adds ev's facts to cols. Returns OK (added, or nothing a notification
 * needs changed) or REJECT with err. */
static pw_apply_t collect(const pw_event_t *ev, ntf_columns_t *cols, char *err, size_t errlen)
{
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
        const char *row[MERGE_COLUMNS] = {e->source,         e->subject,      nz(f->email),
                                          nz(f->given_name), nz(f->language), e->effective_date};
        ntf_columns_add(cols, row);
    }
    pw_free_employee_event(&e);
    return out;
}

pw_apply_t ntf_apply_employee(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n, char *err,
                              size_t errlen)
{
    (void)ctx;
    ntf_columns_t cols;
    const char *p[MERGE_COLUMNS];
    pw_apply_t out = PW_APPLY_OK;
    if (ntf_columns_init(&cols, MERGE_COLUMNS) != 0) {
        snprintf(err, errlen, "out of memory");
        out = PW_APPLY_RETRY;
    }
    for (size_t i = 0; i < n && out == PW_APPLY_OK; i++)
        out = collect(&evs[i], &cols, err, errlen);
    if (out == PW_APPLY_OK && cols.rows > 0) {
        PGresult *res = ntf_columns_params(&cols, p) == 0
                            ? pw_db_prepared(db, "ntf_recipient_merge", SQL_MERGE, MERGE_COLUMNS, p)
                            : NULL;
        if (!res) {
            snprintf(err, errlen, "merge recipients: %s", pw_db_error(db));
            out = PW_APPLY_RETRY;
        }
        PQclear(res);
    }
    ntf_columns_release(&cols);
    return out;
}
