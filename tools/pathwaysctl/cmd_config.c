/* pathwaysctl config: every environment variable the binaries read, with
 * its default and meaning (from common's configuration table). */
#include <stdio.h>

#include "ctl.h"

int ctl_config(ctl_t *ctl, int argc, char **argv)
{
    if (ctl_wants_help(argc, argv)) {
        printf("usage: pathwaysctl config\n\n"
               "Prints every environment variable with its default and meaning.\n");
        return CTL_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "pathwaysctl config: unexpected argument '%s'\n", argv[1]);
        return CTL_USAGE;
    }
    pw_config_describe(stdout);
    return CTL_OK;
}
