/* pathwaysctl report outcomes: query, flat rows (slices then "total"), exits
 * by reason, tables. See report_evidence.h. */
#include <stdio.h>
#include <stdlib.h>

#include "report_evidence.h"
#include "report_out.h"

static ProtobufCMessage *outcomes_query(Pathways__V1__ReportFilter *f, unsigned horizon)
{
    (void)horizon;
    Pathways__V1__OutcomesQuery *q = malloc(sizeof *q);
    if (q) {
        pathways__v1__outcomes_query__init(q);
        q->filter = f;
    }
    return q ? &q->base : NULL;
}

static json_t *figure_json(const Pathways__V1__Figure *f)
{
    return ctl_real_or_null(f && !f->suppressed, f ? f->value : 0.0);
}

static json_t *outcome_row(const Pathways__V1__OutcomeRow *o)
{
    json_t *row = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "slice", o->slice, "enrolled",
        ctl_count_json(o->enrolled), "completed", ctl_count_json(o->completed), "certified",
        ctl_count_json(o->certified), "placed", ctl_count_json(o->placed), "withdrawn",
        ctl_count_json(o->withdrawn), "exited", ctl_count_json(o->exited), "completion_rate",
        figure_json(o->completion_rate), "certification_rate", figure_json(o->certification_rate),
        "placement_rate", figure_json(o->placement_rate), "median_days_to_placement",
        figure_json(o->median_days_to_placement));
    /* The training providers' figures (issue 18). */
    json_t *more =
        json_pack("{s:o, s:o, s:o, s:o, s:o}", "median_days_to_certification",
                  figure_json(o->median_days_to_certification), "sessions_present",
                  ctl_count_json(o->sessions_present), "sessions_absent",
                  ctl_count_json(o->sessions_absent), "sessions_excused",
                  ctl_count_json(o->sessions_excused), "at_risk", ctl_count_json(o->at_risk));
    if (row && more)
        json_object_update(row, more);
    json_decref(more);
    return row;
}

static json_t *outcomes_flatten(const ProtobufCMessage *m)
{
    const Pathways__V1__OutcomesReply *r = (const Pathways__V1__OutcomesReply *)m;
    json_t *doc = ctl_doc_head("outcomes", r->as_of, r->threshold);
    if (!doc)
        return NULL;
    json_object_set_new(doc, "slice_by", json_string(r->slice_by));
    Pathways__V1__OutcomeRow blank = PATHWAYS__V1__OUTCOME_ROW__INIT;
    ctl_doc_columns(doc, CTL_DOC_COLUMNS, outcome_row(&blank));
    ctl_doc_columns(doc, CTL_DOC_EXIT_COLUMNS, json_pack("{s:s, s:n}", "reason", "", "people"));
    json_t *rows = json_object_get(doc, "rows");
    for (size_t i = 0; i < r->n_rows; i++)
        json_array_append_new(rows, outcome_row(r->rows[i]));
    if (r->total)
        json_array_append_new(rows, outcome_row(r->total));
    json_t *exits = json_array();
    for (size_t i = 0; i < r->n_exits; i++)
        json_array_append_new(exits, json_pack("{s:s, s:o}", "reason", r->exits[i]->reason,
                                               "people", ctl_count_json(r->exits[i]->people)));
    json_object_set_new(doc, "exits", exits);
    return doc;
}

static void text_days(const json_t *row, const char *key, char *buf, size_t len)
{
    const json_t *v = json_object_get(row, key);
    if (json_is_number(v))
        snprintf(buf, len, "%.1f", json_number_value(v));
    else
        snprintf(buf, len, "*");
}

static void outcomes_table(const json_t *doc, int exits)
{
    static const report_col_t cols[] = {
        {"SLICE", report_text_plain, "slice"},
        {"ENROLLED", report_text_plain, "enrolled"},
        {"COMPLETED", report_text_plain, "completed"},
        {"CERTIFIED", report_text_plain, "certified"},
        {"PLACED", report_text_plain, "placed"},
        {"WITHDRAWN", report_text_plain, "withdrawn"},
        {"EXITED", report_text_plain, "exited"},
        {"COMPLETION", report_text_pct, "completion_rate"},
        {"CERTIFICATION", report_text_pct, "certification_rate"},
        {"PLACEMENT", report_text_pct, "placement_rate"},
        {"MEDIAN DAYS TO PLACEMENT", text_days, "median_days_to_placement"},
        {"MEDIAN DAYS TO CERTIFICATION", text_days, "median_days_to_certification"},
        {"PRESENT", report_text_plain, "sessions_present"},
        {"ABSENT", report_text_plain, "sessions_absent"},
        {"EXCUSED", report_text_plain, "sessions_excused"},
        {"AT RISK", report_text_plain, "at_risk"},
    };
    static const report_col_t exit_cols[] = {
        {"REASON", report_text_plain, "reason"},
        {"PEOPLE", report_text_plain, "people"},
    };
    if (!exits) {
        printf("Program outcomes as of %s by %s (* withheld)\n",
               json_string_value(json_object_get(doc, "as_of")),
               json_string_value(json_object_get(doc, "slice_by")));
        report_print_table(stdout, json_object_get(doc, "rows"), cols,
                           sizeof cols / sizeof cols[0]);
        printf("\nWithdrawals and exits by reason\n");
    }
    report_print_table(stdout, json_object_get(doc, "exits"), exit_cols,
                       sizeof exit_cols / sizeof exit_cols[0]);
}

const ctl_evidence_t CTL_EVIDENCE_OUTCOMES = {
    .name = "outcomes",
    .what = "Per cohort (or --slice): enrolled, completed, certified, placed, withdrawn,\n"
            "exited, the completion/certification/placement rates, the median days from\n"
            "enrollment to placement and to certification, the sessions the training\n"
            "providers reported (present, absent, excused), the people flagged at risk,\n"
            "and withdrawals and exits by reason (--exits: that table only, e.g. for\n"
            "CSV). --slice provider: by training provider (outcomes only).",
    .extra_usage = " [--exits]",
    .query = outcomes_query,
    .reply = &pathways__v1__outcomes_reply__descriptor,
    .flatten = outcomes_flatten,
    .table = outcomes_table,
};
