/* pathways-synth: generates a synthetic regional healthcare workforce as a
 * partner event feed (JSON lines), its employer list, and the summary the
 * pipeline must report once the feed has been applied. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "history.h"
#include "pathways/date.h"
#include "workforce.h"
#include "intopt.h"

#define DEFAULT_EMPLOYERS 4
#define DEFAULT_EMPLOYEES 3000
#define MAX_EMPLOYERS     999
#define MAX_EMPLOYEES     10000000
#define MAX_HISTORY_YEARS 30

typedef struct {
    sy_params_t params;
    const char *out;
    const char *employers_out;
    const char *expect;
    const char *oracle_out;
    const char *enrollments_out;
    const char *history_out;
    const char *cohorts_out;
} options_t;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: pathways-synth [--employers N] [--employees N] [--seed S]\n"
            "                      [--today YYYY-MM-DD] [--out EVENTS.jsonl]\n"
            "                      [--employers-out EMPLOYERS.tsv] [--expect EXPECTED.json]\n"
            "\n"
            "  --employers N       employers (default %d), ids emp-001...\n"
            "  --employees N       employees in total (default %d)\n"
            "  --seed S            PRNG seed (default 1); same seed, same feed\n"
            "  --today DATE        last effective date and the rules' as-of date\n"
            "                      (default: PATHWAYS_TODAY, else today UTC)\n"
            "  --out FILE          events, one JSON object a line (default stdout)\n"
            "  --employers-out F   employer<TAB>name<TAB>hr_email with a header\n"
            "  --expect FILE       the summary the pipeline must report (JSON)\n"
            "  --oracle-out FILE   the oracle's verdict per employee (TSV), to find\n"
            "                      where the pipeline and the oracle part\n"
            "  --enrollments-out F the program history by design (TSV): first eligibility\n"
            "                      and MAPP transitions; participants separate less often\n"
            "  --step DAYS         replay grid: every date falls on today - k*DAYS (DAYS\n"
            "                      divides %d), for a run that steps its clock through it;\n"
            "                      --expect then also holds outcomes, retention and cost\n"
            "  --history-years N   hires go back N years (default 6)\n"
            "  --history-out F.csv past cohorts' rows for `pathwaysctl import enrollments`\n"
            "  --cohorts-out F.tsv the cohorts they name: cohort, start, end, capacity\n",
            DEFAULT_EMPLOYERS, DEFAULT_EMPLOYEES, SY_TENURE_MIN_DAYS);
}

/* Returns 0, 1 for --help, or 2 on a usage error (message printed). */
static int parse_options(int argc, char **argv, options_t *o)
{
    static const struct option longopts[] = {
        {"employers", required_argument, NULL, 'E'},
        {"employees", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"today", required_argument, NULL, 't'},
        {"out", required_argument, NULL, 'o'},
        {"employers-out", required_argument, NULL, 'r'},
        {"expect", required_argument, NULL, 'x'},
        {"oracle-out", required_argument, NULL, 'O'},
        {"enrollments-out", required_argument, NULL, 'N'},
        {"step", required_argument, NULL, 'S'},
        {"history-years", required_argument, NULL, 'Y'},
        {"history-out", required_argument, NULL, 'H'},
        {"cohorts-out", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t v;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'E':
            if (pwt_parse_u64(optarg, 0, MAX_EMPLOYERS, &v) < 0 || v == 0)
                return fprintf(stderr, "--employers: 1..%d expected\n", MAX_EMPLOYERS), 2;
            o->params.employers = (size_t)v;
            break;
        case 'n':
            if (pwt_parse_u64(optarg, 0, MAX_EMPLOYEES, &v) < 0)
                return fprintf(stderr, "--employees: 0..%d expected\n", MAX_EMPLOYEES), 2;
            o->params.employees = (size_t)v;
            break;
        case 's':
            if (pwt_parse_u64(optarg, 0, UINT64_MAX, &v) < 0)
                return fprintf(stderr, "--seed: a non-negative integer expected\n"), 2;
            o->params.seed = v;
            break;
        case 't':
            if (pw_date_parse(optarg, &o->params.today) < 0)
                return fprintf(stderr, "--today: YYYY-MM-DD expected, got '%s'\n", optarg), 2;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'r':
            o->employers_out = optarg;
            break;
        case 'x':
            o->expect = optarg;
            break;
        case 'O':
            o->oracle_out = optarg;
            break;
        case 'N':
            o->enrollments_out = optarg;
            break;
        case 'S':
            if (pwt_parse_u64(optarg, 0, SY_TENURE_MIN_DAYS, &v) < 0 || v == 0 ||
                SY_TENURE_MIN_DAYS % v != 0)
                return fprintf(stderr, "--step: a divisor of %d expected\n", SY_TENURE_MIN_DAYS), 2;
            o->params.step = (int32_t)v;
            break;
        case 'Y':
            if (pwt_parse_u64(optarg, 0, MAX_HISTORY_YEARS, &v) < 0 || v == 0)
                return fprintf(stderr, "--history-years: 1..%d expected\n", MAX_HISTORY_YEARS), 2;
            o->params.history_days = (int32_t)v * 365;
            break;
        case 'H':
            o->history_out = optarg;
            o->params.imported = 1;
            break;
        case 'C':
            o->cohorts_out = optarg;
            break;
        case 'h':
            return 1;
        default:
            return 2;
        }
    }
    if (optind < argc)
        return fprintf(stderr, "unexpected argument '%s'\n", argv[optind]), 2;
    return 0;
}

