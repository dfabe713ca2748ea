/* pathwaysctl report: the group's table, and report summary: the
 * per-employer summary from pathways-reporting, as a table, as JSON (the
 * keys of pathways-synth's EXPECTED.json) or checked against such a file.
 * The evidence reports (retention, outcomes, cost) live in
 * cmd_report_evidence.c. */
#include <getopt.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "ctl.h"
#include "report_evidence.h"

typedef Pathways__V1__SummaryRow row_t;

/* The counts of a summary row: JSON key, column heading, field. */
typedef struct {
    const char *key;
    const char *heading;
    size_t offset;
} count_field_t;

static const count_field_t COUNTS[] = {
    {"employees", "EMPLOYEES", offsetof(row_t, employees)},
    {"eligible", "ELIGIBLE", offsetof(row_t, eligible)},
    {"not_eligible", "NOT_ELIG", offsetof(row_t, not_eligible)},
    {"needs_review", "REVIEW", offsetof(row_t, needs_review)},
    {"invited", "INVITED", offsetof(row_t, invited)},
    {"enrolled", "ENROLLED", offsetof(row_t, enrolled)},
    {"exited", "EXITED", offsetof(row_t, exited)},
    {"terminated", "TERMINATED", offsetof(row_t, terminated)},
    {"notifications", "NOTIFS", offsetof(row_t, notifications)},
};
#define NCOUNTS (sizeof COUNTS / sizeof COUNTS[0])

static uint64_t count_of(const row_t *r, const count_field_t *f)
{
    return *(const uint64_t *)((const char *)r + f->offset);
}

/* 1 when the row's field f is withheld (protected figures). */
static int withheld(const row_t *r, const count_field_t *f)
{
    for (size_t i = 0; i < r->n_withheld; i++)
        if (strcmp(r->withheld[i], f->key) == 0)
            return 1;
    return 0;
}

static void print_table(const Pathways__V1__SummaryReply *s)
{
    uint64_t total[NCOUNTS] = {0};
    int hidden[NCOUNTS] = {0};
    ctl_print_figures(s->figures);
    printf("%-16s", "EMPLOYER");
    for (size_t k = 0; k < NCOUNTS; k++)
        printf(" %10s", COUNTS[k].heading);
    printf("\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        printf("%-16s", s->rows[i]->employer);
        for (size_t k = 0; k < NCOUNTS; k++) {
            uint64_t v = count_of(s->rows[i], &COUNTS[k]);
            total[k] += v;
            hidden[k] |= withheld(s->rows[i], &COUNTS[k]);
            if (withheld(s->rows[i], &COUNTS[k]))
                printf(" %10s", "*");
            else
                printf(" %10llu", (unsigned long long)v);
        }
        printf("\n");
    }
    printf("%-16s", "TOTAL");
    for (size_t k = 0; k < NCOUNTS; k++)
        if (hidden[k])
            printf(" %10s", "*");
        else
            printf(" %10llu", (unsigned long long)total[k]);
    printf("\n");
}

static void print_json(const Pathways__V1__SummaryReply *s)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < s->n_rows; i++) {
        json_t *o = json_pack("{s:s}", "employer", s->rows[i]->employer);
        for (size_t k = 0; k < NCOUNTS; k++)
            json_object_set_new(o, COUNTS[k].key,
                                withheld(s->rows[i], &COUNTS[k])
                                    ? json_null()
                                    : json_integer((json_int_t)count_of(s->rows[i], &COUNTS[k])));
        json_array_append_new(rows, o);
    }
    json_t *doc =
        json_pack("{s:o, s:s}", "employers", rows, "figures", s->figures ? s->figures : "");
    json_dumpf(doc, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(doc);
}

static const row_t *find_row(const Pathways__V1__SummaryReply *s, const char *employer)
{
    for (size_t i = 0; i < s->n_rows; i++)
        if (strcmp(s->rows[i]->employer, employer) == 0)
            return s->rows[i];
    return NULL;
}

