/* Roster contacts from the "employee" stream (contact.h). */
#include "contact.h"

#include <stdio.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/pgarray.h"

/* Per person of the batch: the name stated for the latest date (the later
 * event wins a tie) and whether any event stated an email; then merged
 * with the row on file (a name dated before the one on file is ignored). */
static const char *SQL_UPSERT =
    "WITH ev AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[],"
    "   $5::date[]) WITH ORDINALITY AS e(employer, employee, given_name, email, as_of, ord)),"
    " named AS (SELECT DISTINCT ON (employer, employee) employer, employee, given_name, as_of"
    "   FROM ev WHERE given_name <> '' ORDER BY employer, employee, as_of DESC, ord DESC),"
    " people AS (SELECT employer, employee, bool_or(email) AS email FROM ev"
    "   GROUP BY employer, employee)"
    " INSERT INTO enrollment.contact AS c (employer, employee, given_name, name_as_of,"
    " email_on_file) SELECT p.employer, p.employee, COALESCE(n.given_name, ''), n.as_of, p.email"
    " FROM people p LEFT JOIN named n USING (employer, employee)"
    " ON CONFLICT (employer, employee) DO UPDATE SET"
    " given_name = CASE WHEN EXCLUDED.name_as_of >= COALESCE(c.name_as_of, '-infinity')"
    "   THEN EXCLUDED.given_name ELSE c.given_name END,"
    " name_as_of = GREATEST(EXCLUDED.name_as_of, c.name_as_of),"
    " email_on_file = c.email_on_file OR EXCLUDED.email_on_file";

enum { C_EMPLOYER, C_EMPLOYEE, C_NAME, C_EMAIL, C_AS_OF, N_COLS };

/* Adds one event's contact facts to the columns; 0, or -1 (REJECT) with
 * err. An event stating neither a name nor an email adds nothing. */
static int add_event(pw_pgarray_t **cols, const pw_event_t *ev, int *oom, char *err, size_t errlen)
{
    Pathways__V1__EmployeeEvent *e = pw_decode_employee_event(ev->payload, ev->payload_len);
    int32_t day;
    int rc = 0;
    if (!e) {
        rc = -1;
        snprintf(err, errlen, "undecodable EmployeeEvent payload (%zu bytes)", ev->payload_len);
    } else if (e->data && (*e->data->given_name || *e->data->email)) {
        if (!*e->source || !*e->subject || pw_date_parse(e->effective_date, &day) != 0) {
            rc = -1;
            snprintf(err, errlen, "EmployeeEvent without source, subject or a valid date");
        } else {
            const char *v[N_COLS] = {e->source, e->subject, e->data->given_name,
                                     *e->data->email ? "t" : "f", e->effective_date};
            for (int c = 0; c < N_COLS; c++)
                *oom |= pw_pgarray_add(cols[c], v[c]) != 0;
        }
    }
    pw_free_employee_event(&e);
    return rc;
}

pw_apply_t enr_apply_contacts(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n, char *err,
                              size_t errlen)
{
    (void)ctx;
    pw_pgarray_t *cols[N_COLS] = {NULL};
    const char *p[N_COLS];
    int oom = 0, rows = 0;
    pw_apply_t out = PW_APPLY_OK;
    for (int c = 0; c < N_COLS; c++)
        oom |= !(cols[c] = pw_pgarray_new());
    for (size_t i = 0; i < n && !oom && out == PW_APPLY_OK; i++)
        if (add_event(cols, &evs[i], &oom, err, errlen) != 0)
            out = PW_APPLY_REJECT;
    for (int c = 0; c < N_COLS && !oom; c++)
        oom |= !(p[c] = pw_pgarray_text(cols[c]));
    if (oom) {
        snprintf(err, errlen, "out of memory");
        out = PW_APPLY_RETRY;
    }
    rows = out == PW_APPLY_OK && p[C_EMPLOYER][1] != '}'; /* "{}": nothing to write */
    PGresult *res = rows ? pw_db_prepared(db, "enr_contact_upsert", SQL_UPSERT, N_COLS, p) : NULL;
    if (rows && !res) {
        snprintf(err, errlen, "store contacts: %s", pw_db_error(db));
        out = PW_APPLY_RETRY;
    }
    PQclear(res);
    for (int c = 0; c < N_COLS; c++)
        pw_pgarray_destroy(&cols[c]);
    return out;
}
