/* pathwaysctl: the administrators' command line. Global options may appear
 * anywhere; the first other word chooses the subcommand. */
#include <czmq.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "pathways/log.h"
#include "intopt.h"

static const ctl_command_t COMMANDS[] = {
    {"migrate", "apply the pending database migrations of every component", ctl_migrate},
    {"status", "stream heads, consumer offsets, lag and dead letters", ctl_status},
    {"wait-idle", "wait until every expected consumer has caught up", ctl_wait_idle},
    {"employer", "register employers (employer add)", ctl_employer},
    {"report", "reports from pathways-reporting (report summary)", ctl_report},
    {"config", "every environment variable with its default", ctl_config},
    {"notifications", "notifications by state; show, retry, cancel", ctl_notifications},
    {"preferences", "a person's notification opt-out, channels, language", ctl_preferences},
    {"queues", "queue status per stream and consumer (ok/stalled/stopped)", ctl_queues},
    {"dlq", "dead letters: list, show, replay, purge", ctl_dlq},
    {"offsets", "move a consumer's offset (offsets reset, dry run first)", ctl_offsets},
    {"program", "programs (program list|load FILE [--dry-run]|show|open|pause|close)", ctl_program},
    {"eligibility", "determinations (eligibility explain EMPLOYER EMPLOYEE)", ctl_eligibility},
    {"enroll", "move one enrollment (apply, admit, withdraw, start ... place)", ctl_enroll},
    {"enrollment", "enrollment history EMPLOYER EMPLOYEE; enrollment list", ctl_enrollment},
    {"import", "past enrollments from CSV (import enrollments FILE.csv)", ctl_import},
    {"cohort", "training cohorts (create, update, list, show)", ctl_cohort},
    {"team", "action teams (list, join, leave, org-add)", ctl_team},
    {"keys", "CURVE keys: generate, register, list, revoke, rotate", ctl_keys},
    {"provider", "training providers: roster of a cohort (with the provider's key)", ctl_provider},
    {NULL, NULL, NULL},
};

static void usage(FILE *f, const char *group, const ctl_command_t *table)
{
    fprintf(f, "usage: %s [--database-url URL] [--timeout-ms MS] COMMAND [options]\n\n", group);
    for (const ctl_command_t *c = table; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    fprintf(f,
            "\nGlobal options (anywhere on the line):\n"
            "  --database-url URL  overrides PATHWAYS_DATABASE_URL\n"
            "  --timeout-ms MS     wait for a service's reply (default %d)\n"
            "Run '%s COMMAND --help' for a command's options.\n",
            CTL_DEFAULT_TIMEOUT_MS, group);
}

int ctl_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

int ctl_dispatch(ctl_t *ctl, const char *group, const ctl_command_t *table, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 ||
        strcmp(argv[0], "-h") == 0) {
        usage(argc < 1 ? stderr : stdout, group, table);
        return argc < 1 ? CTL_USAGE : CTL_OK;
    }
    for (const ctl_command_t *c = table; c->name; c++)
        if (strcmp(c->name, argv[0]) == 0)
            return c->run(ctl, argc, argv);
    fprintf(stderr, "%s: unknown command '%s'\n", group, argv[0]);
    usage(stderr, group, table);
    return CTL_USAGE;
}

/* Server NOTICEs ("schema already exists, skipping") are not for people
 * running the tool. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

pw_db_t *ctl_db_connect(const ctl_t *ctl)
{
    pw_db_t *db = pw_db_new(ctl->cfg.database_url);
    if (!db) {
        fprintf(stderr, "pathwaysctl: out of memory\n");
        return NULL;
    }
    if (pw_db_ensure(db) != 0) {
        fprintf(stderr, "pathwaysctl: cannot connect to the database (PATHWAYS_DATABASE_URL): %s\n",
                pw_db_error(db));
        pw_db_destroy(&db);
        return NULL;
    }
    PQsetNoticeProcessor(pw_db_conn(db), ignore_notice, NULL);
    return db;
}

/* Takes the value of a global option ("--name VALUE" or "--name=VALUE")
 * at argv[*i]; returns it (advancing *i) or NULL when argv[*i] is not it. */
static const char *global_value(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

/* Removes the global options from argv (anywhere before "--"), applying
 * them to ctl. Returns the remaining count, or -1 on a usage error. */
static int take_globals(ctl_t *ctl, int argc, char **argv)
{
    int out = 0, missing = 0, i;
    for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *v;
        if ((v = global_value(argc, argv, &i, "--database-url", &missing))) {
            snprintf(ctl->cfg.database_url, sizeof ctl->cfg.database_url, "%s", v);
        } else if ((v = global_value(argc, argv, &i, "--timeout-ms", &missing))) {
            if (pwt_int_option("pathwaysctl", "--timeout-ms", v, 1, 3600000, &ctl->timeout_ms) != 0)
                return -1;
        } else if (missing) {
            fprintf(stderr, "pathwaysctl: %s needs a value\n", argv[i]);
            return -1;
        } else {
            argv[out++] = argv[i];
        }
    }
    while (i < argc)
        argv[out++] = argv[i++];
    argv[out] = NULL;
    return out;
}

int main(int argc, char **argv)
{
    ctl_t ctl = {.timeout_ms = CTL_DEFAULT_TIMEOUT_MS};
    char err[256];
    /* The tool prints its own sentences; library logs only when it matters. */
    pw_log_init("pathwaysctl", PW_LOG_WARN);
    zsys_handler_set(NULL); /* let Ctrl-C stop the tool */
    if (pw_config_load(&ctl.cfg, err, sizeof err) != 0) {
        fprintf(stderr, "pathwaysctl: configuration: %s\n", err);
        return CTL_USAGE;
    }
    int n = take_globals(&ctl, argc - 1, argv + 1);
    if (n < 0)
        return CTL_USAGE;
    return ctl_dispatch(&ctl, "pathwaysctl", COMMANDS, n, argv + 1);
}
