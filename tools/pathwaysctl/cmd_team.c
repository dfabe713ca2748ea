/* pathwaysctl team list|join|leave|org-add: the collaborative's action
 * teams through pathways-enrollment's command endpoint. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "enrollment_client.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;

static int team_list(ctl_t *ctl, int argc, char **argv)
{
    const char *help = "usage: pathwaysctl team list [TEAM_ID] [--json]\n\n"
                       "Every action team (or one) with its current members.\n";
    ctl_enr_opts_t o;
    int npos = argc > 1 && argv[argc - 1][0] != '-' ? 1 : 0;
    int rc = ctl_enr_parse(argc, argv, "json", npos, help, &o);
    if (rc != 0)
        return ctl_wants_help(argc, argv) ? CTL_OK : rc;
    Pathways__V1__TeamQuery q = PATHWAYS__V1__TEAM_QUERY__INIT;
    q.team_id = npos ? o.pos[0] : "";
    cmd_t cmd = PATHWAYS__V1__ENROLLMENT_COMMAND__INIT;
    cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_LIST_TEAMS;
    cmd.list_teams = &q;
    return ctl_enr_call(ctl, &cmd, &o, "pathwaysctl team");
}

/* join (leave = 0) or leave (leave = 1) TEAM_ID --org ORG --person P. */
static int team_member(ctl_t *ctl, int argc, char **argv, int leave)
{
    char help[256];
    snprintf(help, sizeof help,
             "usage: pathwaysctl team %s TEAM_ID --org ORG --person EMAIL%s [--key K] "
             "[--actor A] [--json]\n",
             leave ? "leave" : "join", leave ? "" : " [--name NAME]");
    ctl_enr_opts_t o;
    int rc = ctl_enr_parse(argc, argv,
                           leave ? "key,actor,json,org,person" : "key,actor,json,org,person,name",
                           1, help, &o);
    if (rc != 0)
        return ctl_wants_help(argc, argv) ? CTL_OK : rc;
    Pathways__V1__TeamJoin j = PATHWAYS__V1__TEAM_JOIN__INIT;
    Pathways__V1__TeamLeave l = PATHWAYS__V1__TEAM_LEAVE__INIT;
    cmd_t cmd = PATHWAYS__V1__ENROLLMENT_COMMAND__INIT;
    const char *org = o.org ? o.org : "", *person = o.person ? o.person : "";
    if (leave) {
        l.team_id = o.pos[0];
        l.organization = (char *)org;
        l.person = (char *)person;
        cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_TEAM_LEAVE;
        cmd.team_leave = &l;
    } else {
        j.team_id = o.pos[0];
        j.organization = (char *)org;
        j.person = (char *)person;
        j.display_name = (char *)(o.name ? o.name : "");
        cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_TEAM_JOIN;
        cmd.team_join = &j;
    }
    return ctl_enr_call(ctl, &cmd, &o, "pathwaysctl team");
}

static int team_join(ctl_t *ctl, int argc, char **argv)
{
    return team_member(ctl, argc, argv, 0);
}

static int team_leave(ctl_t *ctl, int argc, char **argv)
{
    return team_member(ctl, argc, argv, 1);
}

static int team_org_add(ctl_t *ctl, int argc, char **argv)
{
    const char *help =
        "usage: pathwaysctl team org-add ORG --name NAME [--kind KIND] [--key K] [--actor A]\n\n"
        "Recognizes an organization of the collaborative so its people may join teams.\n"
        "KIND: employer, training_provider, community_partner, workforce_board, other.\n";
    ctl_enr_opts_t o;
    int rc = ctl_enr_parse(argc, argv, "key,actor,json,name,kind", 1, help, &o);
    if (rc != 0)
        return ctl_wants_help(argc, argv) ? CTL_OK : rc;
    Pathways__V1__OrganizationUpsert u = PATHWAYS__V1__ORGANIZATION_UPSERT__INIT;
    u.organization = o.pos[0];
    u.name = (char *)(o.name ? o.name : "");
    u.kind = (char *)(o.kind ? o.kind : "");
    cmd_t cmd = PATHWAYS__V1__ENROLLMENT_COMMAND__INIT;
    cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ORGANIZATION_UPSERT;
    cmd.organization_upsert = &u;
    rc = ctl_enr_call(ctl, &cmd, &o, "pathwaysctl team");
    if (rc == CTL_OK)
        printf("organization %s recognized\n", u.organization);
    return rc;
}

int ctl_team(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"list", "action teams and their members", team_list},
        {"join", "add a person of a recognized organization to a team", team_join},
        {"leave", "remove a person from a team", team_leave},
        {"org-add", "recognize an organization of the collaborative", team_org_add},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl team", commands, argc - 1, argv + 1);
}
