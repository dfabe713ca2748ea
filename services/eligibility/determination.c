/* Determination rows (history of changes + current, one statement per
 * batch) and the published Determination message. */
#include "determination.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minimize.h"

/* Column order of the rows passed to STORE_SQL. */
enum {
    C_EMPLOYER,
    C_EMPLOYEE,
    C_PROGRAM,
    C_OUTCOME,
    C_PREVIOUS,
    C_CRITERIA,
    C_RULE_VERSION,
    C_FACTS,
    C_ELIGIBLE_FROM,
    C_AS_OF,
    C_CAUSE,
    C_PUBLISHED,
    C_SIGNATURE,
    C_SINCE,
    C_UNTIL,
    C_HELD,
    C_COUNT
};

/* One CTE carries the batch's rows to both tables: the changed ones
 * (published) into the history, the last per employee into the current
 * row. The JSON is parsed once, in t; facts are NULL for rows the history
 * does not keep. */
static const char STORE_SQL[] =
    "WITH t AS (SELECT employer, employee, program, outcome, previous_outcome,"
    " criteria::jsonb AS criteria, rule_version, facts::jsonb AS facts, eligible_from, as_of,"
    " cause_event_id, published, signature, eligible_since, eligible_until,"
    " held_since::date[] AS held_since, ord"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    " $5::text[], $6::text[], $7::int[], $8::text[], $9::date[], $10::date[], $11::text[],"
    " $12::bool[], $13::text[], $14::date[], $15::date[], $16::text[])"
    " WITH ORDINALITY AS r(employer, employee, program, outcome,"
    " previous_outcome, criteria, rule_version, facts, eligible_from, as_of, cause_event_id,"
    " published, signature, eligible_since, eligible_until, held_since, ord)),"
    " hist AS (INSERT INTO eligibility.determination (employer, employee, program, outcome,"
    " previous_outcome, criteria, rule_version, facts, eligible_from, as_of, cause_event_id,"
    " published, eligible_since, eligible_until) SELECT employer, employee, program, outcome,"
    " previous_outcome, criteria, rule_version, facts, eligible_from, as_of, cause_event_id,"
    " published, eligible_since, eligible_until FROM t WHERE published ORDER BY ord)"
    " INSERT INTO eligibility.current_determination (employer, employee, program, outcome,"
    " criteria, signature, rule_version, eligible_from, as_of, cause_event_id, eligible_since,"
    " eligible_until, held_since)"
    " SELECT DISTINCT ON (employer, employee, program) employer, employee, program, outcome,"
    " criteria, signature, rule_version, eligible_from, as_of, cause_event_id, eligible_since,"
    " eligible_until, held_since"
    " FROM t ORDER BY employer, employee, program, ord DESC"
    " ON CONFLICT (employer, employee, program) DO UPDATE SET outcome = EXCLUDED.outcome,"
    " criteria = EXCLUDED.criteria, signature = EXCLUDED.signature,"
    " rule_version = EXCLUDED.rule_version, eligible_from = EXCLUDED.eligible_from,"
    " as_of = EXCLUDED.as_of, cause_event_id = EXCLUDED.cause_event_id,"
    " eligible_since = EXCLUDED.eligible_since, eligible_until = EXCLUDED.eligible_until,"
    " held_since = EXCLUDED.held_since, updated_at = now()";

struct elig_det_batch {
    pw_buf_t cols[C_COUNT];
    pw_buf_t scratch;
    size_t count;
};

elig_det_batch_t *elig_det_batch_new(void)
{
    elig_det_batch_t *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    for (int c = 0; c < C_COUNT; c++)
        pw_buf_init(&b->cols[c]);
    pw_buf_init(&b->scratch);
    return b;
}

void elig_det_batch_destroy(elig_det_batch_t **p)
{
    if (!p || !*p)
        return;
    for (int c = 0; c < C_COUNT; c++)
        pw_buf_release(&(*p)->cols[c]);
    pw_buf_release(&(*p)->scratch);
    free(*p);
    *p = NULL;
}

