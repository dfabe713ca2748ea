/* pathwaysctl report retention|outcomes|cost: the retention evidence from
 * pathways-reporting (report.proto), as a table, CSV or JSON. Every figure
 * is the service's; this file only flattens and formats. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl.h"
#include "pathways/codec.h"
#include "pathways/v1/report.pb-c.h"
#include "report_evidence.h"
#include "report_out.h"
#include "intopt.h"

/* Options every evidence report takes. */
typedef struct {
    Pathways__V1__ReportFilter filter;
    report_fmt_t fmt;
    unsigned horizon;
    int exits;
} evidence_opts_t;

static const char *const SLICES[] = {"all",        "program", "employer", "cohort",
                                     "job_family", "period",  "provider"};

static int parse_slice(const char *s, Pathways__V1__ReportSlice *out)
{
    for (size_t i = 0; i < sizeof SLICES / sizeof SLICES[0]; i++)
        if (strcmp(s, SLICES[i]) == 0)
            return *out = (Pathways__V1__ReportSlice)i, 0;
    return -1;
}

static void evidence_help(const char *name, const char *what, const char *extra)
{
    printf("usage: pathwaysctl report %s [--program P] [--employer E] [--cohort C]\n"
           "       [--job-family F] [--from DATE] [--to DATE] [--as-of DATE]\n"
           "       [--slice all|program|employer|cohort|job_family|period|provider]\n"
           "       [--format table|csv|json] [--release]%s\n\n%s\n"
           "An administrator's key gets the exact figures, marked \"exact: not for\n"
           "release\"; --release (and every other key) gets the protected figures,\n"
           "cleared for sharing: report dates at the end of a quarter, --from/--to one\n"
           "whole calendar year, and withheld figures (see the reporting README) shown\n"
           "as * in tables, blank in CSV and null in JSON.\n",
           name, extra, what);
}

/* Parses argv into o. Returns CTL_OK, CTL_USAGE, or -1 after --help. */
static int parse_evidence(int argc, char **argv, evidence_opts_t *o, const char *name)
{
    static const struct option longopts[] = {
        {"program", required_argument, NULL, 'p'}, {"employer", required_argument, NULL, 'e'},
        {"cohort", required_argument, NULL, 'c'},  {"job-family", required_argument, NULL, 'j'},
        {"from", required_argument, NULL, 'f'},    {"to", required_argument, NULL, 't'},
        {"as-of", required_argument, NULL, 'a'},   {"slice", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'F'},  {"horizon", required_argument, NULL, 'H'},
        {"exits", no_argument, NULL, 'x'},         {"release", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    char **targets[] = {
        ['p'] = &o->filter.program,    ['e'] = &o->filter.employer, ['c'] = &o->filter.cohort_id,
        ['j'] = &o->filter.job_family, ['f'] = &o->filter.from,     ['t'] = &o->filter.to,
        ['a'] = &o->filter.as_of};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c < (int)(sizeof targets / sizeof targets[0]) && c >= 0 && targets[c]) {
            *targets[c] = optarg;
        } else if (c == 's') {
            if (parse_slice(optarg, &o->filter.slice) != 0)
                return fprintf(stderr, "report %s: unknown --slice '%s'\n", name, optarg),
                       CTL_USAGE;
        } else if (c == 'F') {
            if (report_fmt_parse(optarg, &o->fmt) != 0)
                return fprintf(stderr, "report %s: --format table|csv|json\n", name), CTL_USAGE;
        } else if (c == 'H') {
            int v;
            if (pwt_parse_int(optarg, 1, 120, &v) != 0)
                return fprintf(stderr, "report %s: --horizon 1..120 months\n", name), CTL_USAGE;
            o->horizon = (unsigned)v;
        } else if (c == 'x') {
            o->exits = 1;
        } else if (c == 'r') {
            o->filter.release = 1;
        } else {
            return c == 'h' ? -1 : CTL_USAGE;
        }
    }
    if (optind < argc)
        return fprintf(stderr, "report %s: unexpected argument '%s'\n", name, argv[optind]),
               CTL_USAGE;
    return CTL_OK;
}

