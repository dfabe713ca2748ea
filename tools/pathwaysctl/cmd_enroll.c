/* pathwaysctl enroll ...: one participant's enrollment through
 * pathways-enrollment's command endpoint (apply, admit to a cohort or its
 * waitlist, withdraw/exit, start/complete/certify/place, clear a review
 * flag), and `pathwaysctl enrollment history|list`. */
#include <czmq.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "enrollment_client.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;

#define COMMON "key,actor,program,json"
#define USAGE_TAIL                                                                                 \
    "Common options: --program P (default mapp), --key K (idempotency key; a repeat with\n"        \
    "the same key returns the first result), --actor A (default $PATHWAYS_ACTOR; with\n"           \
    "CURVE the service records your key and A beside it, \"A via key:ID\"), --json.\n"             \
    "apply and admit take --from FILE ('-': stdin) instead of EMPLOYER EMPLOYEE: one\n"            \
    "\"EMPLOYER EMPLOYEE\" per line (blank lines and # comments skipped); with --key K each\n"     \
    "line's key is K/EMPLOYER/EMPLOYEE, so the same list can be sent again safely.\n"

static Pathways__V1__EnrollmentRef *ref_of(Pathways__V1__EnrollmentRef *r, const ctl_enr_opts_t *o)
{
    pathways__v1__enrollment_ref__init(r);
    r->employer = o->pos[0];
    r->employee = o->pos[1];
    r->program = (char *)(o->program ? o->program : "");
    return r;
}

/* One `enroll` verb: its options, usage and how it fills the command. */
typedef struct {
    const char *verb;
    const char *allowed;
    const char *usage;
    void (*fill)(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                 void *storage);
    int to_state; /* progress verbs */
} verb_t;

typedef union {
    Pathways__V1__ApplyCommand apply;
    Pathways__V1__EnrollCommand enroll;
    Pathways__V1__WithdrawCommand withdraw;
    Pathways__V1__ProgressCommand progress;
    Pathways__V1__ReviewClearCommand clear;
} storage_t;

static void fill_apply(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                       void *storage)
{
    Pathways__V1__ApplyCommand *a = storage;
    pathways__v1__apply_command__init(a);
    a->ref = ref_of(ref, o);
    cmd->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_APPLY;
    cmd->apply = a;
}

static void fill_admit(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                       void *storage)
{
    Pathways__V1__EnrollCommand *e = storage;
    pathways__v1__enroll_command__init(e);
    e->ref = ref_of(ref, o);
    e->cohort_id = (char *)(o->cohort ? o->cohort : "");
    e->waitlist_if_full = o->waitlist;
    cmd->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ENROLL;
    cmd->enroll = e;
}

static void fill_leave(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                       void *storage, int exit)
{
    Pathways__V1__WithdrawCommand *w = storage;
    pathways__v1__withdraw_command__init(w);
    w->ref = ref_of(ref, o);
    w->reason_code = (char *)(o->reason_code ? o->reason_code : "");
    w->reason = (char *)(o->reason ? o->reason : "");
    w->effective_date = (char *)(o->date ? o->date : "");
    w->exit = exit;
    cmd->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_WITHDRAW;
    cmd->withdraw = w;
}

static void fill_withdraw(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                          void *storage)
{
    fill_leave(cmd, o, ref, storage, 0);
}

static void fill_exit(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                      void *storage)
{
    fill_leave(cmd, o, ref, storage, 1);
}

static void fill_progress(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                          void *storage)
{
    Pathways__V1__ProgressCommand *p = storage;
    pathways__v1__progress_command__init(p);
    p->ref = ref_of(ref, o);
    p->credential = (char *)(o->credential ? o->credential : "");
    p->new_role = (char *)(o->role ? o->role : "");
    p->effective_date = (char *)(o->date ? o->date : "");
    p->reason = (char *)(o->reason ? o->reason : "");
    cmd->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_PROGRESS;
    cmd->progress = p;
}

static void fill_clear_flag(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                            void *storage, int at_risk)
{
    Pathways__V1__ReviewClearCommand *c = storage;
    pathways__v1__review_clear_command__init(c);
    c->ref = ref_of(ref, o);
    c->reason = (char *)(o->reason ? o->reason : "");
    c->at_risk = at_risk;
    cmd->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_REVIEW_CLEAR;
    cmd->review_clear = c;
}

static void fill_clear(cmd_t *cmd, const ctl_enr_opts_t *o, Pathways__V1__EnrollmentRef *ref,
                       void *storage)
{
    fill_clear_flag(cmd, o, ref, storage, 0);
}

