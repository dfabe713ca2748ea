/* Command routing for the eligibility service. */
#include "eligibility.h"

#include <stdlib.h>
#include <string.h>

#include "employer.h"
#include "partner.h"
#include "rules.h"

struct elig_service {
    elig_partner_t *partner;
};

elig_service_t *elig_service_new(void)
{
    elig_service_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->partner = elig_partner_new(elig_rules_mapp());
    if (!self->partner)
        elig_service_destroy(&self);
    return self;
}

void elig_service_destroy(elig_service_t **p)
{
    if (!p || !*p)
        return;
    elig_partner_destroy(&(*p)->partner);
    free(*p);
    *p = NULL;
}

int elig_service_attach(elig_service_t *self, pw_service_t *svc)
{
    return pw_service_on_request(svc, elig_service_request, self);
}

uint8_t *elig_service_request(void *ctx, pw_service_t *svc, const char *type, const uint8_t *data,
                              size_t len, const char **reply_type, size_t *reply_len)
{
    elig_service_t *self = ctx;
    if (type && strcmp(type, ELIG_TYPE_PUBLISH_BATCH) == 0) {
        *reply_type = ELIG_TYPE_PUBLISH_ACK;
        return elig_partner_handle(self->partner, svc, data, len, reply_len);
    }
    *reply_type = ELIG_TYPE_ADMIN_REPLY;
    if (type && strcmp(type, ELIG_TYPE_ADMIN_REQUEST) == 0)
        return elig_employer_handle_admin(svc, data, len, reply_len);
    return elig_admin_error("", "unknown_message_type",
                            "eligibility accepts PublishBatch and AdminRequest", reply_len);
}
