/* pathwaysctl import enrollments FILE.csv: past enrollments, one row each,
 * through pathways-enrollment's commands with their own dates. A row is
 * one CommandSequence (one transaction: all its milestones or none) under
 * a key made from its content, so importing the same file again changes
 * nothing and says so. A bad row is reported with its line and skipped;
 * the others go on. Columns and rules: enrollment_import.h, README. */
#include <czmq.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "csv.h"
#include "ctl.h"
#include "enrollment_import.h"
#include "pathways/codec.h"

#define RESULT_TYPE   "pathways.v1.EnrollmentResult"
#define SEND_ATTEMPTS 3 /* a timed-out row is sent again (same key: no double effect) */

typedef Pathways__V1__EnrollmentResult result_t;

typedef struct {
    const ctl_t *ctl;
    const char *path;
    const char *actor;
    int dry_run;
    pwt_client_t *client;
    char today[PW_DATE_LEN];
    long rows, imported, already, refused;
} import_t;

static void refuse(import_t *im, long line, const char *code, const char *why)
{
    im->refused++;
    fprintf(stderr, "%s:%ld: refused: %s: %s\n", im->path, line, code, why);
}

/* One request with retries. Returns the decoded result (caller frees), or
 * NULL with err: the service is unreachable, and the import stops. */
static result_t *send_row(import_t *im, const Pathways__V1__EnrollmentCommand *cmd, char *err,
                          size_t errlen)
{
    for (int attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
        char *type = NULL;
        uint8_t *bytes = NULL;
        size_t len = 0;
        if (attempt && pwt_client_reconnect(im->client, err, errlen) != 0)
            return NULL;
        if (pwt_client_send_msg(im->client, &cmd->base, err, errlen) != 0)
            return NULL;
        int got =
            pwt_client_recv(im->client, im->ctl->timeout_ms, &type, &bytes, &len, err, errlen);
        if (got == 0) {
            snprintf(err, errlen, "enrollment did not answer at %s within %d ms",
                     pwt_client_endpoint(im->client), im->ctl->timeout_ms);
            continue;
        }
        result_t *r = NULL;
        if (got == 1 && strcmp(type, RESULT_TYPE) == 0)
            r = (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, bytes, len,
                                          0);
        else if (got == 1)
            snprintf(err, errlen, "enrollment answered %.80s (is this key allowed to write?)",
                     type);
        free(type);
        free(bytes);
        if (got == 1 && !r && !*err)
            snprintf(err, errlen, "undecodable EnrollmentResult");
        return r;
    }
    return NULL;
}

/* Checks and sends one record. Returns 0, or -1 when the import must stop. */
static int import_record(import_t *im, const imp_header_t *h, char **fields, size_t n, long line)
{
    imp_row_t row;
    char why[512] = "";
    im->rows++;
    if (imp_row(h, fields, n, im->today, &row, why, sizeof why) != 0) {
        refuse(im, line, "invalid_row", why);
        return 0;
    }
    if (im->dry_run)
        return 0;
    imp_command_t storage;
    Pathways__V1__EnrollmentCommand *cmd = imp_build(&row, &storage);
    char key[IMP_KEY_LEN];
    imp_key(&row, key);
    cmd->idempotency_key = key;
    cmd->actor = (char *)im->actor;
    result_t *r = send_row(im, cmd, why, sizeof why);
    if (!r) {
        fprintf(stderr, "%s:%ld: %s; stopping (rows already sent are stored; run again)\n",
                im->path, line, why);
        return -1;
    }
    if (*r->error_code)
        refuse(im, line, r->error_code, r->error);
    else if (r->replayed)
        im->already++;
    else
        im->imported++;
    pw_msg_free((ProtobufCMessage **)&r);
    return 0;
}

/* Reads the file record by record. Returns an exit code. */
static int import_file(import_t *im, char *text, size_t len)
{
    csv_t csv;
    char *fields[CSV_MAX_FIELDS];
    size_t n;
    long line = 0;
    char err[512];
    imp_header_t h;
    csv_init(&csv, text, len);
    int rc = csv_next(&csv, fields, &n, &line, err, sizeof err);
    if (rc <= 0 || imp_header(&h, fields, n, err, sizeof err) != 0) {
        fprintf(stderr, "%s:1: %s\n", im->path, rc == 0 ? "empty file; a header is required" : err);
        return CTL_USAGE;
    }
    while ((rc = csv_next(&csv, fields, &n, &line, err, sizeof err)) != 0) {
        if (rc < 0) {
            im->rows++;
            refuse(im, line, "invalid_csv", err);
        } else if (import_record(im, &h, fields, n, line) != 0) {
            return CTL_FAIL;
        }
    }
    printf("%s: %ld rows: %ld imported, %ld already imported, %ld refused%s\n", im->path, im->rows,
           im->imported, im->already, im->refused, im->dry_run ? " (dry run: nothing sent)" : "");
    return im->refused ? CTL_FAIL : CTL_OK;
}

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: pathwaysctl import enrollments FILE.csv [--actor A] [--dry-run]\n\n"
            "Records past enrollments through pathways-enrollment, each row with its own\n"
            "dates, in one transaction (all of a row or nothing). Columns (header row, any\n"
            "order): %s.\n"
            "employer, employee and applied are required; dates are YYYY-MM-DD and not after\n"
            "today. A bad row is reported as FILE:LINE and skipped; importing the same file\n"
            "again changes nothing. --dry-run checks the file without sending anything.\n"
            "Exit 0 when every row is stored, 1 when some were refused, 2 for a bad file.\n",
            imp_columns());
    return rc;
}

static int import_enrollments(ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {{"actor", required_argument, NULL, 'a'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    import_t im = {.ctl = ctl};
    /* With CURVE the service records the caller's key; a name is optional. */
    im.actor = getenv("PATHWAYS_ACTOR") ? getenv("PATHWAYS_ACTOR")
               : ctl->cfg.curve         ? ""
                                        : "pathwaysctl";
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'a')
            im.actor = optarg;
        else if (c == 'n')
            im.dry_run = 1;
        else
            return usage(c == 'h' ? stdout : stderr, c == 'h' ? CTL_OK : CTL_USAGE);
    }
    if (optind != argc - 1)
        return usage(stderr, CTL_USAGE);
    im.path = argv[optind];
    pw_date_format(pw_date_today(), im.today);
    size_t len = 0;
    char err[512];
    char *text = csv_read_file(im.path, &len, err, sizeof err);
    if (!text)
        return fprintf(stderr, "pathwaysctl import: %s\n", err), CTL_USAGE;
    char endpoint[PW_ENDPOINT_MAX];
    pw_config_endpoint(&ctl->cfg, PW_SVC_ENROLLMENT, PW_PORT_COMMAND, 0, endpoint, sizeof endpoint);
    int rc = CTL_FAIL;
    if (!im.dry_run && !(im.client = pwt_client_new(endpoint, err, sizeof err)))
        fprintf(stderr, "pathwaysctl import: %s\n", err);
    else
        rc = import_file(&im, text, len);
    pwt_client_destroy(&im.client);
    free(text);
    return rc;
}

int ctl_import(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"enrollments", "past enrollments from a CSV file, with their dates", import_enrollments},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl import", commands, argc - 1, argv + 1);
}