/* Opens path for writing ("-" or NULL: stdout), writes, closes. */
static int write_file(const char *path, int (*writer)(const void *ctx, FILE *f), const void *ctx)
{
    FILE *f = (!path || strcmp(path, "-") == 0) ? stdout : fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = writer(ctx, f);
    if (f == stdout)
        rc = fflush(f) == 0 ? rc : -1;
    else if (fclose(f) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "writing %s failed\n", path ? path : "stdout");
    return rc;
}

typedef struct {
    const sy_workforce_t *w;
    const sy_tally_t *tallies;
    long events;
} job_t;

static int write_events(const void *ctx, FILE *f)
{
    job_t *job = (job_t *)ctx;
    job->events = sy_emit_events(job->w, f);
    return job->events < 0 ? -1 : 0;
}

static int write_employers(const void *ctx, FILE *f)
{
    return sy_emit_employers(((const job_t *)ctx)->w, f);
}

static int write_oracle(const void *ctx, FILE *f)
{
    return sy_emit_oracle(((const job_t *)ctx)->w, f);
}

static int write_enrollments(const void *ctx, FILE *f)
{
    return sy_emit_enrollments(((const job_t *)ctx)->w, f);
}

static int write_history(const void *ctx, FILE *f)
{
    return sy_emit_history(((const job_t *)ctx)->w, f);
}

static int write_cohorts(const void *ctx, FILE *f)
{
    return sy_emit_cohorts(((const job_t *)ctx)->w, f);
}

static int write_expected(const void *ctx, FILE *f)
{
    const job_t *job = ctx;
    return sy_emit_expected(job->w, job->tallies, f);
}

int main(int argc, char **argv)
{
    options_t o = {.params = {.employers = DEFAULT_EMPLOYERS,
                              .employees = DEFAULT_EMPLOYEES,
                              .seed = 1,
                              .today = pw_date_today()}};
    int rc = parse_options(argc, argv, &o);
    if (rc) {
        usage(rc == 1 ? stdout : stderr);
        return rc == 1 ? 0 : 2;
    }
    sy_workforce_t *w = sy_workforce_new(&o.params);
    sy_tally_t *tallies = calloc(o.params.employers, sizeof *tallies);
    if (!w || !tallies) {
        fprintf(stderr, "out of memory\n");
        free(tallies);
        sy_workforce_destroy(&w);
        return 1;
    }
    sy_workforce_tally(w, tallies);
    job_t job = {.w = w, .tallies = tallies};
    rc = write_file(o.out, write_events, &job);
    if (rc == 0 && o.employers_out)
        rc = write_file(o.employers_out, write_employers, &job);
    if (rc == 0 && o.expect)
        rc = write_file(o.expect, write_expected, &job);
    if (rc == 0 && o.oracle_out)
        rc = write_file(o.oracle_out, write_oracle, &job);
    if (rc == 0 && o.enrollments_out)
        rc = write_file(o.enrollments_out, write_enrollments, &job);
    if (rc == 0 && o.history_out)
        rc = write_file(o.history_out, write_history, &job);
    if (rc == 0 && o.cohorts_out)
        rc = write_file(o.cohorts_out, write_cohorts, &job);
    if (rc == 0) {
        char today[PW_DATE_LEN];
        pw_date_format(o.params.today, today);
        fprintf(stderr,
                "pathways-synth: %ld events, %zu employees, %zu employers, today %s, seed %" PRIu64
                "\n",
                job.events, o.params.employees, o.params.employers, today, o.params.seed);
    }
    free(tallies);
    sy_workforce_destroy(&w);
    return rc == 0 ? 0 : 1;
}
