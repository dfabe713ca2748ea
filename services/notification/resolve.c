/* Send-time recipient resolution (resolve.h). */
#include "resolve.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "routes.h"

const char *ntf_preference_person(const ntf_row_t *row)
{
    if (strcmp(row->recipient, NTF_RECIPIENT_EMPLOYEE) == 0)
        return row->employee;
    if (strcmp(row->recipient, NTF_RECIPIENT_HR) == 0)
        return NTF_PERSON_HR;
    return NULL;
}

/* Applies the person's preferences; a language set there wins. */
static ntf_outcome_t preferences(const ntf_row_t *row, ntf_target_t *out, char *err, size_t errlen)
{
    const char *person = ntf_preference_person(row);
    if (!person || !row->pref_found)
        return NTF_OUTCOME_SENT;
    if (row->opted_out) {
        snprintf(err, errlen, "opted_out: %s opted out of notifications", person);
        return NTF_OUTCOME_OPTED_OUT;
    }
    if (!row->channel_ok) {
        snprintf(err, errlen, "opted_out: %s does not accept %s", person, row->channel);
        return NTF_OUTCOME_OPTED_OUT;
    }
    if (row->pref_language && *row->pref_language)
        snprintf(out->language, sizeof out->language, "%s", row->pref_language);
    return NTF_OUTCOME_SENT;
}

/* The employee's directory entry: name and language for every recipient,
 * the address for the employee's own messages. */
static void directory(const ntf_row_t *row, ntf_target_t *out)
{
    snprintf(out->given_name, sizeof out->given_name, "%s", row->given_name ? row->given_name : "");
    if (strcmp(row->recipient, NTF_RECIPIENT_EMPLOYEE) == 0) {
        snprintf(out->address, sizeof out->address, "%s", row->email ? row->email : "");
        snprintf(out->language, sizeof out->language, "%s", row->language ? row->language : "");
    }
}

static ntf_outcome_t contact(const ntf_contacts_t *c, const ntf_row_t *row, ntf_target_t *out,
                             char *err, size_t errlen)
{
    int hr = strcmp(row->recipient, NTF_RECIPIENT_HR) == 0;
    if (hr || strcmp(row->recipient, NTF_RECIPIENT_COORDINATOR) == 0) {
        const char *email = !c   ? NULL
                            : hr ? ntf_contacts_hr_email(c, row->employer)
                                 : ntf_contacts_coordinator_email(c, row->program);
        const char *lang = !c   ? NULL
                           : hr ? ntf_contacts_hr_language(c, row->employer)
                                : ntf_contacts_coordinator_language(c, row->program);
        if (!email) {
            snprintf(err, errlen, "no_contact: no %s configured for %s %s",
                     hr ? "HR contact" : "program coordinator", hr ? "employer" : "program",
                     hr ? row->employer : row->program);
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

ntf_outcome_t ntf_resolve(const ntf_contacts_t *contacts, const ntf_row_t *row, ntf_target_t *out,
                          char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *ename = contacts ? ntf_contacts_employer_name(contacts, row->employer) : NULL;
    snprintf(out->employer_name, sizeof out->employer_name, "%s", ename ? ename : row->employer);
    directory(row, out);
    ntf_outcome_t o = NTF_OUTCOME_SENT;
    if (strcmp(row->recipient, NTF_RECIPIENT_EMPLOYEE) != 0)
        o = contact(contacts, row, out, err, errlen);
    if (o == NTF_OUTCOME_SENT)
        o = preferences(row, out, err, errlen);
    if (o == NTF_OUTCOME_SENT && !out->address[0]) {
        snprintf(err, errlen, "no_address: no email on file yet");
        o = NTF_OUTCOME_NO_ADDRESS;
    }
    return o;
}
