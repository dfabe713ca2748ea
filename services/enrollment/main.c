/* pathways-enrollment: the program lifecycle. Consumes the "eligibility"
 * stream (invite, exit, pause/resume, flag), answers EnrollmentCommand on
 * its command endpoint, and training providers' ProgressBatch and
 * ProviderRosterRequest (progress.h), and owns the "enrollment" and
 * "progress" streams. main() only loads config, wires handlers
 * (service.h), runs. */
#include <stdio.h>

#include "pathways/config.h"
#include "pathways/log.h"
#include "pathways/service.h"
#include "service.h"

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
    enr_service_t *enr = svc ? enr_service_new(err, sizeof err) : NULL;
    if (svc && !enr)
        pw_error("at-risk rules: %s", err);
    if (!enr || enr_service_attach(enr, svc) != 0 || pw_service_start(svc) != 0)
        goto done;
    rc = pw_service_run(svc) == 0 ? 0 : 1;
done:
    pw_service_destroy(&svc);
    enr_service_destroy(&enr);
    return rc;
}
