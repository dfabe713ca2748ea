/* pathwaysctl's shared context and the subcommand interface. Each
 * subcommand group lives in its own cmd_<group>.c and is listed once in
 * main.c's dispatch table. */
#ifndef PATHWAYS_CTL_H
#define PATHWAYS_CTL_H

#include "pathways/config.h"
#include "pathways/db.h"

#define CTL_DEFAULT_TIMEOUT_MS 5000

/* Exit codes shared by every subcommand. */
#define CTL_OK    0
#define CTL_FAIL  1 /* the operation failed or found a problem */
#define CTL_USAGE 2 /* bad command line */

typedef struct {
    pw_config_t cfg; /* environment, with --database-url applied */
    int timeout_ms;  /* --timeout-ms: wait for a service's reply */
} ctl_t;

/* Runs a subcommand. argv[0] is the subcommand's name; options follow.
 * Returns an exit code (CTL_*). */
typedef int (*ctl_fn)(ctl_t *ctl, int argc, char **argv);

typedef struct {
    const char *name;
    const char *summary;
    ctl_fn run;
} ctl_command_t;

/* Runs the entry of table named by argv[0] ("help" or --help lists them).
 * Used by main and by groups with their own subcommands (employer, report). */
int ctl_dispatch(ctl_t *ctl, const char *group, const ctl_command_t *table, int argc, char **argv);

/* Connects to the database named by ctl->cfg.database_url. Returns NULL
 * with a message printed on stderr. Caller owns the result. */
pw_db_t *ctl_db_connect(const ctl_t *ctl);

/* 1 when argv holds -h or --help (before a "--"). */
int ctl_wants_help(int argc, char **argv);

/* The subcommands. */
int ctl_migrate(ctl_t *ctl, int argc, char **argv);
int ctl_status(ctl_t *ctl, int argc, char **argv);
int ctl_wait_idle(ctl_t *ctl, int argc, char **argv);
int ctl_employer(ctl_t *ctl, int argc, char **argv);
int ctl_report(ctl_t *ctl, int argc, char **argv);
int ctl_config(ctl_t *ctl, int argc, char **argv);
int ctl_queues(ctl_t *ctl, int argc, char **argv);
int ctl_dlq(ctl_t *ctl, int argc, char **argv);
int ctl_offsets(ctl_t *ctl, int argc, char **argv);
int ctl_program(ctl_t *ctl, int argc, char **argv);
int ctl_eligibility(ctl_t *ctl, int argc, char **argv);
int ctl_enroll(ctl_t *ctl, int argc, char **argv);
int ctl_enrollment(ctl_t *ctl, int argc, char **argv);
int ctl_import(ctl_t *ctl, int argc, char **argv);
int ctl_cohort(ctl_t *ctl, int argc, char **argv);
int ctl_team(ctl_t *ctl, int argc, char **argv);
int ctl_notifications(ctl_t *ctl, int argc, char **argv);
int ctl_preferences(ctl_t *ctl, int argc, char **argv);
int ctl_keys(ctl_t *ctl, int argc, char **argv);
int ctl_provider(ctl_t *ctl, int argc, char **argv);

#endif
