/* pathways-reporting: projects the streams into report tables and answers
 * report requests. main only loads the configuration, builds the service,
 * registers the projection and request modules, runs and tears down. */
#include <stdio.h>

#include "pathways/config.h"
#include "pathways/log.h"
#include "pathways/service.h"
#include "projection.h"
#include "request.h"

int main(void)
{
    pw_config_t cfg;
    char err[256];
    if (pw_config_load(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "pathways-reporting: %s\n", err);
        return 2;
    }
    pw_log_level_t level = PW_LOG_INFO;
    if (pw_log_level_parse(cfg.log_level, &level) != 0)
        level = PW_LOG_INFO;
    pw_log_init("reporting", level);

    int rc = 1;
    pw_service_t *svc = pw_service_new(PW_SVC_REPORTING, &cfg);
    if (!svc) {
        pw_error("out of memory");
        return 1;
    }
    if (reporting_projection_register(svc) != 0 || reporting_request_register(svc) != 0)
        goto done;
    if (pw_service_start(svc) != 0)
        goto done;
    rc = pw_service_run(svc) == 0 ? 0 : 1;
done:
    pw_service_destroy(&svc);
    return rc;
}
