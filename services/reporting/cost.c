/* Cost avoided per program, employer and role, from the retention
 * observations sliced by "program|employer|role"; see cost.h. */
#include "cost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retention.h"
#include "suppress.h"

void cost_difference(const km_estimate_t *participants, const km_estimate_t *comparison,
                     cost_difference_t *d)
{
    double se = sqrt(participants->variance + comparison->variance);
    d->diff = participants->survival - comparison->survival;
    d->low = d->diff - KM_Z95 * se;
    d->high = d->diff + KM_Z95 * se;
}

/* Splits "program|employer|role" (the program is before the first '|',
 * program ids have none; the role after the last). */
static void split_key(report_msg_t *m, Pathways__V1__CostRow *row, const char *key)
{
    const char *first = strchr(key, '|');
    const char *rest = first ? first + 1 : key;
    const char *last = strrchr(rest, '|');
    row->program = strndup(key, first ? (size_t)(first - key) : 0);
    row->employer = strndup(rest, last ? (size_t)(last - rest) : strlen(rest));
    if (!row->program || !row->employer)
        m->failed = 1;
    row->role = report_msg_str(m, last ? last + 1 : "unknown");
}

/* "ENTRY: SOURCE": the source names the entry of the cost file that
 * applied; when a program's row falls to the default, it says that the
 * program has no figure of its own. */
static char *source_of(report_msg_t *m, const char *program, const cost_figure_t *f)
{
    char entry[640]; /* an entry name is at most two ids and a prefix */
    if (program && *program && strcmp(f->entry, "default") == 0)
        snprintf(entry, sizeof entry, "default (no programs.%s figure)", program);
    else
        snprintf(entry, sizeof entry, "%s", f->entry);
    size_t n = strlen(entry) + strlen(f->source) + 3;
    char *s = malloc(n);
    if (!s) {
        m->failed = 1;
        return NULL;
    }
    snprintf(s, n, "%s: %s", entry, f->source);
    return s;
}

static void fill_figures(Pathways__V1__CostRow *row, const cost_difference_t *d, double people)
{
    row->retention_difference = d->diff;
    row->difference_low = d->low;
    row->difference_high = d->high;
    row->separations_avoided = d->diff * people;
    row->separations_avoided_low = d->low * people;
    row->separations_avoided_high = d->high * people;
    row->cost_avoided = row->separations_avoided * row->replacement_cost;
    row->cost_avoided_low = row->separations_avoided_low * row->replacement_cost;
    row->cost_avoided_high = row->separations_avoided_high * row->replacement_cost;
}

static Pathways__V1__CostRow *make_row(report_msg_t *m, const retention_slice_t *s,
                                       const report_params_t *p, int32_t horizon,
                                       const cost_config_t *costs)
{
    Pathways__V1__CostRow *row = report_msg_new(m, &pathways__v1__cost_row__descriptor);
    if (!row)
        return NULL;
    split_key(m, row, s->slice);
    cost_figure_t f = cost_config_find(costs, row->program, row->employer ? row->employer : "",
                                       row->role ? row->role : "");
    row->replacement_cost = f.cost;
    row->cost_source = source_of(m, row->program, &f);
    km_curve_t c[RETENTION_GROUPS];
    km_estimate_t e[RETENTION_GROUPS];
    memset(c, 0, sizeof c);
    for (int g = 0; g < RETENTION_GROUPS; g++) {
        if (km_fit(s->obs[g], s->nobs[g], &c[g]) != 0)
            m->failed = 1;
        km_at(&c[g], horizon, &e[g]);
    }
    uint64_t people = c[RETENTION_PARTICIPANTS].subjects;
    row->suppressed = people < p->threshold || c[RETENTION_COMPARISON].subjects < p->threshold ||
                      e[RETENTION_PARTICIPANTS].at_risk < p->threshold ||
                      e[RETENTION_COMPARISON].at_risk < p->threshold;
    row->participants = report_msg_count(m, people, suppress_small(people, p->threshold));
    if (!row->suppressed) {
        cost_difference_t d;
        cost_difference(&e[RETENTION_PARTICIPANTS], &e[RETENTION_COMPARISON], &d);
        fill_figures(row, &d, (double)people);
    }
    for (int g = 0; g < RETENTION_GROUPS; g++)
        km_curve_clear(&c[g]);
    return row;
}

/* The total over shown rows (a suppressed row adds nothing, so the total
 * gives none of it away). */
static Pathways__V1__CostRow *make_total(report_msg_t *m, const Pathways__V1__CostReply *r)
{
    Pathways__V1__CostRow *t = report_msg_new(m, &pathways__v1__cost_row__descriptor);
    if (!t)
        return NULL;
    t->program = report_msg_str(m, "");
    t->employer = report_msg_str(m, "total");
    t->role = report_msg_str(m, "");
    t->cost_source = report_msg_str(m, "");
    uint64_t people = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        const Pathways__V1__CostRow *x = r->rows[i];
        if (x->suppressed || !x->participants)
            continue;
        people += x->participants->value;
        t->separations_avoided += x->separations_avoided;
        t->separations_avoided_low += x->separations_avoided_low;
        t->separations_avoided_high += x->separations_avoided_high;
        t->cost_avoided += x->cost_avoided;
        t->cost_avoided_low += x->cost_avoided_low;
        t->cost_avoided_high += x->cost_avoided_high;
    }
    t->participants = report_msg_count(m, people, 0);
    return t;
}

Pathways__V1__CostReply *cost_report(pw_db_t *db, const report_params_t *p, unsigned horizon_months,
                                     const cost_config_t *costs)
{
    report_params_t q = *p;
    q.slice = REPORT_SLICE_PROGRAM_EMPLOYER_ROLE;
    retention_data_t d;
    if (retention_load(db, &q, &d) != 0)
        return NULL;
    report_msg_t m = {0};
    Pathways__V1__CostReply *r = report_msg_new(&m, &pathways__v1__cost_reply__descriptor);
    if (r) {
        r->as_of = report_msg_str(&m, p->as_of);
        r->horizon_months = horizon_months;
        r->threshold = p->threshold;
        int32_t horizon = km_months_days(horizon_months);
        for (size_t i = 0; i < d.count && !m.failed; i++)
            report_msg_push(&m, (void ***)&r->rows, &r->n_rows,
                            make_row(&m, &d.slices[i], p, horizon, costs));
        r->total = make_total(&m, r);
    }
    retention_data_clear(&d);
    return report_msg_finish(&m, r);
}