void elig_det_batch_clear(elig_det_batch_t *b)
{
    for (int c = 0; c < C_COUNT; c++)
        pw_buf_clear(&b->cols[c]);
    b->count = 0;
}

size_t elig_det_batch_count(const elig_det_batch_t *b)
{
    return b->count;
}

void elig_det_criteria_json(const elig_result_t *r, pw_buf_t *out)
{
    pw_buf_puts(out, "[");
    for (size_t i = 0; i < r->n_criteria; i++) {
        const elig_criterion_t *c = &r->criteria[i];
        pw_buf_puts(out, i ? ",{" : "{");
        pw_buf_json_kv(out, 1, "name", c->name);
        pw_buf_json_kv(out, 0, "result", elig_criterion_result_name(c->result));
        pw_buf_json_kv(out, 0, "observed", c->observed);
        pw_buf_json_kv(out, 0, "required", c->required);
        pw_buf_json_kv(out, 0, "reason", c->reason);
        pw_buf_puts(out, "}");
    }
    pw_buf_puts(out, "]");
}

static void json_date(pw_buf_t *out, const char *key, int32_t days)
{
    char d[PW_DATE_LEN] = "";
    if (days != ELIG_NO_DATE)
        pw_date_format(days, d);
    pw_buf_json_kv(out, 0, key, d);
}

void elig_det_facts_json(const elig_facts_t *f, pw_buf_t *out)
{
    pw_buf_puts(out, "{");
    pw_buf_json_kv(out, 1, "job_family", f->job_family);
    pw_buf_json_kv(out, 0, "job_title", f->job_title);
    pw_buf_json_kv(out, 0, "status", elig_status_name(f->status));
    pw_buf_json_kv(out, 0, "status_raw", f->status_raw);
    pw_buf_json_kv(out, 0, "employment_type", elig_type_name(f->employment_type));
    pw_buf_json_kv(out, 0, "employment_type_raw", f->employment_type_raw);
    if (f->has_hours)
        pw_buf_printf(out, ",\"scheduled_hours\":%.17g", f->scheduled_hours);
    else
        pw_buf_puts(out, ",\"scheduled_hours\":null");
    pw_buf_json_kv(out, 0, "standing", elig_standing_name(f->standing));
    pw_buf_json_kv(out, 0, "standing_raw", f->standing_raw);
    json_date(out, "hire_date", f->hire_date);
    json_date(out, "period_start", f->period_start);
    pw_buf_printf(out, ",\"employer_participates\":%s",
                  f->employer_participates < 0 ? "null"
                  : f->employer_participates   ? "true"
                                               : "false");
    pw_buf_json_kv(out, 0, "program_state", f->program_state);
    pw_buf_puts(out, "}");
}

