/* Send-time recipient resolution (resolve.h). */
#include "resolve.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "recipient.h"
#include "routes.h"

static const char *SQL_PREFERENCE =
    "SELECT opted_out, ($3 = ANY (channels)) AS channel_ok, language"
    " FROM notification.preference WHERE employer = $1 AND person = $2";

const char *ntf_preference_person(const ntf_row_t *row)
{
    if (strcmp(row->recipient, NTF_RECIPIENT_EMPLOYEE) == 0)
        return row->employee;
    if (strcmp(row->recipient, NTF_RECIPIENT_HR) == 0)
        return NTF_PERSON_HR;
    return NULL;
}

/* Applies the person's preferences; a language set there wins. */
static ntf_outcome_t preferences(pw_db_t *db, const ntf_row_t *row, ntf_target_t *out, char *err,
                                 size_t errlen)
{
    const char *person = ntf_preference_person(row);
    if (!person)
        return NTF_OUTCOME_SENT;
    const char *p[3] = {row->employer, person, row->channel};
    PGresult *res = pw_db_prepared(db, "ntf_preference", SQL_PREFERENCE, 3, p);
    if (!res) {
        snprintf(err, errlen, "preference lookup: %s", pw_db_error(db));
        return NTF_OUTCOME_TEMPORARY;
    }
    ntf_outcome_t o = NTF_OUTCOME_SENT;
    if (PQntuples(res) == 1) {
        if (strcmp(pw_db_get(res, 0, "opted_out"), "t") == 0) {
            snprintf(err, errlen, "opted_out: %s opted out of notifications", person);
            o = NTF_OUTCOME_OPTED_OUT;
        } else if (strcmp(pw_db_get(res, 0, "channel_ok"), "t") != 0) {
            snprintf(err, errlen, "opted_out: %s does not accept %s", person, row->channel);
            o = NTF_OUTCOME_OPTED_OUT;
        } else if (*pw_db_get(res, 0, "language")) {
            snprintf(out->language, sizeof out->language, "%s", pw_db_get(res, 0, "language"));
        }
    }
    PQclear(res);
    return o;
}

/* The employee's directory entry: name and language for every recipient,
 * the address for the employee's own messages. */
static ntf_outcome_t directory(pw_db_t *db, const ntf_row_t *row, ntf_target_t *out, char *err,
                               size_t errlen)
{
    PGresult *who = ntf_recipient_lookup(db, row->employer, row->employee);
    if (!who) {
        snprintf(err, errlen, "recipient lookup: %s", pw_db_error(db));
        return NTF_OUTCOME_TEMPORARY;
    }
    if (PQntuples(who) == 1) {
        snprintf(out->given_name, sizeof out->given_name, "%s", pw_db_get(who, 0, "given_name"));
        if (strcmp(row->recipient, NTF_RECIPIENT_EMPLOYEE) == 0) {
            snprintf(out->address, sizeof out->address, "%s", pw_db_get(who, 0, "email"));
            snprintf(out->language, sizeof out->language, "%s", pw_db_get(who, 0, "language"));
        }
    }
    PQclear(who);
    return NTF_OUTCOME_SENT;
}

static ntf_outcome_t contact(const ntf_contacts_t *c, const ntf_row_t *row, ntf_target_t *out,
                             char *err, size_t errlen)
{
    if (strcmp(row->recipient, NTF_RECIPIENT_HR) == 0) {
        const char *email = c ? ntf_contacts_hr_email(c, row->employer) : NULL;
        const char *lang = c ? ntf_contacts_hr_language(c, row->employer) : NULL;
        if (!email) {
            snprintf(err, errlen, "no_contact: no HR contact configured for employer %s",
                     row->employer);
            return NTF_OUTCOME_NO_CONTACT;
        }
        snprintf(out->address, sizeof out->address, "%s", email);
        snprintf(out->language, sizeof out->language, "%s", lang ? lang : "");
        return NTF_OUTCOME_SENT;
    }
    json_t *ctx = json_loads(row->context ? row->context : "{}", 0, NULL);
    const char *cohort = json_string_value(json_object_get(ctx, "cohort_id"));
    ntf_provider_t p;
    int found = c && ntf_contacts_provider(c, row->program, cohort, &p) == 0;
    if (found) {
        snprintf(out->address, sizeof out->address, "%s", p.webhook_url);
        snprintf(out->secret, sizeof out->secret, "%s", p.secret ? p.secret : "");
    } else {
        snprintf(err, errlen, "no_contact: no training provider configured for cohort '%s' of %s",
                 cohort ? cohort : "", row->program);
    }
    json_decref(ctx);
    return found ? NTF_OUTCOME_SENT : NTF_OUTCOME_NO_CONTACT;
}

ntf_outcome_t ntf_resolve(pw_db_t *db, const ntf_contacts_t *contacts, const ntf_row_t *row,
                          ntf_target_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *ename = contacts ? ntf_contacts_employer_name(contacts, row->employer) : NULL;
    snprintf(out->employer_name, sizeof out->employer_name, "%s", ename ? ename : row->employer);
    ntf_outcome_t o = directory(db, row, out, err, errlen);
    if (o == NTF_OUTCOME_SENT && strcmp(row->recipient, NTF_RECIPIENT_EMPLOYEE) != 0)
        o = contact(contacts, row, out, err, errlen);
    if (o == NTF_OUTCOME_SENT)
        o = preferences(db, row, out, err, errlen);
    if (o == NTF_OUTCOME_SENT && !out->address[0]) {
        snprintf(err, errlen, "no_address: no email on file yet");
        o = NTF_OUTCOME_NO_ADDRESS;
    }
    return o;
}
