/* pathways-reporting: projects the streams into report tables, answers
 * report requests and serves the dashboard. main only loads the
 * configuration (and the replacement costs, read again when their file
 * changes), builds the service, registers
 * the projection and request modules, adds the dashboard routes, runs and
 * tears down in reverse. */
#include <stdio.h>

#include "cost_file.h"
#include "dashboard.h"
#include "pathways/config.h"
#include "pathways/log.h"
#include "pathways/service.h"
#include "projection.h"
#include "publish.h"
#include "request.h"

int main(void)
{
    pw_config_t cfg;
    char err[512];
    if (pw_config_load(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "pathways-reporting: %s\n", err);
        return 2;
    }
    int rc = 1;
    reporting_dashboard_t *dash = NULL;
    cost_file_t *costs = NULL;
    /* The service first: it sets up logging for what follows. */
    pw_service_t *svc = pw_service_new(PW_SVC_REPORTING, &cfg);
    if (!svc) {
        fprintf(stderr, "pathways-reporting: out of memory\n");
        return 1;
    }
    if (publish_period_check(err, sizeof err) != 0) {
        pw_error("%s", err);
        rc = 2;
        goto done;
    }
    costs = cost_file_from_env(err, sizeof err);
    if (!costs) {
        pw_error("replacement costs (%s): %s", COST_CONFIG_ENV, err);
        rc = 2;
        goto done;
    }
    if (reporting_projection_register(svc) != 0 || reporting_request_register(svc, costs) != 0)
        goto done;
    if (pw_service_start(svc) != 0)
        goto done;
    dash = reporting_dashboard_new(cfg.database_url, costs);
    if (!dash || reporting_dashboard_attach(dash, pw_service_http(svc)) != 0) {
        pw_error("cannot serve the dashboard");
        goto done;
    }
    rc = pw_service_run(svc) == 0 ? 0 : 1;
done:
    pw_service_destroy(&svc); /* stops the HTTP server before the dashboard goes */
    reporting_dashboard_destroy(&dash);
    cost_file_destroy(&costs);
    return rc;
}
