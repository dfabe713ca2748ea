/* pathwaysctl provider roster COHORT: what a training provider reads back
 * with its own key (PATHWAYS_CURVE_CLIENT_SECRET_FILE): the participants of
 * one of its cohorts -- name, preferred contact channel, start date, state
 * -- as CSV (default) or JSON. Another provider's cohort is refused. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl.h"
#include "pathways/codec.h"

#define ROSTER_TYPE "pathways.v1.ProviderRoster"

typedef Pathways__V1__ProviderRoster roster_t;

/* A CSV field, quoted when it needs to be. */
static void csv_out(const char *s, const char *end)
{
    if (strpbrk(s, ",\"\r\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    fputs(end, stdout);
}

static void print_csv(const roster_t *r)
{
    printf("employer,employee,name,preferred_channel,start_date,state\n");
    for (size_t i = 0; i < r->n_entries; i++) {
        const Pathways__V1__ProviderRosterEntry *e = r->entries[i];
        csv_out(e->employer, ",");
        csv_out(e->employee, ",");
        csv_out(e->name, ",");
        csv_out(e->preferred_channel, ",");
        csv_out(e->start_date, ",");
        csv_out(e->state, "\n");
    }
}

static void print_json(const roster_t *r)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < r->n_entries; i++) {
        const Pathways__V1__ProviderRosterEntry *e = r->entries[i];
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "employer",
                                              e->employer, "employee", e->employee, "name", e->name,
                                              "preferred_channel", e->preferred_channel,
                                              "start_date", e->start_date, "state", e->state));
    }
    json_t *doc = json_pack("{s:s, s:o}", "cohort_id", r->cohort_id, "entries", rows);
    json_dumpf(doc, stdout, JSON_INDENT(2));
    putchar('\n');
    json_decref(doc);
}

static int provider_roster(ctl_t *ctl, int argc, char **argv)
{
    int json = argc == 3 && strcmp(argv[2], "--json") == 0;
    if (ctl_wants_help(argc, argv) || (argc != 2 && !json))
        return printf("usage: pathwaysctl provider roster COHORT_ID [--json]\n\n"
                      "The cohort's participants for its training provider (name, preferred\n"
                      "channel, start date, state), with the provider's key.\n"),
               ctl_wants_help(argc, argv) ? CTL_OK : CTL_USAGE;
    Pathways__V1__ProviderRosterRequest q = PATHWAYS__V1__PROVIDER_ROSTER_REQUEST__INIT;
    q.cohort_id = argv[1];
    char endpoint[PW_ENDPOINT_MAX], err[512];
    uint8_t *bytes = NULL;
    size_t len = 0;
    pw_config_endpoint(&ctl->cfg, PW_SVC_ENROLLMENT, PW_PORT_COMMAND, 0, endpoint, sizeof endpoint);
    if (pwt_request("enrollment", endpoint, &q.base, ROSTER_TYPE, ctl->timeout_ms, &bytes, &len,
                    err, sizeof err) != 0)
        return fprintf(stderr, "pathwaysctl provider roster: %s\n", err), CTL_FAIL;
    roster_t *r =
        (roster_t *)pw_msg_decode(&pathways__v1__provider_roster__descriptor, bytes, len, 0);
    free(bytes);
    int rc = CTL_FAIL;
    if (!r)
        fprintf(stderr, "pathwaysctl provider roster: undecodable reply\n");
    else if (*r->error_code)
        fprintf(stderr, "pathwaysctl provider roster: refused: %s: %s\n", r->error_code, r->error);
    else {
        json ? print_json(r) : print_csv(r);
        rc = CTL_OK;
    }
    pw_msg_free((ProtobufCMessage **)&r);
    return rc;
}

int ctl_provider(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"roster", "a cohort's participants for its training provider", provider_roster},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl provider", commands, argc - 1, argv + 1);
}
