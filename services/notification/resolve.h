/* Who a claimed notification goes to, decided at send time from what the
 * claim read (outbox.h), so resolving costs no statement: the address
 * (employee: the recipient directory; hr: the employer's HR contact;
 * provider: the cohort's training provider and its webhook key), the
 * language to write in, and the person's preferences (opt-out and channel
 * choice, notification.preference), which are honoured here, at send time,
 * so a change applies to everything still queued. */
#ifndef PATHWAYS_NOTIFICATION_RESOLVE_H
#define PATHWAYS_NOTIFICATION_RESOLVE_H

#include "backoff.h"
#include "contacts.h"
#include "settings.h"

#define NTF_PERSON_HR "#hr"

/* A claimed outbox row with what the claim read beside it (the employee's
 * directory entry, "" when none; the person's preferences); strings
 * borrowed from the claim's result. */
typedef struct {
    const char *id, *trigger, *recipient, *employer, *employee, *program, *channel, *context;
    int attempts, address_waits;
    int64_t address_waited_ms; /* since the first missing address; 0: none */
    int reclaimed;             /* left in "sending" once: a send may be a re-send */
    const char *email, *given_name, *language;
    int pref_found, opted_out, channel_ok;
    const char *pref_language;
} ntf_row_t;

typedef struct {
    char address[512]; /* email address or webhook URL */
    char secret[NTF_SECRET_MAX];
    char language[16];
    char given_name[256]; /* the employee's, for every recipient */
    char employer_name[256];
} ntf_target_t;

/* The person a row's preferences are kept under: the employee, or
 * NTF_PERSON_HR. NULL for recipients without preferences (providers). */
const char *ntf_preference_person(const ntf_row_t *row);

/* Fills out for row. Returns NTF_OUTCOME_SENT when it may be sent, else
 * the outcome that ends this try (NO_ADDRESS, NO_CONTACT or OPTED_OUT)
 * with a reason in err. contacts may be NULL (no contacts). */
ntf_outcome_t ntf_resolve(const ntf_contacts_t *contacts, const ntf_row_t *row, ntf_target_t *out,
                          char *err, size_t errlen);

#endif
