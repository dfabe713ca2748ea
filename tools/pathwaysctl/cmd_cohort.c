/* pathwaysctl cohort create|update|list|show: training cohorts through
 * pathways-enrollment's command endpoint. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "enrollment_client.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;

#define COHORT_OPTS "key,actor,program,json,name,provider,serves,start,end,capacity,status"
#define COHORT_HELP                                                                                \
    "  --program P        program (default mapp; cannot change)\n"                                 \
    "  --name TEXT        display name\n"                                                          \
    "  --provider TEXT    training provider\n"                                                     \
    "  --serves EMPLOYER  an employer served (repeat; none: every employer)\n"                     \
    "  --start/--end D    YYYY-MM-DD\n"                                                            \
    "  --capacity N       seats\n"                                                                 \
    "  --status S         planned|open|in_progress|finished|cancelled (in_progress starts\n"       \
    "                     training for every enrolled participant still eligible)\n"               \
    "  --key K, --actor A, --json\n"

/* Fills c from the options; returns 0 or CTL_USAGE for an unknown status. */
static int fill(Pathways__V1__Cohort *c, ctl_enr_opts_t *o)
{
    pathways__v1__cohort__init(c);
    c->cohort_id = o->pos[0];
    c->program = (char *)(o->program ? o->program : "");
    c->name = (char *)(o->name ? o->name : "");
    c->provider = (char *)(o->provider ? o->provider : "");
    c->start_date = (char *)(o->start ? o->start : "");
    c->end_date = (char *)(o->end ? o->end : "");
    c->capacity = o->capacity;
    c->n_employers = o->n_employers;
    c->employers = o->employers;
    if (!o->status)
        return 0;
    char name[64];
    snprintf(name, sizeof name, "COHORT_STATUS_%s", o->status);
    for (char *p = name; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(
        &pathways__v1__cohort_status__descriptor, name);
    if (!v || v->value == 0) {
        fprintf(stderr, "pathwaysctl cohort: unknown --status '%s'\n", o->status);
        return CTL_USAGE;
    }
    c->status = (Pathways__V1__CohortStatus)v->value;
    return 0;
}

static int cohort_save(ctl_t *ctl, int argc, char **argv, int update)
{
    char help[1024];
    snprintf(help, sizeof help,
             "usage: pathwaysctl cohort %s COHORT_ID [options]\n%s\n" COHORT_HELP,
             update ? "update" : "create",
             update ? "Changes the given fields only."
                    : "Needs --provider, --start, --end and "
                      "--capacity; status planned (default) "
                      "or open.");
    ctl_enr_opts_t o;
    int rc = ctl_enr_parse(argc, argv, COHORT_OPTS, 1, help, &o);
    if (rc != 0)
        return ctl_wants_help(argc, argv) ? CTL_OK : rc;
    Pathways__V1__Cohort c;
    if (fill(&c, &o) != 0)
        return CTL_USAGE;
    Pathways__V1__CohortCreate create = PATHWAYS__V1__COHORT_CREATE__INIT;
    Pathways__V1__CohortUpdate change = PATHWAYS__V1__COHORT_UPDATE__INIT;
    cmd_t cmd = PATHWAYS__V1__ENROLLMENT_COMMAND__INIT;
    if (update) {
        change.cohort = &c;
        cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_COHORT_UPDATE;
        cmd.cohort_update = &change;
    } else {
        create.cohort = &c;
        cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_COHORT_CREATE;
        cmd.cohort_create = &create;
    }
    return ctl_enr_call(ctl, &cmd, &o, "pathwaysctl cohort");
}

static int cohort_create(ctl_t *ctl, int argc, char **argv)
{
    return cohort_save(ctl, argc, argv, 0);
}

static int cohort_update(ctl_t *ctl, int argc, char **argv)
{
    return cohort_save(ctl, argc, argv, 1);
}

/* list (npos 0) or show COHORT_ID (npos 1: the cohort and its roster,
 * waitlist in order). */
static int cohort_query(ctl_t *ctl, int argc, char **argv, int npos)
{
    const char *help = npos ? "usage: pathwaysctl cohort show COHORT_ID [--json]\n"
                            : "usage: pathwaysctl cohort list [--program P] [--json]\n";
    ctl_enr_opts_t o;
    int rc = ctl_enr_parse(argc, argv, "program,json", npos, help, &o);
    if (rc != 0)
        return ctl_wants_help(argc, argv) ? CTL_OK : rc;
    Pathways__V1__CohortQuery q = PATHWAYS__V1__COHORT_QUERY__INIT;
    q.cohort_id = npos ? o.pos[0] : "";
    q.program = (char *)(o.program ? o.program : "");
    cmd_t cmd = PATHWAYS__V1__ENROLLMENT_COMMAND__INIT;
    cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_LIST_COHORTS;
    cmd.list_cohorts = &q;
    return ctl_enr_call(ctl, &cmd, &o, "pathwaysctl cohort");
}

static int cohort_list(ctl_t *ctl, int argc, char **argv)
{
    return cohort_query(ctl, argc, argv, 0);
}

static int cohort_show(ctl_t *ctl, int argc, char **argv)
{
    return cohort_query(ctl, argc, argv, 1);
}

int ctl_cohort(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"create", "create a training cohort", cohort_create},
        {"update", "change a cohort (status, capacity, dates...)", cohort_update},
        {"list", "every cohort with seats and waitlist counts", cohort_list},
        {"show", "one cohort and its roster, waitlist in order", cohort_show},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl cohort", commands, argc - 1, argv + 1);
}
