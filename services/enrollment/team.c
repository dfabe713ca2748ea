/* The collaborative's action teams: organizations are registered, their
 * people join and leave teams. Teams themselves are data (migration 002).
 * A membership is a row opened on join and closed on leave, so the list of
 * a team's members is the open rows and the history stays. */
#include <stdio.h>
#include <string.h>

#include "command.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;

static const char *SQL_ORG_UPSERT =
    "INSERT INTO enrollment.organization (org_id, name, kind) VALUES ($1, $2, $3)"
    " ON CONFLICT (org_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,"
    " updated_at = now()";

static const char *SQL_KNOWN =
    "SELECT EXISTS (SELECT 1 FROM enrollment.action_team WHERE team_id = $1 AND active) AS team,"
    " EXISTS (SELECT 1 FROM enrollment.organization WHERE org_id = $2) AS org,"
    " EXISTS (SELECT 1 FROM enrollment.team_member WHERE team_id = $1 AND org_id = $2"
    "  AND person = $3 AND left_at IS NULL) AS member";

static const char *SQL_JOIN =
    "INSERT INTO enrollment.team_member (team_id, org_id, person, display_name, joined_by)"
    " VALUES ($1, $2, $3, $4, $5)";

static const char *SQL_LEAVE =
    "UPDATE enrollment.team_member SET left_at = now(), left_by = $4"
    " WHERE team_id = $1 AND org_id = $2 AND person = $3 AND left_at IS NULL";

static const char *const ORG_KINDS[] = {"employer", "training_provider", "community_partner",
                                        "workforce_board", "other"};

static int exec(enr_cmd_t *x, const char *name, const char *sql, int n, const char **p)
{
    PGresult *res = pw_db_prepared(x->db, name, sql, n, p);
    if (!res)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "%s: %s", name, pw_db_error(x->db));
    PQclear(res);
    return 0;
}

int enr_cmd_org_upsert(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__OrganizationUpsert *o = cmd->organization_upsert;
    if (enr_cmd_text(x, "organization", o->organization, 1) || enr_cmd_text(x, "name", o->name, 1))
        return -1;
    const char *kind = *o->kind ? o->kind : "other";
    size_t i = 0;
    while (i < sizeof ORG_KINDS / sizeof ORG_KINDS[0] && strcmp(ORG_KINDS[i], kind) != 0)
        i++;
    if (i == sizeof ORG_KINDS / sizeof ORG_KINDS[0])
        return enr_cmd_fail(x, ENR_E_INVALID,
                            "kind: employer, training_provider, community_partner, "
                            "workforce_board or other, not '%.40s'",
                            kind);
    const char *p[3] = {o->organization, o->name, kind};
    return exec(x, "enr_org_upsert", SQL_ORG_UPSERT, 3, p);
}

/* Checks team, organization and person; *member tells whether the person
 * is on the team now. Returns 0 or -1. */
static int check_membership(enr_cmd_t *x, const char *team, const char *org, const char *person,
                            int *member)
{
    if (enr_cmd_text(x, "team_id", team, 1) || enr_cmd_text(x, "organization", org, 1) ||
        enr_cmd_text(x, "person", person, 1))
        return -1;
    const char *p[3] = {team, org, person};
    PGresult *res = pw_db_prepared(x->db, "enr_team_known", SQL_KNOWN, 3, p);
    if (!res)
        return enr_cmd_fail(x, ENR_E_UNAVAILABLE, "read teams: %s", pw_db_error(x->db));
    int team_ok = strcmp(pw_db_get(res, 0, "team"), "t") == 0;
    int org_ok = strcmp(pw_db_get(res, 0, "org"), "t") == 0;
    *member = strcmp(pw_db_get(res, 0, "member"), "t") == 0;
    PQclear(res);
    if (!team_ok)
        return enr_cmd_fail(x, ENR_E_UNKNOWN_TEAM, "no action team '%s'", team);
    if (!org_ok)
        return enr_cmd_fail(x, ENR_E_UNKNOWN_ORG,
                            "organization '%s' is not recognized by the collaborative", org);
    return 0;
}

int enr_cmd_team_join(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__TeamJoin *j = cmd->team_join;
    int member = 0;
    if (check_membership(x, j->team_id, j->organization, j->person, &member) ||
        enr_cmd_text(x, "display_name", j->display_name, 0))
        return -1;
    if (member)
        return enr_cmd_fail(x, ENR_E_MEMBER, "%s (%s) is already on team %s", j->person,
                            j->organization, j->team_id);
    const char *p[5] = {j->team_id, j->organization, j->person, j->display_name, x->actor};
    if (exec(x, "enr_team_join", SQL_JOIN, 5, p) != 0)
        return -1;
    return enr_view_teams(x, j->team_id);
}

int enr_cmd_team_leave(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__TeamLeave *l = cmd->team_leave;
    int member = 0;
    if (check_membership(x, l->team_id, l->organization, l->person, &member))
        return -1;
    if (!member)
        return enr_cmd_fail(x, ENR_E_NOT_MEMBER, "%s (%s) is not on team %s", l->person,
                            l->organization, l->team_id);
    const char *p[4] = {l->team_id, l->organization, l->person, x->actor};
    if (exec(x, "enr_team_leave", SQL_LEAVE, 4, p) != 0)
        return -1;
    return enr_view_teams(x, l->team_id);
}
