/* pathways-enrollment: the program lifecycle. Consumes the "eligibility"
 * stream (invite, exit, pause/resume, flag), answers EnrollmentCommand on
 * its command endpoint and owns the "enrollment" stream. main() only loads
 * config, wires handlers, runs. */
#include <stdio.h>

#include "command.h"
#include "determination.h"
#include "pathways/topology.h"
#include "pathways/config.h"
#include "pathways/service.h"

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
    const enr_emitter_t *emit = ctx;
    const pw_peer_t *peer = pw_service_peer(svc);
    char actor[PW_KEY_ID_MAX + 8];
    snprintf(actor, sizeof actor, "key:%s", peer->key_id);
    enr_session_t s = {pw_service_db(svc), *emit, commit_service,
                       rollback_service,   svc,   peer->authenticated ? actor : NULL};
    *reply_type = ENR_RESULT_TYPE;
    return enr_command_answer(&s, type, data, len, reply_len);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "usage: pathways-enrollment (configured by PATHWAYS_* variables)\n");
        pw_config_describe(stderr);
        return 2;
    }
    pw_config_t cfg;
    char err[256];
    if (pw_config_load(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "pathways-enrollment: %s\n", err);
        return 2;
    }
    int rc = 1;
    pw_service_t *svc = pw_service_new(PW_SVC_ENROLLMENT, &cfg);
    if (!svc)
        return 1;
    enr_emitter_t emit = {emit_to_service, svc};
    if (pw_service_consume_batch(svc, PW_SVC_ELIGIBILITY, PW_STREAM_ELIGIBILITY,
                                 enr_apply_determinations, &emit) != 0 ||
        pw_service_on_request(svc, on_request, &emit) != 0 ||
        pw_service_require(svc, ENR_COMMAND_TYPE, PW_ROLE_ADMIN) != 0)
        goto done;
    if (pw_service_start(svc) != 0)
        goto done;
    rc = pw_service_run(svc) == 0 ? 0 : 1;
done:
    pw_service_destroy(&svc);
    return rc;
}
