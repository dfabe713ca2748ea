/* pathwaysctl report equity: query, flat rows (one per field and group,
 * each field closed by its "total"), a table. See report_evidence.h. */
#include <stdio.h>
#include <stdlib.h>

#include "report_evidence.h"
#include "report_out.h"

static ProtobufCMessage *equity_query(Pathways__V1__ReportFilter *f, unsigned horizon)
{
    (void)horizon;
    Pathways__V1__EquityQuery *q = malloc(sizeof *q);
    if (q) {
        pathways__v1__equity_query__init(q);
        q->filter = f;
    }
    return q ? &q->base : NULL;
}

static json_t *figure_json(const Pathways__V1__Figure *f)
{
    return ctl_real_or_null(f && !f->suppressed, f ? f->value : 0.0);
}

static json_t *equity_row(const Pathways__V1__EquityRow *r)
{
    json_t *o = json_pack("{s:s, s:s}", "field", r->field, "group", r->group);
    const struct {
        const char *key;
        const Pathways__V1__Count *count;
    } counts[] = {{"eligible", r->eligible},   {"invited", r->invited},
                  {"enrolled", r->enrolled},   {"completed", r->completed},
                  {"certified", r->certified}, {"placed", r->placed}};
    const struct {
        const char *key;
        const Pathways__V1__Figure *figure;
    } figures[] = {
        {"invited_rate", r->invited_rate},
        {"enrolled_rate", r->enrolled_rate},
        {"completed_rate", r->completed_rate},
        {"certified_rate", r->certified_rate},
        {"placed_rate", r->placed_rate},
        {"invited_representation", r->invited_representation},
        {"enrolled_representation", r->enrolled_representation},
        {"completed_representation", r->completed_representation},
        {"certified_representation", r->certified_representation},
        {"placed_representation", r->placed_representation},
    };
    for (size_t k = 0; o && k < sizeof counts / sizeof counts[0]; k++)
        json_object_set_new(o, counts[k].key, ctl_count_json(counts[k].count));
    for (size_t k = 0; o && k < sizeof figures / sizeof figures[0]; k++)
        json_object_set_new(o, figures[k].key, figure_json(figures[k].figure));
    return o;
}

static json_t *equity_flatten(const ProtobufCMessage *m)
{
    const Pathways__V1__EquityReply *r = (const Pathways__V1__EquityReply *)m;
    json_t *doc = ctl_doc_head("equity", r->as_of, r->threshold);
    if (!doc)
        return NULL;
    json_t *rows = json_object_get(doc, "rows");
    for (size_t i = 0; i < r->n_rows; i++)
        json_array_append_new(rows, equity_row(r->rows[i]));
    return doc;
}

/* "1.04" */
static void text_ratio(const json_t *row, const char *key, char *buf, size_t len)
{
    const json_t *v = json_object_get(row, key);
    if (json_is_number(v))
        snprintf(buf, len, "%.2f", json_number_value(v));
    else
        snprintf(buf, len, "*");
}

static void equity_table(const json_t *doc, int exits)
{
    static const report_col_t cols[] = {
        {"FIELD", report_text_plain, "field"},
        {"GROUP", report_text_plain, "group"},
        {"ELIGIBLE", report_text_plain, "eligible"},
        {"INVITED", report_text_plain, "invited"},
        {"ENROLLED", report_text_plain, "enrolled"},
        {"COMPLETED", report_text_plain, "completed"},
        {"CERTIFIED", report_text_plain, "certified"},
        {"PLACED", report_text_plain, "placed"},
        {"ENROLLED/ELIG", report_text_pct, "enrolled_rate"},
        {"PLACED/ELIG", report_text_pct, "placed_rate"},
        {"REPR ENROLLED", text_ratio, "enrolled_representation"},
        {"REPR PLACED", text_ratio, "placed_representation"},
    };
    (void)exits;
    int threshold = (int)json_integer_value(json_object_get(doc, "threshold"));
    printf("Equity view as of %s: voluntary self-identification groups against the eligible\n",
           json_string_value(json_object_get(doc, "as_of")));
    if (threshold > 1)
        printf("(* withheld: a field is shown only where no group of 1 to %d can be derived)\n",
               threshold - 1);
    report_print_table(stdout, json_object_get(doc, "rows"), cols, sizeof cols / sizeof cols[0]);
}

const ctl_evidence_t CTL_EVIDENCE_EQUITY = {
    .name = "equity",
    .what = "Per voluntary self-identification field (race_ethnicity, gender, age_band,\n"
            "preferred_language, veteran_status, disability_status) and group (declined\n"
            "and not_asked are groups of their own): eligible, invited, enrolled,\n"
            "completed, certified, placed by the report date, each stage's rate over the\n"
            "group's eligible, and its representation ratio (the group's share among\n"
            "those who reached the stage over its share among the eligible). --slice\n"
            "and --from/--to are refused.",
    .extra_usage = "",
    .query = equity_query,
    .reply = &pathways__v1__equity_reply__descriptor,
    .flatten = equity_flatten,
    .table = equity_table,
};
