/* pathwaysctl report cost: query, flat rows (program, employer and role, then
 * "total"), table with the cost sources as numbered notes. See
 * report_evidence.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_evidence.h"
#include "report_out.h"

#define MAX_SOURCES 16

static ProtobufCMessage *cost_query(Pathways__V1__ReportFilter *f, unsigned horizon)
{
    Pathways__V1__CostQuery *q = malloc(sizeof *q);
    if (q) {
        pathways__v1__cost_query__init(q);
        q->filter = f;
        q->horizon_months = horizon;
    }
    return q ? &q->base : NULL;
}

static json_t *cost_row(const Pathways__V1__CostRow *c)
{
    int shown = !c->suppressed;
    json_t *row = json_pack("{s:s, s:s, s:s, s:o}", "program", c->program, "employer", c->employer,
                            "role", c->role, "participants", ctl_count_json(c->participants));
    static const char *const keys[] = {
        "retention_difference", "difference_low",          "difference_high",
        "separations_avoided",  "separations_avoided_low", "separations_avoided_high",
        "cost_avoided",         "cost_avoided_low",        "cost_avoided_high"};
    const double v[] = {
        c->retention_difference, c->difference_low,          c->difference_high,
        c->separations_avoided,  c->separations_avoided_low, c->separations_avoided_high,
        c->cost_avoided,         c->cost_avoided_low,        c->cost_avoided_high};
    int total = strcmp(c->employer, "total") == 0;
    for (size_t k = 0; row && k < sizeof keys / sizeof keys[0]; k++)
        json_object_set_new(row, keys[k], ctl_real_or_null(shown && !(total && k < 3), v[k]));
    if (row) {
        json_object_set_new(row, "replacement_cost", ctl_real_or_null(!total, c->replacement_cost));
        json_object_set_new(row, "cost_source", json_string(c->cost_source));
    }
    return row;
}

static json_t *cost_flatten(const ProtobufCMessage *m)
{
    const Pathways__V1__CostReply *r = (const Pathways__V1__CostReply *)m;
    json_t *doc = ctl_doc_head("cost", r->as_of, r->threshold);
    if (!doc)
        return NULL;
    json_object_set_new(doc, "horizon_months", json_integer(r->horizon_months));
    Pathways__V1__CostRow blank = PATHWAYS__V1__COST_ROW__INIT;
    ctl_doc_columns(doc, CTL_DOC_COLUMNS, cost_row(&blank));
    json_t *rows = json_object_get(doc, "rows");
    int shown = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        json_array_append_new(rows, cost_row(r->rows[i]));
        shown |= !r->rows[i]->suppressed;
    }
    if (r->total) {
        /* A total over rows that are all withheld adds up nothing that may
         * be shown: it is withheld too, not "$0". */
        Pathways__V1__CostRow total = *r->total;
        total.suppressed |= r->n_rows > 0 && !shown;
        json_array_append_new(rows, cost_row(&total));
    }
    return doc;
}

static void text_money(const json_t *row, const char *key, char *buf, size_t len)
{
    const json_t *v = json_object_get(row, key);
    if (json_is_number(v))
        report_fmt_money(json_number_value(v), buf, len);
    else
        snprintf(buf, len, "%s", "");
}

/* Numbers each distinct source and puts "[n]" in a "note" key. */
static size_t number_sources(const json_t *rows, const char **sources)
{
    size_t n = 0, i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *s = json_string_value(json_object_get(row, "cost_source"));
        size_t k = 0;
        while (k < n && strcmp(sources[k], s ? s : "") != 0)
            k++;
        if (k == n && s && *s && n < MAX_SOURCES)
            sources[n++] = s;
        char note[16] = "";
        if (s && *s && k < MAX_SOURCES)
            snprintf(note, sizeof note, "[%zu]", k + 1);
        json_object_set_new(row, "note", json_string(note));
    }
    return n;
}

static void cost_table(const json_t *doc, int exits)
{
    (void)exits;
    static const report_col_t cols[] = {
        {"PROGRAM", report_text_plain, "program"},
        {"EMPLOYER", report_text_plain, "employer"},
        {"ROLE", report_text_plain, "role"},
        {"PARTICIPANTS", report_text_plain, "participants"},
        {"RETENTION DIFFERENCE", report_text_pct_range,
         "retention_difference|difference_low|difference_high"},
        {"SEPARATIONS AVOIDED", report_text_num_range,
         "separations_avoided|separations_avoided_low|separations_avoided_high"},
        {"COST AVOIDED", report_text_money_range,
         "cost_avoided|cost_avoided_low|cost_avoided_high"},
        {"REPLACEMENT COST", text_money, "replacement_cost"},
        {"SOURCE", report_text_plain, "note"},
    };
    json_t *rows = json_deep_copy(json_object_get(doc, "rows"));
    const char *sources[MAX_SOURCES];
    size_t n = number_sources(rows, sources);
    printf("Turnover cost avoided at %lld months, as of %s (range from the 95%% CI; * withheld)\n",
           (long long)json_integer_value(json_object_get(doc, "horizon_months")),
           json_string_value(json_object_get(doc, "as_of")));
    report_print_table(stdout, rows, cols, sizeof cols / sizeof cols[0]);
    for (size_t k = 0; k < n; k++)
        printf("[%zu] %s\n", k + 1, sources[k]);
    json_decref(rows);
}

const ctl_evidence_t CTL_EVIDENCE_COST = {
    .name = "cost",
    .what = "Turnover cost avoided per program, employer and role: (participants'\n"
            "retention - matched comparison's retention at the horizon) x participants x\n"
            "the replacement cost (PATHWAYS_REPORTING_COSTS_FILE on the service, read again\n"
            "when it changes; defaults in deploy/costs.yaml: an employer's own figure, else\n"
            "the program's target role, else the role, else the default), with a low-high\n"
            "range from the 95% interval. --program P: that program's rows only.",
    .extra_usage = " [--horizon MONTHS]",
    .query = cost_query,
    .reply = &pathways__v1__cost_reply__descriptor,
    .flatten = cost_flatten,
    .table = cost_table,
};