ProtobufCMessage *ctl_report_call(const ctl_t *ctl, const ProtobufCMessage *query,
                                  const ProtobufCMessageDescriptor *reply_desc, const char *who)
{
    char endpoint[PW_ENDPOINT_MAX], err[512];
    uint8_t *bytes = NULL;
    size_t len = 0;
    pw_config_endpoint(&ctl->cfg, PW_SVC_REPORTING, PW_PORT_COMMAND, 0, endpoint, sizeof endpoint);
    if (pwt_request("reporting", endpoint, query, reply_desc->name, ctl->timeout_ms, &bytes, &len,
                    err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", who, err);
        return NULL;
    }
    ProtobufCMessage *reply = pw_msg_decode(reply_desc, bytes, len, 0);
    free(bytes);
    if (!reply) {
        fprintf(stderr, "%s: reporting sent an undecodable %s\n", who, reply_desc->name);
        return NULL;
    }
    /* Every report reply has error_code (1) and error (2). */
    const char *code = *(char **)(void *)((char *)reply + reply_desc->fields[0].offset);
    const char *why = *(char **)(void *)((char *)reply + reply_desc->fields[1].offset);
    if (code && *code) {
        fprintf(stderr, "%s: reporting refused: %s: %s\n", who, code, why ? why : "");
        pw_msg_free(&reply);
    }
    return reply;
}

/* Runs one evidence subcommand: parse, call, flatten, print. */
static int run_evidence(ctl_t *ctl, int argc, char **argv, const ctl_evidence_t *e)
{
    evidence_opts_t o = {.filter = PATHWAYS__V1__REPORT_FILTER__INIT};
    int rc = parse_evidence(argc, argv, &o, e->name);
    if (rc < 0)
        return evidence_help(e->name, e->what, e->extra_usage), CTL_OK;
    if (rc != CTL_OK)
        return rc;
    char who[64];
    snprintf(who, sizeof who, "pathwaysctl report %s", e->name);
    ProtobufCMessage *q = e->query(&o.filter, o.horizon);
    ProtobufCMessage *reply = q ? ctl_report_call(ctl, q, e->reply, who) : NULL;
    free(q);
    if (!reply)
        return CTL_FAIL;
    json_t *doc = e->flatten(reply);
    const ProtobufCFieldDescriptor *ff =
        protobuf_c_message_descriptor_get_field_by_name(e->reply, "figures");
    const char *figures = *(char **)(void *)((char *)reply + ff->offset);
    if (doc)
        json_object_set_new(doc, "figures", json_string(figures ? figures : ""));
    pw_msg_free(&reply);
    if (!doc)
        return fprintf(stderr, "%s: out of memory\n", who), CTL_FAIL;
    const char *marked = json_string_value(json_object_get(doc, "figures"));
    json_t *columns =
        json_incref(json_object_get(doc, o.exits ? CTL_DOC_EXIT_COLUMNS : CTL_DOC_COLUMNS));
    json_object_del(doc, CTL_DOC_COLUMNS);
    json_object_del(doc, CTL_DOC_EXIT_COLUMNS);
    if (o.fmt == REPORT_FMT_JSON) {
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
    } else if (o.fmt == REPORT_FMT_CSV) {
        const json_t *exits = json_object_get(doc, "exits");
        if (marked && strcmp(marked, CTL_FIGURES_PROTECTED) != 0)
            printf("# figures: %s\n", marked);
        report_print_csv(stdout, o.exits && exits ? exits : json_object_get(doc, "rows"), columns);
    } else {
        ctl_print_figures(marked);
        e->table(doc, o.exits);
    }
    json_decref(columns);
    json_decref(doc);
    return CTL_OK;
}

int ctl_report_retention(ctl_t *ctl, int argc, char **argv)
{
    return run_evidence(ctl, argc, argv, &CTL_EVIDENCE_RETENTION);
}

int ctl_report_outcomes(ctl_t *ctl, int argc, char **argv)
{
    return run_evidence(ctl, argc, argv, &CTL_EVIDENCE_OUTCOMES);
}

int ctl_report_cost(ctl_t *ctl, int argc, char **argv)
{
    return run_evidence(ctl, argc, argv, &CTL_EVIDENCE_COST);
}

int ctl_report_equity(ctl_t *ctl, int argc, char **argv)
{
    return run_evidence(ctl, argc, argv, &CTL_EVIDENCE_EQUITY);
}
