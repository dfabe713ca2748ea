/* pathwaysctl program list|load|show|open|pause|close: the programs of a
 * deployment. `load` sends a file's text to pathways-eligibility
 * (ProgramLoad on its command endpoint), which parses, checks, stores a new
 * rule version and re-evaluates the employees it can affect (or, with
 * --dry-run, only counts what would change); a file naming a new program
 * adds it. `open|pause|close` set a program's intake (AdminRequest
 * program_intake). `list` and `show` read the eligibility schema
 * (read-only). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "ctl.h"
#include "json_out.h"
#include "queues.h"
#include "pathways/codec.h"
#include "client.h"

/* Re-evaluating a large registry takes a while: at least this long. */
#define LOAD_TIMEOUT_MIN_MS 300000
#define PROGRAM_FILE_MAX    (256L * 1024L)
#define DEFAULT_PROGRAM     "mapp"

/* Reads a whole file (caller frees). NULL with a message on failure. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return perror(path), NULL;
    char *text = malloc(PROGRAM_FILE_MAX + 2);
    size_t n = text ? fread(text, 1, PROGRAM_FILE_MAX + 1, f) : 0;
    int bad = !text || ferror(f) || n > PROGRAM_FILE_MAX;
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: unreadable or larger than %ld bytes\n", path, PROGRAM_FILE_MAX);
        free(text);
        return NULL;
    }
    text[n] = '\0';
    if (strlen(text) != n) {
        fprintf(stderr, "%s: holds a NUL byte; a program file is text\n", path);
        free(text);
        return NULL;
    }
    return text;
}

static const char *outcome_word(int o)
{
    static const char *const WORDS[] = {"(none)", "eligible", "not eligible", "needs review"};
    return o >= 0 && o < 4 ? WORDS[o] : "?";
}

static void print_result(const char *path, const Pathways__V1__ProgramLoadResult *r)
{
    if (r->unchanged) {
        printf("%s: program %s is already at version %u with this text; nothing to do\n", path,
               r->program, r->version);
        return;
    }
    if (r->dry_run)
        printf("dry run: %s would become program %s version %u: %llu of %llu determinations"
               " would change; nothing was written\n",
               path, r->program, r->version, (unsigned long long)r->changed,
               (unsigned long long)r->evaluated);
    else
        printf("%s: program %s version %u is active: %llu employees re-evaluated, %llu"
               " determinations changed\n",
               path, r->program, r->version, (unsigned long long)r->evaluated,
               (unsigned long long)r->changed);
    for (size_t i = 0; i < r->n_changes; i++) {
        const Pathways__V1__OutcomeChange *c = r->changes[i];
        printf("  %-24s %-13s -> %-13s %llu\n", c->employer, outcome_word(c->from_outcome),
               outcome_word(c->to_outcome), (unsigned long long)c->count);
    }
}

static int send_load(const ctl_t *ctl, const char *path, const char *text, int dry_run)
{
    char endpoint[PW_ENDPOINT_MAX], err[1024], id[40];
    uint8_t *bytes = NULL;
    size_t len = 0;
    const char *base = strrchr(path, '/');
    Pathways__V1__ProgramLoad req = PATHWAYS__V1__PROGRAM_LOAD__INIT;
    snprintf(id, sizeof id, "load-%ld", (long)getpid());
    req.request_id = id;
    req.source_name = (char *)(base ? base + 1 : path);
    req.yaml = (char *)text;
    req.dry_run = dry_run;
    req.actor = (char *)ctl_actor();
    pw_config_endpoint(&ctl->cfg, PW_SVC_ELIGIBILITY, PW_PORT_COMMAND, 0, endpoint,
                       sizeof endpoint);
    int timeout = ctl->timeout_ms > LOAD_TIMEOUT_MIN_MS ? ctl->timeout_ms : LOAD_TIMEOUT_MIN_MS;
    if (pwt_request("eligibility", endpoint, &req.base, "pathways.v1.ProgramLoadResult", timeout,
                    &bytes, &len, err, sizeof err) < 0) {
        fprintf(stderr, "program load: %s\n", err);
        return CTL_FAIL;
    }
    Pathways__V1__ProgramLoadResult *r = (Pathways__V1__ProgramLoadResult *)pw_msg_decode(
        &pathways__v1__program_load_result__descriptor, bytes, len, 0);
    free(bytes);
    if (!r) {
        fprintf(stderr, "program load: eligibility sent an undecodable reply\n");
        return CTL_FAIL;
    }
    int rc = CTL_OK;
    if (*r->error_code) {
        /* invalid_program errors already read "file:line: reason". */
        int invalid = strcmp(r->error_code, "invalid_program") == 0;
        fprintf(stderr, "program load: %s%s%s\n", invalid ? "" : r->error_code, invalid ? "" : ": ",
                r->error);
        if (invalid)
            fprintf(stderr, "program load: nothing was stored; the active version is unchanged\n");
        rc = CTL_FAIL;
    } else {
        print_result(path, r);
    }
    pw_msg_free((ProtobufCMessage **)&r);
    return rc;
}

