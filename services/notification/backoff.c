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

ntf_decision_t ntf_retry_decide(ntf_outcome_t outcome, int attempts, int address_waits,
                                int max_attempts, uint32_t rnd)
{
    return ntf_retry_decide_ex(outcome, attempts, address_waits, max_attempts, NTF_BACKOFF_BASE_MS,
                               NTF_BACKOFF_CAP_MS, rnd);
}

ntf_decision_t ntf_retry_decide_ex(ntf_outcome_t outcome, int attempts, int address_waits,
                                   int max_attempts, int64_t base_ms, int64_t cap_ms, uint32_t rnd)
{
    ntf_decision_t d = {"retrying", attempts, address_waits, 0};
    if (max_attempts < 1)
        max_attempts = 1;
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
        if (d.attempts >= max_attempts)
            d.state = "dead";
        else
            d.delay_ms = ntf_backoff_ms(d.attempts, base_ms, cap_ms, rnd);
        break;
    case NTF_OUTCOME_NO_ADDRESS:
        d.address_waits++;
        if (d.address_waits >= max_attempts)
            d.state = "cancelled";
        else
            d.delay_ms = ntf_backoff_ms(d.address_waits, base_ms, cap_ms, rnd);
        break;
    case NTF_OUTCOME_OPTED_OUT:
    case NTF_OUTCOME_NO_CONTACT:
        d.state = "cancelled";
        break;
    }
    return d;
}
