/* pathwaysctl employer add|import: registers employers with eligibility
 * (AdminRequest employer_upsert on its command endpoint). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "ctl.h"

#define MAX_PROGRAMS    16
#define DEFAULT_PROGRAM "mapp"
#define TSV_LINE_MAX    1024

typedef struct {
    const char *employer;
    const char *name;
    const char *hr_email;
    char *programs[MAX_PROGRAMS];
    size_t nprograms;
} employer_t;

/* Sends one upsert and prints the outcome. Returns CTL_OK or CTL_FAIL. */
static int upsert(const ctl_t *ctl, const employer_t *e)
{
    static char default_program[] = DEFAULT_PROGRAM;
    char *programs[MAX_PROGRAMS] = {default_program};
    char id[40];
    Pathways__V1__EmployerUpsert up = PATHWAYS__V1__EMPLOYER_UPSERT__INIT;
    up.employer = (char *)e->employer;
    up.name = (char *)e->name;
    up.hr_contact_email = (char *)(e->hr_email ? e->hr_email : "");
    up.n_programs = e->nprograms ? e->nprograms : 1;
    up.programs = e->nprograms ? (char **)e->programs : programs;
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_EMPLOYER_UPSERT;
    req.employer_upsert = &up;
    Pathways__V1__AdminReply *reply =
        ctl_admin_call(ctl, PW_SVC_ELIGIBILITY, &req, id, "pathwaysctl employer");
    if (!reply)
        return CTL_FAIL;
    int created = reply->reply_case == PATHWAYS__V1__ADMIN_REPLY__REPLY_EMPLOYER_UPSERTED &&
                  reply->employer_upserted->created;
    printf("employer %s %s\n", e->employer, created ? "created" : "updated");
    pw_free_admin_reply(&reply);
    return CTL_OK;
}

static void add_help(void)
{
    printf("usage: pathwaysctl employer add EMPLOYER --name NAME [--hr-email EMAIL]\n"
           "                                [--program P ...]\n\n"
           "Registers or updates an employer with pathways-eligibility. --program may be\n"
           "repeated (default: %s). Events for unregistered employers are rejected.\n",
           DEFAULT_PROGRAM);
}

static int employer_add(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"name", required_argument, NULL, 'n'},
        {"hr-email", required_argument, NULL, 'e'},
        {"program", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    employer_t e = {0};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            e.name = optarg;
            break;
        case 'e':
            e.hr_email = optarg;
            break;
        case 'p':
            if (e.nprograms == MAX_PROGRAMS)
                return fprintf(stderr, "employer add: at most %d programs\n", MAX_PROGRAMS),
                       CTL_USAGE;
            e.programs[e.nprograms++] = optarg;
            break;
        case 'h':
            return add_help(), CTL_OK;
        default:
            return CTL_USAGE;
        }
    }
    if (optind + 1 != argc || !e.name) {
        fprintf(stderr, "employer add: EMPLOYER and --name are required\n");
        add_help();
        return CTL_USAGE;
    }
    e.employer = argv[optind];
    return upsert(ctl, &e);
}

/* Splits a TSV line in place into up to n fields; returns the count. */
static size_t split_tsv(char *line, char **fields, size_t n)
{
    size_t k = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; k < n; k++) {
        fields[k] = p;
        p = strchr(p, '\t');
        if (!p) {
            k++;
            break;
        }
        *p++ = '\0';
    }
    return k;
}

static int employer_import(ctl_t *ctl, int argc, char **argv)
{
    if (ctl_wants_help(argc, argv) || argc != 2) {
        printf("usage: pathwaysctl employer import EMPLOYERS.tsv\n\n"
               "Registers every employer of a TSV file with the header\n"
               "employer<TAB>name<TAB>hr_email (as pathways-synth --employers-out writes\n"
               "it), each for program %s.\n",
               DEFAULT_PROGRAM);
        return argc == 2 ? CTL_OK : CTL_USAGE;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f)
        return perror(argv[1]), CTL_FAIL;
    char line[TSV_LINE_MAX], *fields[3];
    int rc = CTL_OK, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        if (++lineno == 1 && strncmp(line, "employer\t", 9) == 0)
            continue;
        size_t n = split_tsv(line, fields, 3);
        if (n < 2 || !*fields[0]) {
            fprintf(stderr, "%s:%d: expected employer<TAB>name[<TAB>hr_email]\n", argv[1], lineno);
            rc = CTL_FAIL;
            continue;
        }
        employer_t e = {
            .employer = fields[0], .name = fields[1], .hr_email = n > 2 ? fields[2] : ""};
        if (upsert(ctl, &e) != CTL_OK)
            rc = CTL_FAIL;
    }
    fclose(f);
    return rc;
}

int ctl_employer(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"add", "register or update one employer", employer_add},
        {"import", "register every employer of a TSV file", employer_import},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl employer", commands, argc - 1, argv + 1);
}
