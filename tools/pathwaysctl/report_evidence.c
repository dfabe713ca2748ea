/* The evidence reports' queries, flat rows and tables; see
 * report_evidence.h. Keys of the rows are the CSV header and the JSON keys;
 * a withheld figure is null. */
#include "report_evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_out.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

json_t *ctl_count_json(const Pathways__V1__Count *c)
{
    return !c || c->suppressed ? json_null() : json_integer((json_int_t)c->value);
}

json_t *ctl_real_or_null(int shown, double v)
{
    return shown ? json_real(v) : json_null();
}

void ctl_print_figures(const char *figures)
{
    if (figures && strcmp(figures, CTL_FIGURES_PROTECTED) == 0)
        printf("Figures: protected (cleared for release)\n");
    else
        printf("Figures: %s (exact; --release gives the figures cleared for sharing)\n",
               figures && *figures ? figures : "exact: not for release");
}

json_t *ctl_doc_head(const char *report, const char *as_of, unsigned threshold)
{
    return json_pack("{s:s, s:s, s:i, s:[]}", "report", report, "as_of", as_of, "threshold",
                     (int)threshold, "rows");
}

void ctl_doc_columns(json_t *doc, const char *key, json_t *blank)
{
    json_t *cols = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(blank, k, v) json_array_append_new(cols, json_string(k));
    json_object_set_new(doc, key, cols);
    json_decref(blank);
}

/* ---- retention ---- */

static ProtobufCMessage *retention_query(Pathways__V1__ReportFilter *f, unsigned horizon)
{
    (void)horizon;
    Pathways__V1__RetentionQuery *q = malloc(sizeof *q);
    if (q) {
        pathways__v1__retention_query__init(q);
        q->filter = f;
    }
    return q ? &q->base : NULL;
}

static void retention_at(json_t *row, const Pathways__V1__GroupRetention *g, unsigned months)
{
    const Pathways__V1__RetentionAt *at = NULL;
    for (size_t i = 0; g && !g->suppressed && i < g->n_at; i++)
        if (g->at[i]->months == months)
            at = g->at[i];
    int shown = at && !at->suppressed;
    char key[32];
    static const char *const names[] = {"retention", "lower", "upper"};
    double v[3] = {at ? at->retention : 0, at ? at->lower : 0, at ? at->upper : 0};
    for (int k = 0; k < 3; k++) {
        snprintf(key, sizeof key, "%s_%um", names[k], months);
        json_object_set_new(row, key, ctl_real_or_null(shown, v[k]));
    }
    snprintf(key, sizeof key, "at_risk_%um", months);
    json_object_set_new(row, key, at ? ctl_count_json(at->at_risk) : json_null());
}

static json_t *retention_row(const Pathways__V1__RetentionSlice *s, const char *group,
                             const Pathways__V1__GroupRetention *g)
{
    int shown = g && !g->suppressed;
    json_t *row = json_pack("{s:s, s:s, s:o, s:o, s:o}", "slice", s->slice, "group", group,
                            "people", shown ? ctl_count_json(g->people) : json_null(),
                            "separations", shown ? ctl_count_json(g->separations) : json_null(),
                            "censored", shown ? ctl_count_json(g->censored) : json_null());
    if (!row)
        return NULL;
    retention_at(row, g, 6);
    retention_at(row, g, 12);
    retention_at(row, g, 24);
    json_object_set_new(row, "compared", json_boolean(s->compared));
    json_object_set_new(row, "logrank_chi2", ctl_real_or_null(s->compared, s->logrank_chi2));
    json_object_set_new(row, "logrank_p", ctl_real_or_null(s->compared, s->logrank_p));
    return row;
}

static json_t *retention_flatten(const ProtobufCMessage *m)
{
    const Pathways__V1__RetentionReply *r = (const Pathways__V1__RetentionReply *)m;
    json_t *doc = ctl_doc_head("retention", r->as_of, r->threshold);
    if (!doc)
        return NULL;
    json_object_set_new(doc, "slice_by", json_string(r->slice_by));
    json_object_set_new(doc, "ci_method", json_string(r->ci_method));
    Pathways__V1__RetentionSlice blank = PATHWAYS__V1__RETENTION_SLICE__INIT;
    ctl_doc_columns(doc, CTL_DOC_COLUMNS, retention_row(&blank, "", NULL));
    json_t *rows = json_object_get(doc, "rows");
    for (size_t i = 0; i < r->n_slices; i++) {
        json_array_append_new(
            rows, retention_row(r->slices[i], "participants", r->slices[i]->participants));
        json_array_append_new(rows,
                              retention_row(r->slices[i], "comparison", r->slices[i]->comparison));
    }
    return doc;
}

static void text_p(const json_t *row, const char *key, char *buf, size_t len)
{
    const json_t *v = json_object_get(row, key);
    if (json_is_number(v))
        snprintf(buf, len, "%.4f", json_number_value(v));
    else
        snprintf(buf, len, "%s", "");
}

static void retention_table(const json_t *doc, int exits)
{
    (void)exits;
    static const report_col_t cols[] = {
        {"SLICE", report_text_plain, "slice"},
        {"GROUP", report_text_plain, "group"},
        {"PEOPLE", report_text_plain, "people"},
        {"SEPARATIONS", report_text_plain, "separations"},
        {"6 MONTHS", report_text_pct_ci, "retention_6m|lower_6m|upper_6m"},
        {"12 MONTHS", report_text_pct_ci, "retention_12m|lower_12m|upper_12m"},
        {"24 MONTHS", report_text_pct_ci, "retention_24m|lower_24m|upper_24m"},
        {"LOG-RANK P", text_p, "logrank_p"},
    };
    printf("Retention as of %s (Kaplan-Meier, 95%% CI %s; * withheld, under %lld people)\n",
           json_string_value(json_object_get(doc, "as_of")),
           json_string_value(json_object_get(doc, "ci_method")),
           (long long)json_integer_value(json_object_get(doc, "threshold")));
    report_print_table(stdout, json_object_get(doc, "rows"), cols, NCOLS(cols));
}

const ctl_evidence_t CTL_EVIDENCE_RETENTION = {
    .name = "retention",
    .what = "Kaplan-Meier retention of participants (from enrollment) against eligible\n"
            "non-participants matched on employer, job family and tenure band (from first\n"
            "eligibility), at 6, 12 and 24 months with Greenwood 95% intervals (log-log),\n"
            "and the log-rank test; per slice.",
    .extra_usage = "",
    .query = retention_query,
    .reply = &pathways__v1__retention_reply__descriptor,
    .flatten = retention_flatten,
    .table = retention_table,
};
