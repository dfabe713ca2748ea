/* pathways-eligibility: the front door for partner events. main only loads
 * the configuration, builds the service, runs it and tears it down. */
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "eligibility.h"
#include "pathways/config.h"
#include "pathways/service.h"

int main(void)
{
    pw_config_t cfg;
    char err[256];
    int rc = 1;
#ifdef M_MMAP_THRESHOLD
    /* A 5,000-event batch builds a few large buffers (arrays, COPY text).
     * A fixed threshold keeps them out of the heap: they grow with mremap
     * (no second copy while growing) and go back to the system when freed,
     * so the peak stays near what one batch needs. glibc's default raises
     * the threshold after the first large free and keeps them in the heap. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
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