static int program_load(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dry-run", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int dry_run = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'n')
            dry_run = 1;
        else if (c == 'h')
            return printf("usage: pathwaysctl program load FILE [--dry-run]\n\n"
                          "Loads a program definition (YAML, e.g. deploy/programs/mapp.yaml)\n"
                          "into pathways-eligibility as a new rule version and re-evaluates\n"
                          "every employee; only changed determinations are emitted. With\n"
                          "--dry-run, prints how many would change, per employer and direction,\n"
                          "without writing anything.\n"),
                   CTL_OK;
        else
            return CTL_USAGE;
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "program load: FILE is required\n");
        return CTL_USAGE;
    }
    char *text = read_file(argv[optind]);
    if (!text)
        return CTL_FAIL;
    int rc = send_load(ctl, argv[optind], text, dry_run);
    free(text);
    return rc;
}

static const char VERSIONS_SQL[] =
    "SELECT version, name, source_name, actor, evaluated, changed,"
    " to_char(loaded_at, 'YYYY-MM-DD HH24:MI:SS') AS loaded_at"
    " FROM eligibility.program_version WHERE program = $1 ORDER BY version";

static const char SOURCE_SQL[] =
    "SELECT version, source FROM eligibility.program_version WHERE program = $1"
    " AND ($2 = '' OR version = $2::int) ORDER BY version DESC LIMIT 1";

/* --json: {"program", "versions": [...], "shown": {"version", "source"}}. */
static int show_json(pw_db_t *db, const char *program, const char *version, PGresult *versions)
{
    static const char *const cols[] = {"version",   "name",    "source_name", "actor",
                                       "evaluated", "changed", "loaded_at",   NULL};
    const char *params[2] = {program, version};
    PGresult *res = pw_db_query(db, SOURCE_SQL, 2, params);
    if (!res)
        return fprintf(stderr, "program show: %s\n", pw_db_error(db)), CTL_FAIL;
    static const char *const shown[] = {"version", "source", NULL};
    ctl_json_print(json_pack("{s:s, s:o, s:o}", "program", program, "versions",
                             ctl_json_rows(versions, cols), "shown",
                             PQntuples(res) == 1 ? ctl_json_row(res, 0, shown) : json_null()));
    int rc = PQntuples(res) == 1 || PQntuples(versions) == 0 ? CTL_OK : CTL_FAIL;
    PQclear(res);
    return rc;
}

static int show_versions(pw_db_t *db, const char *program, const char *version, int json)
{
    const char *params[2] = {program, version};
    PGresult *res = pw_db_query(db, VERSIONS_SQL, 1, params);
    if (!res)
        return fprintf(stderr, "program show: %s\n", pw_db_error(db)), CTL_FAIL;
    if (json) {
        int rc = show_json(db, program, version, res);
        PQclear(res);
        return rc;
    }
    int n = PQntuples(res);
    if (n == 0) {
        PQclear(res);
        printf("program %s: no version loaded; the built-in foundation rules (version 1)"
               " apply\n",
               program);
        return CTL_OK;
    }
    printf("program %s: %s\n", program, pw_db_get(res, n - 1, "name"));
    printf("  %-7s %-19s %-22s %-12s %10s %8s\n", "version", "loaded at", "file", "by", "evaluated",
           "changed");
    for (int i = 0; i < n; i++)
        printf("  %-7s %-19s %-22s %-12s %10s %8s%s\n", pw_db_get(res, i, "version"),
               pw_db_get(res, i, "loaded_at"), pw_db_get(res, i, "source_name"),
               pw_db_get(res, i, "actor"), pw_db_get(res, i, "evaluated"),
               pw_db_get(res, i, "changed"), i == n - 1 ? "  (active)" : "");
    PQclear(res);
    res = pw_db_query(db, SOURCE_SQL, 2, params);
    if (!res)
        return fprintf(stderr, "program show: %s\n", pw_db_error(db)), CTL_FAIL;
    if (PQntuples(res) == 1)
        printf("\n--- version %s ---\n%s", pw_db_get(res, 0, "version"),
               pw_db_get(res, 0, "source"));
    else
        fprintf(stderr, "program show: no version %s\n", version);
    int rc = PQntuples(res) == 1 ? CTL_OK : CTL_FAIL;
    PQclear(res);
    return rc;
}

