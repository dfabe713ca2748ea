/* pathways-eligibility: the front door for partner events. main only loads
 * the configuration, builds the service, runs it and tears it down. */
#include <stdio.h>

#include "eligibility.h"
#include "pathways/config.h"
#include "pathways/service.h"

int main(void)
{
    pw_config_t cfg;
    char err[256];
    int rc = 1;
    if (pw_config_load(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "pathways-eligibility: %s\n", err);
        return 2;
    }
    pw_service_t *svc = pw_service_new(PW_SVC_ELIGIBILITY, &cfg);
    elig_service_t *elig = elig_service_new();
    if (!svc || !elig)
        goto done;
    if (elig_service_attach(elig, svc) != 0 || pw_service_start(svc) != 0)
        goto done;
    rc = pw_service_run(svc) == 0 ? 0 : 1;
done:
    pw_service_destroy(&svc);
    elig_service_destroy(&elig);
    return rc;
}