int elig_det_batch_add(elig_det_batch_t *b, const elig_rules_t *rules, const elig_facts_t *f,
                       const elig_result_t *r, const elig_spell_t *spell, int previous_outcome,
                       const char *signature, const char *cause_event_id, int published)
{
    char held[ELIG_SPELL_TEXT_MAX];
    pw_buf_t *c = b->cols;
    pw_buf_arr_add(&c[C_EMPLOYER], f->employer);
    pw_buf_arr_add(&c[C_EMPLOYEE], f->employee);
    pw_buf_arr_add(&c[C_PROGRAM], rules->program);
    pw_buf_arr_add(&c[C_OUTCOME], elig_outcome_name(r->outcome));
    pw_buf_arr_add(&c[C_PREVIOUS], elig_outcome_name(previous_outcome));
    pw_buf_clear(&b->scratch);
    elig_det_criteria_json(r, &b->scratch);
    pw_buf_arr_add(&c[C_CRITERIA], pw_buf_str(&b->scratch));
    pw_buf_arr_add_i64(&c[C_RULE_VERSION], rules->version);
    pw_buf_clear(&b->scratch);
    if (published)
        elig_det_facts_json(f, &b->scratch);
    pw_buf_arr_add(&c[C_FACTS], published ? pw_buf_str(&b->scratch) : NULL);
    pw_buf_arr_add_date(&c[C_ELIGIBLE_FROM], r->eligible_from);
    pw_buf_arr_add_date(&c[C_AS_OF], r->as_of);
    pw_buf_arr_add(&c[C_CAUSE], cause_event_id ? cause_event_id : "");
    pw_buf_arr_add(&c[C_PUBLISHED], published ? "t" : "f");
    pw_buf_arr_add(&c[C_SIGNATURE], signature);
    pw_buf_arr_add_date(&c[C_SINCE], r->eligible_since);
    pw_buf_arr_add_date(&c[C_UNTIL], r->eligible_until);
    elig_spell_format(spell, held, sizeof held);
    pw_buf_arr_add(&c[C_HELD], held);
    if (!pw_buf_ok(&b->scratch))
        return -1;
    for (int i = 0; i < C_COUNT; i++)
        if (!pw_buf_ok(&c[i]))
            return -1;
    b->count++;
    return 0;
}

int elig_det_batch_store(elig_det_batch_t *b, pw_db_t *db)
{
    const char *params[C_COUNT];
    if (b->count == 0)
        return 0;
    for (int c = 0; c < C_COUNT; c++) {
        params[c] = pw_buf_array(&b->cols[c]);
        if (!pw_buf_ok(&b->cols[c]))
            return -1;
    }
    PGresult *res = pw_db_prepared(db, "elig_det_store", STORE_SQL, C_COUNT, params);
    int rc = res ? 0 : -1;
    PQclear(res);
    return rc;
}

void elig_det_msg_build(elig_det_msg_t *m, const elig_rules_t *rules, const elig_facts_t *f,
                        const elig_result_t *r, int previous_outcome, const char *cause_event_id)
{
    Pathways__V1__Determination *d = &m->msg;
    pathways__v1__determination__init(d);
    d->employer = (char *)f->employer;
    d->employee = (char *)f->employee;
    d->program = (char *)rules->program;
    d->outcome = (Pathways__V1__Outcome)r->outcome;
    d->previous_outcome = (Pathways__V1__Outcome)previous_outcome;
    for (size_t i = 0; i < r->n_criteria && i < ELIG_MAX_CRITERIA; i++) {
        const elig_criterion_t *c = &r->criteria[i];
        pathways__v1__criterion__init(&m->crit[i]);
        m->crit[i].name = (char *)c->name;
        m->crit[i].result = (Pathways__V1__CriterionResult)c->result;
        m->crit[i].observed = (char *)c->observed;
        m->crit[i].required = (char *)c->required;
        m->crit[i].reason = (char *)c->reason;
        m->crit_ptrs[i] = &m->crit[i];
    }
    d->n_criteria = r->n_criteria;
    d->criteria = m->crit_ptrs;
    d->rule_version = rules->version;
    m->eligible_from[0] = '\0';
    if (r->eligible_from != ELIG_NO_DATE)
        pw_date_format(r->eligible_from, m->eligible_from);
    d->eligible_from = m->eligible_from;
    m->eligible_since[0] = '\0';
    if (r->eligible_since != ELIG_NO_DATE)
        pw_date_format(r->eligible_since, m->eligible_since);
    d->eligible_since = m->eligible_since;
    pw_date_format(r->as_of, m->as_of);
    d->as_of = m->as_of;
    elig_determination_facts(f, &m->facts, m->hire_date);
    d->facts = &m->facts;
    d->cause_event_id = (char *)(cause_event_id ? cause_event_id : "");
    d->status = (Pathways__V1__EmploymentStatus)f->status;
}
