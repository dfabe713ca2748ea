/* pathways-enrollment: the program lifecycle. Consumes the "eligibility"
 * stream (invite the newly eligible, exit the terminated) and owns the
 * "enrollment" stream. main() only loads config, wires handlers, runs. */
#include <stdio.h>

#include "determination.h"
#include "pathways/config.h"
#include "pathways/log.h"
#include "pathways/service.h"

/* Lifecycle events go to the runtime's appender; it writes them just before
 * the consumer's commit and publishes them after. */
static int emit_to_service(void *ctx, const char *stream, const char *type, const char *key,
                           const char *event_id, const ProtobufCMessage *payload)
{
    return pw_service_append(ctx, stream, type, key, event_id, payload);
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
    pw_log_level_t level = PW_LOG_INFO;
    if (pw_log_level_parse(cfg.log_level, &level) != 0)
        level = PW_LOG_INFO;
    pw_log_init("enrollment", level);

    int rc = 1;
    pw_service_t *svc = pw_service_new(PW_SVC_ENROLLMENT, &cfg);
    if (!svc)
        return 1;
    enr_emitter_t emit = {emit_to_service, svc};
    if (pw_service_consume(svc, PW_SVC_ELIGIBILITY, ENR_ELIGIBILITY_STREAM, enr_apply_determination,
                           &emit) != 0)
        goto done;
    if (pw_service_start(svc) != 0)
        goto done;
    rc = pw_service_run(svc) == 0 ? 0 : 1;
done:
    pw_service_destroy(&svc);
    return rc;
}
