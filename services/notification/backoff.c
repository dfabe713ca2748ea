/* Exponential backoff with equal jitter (see backoff.h). */
#include "backoff.h"

int64_t ntf_backoff_ms(int failures, int64_t base_ms, int64_t cap_ms, uint32_t rnd)
{
    if (base_ms < 1)
        base_ms = 1;
    if (cap_ms < base_ms)
        cap_ms = base_ms;
    int64_t d = base_ms;
    for (int i = 1; i < failures && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms)
        d = cap_ms;
    int64_t half = d / 2;
    int64_t delay = half + (int64_t)(rnd % (uint64_t)(d - half + 1));
    return delay < 1 ? 1 : delay;
}

uint32_t ntf_backoff_random(uint32_t *state)
{
    uint32_t x = *state ? *state : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* The wait before checking a missing address again: the backoff, but no
 * later than the end of the wait, so the last check falls on it. */
static int64_t address_delay(int waits, int64_t waited_ms, const ntf_retry_policy_t *p,
                             uint32_t rnd)
{
    int64_t delay = ntf_backoff_ms(waits, p->base_ms, p->cap_ms, rnd);
    int64_t left = p->address_wait_ms - waited_ms;
    return delay < left ? delay : left < 1 ? 1 : left;
}

ntf_decision_t ntf_retry_decide(ntf_outcome_t outcome, const ntf_tries_t *tries,
                                const ntf_retry_policy_t *policy, uint32_t rnd)
{
    ntf_retry_policy_t p = *policy;
    if (p.max_attempts < 1)
        p.max_attempts = 1;
    if (p.base_ms <= 0)
        p.base_ms = NTF_BACKOFF_BASE_MS;
    if (p.cap_ms <= 0)
        p.cap_ms = NTF_BACKOFF_CAP_MS;
    if (p.address_wait_ms <= 0)
        p.address_wait_ms = NTF_ADDRESS_WAIT_MS;
    ntf_decision_t d = {"retrying", tries->attempts, tries->address_waits, 0};
    switch (outcome) {
    case NTF_OUTCOME_SENT:
        d.state = "sent";
        d.attempts++;
        break;
    case NTF_OUTCOME_PERMANENT:
        d.state = "dead";
        d.attempts++;
        break;
    case NTF_OUTCOME_TEMPORARY:
        d.attempts++;
        if (d.attempts >= p.max_attempts)
            d.state = "dead";
        else
            d.delay_ms = ntf_backoff_ms(d.attempts, p.base_ms, p.cap_ms, rnd);
        break;
    case NTF_OUTCOME_NO_ADDRESS:
        d.address_waits++;
        if (tries->address_waits > 0 && tries->address_waited_ms >= p.address_wait_ms)
            d.state = "cancelled";
        else
            d.delay_ms = address_delay(d.address_waits, tries->address_waited_ms, &p, rnd);
        break;
    case NTF_OUTCOME_OPTED_OUT:
    case NTF_OUTCOME_NO_CONTACT:
        d.state = "cancelled";
        break;
    }
    return d;
}