static void fill_clear_at_risk(cmd_t *cmd, const ctl_enr_opts_t *o,
                               Pathways__V1__EnrollmentRef *ref, void *storage)
{
    fill_clear_flag(cmd, o, ref, storage, 1);
}

#define ST(x) PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_##x

static const verb_t VERBS[] = {
    {"apply", COMMON ",from",
     "apply EMPLOYER EMPLOYEE | --from FILE: invited -> applied (eligibility checked)", fill_apply,
     0},
    {"admit", COMMON ",cohort,waitlist,from",
     "admit EMPLOYER EMPLOYEE | --from FILE --cohort C [--waitlist]: applied -> enrolled, or\n"
     "  waitlisted"
     " when the cohort is full and --waitlist is given",
     fill_admit, 0},
    {"withdraw", COMMON ",reason-code,reason,date",
     "withdraw EMPLOYER EMPLOYEE --reason-code CODE [--reason TEXT] [--date D]", fill_withdraw, 0},
    {"exit", COMMON ",reason-code,reason,date",
     "exit EMPLOYER EMPLOYEE --reason-code CODE [--reason TEXT] [--date D]", fill_exit, 0},
    {"start", COMMON ",reason,date",
     "start EMPLOYER EMPLOYEE [--date D]: enrolled -> in_training (cohort in progress)",
     fill_progress, ST(IN_TRAINING)},
    {"complete", COMMON ",reason,date", "complete EMPLOYER EMPLOYEE [--date D]", fill_progress,
     ST(COMPLETED)},
    {"certify", COMMON ",reason,date,credential",
     "certify EMPLOYER EMPLOYEE --credential CCMA [--date D]", fill_progress, ST(CERTIFIED)},
    {"place", COMMON ",reason,date,role", "place EMPLOYER EMPLOYEE --role ROLE [--date D]",
     fill_progress, ST(PLACED)},
    {"clear-review", COMMON ",reason", "clear-review EMPLOYER EMPLOYEE [--reason TEXT]", fill_clear,
     0},
    {"clear-at-risk", COMMON ",reason",
     "clear-at-risk EMPLOYER EMPLOYEE [--reason TEXT]: clears the at-risk flag a provider's\n"
     "  progress raised (the program's rule may raise it again on a later event)",
     fill_clear_at_risk, 0},
};
#define N_VERBS (sizeof VERBS / sizeof VERBS[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: pathwaysctl enroll VERB EMPLOYER EMPLOYEE [options]\n\n");
    for (size_t i = 0; i < N_VERBS; i++)
        fprintf(f, "  %s\n", VERBS[i].usage);
    fprintf(f, "\n" USAGE_TAIL);
}

/* Sends one command for verb v and options o (o->pos names the person). */
static int run_verb(const ctl_t *ctl, const verb_t *v, const ctl_enr_opts_t *o)
{
    cmd_t cmd = PATHWAYS__V1__ENROLLMENT_COMMAND__INIT;
    Pathways__V1__EnrollmentRef ref;
    storage_t storage;
    v->fill(&cmd, o, &ref, &storage);
    if (v->to_state)
        cmd.progress->to_state = (Pathways__V1__EnrollmentState)v->to_state;
    return ctl_enr_call(ctl, &cmd, o, "pathwaysctl enroll");
}

#define LIST_LINE_MAX 1024

/* --from: verb v for every "EMPLOYER EMPLOYEE" line of the list. Each
 * line is its own command (its own result or refusal); the exit status is
 * CTL_FAIL when any line failed. */
static int run_list(const ctl_t *ctl, const verb_t *v, const ctl_enr_opts_t *opts)
{
    int stdin_list = strcmp(opts->from, "-") == 0;
    FILE *f = stdin_list ? stdin : fopen(opts->from, "r");
    if (!f) {
        fprintf(stderr, "pathwaysctl enroll %s: cannot read %s: %s\n", v->verb, opts->from,
                strerror(errno));
        return CTL_FAIL;
    }
    char line[LIST_LINE_MAX], key[3 * LIST_LINE_MAX];
    int lineno = 0, done = 0, failed = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *save = NULL, *employer = strtok_r(line, " \t,\r\n", &save);
        if (!employer || *employer == '#')
            continue;
        char *employee = strtok_r(NULL, " \t,\r\n", &save);
        char *extra = strtok_r(NULL, " \t,\r\n", &save);
        if (!employee || (extra && *extra != '#')) {
            fprintf(stderr, "pathwaysctl enroll %s: %s line %d: expected EMPLOYER EMPLOYEE\n",
                    v->verb, opts->from, lineno);
            failed++;
            continue;
        }
        ctl_enr_opts_t o = *opts;
        o.pos[0] = employer;
        o.pos[1] = employee;
        o.npos = 2;
        if (o.key != opts->key_buf) { /* --key K: K/EMPLOYER/EMPLOYEE */
            snprintf(key, sizeof key, "%s/%s/%s", opts->key, employer, employee);
            o.key = key;
        } else {
            zuuid_t *u = zuuid_new();
            snprintf(o.key_buf, sizeof o.key_buf, "%s", u ? zuuid_str_canonical(u) : "");
            zuuid_destroy(&u);
            o.key = o.key_buf;
        }
        if (run_verb(ctl, v, &o) == CTL_OK)
            done++;
        else
            failed++;
    }
    int read_error = ferror(f);
    if (!stdin_list)
        fclose(f);
    fprintf(stderr, "pathwaysctl enroll %s: %d done, %d failed%s\n", v->verb, done, failed,
            read_error ? " (the list could not be read to its end)" : "");
    return failed || read_error ? CTL_FAIL : CTL_OK;
}

