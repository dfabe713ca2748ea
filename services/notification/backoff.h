/* Retry delays: exponential backoff with jitter, so a peer that comes back
 * is not hit by every queued message at the same instant. */
#ifndef PATHWAYS_NOTIFICATION_BACKOFF_H
#define PATHWAYS_NOTIFICATION_BACKOFF_H

#include <stdint.h>

#include "pathways/defaults.h"

#define NTF_BACKOFF_BASE_MS PW_DEFAULT_BACKOFF_BASE_MS
#define NTF_BACKOFF_CAP_MS  PW_DEFAULT_BACKOFF_CAP_MS

/* Delay before retry number `failures` (1 = after the first failure):
 * d = min(cap, base * 2^(failures-1)), then a value in [d/2, d] chosen by
 * rnd ("equal jitter"). Never below 1 ms. */
int64_t ntf_backoff_ms(int failures, int64_t base_ms, int64_t cap_ms, uint32_t rnd);

/* xorshift32 step for rnd; *state must start non-zero. */
uint32_t ntf_backoff_random(uint32_t *state);

/* ---- the retry policy ---- */

typedef enum {
    NTF_OUTCOME_SENT = 0,
    NTF_OUTCOME_TEMPORARY,  /* the channel failed, may work later */
    NTF_OUTCOME_PERMANENT,  /* will never work */
    NTF_OUTCOME_NO_ADDRESS, /* recipient's address not known (yet) */
    NTF_OUTCOME_OPTED_OUT,  /* the person opted out of this channel */
    NTF_OUTCOME_NO_CONTACT, /* no HR contact / provider configured */
} ntf_outcome_t;

typedef struct {
    const char *state; /* "sent" | "retrying" | "dead" | "cancelled" (static) */
    int attempts;      /* delivery attempts after this one */
    int address_waits; /* times no address was known, after this one */
    int64_t delay_ms;  /* for "retrying": when to try again */
} ntf_decision_t;

/* How long an employee's address may take to arrive (it comes on the
 * "employee" stream, independently of the enrollment that triggered the
 * notification): 24 hours unless PATHWAYS_NOTIFICATION_ADDRESS_WAIT_S. */
#define NTF_ADDRESS_WAIT_MS (PW_DEFAULT_ADDRESS_WAIT_S * 1000LL)

/* The retry policy; a zero field takes its default. */
typedef struct {
    int max_attempts;        /* delivery failures before "dead" (at least 1) */
    int64_t base_ms, cap_ms; /* backoff (NTF_BACKOFF_BASE_MS, _CAP_MS) */
    int64_t address_wait_ms; /* NTF_ADDRESS_WAIT_MS */
} ntf_retry_policy_t;

/* A row's history before this outcome. */
typedef struct {
    int attempts;              /* delivery attempts so far */
    int address_waits;         /* times no address was known so far */
    int64_t address_waited_ms; /* since the first of those (0: none) */
} ntf_tries_t;

/* Decides what follows an outcome. Delivery failures count toward
 * max_attempts, then the row is dead. A missing address is not a delivery
 * failure: the address is usually on its way on the employee stream, so the
 * row waits (backoff, and it is woken when the address arrives) and is
 * cancelled only once it has waited address_wait_ms, however many checks
 * that took. An opt-out or a missing contact cancels at once: neither
 * changes by waiting. */
ntf_decision_t ntf_retry_decide(ntf_outcome_t outcome, const ntf_tries_t *tries,
                                const ntf_retry_policy_t *policy, uint32_t rnd);
#endif
