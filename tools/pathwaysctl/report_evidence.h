/* The three evidence reports as pathwaysctl sees them: how to build the
 * query, flatten the reply into rows (report_out.h) and print a table.
 * cmd_report_evidence.c runs them; report_evidence.c describes them. */
#ifndef PATHWAYS_CTL_REPORT_EVIDENCE_H
#define PATHWAYS_CTL_REPORT_EVIDENCE_H

#include <jansson.h>

#include "ctl.h"
#include "pathways/v1/report.pb-c.h"

typedef struct {
    const char *name;        /* "retention" */
    const char *what;        /* help text */
    const char *extra_usage; /* options beyond the shared ones */
    /* A malloc'd query message (free() it: its strings are borrowed from
     * f), or NULL when out of memory. */
    ProtobufCMessage *(*query)(Pathways__V1__ReportFilter *f, unsigned horizon);
    const ProtobufCMessageDescriptor *reply;
    /* {"as_of", ..., "rows": [flat objects], ("exits": [...])}; NULL when
     * out of memory. Caller decrefs. */
    json_t *(*flatten)(const ProtobufCMessage *reply);
    /* Prints the table(s) of doc (exits: the exits table only). */
    void (*table)(const json_t *doc, int exits);
} ctl_evidence_t;

/* The subcommands (ctl_fn), listed in cmd_report.c's table. */
int ctl_report_retention(ctl_t *ctl, int argc, char **argv);
int ctl_report_outcomes(ctl_t *ctl, int argc, char **argv);
int ctl_report_cost(ctl_t *ctl, int argc, char **argv);
int ctl_report_equity(ctl_t *ctl, int argc, char **argv);

extern const ctl_evidence_t CTL_EVIDENCE_RETENTION;
extern const ctl_evidence_t CTL_EVIDENCE_OUTCOMES;
extern const ctl_evidence_t CTL_EVIDENCE_COST;
extern const ctl_evidence_t CTL_EVIDENCE_EQUITY;

/* Flattening helpers: a Count (null when withheld), a double or null,
 * and {"report", "as_of", "threshold", "rows": []}. */
json_t *ctl_count_json(const Pathways__V1__Count *c);
json_t *ctl_real_or_null(int shown, double v);
json_t *ctl_doc_head(const char *report, const char *as_of, unsigned threshold);
/* Keys under which a doc keeps its CSV columns (rows' and exits' keys, so
 * an empty report still prints its header); removed before JSON output. */
#define CTL_DOC_COLUMNS      "csv_columns"
#define CTL_DOC_EXIT_COLUMNS "csv_exit_columns"
/* Sets doc[key] to the keys of blank (a row built from an empty message),
 * in order, and frees blank. */
void ctl_doc_columns(json_t *doc, const char *key, json_t *blank);

/* The "figures" value of protected replies (report.proto). */
#define CTL_FIGURES_PROTECTED "protected"
/* Prints the line that says which figures follow (exact ones are marked
 * not for release). */
void ctl_print_figures(const char *figures);

/* Sends query to reporting and waits for a reply of reply_desc. Returns
 * the decoded reply (caller pw_msg_free()s) or NULL with a sentence on
 * stderr (prefixed by who), also when the reply carries an error_code. */
ProtobufCMessage *ctl_report_call(const ctl_t *ctl, const ProtobufCMessage *query,
                                  const ProtobufCMessageDescriptor *reply_desc, const char *who);

#endif
