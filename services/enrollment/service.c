/* Enrollment's handlers on the service runtime (service.h). */
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "contact.h"
#include "determination.h"
#include "pathways/log.h"
#include "pathways/topology.h"
#include "pathways/partner.h"
#include "progress.h"

struct enr_service {
    enr_emitter_t emit;
    enr_at_risk_t *rules;
};

/* Lifecycle events go to the runtime's appender; it writes them just before
 * the consumer's commit and publishes them after. */
static int emit_to_service(void *ctx, const char *stream, const char *type, const char *key,
                           const char *event_id, const ProtobufCMessage *payload)
{
    return pw_service_append(ctx, stream, type, key, event_id, payload);
}

static int commit_service(void *ctx)
{
    return pw_service_commit(ctx);
}

static void rollback_service(void *ctx)
{
    pw_service_rollback(ctx);
}

static uint8_t *on_request(void *ctx, pw_service_t *svc, const char *type, const uint8_t *data,
                           size_t len, const char **reply_type, size_t *reply_len)
{
    const enr_service_t *self = ctx;
    const pw_peer_t *peer = pw_service_peer(svc);
    char actor[PW_KEY_ID_MAX + 8];
    snprintf(actor, sizeof actor, "key:%s", peer->key_id);
    enr_session_t s = {pw_service_db(svc), self->emit, commit_service,
                       rollback_service,   svc,        peer->authenticated ? actor : NULL};
    enr_provider_call_t call = {&s, peer, self->rules, pw_service_config(svc)->max_message_bytes,
                                pw_service_metrics(svc)};
    if (strcmp(type, ENR_PROGRESS_TYPE) == 0) {
        *reply_type = PW_ACK_TYPE;
        return enr_progress_answer(&call, data, len, reply_len);
    }
    if (strcmp(type, ENR_ROSTER_REQUEST_TYPE) == 0) {
        *reply_type = ENR_ROSTER_TYPE;
        return enr_roster_answer(&call, data, len, reply_len);
    }
    *reply_type = ENR_RESULT_TYPE;
    return enr_command_answer(&s, type, data, len, reply_len);
}

enr_service_t *enr_service_new(char *err, size_t errlen)
{
    enr_service_t *self = calloc(1, sizeof *self);
    if (self)
        self->rules = enr_at_risk_new();
    if (!self || !self->rules) {
        snprintf(err, errlen, "out of memory");
        enr_service_destroy(&self);
        return NULL;
    }
    if (enr_at_risk_load_env(self->rules, err, errlen) != 0) {
        enr_service_destroy(&self);
        return NULL;
    }
    pw_info("at-risk rules loaded for %zu program(s)", enr_at_risk_count(self->rules));
    return self;
}

void enr_service_destroy(enr_service_t **p)
{
    if (!p || !*p)
        return;
    enr_at_risk_destroy(&(*p)->rules);
    free(*p);
    *p = NULL;
}

int enr_service_attach(enr_service_t *self, pw_service_t *svc)
{
    unsigned providers = PW_ROLE_BIT(PW_ROLE_PROVIDER) | PW_ROLE_BIT(PW_ROLE_ADMIN);
    self->emit = (enr_emitter_t){emit_to_service, svc};
    if (pw_service_consume_batch(svc, PW_SVC_ELIGIBILITY, PW_STREAM_ELIGIBILITY,
                                 enr_apply_determinations, &self->emit) != 0 ||
        pw_service_on_request(svc, on_request, self) != 0 ||
        pw_service_require(svc, ENR_COMMAND_TYPE, PW_ROLE_ADMIN) != 0 ||
        pw_service_consume_batch(svc, PW_SVC_ELIGIBILITY, ENR_EMPLOYEE_STREAM, enr_apply_contacts,
                                 NULL) != 0 ||
        pw_service_require_roles(svc, ENR_PROGRESS_TYPE, providers) != 0 ||
        pw_service_require_roles(svc, ENR_ROSTER_REQUEST_TYPE, providers) != 0)
        return -1;
    return 0;
}
