/* Contacts: where notices to employers' HR contacts and to training
 * providers go. Eligibility owns the employer registry (with the HR email)
 * and the notification service may not read another service's schema, so
 * the contacts are configuration data: a YAML file loaded at start-up
 * (deploy/notifications/contacts.yaml, PATHWAYS_NOTIFICATION_CONTACTS):
 *
 *   employers:
 *     acme: {name: Acme Health, hr_email: hr@acme.example, hr_language: en}
 *   providers:
 *     college: {name: ..., webhook_url: https://..., secret_env: VAR | secret_file: PATH}
 *   programs:
 *     mapp: {provider: college,          # the provider of a program's cohorts
 *            coordinator_email: c@x.org, # the program coordinator (at-risk notices)
 *            coordinator_language: en}
 *   cohorts:
 *     c1: {provider: college, start_date: 2027-03-01}
 *
 * A provider's HMAC key comes from the named variable or file, else from
 * PATHWAYS_WEBHOOK_SECRET; a webhook without a key is a load error (every
 * webhook is signed). Changes take effect at the next start. */
#ifndef PATHWAYS_NOTIFICATION_CONTACTS_H
#define PATHWAYS_NOTIFICATION_CONTACTS_H

#include <stddef.h>

typedef struct ntf_contacts ntf_contacts_t;

typedef struct {
    const char *id;
    const char *name;
    const char *webhook_url;
    const char *secret;
} ntf_provider_t;

/* Loads path ("" or NULL: no contacts). default_secret may be "". Returns
 * NULL with a reason in err. Caller owns the result. */
ntf_contacts_t *ntf_contacts_load(const char *path, const char *default_secret, char *err,
                                  size_t errlen);
/* Same from text (tests). */
ntf_contacts_t *ntf_contacts_parse(const char *text, const char *default_secret, char *err,
                                   size_t errlen);
void ntf_contacts_destroy(ntf_contacts_t **p);

/* The employer's HR email / language / display name, or NULL. Borrowed. */
const char *ntf_contacts_hr_email(const ntf_contacts_t *c, const char *employer);
const char *ntf_contacts_hr_language(const ntf_contacts_t *c, const char *employer);
const char *ntf_contacts_employer_name(const ntf_contacts_t *c, const char *employer);

/* The program coordinator's email / language, or NULL. Borrowed. */
const char *ntf_contacts_coordinator_email(const ntf_contacts_t *c, const char *program);
const char *ntf_contacts_coordinator_language(const ntf_contacts_t *c, const char *program);

/* The training provider of a cohort (its own, else the program's).
 * Returns 0 with out filled (borrowed strings), or -1 when none is known. */
int ntf_contacts_provider(const ntf_contacts_t *c, const char *program, const char *cohort_id,
                          ntf_provider_t *out);

/* The configured start date (YYYY-MM-DD) of a cohort, or NULL. */
const char *ntf_contacts_cohort_start(const ntf_contacts_t *c, const char *cohort_id);

#endif