/* Compares one expected employer object; prints and counts mismatches. */
static int compare_employer(const json_t *want, const Pathways__V1__SummaryReply *s)
{
    static const row_t zero = PATHWAYS__V1__SUMMARY_ROW__INIT;
    const char *employer = json_string_value(json_object_get(want, "employer"));
    if (!employer) {
        printf("expected entry without an \"employer\" string\n");
        return 1;
    }
    const row_t *got = find_row(s, employer);
    int mismatches = 0;
    if (!got) {
        printf("%s: missing from the report\n", employer);
        got = &zero;
    }
    for (size_t k = 0; k < NCOUNTS; k++) {
        const json_t *v = json_object_get(want, COUNTS[k].key);
        if (!v)
            continue;
        uint64_t value = count_of(got, &COUNTS[k]);
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            (uint64_t)json_integer_value(v) != value) {
            char shown[64];
            if (json_is_integer(v))
                snprintf(shown, sizeof shown, "%lld", (long long)json_integer_value(v));
            else
                snprintf(shown, sizeof shown, "(not a count)");
            printf("%s %s: expected %s, got %llu\n", employer, COUNTS[k].key, shown,
                   (unsigned long long)value);
            mismatches++;
        }
    }
    return mismatches;
}

/* Returns CTL_OK when every key in the file matches, else CTL_FAIL. */
static int compare(const char *path, const Pathways__V1__SummaryReply *s)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    const json_t *employers = doc ? json_object_get(doc, "employers") : NULL;
    if (!json_is_array(employers)) {
        fprintf(stderr, "report summary: %s: %s\n", path,
                doc ? "no \"employers\" array" : jerr.text);
        json_decref(doc);
        return CTL_FAIL;
    }
    int mismatches = 0;
    size_t i;
    const json_t *want;
    json_array_foreach(employers, i, want)
    {
        mismatches += json_is_object(want) ? compare_employer(want, s) : 1;
    }
    json_decref(doc);
    if (mismatches)
        printf("%d mismatch(es) against %s\n", mismatches, path);
    else
        printf("summary matches %s\n", path);
    return mismatches ? CTL_FAIL : CTL_OK;
}

static void summary_help(void)
{
    printf("usage: pathwaysctl report summary [--employer E] [--json] [--expect FILE]\n"
           "       [--release]\n\n"
           "Per-employer counts from pathways-reporting: employees, eligible, not\n"
           "eligible, needs review, invited, enrolled, exited, terminated,\n"
           "notifications, with a total row.\n"
           "  --employer E    one employer only\n"
           "  --json          {\"employers\":[...]} with the keys of pathways-synth's\n"
           "                  EXPECTED.json\n"
           "  --expect FILE   compare every key present in FILE for every employer in it;\n"
           "                  exit 1 on any mismatch\n"
           "  --release       the protected figures, cleared for sharing (always so for a\n"
           "                  read-only key); withheld ones show as * (null in JSON)\n");
}

static int report_summary(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"employer", required_argument, NULL, 'e'}, {"json", no_argument, NULL, 'j'},
        {"expect", required_argument, NULL, 'x'},   {"release", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *employer = "", *expect = NULL;
    int c, json = 0, release = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'e':
            employer = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'x':
            expect = optarg;
            break;
        case 'r':
            release = 1;
            break;
        case 'h':
            return summary_help(), CTL_OK;
        default:
            return CTL_USAGE;
        }
    }
    if (optind < argc)
        return fprintf(stderr, "report summary: unexpected argument '%s'\n", argv[optind]),
               CTL_USAGE;
    Pathways__V1__SummaryQuery q = PATHWAYS__V1__SUMMARY_QUERY__INIT;
    q.employer = (char *)employer;
    q.release = release;
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_SUMMARY;
    req.summary = &q;
    char id[40];
    Pathways__V1__AdminReply *reply =
        ctl_admin_call(ctl, PW_SVC_REPORTING, &req, id, "pathwaysctl report summary");
    if (!reply)
        return CTL_FAIL;
    int rc = CTL_OK;
    if (reply->reply_case != PATHWAYS__V1__ADMIN_REPLY__REPLY_SUMMARY) {
        fprintf(stderr, "report summary: reporting answered without a summary\n");
        rc = CTL_FAIL;
    } else if (expect) {
        rc = compare(expect, reply->summary);
    } else if (json) {
        print_json(reply->summary);
    } else {
        print_table(reply->summary);
    }
    pw_free_admin_reply(&reply);
    return rc;
}

int ctl_report(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"summary", "per-employer counts (eligibility, enrollment, notifications)", report_summary},
        {"retention", "survival of participants vs. matched non-participants",
         ctl_report_retention},
        {"outcomes", "completion, certification, placement per cohort; exits", ctl_report_outcomes},
        {"cost", "turnover cost avoided per employer and role", ctl_report_cost},
        {"equity", "participation and outcomes by self-identification group (protected)",
         ctl_report_equity},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl report", commands, argc - 1, argv + 1);
}