int ctl_enroll(ctl_t *ctl, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CTL_USAGE : CTL_OK;
    }
    for (size_t i = 0; i < N_VERBS; i++) {
        if (strcmp(VERBS[i].verb, argv[1]) != 0)
            continue;
        char help[1024];
        snprintf(help, sizeof help, "usage: pathwaysctl enroll %s\n" USAGE_TAIL, VERBS[i].usage);
        ctl_enr_opts_t o;
        int rc = ctl_enr_parse(argc - 1, argv + 1, VERBS[i].allowed, 2, help, &o);
        if (rc != 0)
            return ctl_wants_help(argc, argv) ? CTL_OK : rc;
        if (o.from && o.npos) {
            fprintf(stderr, "pathwaysctl enroll %s: EMPLOYER EMPLOYEE or --from, not both\n",
                    VERBS[i].verb);
            return CTL_USAGE;
        }
        return o.from ? run_list(ctl, &VERBS[i], &o) : run_verb(ctl, &VERBS[i], &o);
    }
    fprintf(stderr, "pathwaysctl enroll: unknown verb '%s'\n", argv[1]);
    usage(stderr);
    return CTL_USAGE;
}

/* ---- pathwaysctl enrollment history|list ---- */

static int enrollment_history(ctl_t *ctl, int argc, char **argv)
{
    const char *help = "usage: pathwaysctl enrollment history EMPLOYER EMPLOYEE [--program P] "
                       "[--json]\n\nEvery transition and review flag with time, actor, reason, "
                       "cause and the facts used.\n";
    ctl_enr_opts_t o;
    int rc = ctl_enr_parse(argc, argv, "program,json", 2, help, &o);
    if (rc != 0)
        return ctl_wants_help(argc, argv) ? CTL_OK : rc;
    Pathways__V1__HistoryQuery q = PATHWAYS__V1__HISTORY_QUERY__INIT;
    q.employer = o.pos[0];
    q.employee = o.pos[1];
    q.program = (char *)(o.program ? o.program : "");
    cmd_t cmd = PATHWAYS__V1__ENROLLMENT_COMMAND__INIT;
    cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_HISTORY;
    cmd.history = &q;
    return ctl_enr_call(ctl, &cmd, &o, "pathwaysctl enrollment history");
}

static int enrollment_list(ctl_t *ctl, int argc, char **argv)
{
    const char *help = "usage: pathwaysctl enrollment list [--employer E] [--employee ID] "
                       "[--cohort C] [--program P] [--json]\n";
    ctl_enr_opts_t o;
    int rc = ctl_enr_parse(argc, argv, "employer,employee,cohort,program,json", 0, help, &o);
    if (rc != 0)
        return ctl_wants_help(argc, argv) ? CTL_OK : rc;
    Pathways__V1__EnrollmentQuery q = PATHWAYS__V1__ENROLLMENT_QUERY__INIT;
    q.employer = (char *)(o.employer ? o.employer : "");
    q.employee = (char *)(o.employee ? o.employee : "");
    q.cohort_id = (char *)(o.cohort ? o.cohort : "");
    q.program = (char *)(o.program ? o.program : "");
    cmd_t cmd = PATHWAYS__V1__ENROLLMENT_COMMAND__INIT;
    cmd.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_LIST_ENROLLMENTS;
    cmd.list_enrollments = &q;
    return ctl_enr_call(ctl, &cmd, &o, "pathwaysctl enrollment list");
}

int ctl_enrollment(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"history", "audit of one employee's enrollment", enrollment_history},
        {"list", "enrollments by employer, employee, cohort or program", enrollment_list},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl enrollment", commands, argc - 1, argv + 1);
}