static int program_show(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"version", required_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *version = "";
    int c, json = ctl_take_json(&argc, argv);
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'v' && strspn(optarg, "0123456789") == strlen(optarg) && *optarg)
            version = optarg;
        else if (c == 'h')
            return printf("usage: pathwaysctl program show [PROGRAM] [--version N] [--json]\n\n"
                          "Lists the stored rule versions of PROGRAM (default %s) and prints\n"
                          "the text of the active one (or of version N).\n",
                          DEFAULT_PROGRAM),
                   CTL_OK;
        else
            return CTL_USAGE;
    }
    if (optind + 1 < argc)
        return CTL_USAGE;
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    int rc = show_versions(db, optind < argc ? argv[optind] : DEFAULT_PROGRAM, version, json);
    pw_db_destroy(&db);
    return rc;
}

static const char LIST_SQL[] =
    "SELECT p.program, p.name, p.intake, coalesce(v.version, 1) AS version,"
    " (SELECT count(*) FROM eligibility.current_determination d"
    "  WHERE d.program = p.program AND d.outcome = 'eligible') AS eligible"
    " FROM eligibility.program p LEFT JOIN (SELECT program, max(version) AS version"
    " FROM eligibility.program_version GROUP BY program) v USING (program)"
    " ORDER BY p.program";

static int program_list(ctl_t *ctl, int argc, char **argv)
{
    if (ctl_wants_help(argc, argv) || argc != 1) {
        printf("usage: pathwaysctl program list\n\n"
               "Lists the programs of the deployment: id, intake, active rule version,\n"
               "employees eligible now, name.\n");
        return argc == 1 ? CTL_OK : CTL_USAGE;
    }
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    PGresult *res = pw_db_query(db, LIST_SQL, 0, NULL);
    int rc = res ? CTL_OK : CTL_FAIL;
    if (!res)
        fprintf(stderr, "program list: %s\n", pw_db_error(db));
    else
        printf("%-16s %-7s %7s %9s  %s\n", "program", "intake", "version", "eligible", "name");
    for (int i = 0; res && i < PQntuples(res); i++)
        printf("%-16s %-7s %7s %9s  %s\n", pw_db_get(res, i, "program"),
               pw_db_get(res, i, "intake"), pw_db_get(res, i, "version"),
               pw_db_get(res, i, "eligible"), pw_db_get(res, i, "name"));
    PQclear(res);
    pw_db_destroy(&db);
    return rc;
}

/* open|pause|close PROGRAM */
static int set_intake(ctl_t *ctl, int argc, char **argv, const char *intake)
{
    if (ctl_wants_help(argc, argv) || argc != 2) {
        printf("usage: pathwaysctl program %s PROGRAM\n\n"
               "open: invite the newly eligible (opened again after a pause or close, the\n"
               "employees eligible now who are not in the program are invited too); pause:\n"
               "invite no one for now; close: take no one new for good (current cohorts\n"
               "finish). Determinations go on in every case.\n",
               argv[0]);
        return argc == 2 ? CTL_OK : CTL_USAGE;
    }
    char id[40];
    Pathways__V1__ProgramIntake in = PATHWAYS__V1__PROGRAM_INTAKE__INIT;
    in.program = argv[1];
    in.intake = (char *)intake;
    in.actor = getenv("USER") ? getenv("USER") : "pathwaysctl";
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_PROGRAM_INTAKE;
    req.program_intake = &in;
    Pathways__V1__AdminReply *reply =
        ctl_admin_call(ctl, PW_SVC_ELIGIBILITY, &req, id, "pathwaysctl program");
    if (!reply)
        return CTL_FAIL;
    const Pathways__V1__ProgramIntake *done =
        reply->reply_case == PATHWAYS__V1__ADMIN_REPLY__REPLY_PROGRAM_INTAKE ? reply->program_intake
                                                                             : NULL;
    printf("program %s: intake %s\n", argv[1], done ? done->intake : intake);
    if (done && done->announced)
        printf("%" PRIu64 " eligible employees announced again: enrollment invites those not yet"
               " in the program\n",
               done->announced);
    pw_free_admin_reply(&reply);
    return CTL_OK;
}

static int program_open(ctl_t *ctl, int argc, char **argv)
{
    return set_intake(ctl, argc, argv, "open");
}

static int program_pause(ctl_t *ctl, int argc, char **argv)
{
    return set_intake(ctl, argc, argv, "paused");
}

static int program_close(ctl_t *ctl, int argc, char **argv)
{
    return set_intake(ctl, argc, argv, "closed");
}

int ctl_program(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"list", "list the programs: intake, active version, eligible now", program_list},
        {"load", "load a program file as a new rule version (--dry-run: count only)", program_load},
        {"show", "list a program's rule versions and print the active one", program_show},
        {"open", "open a program's intake (invite the newly eligible)", program_open},
        {"pause", "pause a program's intake (invite no one for now)", program_pause},
        {"close", "close a program's intake for good (current cohorts finish)", program_close},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl program", commands, argc - 1, argv + 1);
}
