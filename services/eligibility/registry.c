/* The employee registry: batch load by (employer, employee) arrays and a
 * multi-row upsert, both one round trip. Statements are prepared once per
 * connection. */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"
#include "pathways/log.h"
#include "rules.h"
#include "vocab.h"
#include "pathways/buf.h"

/* Columns written by save, in parameter order. */
// clang-format off
enum {
    C_EMPLOYER, C_EMPLOYEE, C_JOB_FAMILY, C_JOB_TITLE, C_STATUS, C_STATUS_RAW, C_TYPE, C_TYPE_RAW,
    C_HOURS, C_STANDING, C_STANDING_RAW, C_HIRE_DATE, C_PERIOD_START, C_GIVEN_NAME,
    C_FAMILY_NAME, C_EMAIL, C_PHONE, C_LANGUAGE, C_REASON_CODE, C_SITE, C_SHIFT, C_EDUCATION,
    C_CREDENTIALS, C_LANGUAGES, C_ATTRIBUTES, C_JOB_EFF, C_STATUS_EFF, C_HOURS_EFF, C_STANDING_EFF, C_HIRE_EFF,
    C_CONTACT_EFF, C_QUAL_EFF, C_LAST_EVENT_ID, C_COUNT
};
// clang-format on

/* The columns both loads read; $1 is always the program, flag the
 * parameter that asks for every program's state (only rules that read
 * program.<id> need them: the scalar subquery is not run otherwise). */
#define LOAD_COLUMNS(k, flag)                                                                      \
    " e.job_family, e.job_title, e.status, e.status_raw, e.employment_type,"                       \
    " e.employment_type_raw, e.scheduled_hours, e.standing, e.standing_raw,"                       \
    " to_char(e.hire_date, 'YYYY-MM-DD') AS hire_date,"                                            \
    " to_char(e.period_start, 'YYYY-MM-DD') AS period_start,"                                      \
    " e.given_name, e.family_name, e.email, e.phone, e.language, e.reason_code,"                   \
    " e.site, e.shift, e.education_level, e.credentials, e.languages, e.attributes,"               \
    " to_char(e.job_eff, 'YYYY-MM-DD') AS job_eff,"                                                \
    " to_char(e.status_eff, 'YYYY-MM-DD') AS status_eff,"                                          \
    " to_char(e.hours_eff, 'YYYY-MM-DD') AS hours_eff,"                                            \
    " to_char(e.standing_eff, 'YYYY-MM-DD') AS standing_eff,"                                      \
    " to_char(e.hire_eff, 'YYYY-MM-DD') AS hire_eff,"                                              \
    " to_char(e.contact_eff, 'YYYY-MM-DD') AS contact_eff,"                                        \
    " to_char(e.qual_eff, 'YYYY-MM-DD') AS qual_eff,"                                              \
    " e.last_event_id, c.outcome AS current_outcome, c.signature AS current_signature,"            \
    " c.held_since::text AS held_since,"                                                           \
    " to_char(c.eligible_until, 'YYYY-MM-DD') AS eligible_until,"                                  \
    " CASE WHEN m.employer IS NULL THEN NULL WHEN $1 = ANY(m.programs) THEN 't' ELSE 'f' END"      \
    " AS participates, p.state AS program_state,"                                                  \
    " CASE WHEN " flag "::boolean THEN (SELECT string_agg(q.program || '=' || q.state, ','"        \
    " ORDER BY q.program) FROM eligibility.participation q WHERE q.employer = " k ".employer"      \
    " AND q.employee = " k ".employee) END AS programs"

/* The per-employee tables are joined LATERAL with LIMIT 1 so each lookup
 * stays a primary-key probe per key: with the growing tables' statistics
 * lagging behind, a plain join was planned as a scan of every participation
 * row per key (167 ms per 500-event batch in the benchmark). */
#define LOAD_JOINS(k)                                                                              \
    " LEFT JOIN eligibility.employer m ON m.employer = " k ".employer"                             \
    " LEFT JOIN LATERAL (SELECT c.outcome, c.signature, c.held_since, c.eligible_until"            \
    " FROM eligibility.current_determination c"                                                    \
    " WHERE c.employer = " k ".employer AND c.employee = " k ".employee AND c.program = $1"        \
    " LIMIT 1) c ON true"                                                                          \
    " LEFT JOIN LATERAL (SELECT p.state FROM eligibility.participation p"                          \
    " WHERE p.employer = " k ".employer AND p.employee = " k ".employee AND p.program = $1"        \
    " LIMIT 1) p ON true"

static const char LOAD_SQL[] = "SELECT k.ord, e.employer IS NOT NULL AS on_file," LOAD_COLUMNS(
    "k", "$4") " FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k(employer, employee, ord)"
               " LEFT JOIN eligibility.employee e ON e.employer = k.employer AND e.employee = "
               "k.employee" LOAD_JOINS("k");

/* A fact as elig_scope_normalize writes it (ASCII case, ' ' and '-'). */
#define NORM(col)                                                                                  \
    " translate(" col ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ -', 'abcdefghijklmnopqrstuvwxyz__')"

/* $5..$14: the scope of a rule change (scope.h), the same test as
 * elig_scope_covers, cheapest first. Status, standing and employment type
 * are stored as their normalized names already; the job family is free
 * text. */
// clang-format off
static const char PAGE_SQL[] =
    "SELECT e.employer, e.employee," LOAD_COLUMNS("e", "$15") " FROM eligibility.employee e"
    LOAD_JOINS("e")
    " WHERE (e.employer, e.employee) > ($2, $3)"
    " AND ($5::boolean"
    "  OR coalesce(e.period_start, e.hire_date) > $12::date"
    "  OR e.employer = ANY($10::text[])"
    "  OR e.status = ANY($6::text[])"
    "  OR e.standing = ANY($7::text[])"
    "  OR e.employment_type = ANY($8::text[])"
    "  OR e.scheduled_hours BETWEEN $11::float8 AND $14::float8"
    "  OR" NORM("e.job_family") " = ANY($9::text[])"
    "  OR ($13::boolean AND c.outcome = 'eligible'))"
    " ORDER BY e.employer, e.employee LIMIT $4";
// clang-format on

static const char SAVE_SQL[] =
    "INSERT INTO eligibility.employee (employer, employee, job_family, job_title, status,"
    " status_raw, employment_type, employment_type_raw, scheduled_hours, standing, standing_raw,"
    " hire_date, period_start, given_name, family_name, email, phone, language, reason_code,"
    " site, shift, education_level, credentials, languages, attributes,"
    " job_eff, status_eff, hours_eff, standing_eff, hire_eff, contact_eff, qual_eff,"
    " last_event_id)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    " $6::text[], $7::text[], $8::text[], $9::float8[], $10::text[], $11::text[], $12::date[],"
    " $13::date[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[],"
    " $20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[],"
    " $26::date[], $27::date[], $28::date[], $29::date[], $30::date[], $31::date[], $32::date[],"
    " $33::text[])"
    " ON CONFLICT (employer, employee) DO UPDATE SET job_family = EXCLUDED.job_family,"
    " job_title = EXCLUDED.job_title, status = EXCLUDED.status, status_raw = EXCLUDED.status_raw,"
    " employment_type = EXCLUDED.employment_type,"
    " employment_type_raw = EXCLUDED.employment_type_raw,"
    " scheduled_hours = EXCLUDED.scheduled_hours, standing = EXCLUDED.standing,"
    " standing_raw = EXCLUDED.standing_raw, hire_date = EXCLUDED.hire_date,"
    " period_start = EXCLUDED.period_start, given_name = EXCLUDED.given_name,"
    " family_name = EXCLUDED.family_name, email = EXCLUDED.email, phone = EXCLUDED.phone,"
    " language = EXCLUDED.language, reason_code = EXCLUDED.reason_code,"
    " job_eff = EXCLUDED.job_eff, status_eff = EXCLUDED.status_eff,"
    " hours_eff = EXCLUDED.hours_eff, standing_eff = EXCLUDED.standing_eff,"
    " hire_eff = EXCLUDED.hire_eff, contact_eff = EXCLUDED.contact_eff,"
    " site = EXCLUDED.site, shift = EXCLUDED.shift, education_level = EXCLUDED.education_level,"
    " credentials = EXCLUDED.credentials, languages = EXCLUDED.languages,"
    " attributes = EXCLUDED.attributes,"
    " qual_eff = EXCLUDED.qual_eff,"
    " last_event_id = EXCLUDED.last_event_id, updated_at = now()";

/* The columns a load reads, looked up by name once per result (not once
 * per value: a full re-evaluation reads every employee). */
// clang-format off
enum {
    K_JOB_FAMILY, K_JOB_TITLE, K_STATUS, K_STATUS_RAW, K_TYPE, K_TYPE_RAW, K_HOURS, K_STANDING,
    K_STANDING_RAW, K_HIRE_DATE, K_PERIOD_START, K_GIVEN_NAME, K_FAMILY_NAME, K_EMAIL, K_PHONE,
    K_LANGUAGE, K_REASON_CODE, K_SITE, K_SHIFT, K_EDUCATION, K_CREDENTIALS, K_LANGUAGES, K_ATTRS,
    K_JOB_EFF, K_STATUS_EFF, K_HOURS_EFF, K_STANDING_EFF, K_HIRE_EFF, K_CONTACT_EFF, K_QUAL_EFF,
    K_LAST_EVENT_ID, K_PARTICIPATES, K_PROGRAM_STATE, K_PROGRAMS, K_SIGNATURE, K_OUTCOME,
    K_HELD_SINCE, K_ELIGIBLE_UNTIL, K_COUNT
};
// clang-format on
static const char *const K_NAMES[K_COUNT] = {
    "job_family",
    "job_title",
    "status",
    "status_raw",
    "employment_type",
    "employment_type_raw",
    "scheduled_hours",
    "standing",
    "standing_raw",
    "hire_date",
    "period_start",
    "given_name",
    "family_name",
    "email",
    "phone",
    "language",
    "reason_code",
    "site",
    "shift",
    "education_level",
    "credentials",
    "languages",
    "attributes",
    "job_eff",
    "status_eff",
    "hours_eff",
    "standing_eff",
    "hire_eff",
    "contact_eff",
    "qual_eff",
    "last_event_id",
    "participates",
    "program_state",
    "programs",
    "current_signature",
    "current_outcome",
    "held_since",
    "eligible_until",
};

typedef struct {
    const PGresult *res;
    int col[K_COUNT];
} cols_t;

static void cols_init(cols_t *c, const PGresult *res)
{
    c->res = res;
    for (int k = 0; k < K_COUNT; k++)
        c->col[k] = PQfnumber(res, K_NAMES[k]);
}

static const char *val(const cols_t *c, int row, int k)
{
    return c->col[k] < 0 ? "" : PQgetvalue(c->res, row, c->col[k]);
}

static int isnull(const cols_t *c, int row, int k)
{
    return c->col[k] < 0 || PQgetisnull(c->res, row, c->col[k]);
}

static int32_t get_date(const cols_t *c, int row, int k)
{
    int32_t days;
    if (isnull(c, row, k) || pw_date_parse(val(c, row, k), &days) != 0)
        return ELIG_NO_DATE;
    return days;
}

/* Bounded copy of column k into dst (size bytes). */
static void copy(char *dst, size_t size, const cols_t *c, int row, int k)
{
    const char *v = val(c, row, k);
    size_t len = strlen(v);
    if (len >= size)
        len = size - 1;
    memcpy(dst, v, len);
    dst[len] = '\0';
}

#define GET_STR(dst, c, row, k) copy((dst), sizeof(dst), (c), (row), (k))

static int enum_or_zero(int v)
{
    return v < 0 ? 0 : v;
}

/* Text fact t from column k. Returns 0 or -1 (out of memory). */
static int get_text(elig_facts_t *f, elig_text_t t, const cols_t *c, int row, int k)
{
    return elig_facts_set_text(f, t, val(c, row, k));
}

/* Returns 0, or -1 when out of memory. */
static int read_row(const cols_t *c, int row, elig_employee_t *e)
{
    elig_facts_t *f = &e->facts;
    GET_STR(f->job_family, c, row, K_JOB_FAMILY);
    GET_STR(f->job_title, c, row, K_JOB_TITLE);
    f->status = enum_or_zero(elig_status_parse(val(c, row, K_STATUS)));
    GET_STR(f->status_raw, c, row, K_STATUS_RAW);
    f->employment_type = enum_or_zero(elig_type_parse(val(c, row, K_TYPE)));
    GET_STR(f->employment_type_raw, c, row, K_TYPE_RAW);
    f->has_hours = !isnull(c, row, K_HOURS);
    f->scheduled_hours = f->has_hours ? strtod(val(c, row, K_HOURS), NULL) : 0;
    f->standing = enum_or_zero(elig_standing_parse(val(c, row, K_STANDING)));
    GET_STR(f->standing_raw, c, row, K_STANDING_RAW);
    f->hire_date = get_date(c, row, K_HIRE_DATE);
    f->period_start = get_date(c, row, K_PERIOD_START);
    GET_STR(f->given_name, c, row, K_GIVEN_NAME);
    GET_STR(f->family_name, c, row, K_FAMILY_NAME);
    GET_STR(f->email, c, row, K_EMAIL);
    GET_STR(f->phone, c, row, K_PHONE);
    GET_STR(f->language, c, row, K_LANGUAGE);
    GET_STR(f->reason_code, c, row, K_REASON_CODE);
    for (int g = 0; g < ELIG_GROUP_COUNT; g++)
        f->group_date[g] = get_date(c, row, K_JOB_EFF + g);
    GET_STR(e->last_event_id, c, row, K_LAST_EVENT_ID);
    e->exists = 1;
    return get_text(f, ELIG_TEXT_SITE, c, row, K_SITE) |
           get_text(f, ELIG_TEXT_SHIFT, c, row, K_SHIFT) |
           get_text(f, ELIG_TEXT_EDUCATION, c, row, K_EDUCATION) |
           get_text(f, ELIG_TEXT_CREDENTIALS, c, row, K_CREDENTIALS) |
           get_text(f, ELIG_TEXT_LANGUAGES, c, row, K_LANGUAGES) |
           get_text(f, ELIG_TEXT_ATTRIBUTES, c, row, K_ATTRS);
}

/* What every loaded row carries, on file or not: the program context and
 * the current determination. Returns 0, or -1 when out of memory. */
static int read_context(const cols_t *c, int row, elig_employee_t *e)
{
    elig_facts_t *f = &e->facts;
    const char *participates = val(c, row, K_PARTICIPATES);
    f->employer_participates = !*participates ? -1 : participates[0] == 't';
    GET_STR(f->program_state, c, row, K_PROGRAM_STATE);
    GET_STR(e->signature, c, row, K_SIGNATURE);
    e->outcome = elig_outcome_parse(val(c, row, K_OUTCOME));
    /* NULL before the first evaluation (or from before spells were kept):
     * nothing known, runs start at the facts' dates. */
    if (elig_spell_parse(val(c, row, K_HELD_SINCE), &e->spell) != 0)
        elig_spell_init(&e->spell);
    e->spell.until = get_date(c, row, K_ELIGIBLE_UNTIL);
    return get_text(f, ELIG_TEXT_PROGRAMS, c, row, K_PROGRAMS);
}

/* Whether rules read another program's state (program.<id>). */
static const char *reads_programs(const elig_rules_t *rules)
{
    for (size_t i = 0; i < rules->n_nodes; i++)
        if (rules->nodes[i].op < ELIG_OP_ALL && rules->nodes[i].fact == ELIG_FACT_PRIOR_PROGRAM)
            return "t";
    return "f";
}

int elig_registry_load(pw_db_t *db, const elig_rules_t *rules, elig_employee_t *emps, size_t n)
{
    pw_buf_t keys[2];
    int rc = -1, nomem = 0;
    pw_buf_init(&keys[0]);
    pw_buf_init(&keys[1]);
    for (size_t i = 0; i < n; i++) {
        char employer[sizeof emps[i].facts.employer], employee[sizeof emps[i].facts.employee];
        snprintf(employer, sizeof employer, "%s", emps[i].facts.employer);
        snprintf(employee, sizeof employee, "%s", emps[i].facts.employee);
        elig_facts_reset(&emps[i].facts, employer, employee);
        emps[i].exists = emps[i].dirty = emps[i].outcome = 0;
        emps[i].signature[0] = emps[i].last_event_id[0] = '\0';
        pw_buf_arr_add(&keys[0], employer);
        pw_buf_arr_add(&keys[1], employee);
    }
    const char *params[4] = {rules->program, pw_buf_array(&keys[0]), pw_buf_array(&keys[1]),
                             reads_programs(rules)};
    if (!pw_buf_ok(&keys[0]) || !pw_buf_ok(&keys[1]))
        goto done;
    PGresult *res = pw_db_prepared(db, "elig_registry_load", LOAD_SQL, 4, params);
    if (!res)
        goto done;
    cols_t cols;
    cols_init(&cols, res);
    for (int r = 0; r < PQntuples(res); r++) {
        int64_t ord = pw_db_get_i64(res, r, "ord");
        if (ord < 1 || (size_t)ord > n)
            continue;
        elig_employee_t *e = &emps[ord - 1];
        if ((strcmp(pw_db_get(res, r, "on_file"), "t") == 0 && read_row(&cols, r, e) != 0) ||
            read_context(&cols, r, e) != 0)
            nomem = 1;
    }
    PQclear(res);
    if (nomem)
        pw_error("registry: out of memory reading employees");
    rc = nomem ? -1 : 0;
done:
    pw_buf_release(&keys[0]);
    pw_buf_release(&keys[1]);
    return rc;
}

/* The scope's parameters ($5..$14 of PAGE_SQL) into params, arrays into
 * arrays (caller destroys them), numbers into hours. Returns 0, or -1 when
 * out of memory. */
static int scope_params(const elig_scope_t *scope, int32_t today, pw_pgarray_t *arrays[5],
                        char after[PW_DATE_LEN], char hours[2][32], const char *params[10])
{
    params[0] = scope->all ? "t" : "f";
    for (int k = 0; k < 5; k++) {
        arrays[k] = elig_scope_array(scope, k);
        if (!arrays[k] || !(params[1 + k] = pw_pgarray_text(arrays[k])))
            return -1;
    }
    params[6] = params[9] = NULL;
    if (scope->hours) {
        snprintf(hours[0], 32, "%.17g", scope->hours_lo);
        snprintf(hours[1], 32, "%.17g", scope->hours_hi);
        params[6] = hours[0];
        params[9] = hours[1];
    }
    params[7] = NULL;
    params[8] = scope->eligible ? "t" : "f";
    if (!scope->all && scope->tenure_days >= 0) {
        pw_date_format(today - scope->tenure_days, after);
        params[7] = after;
    }
    return 0;
}

int elig_registry_page(pw_db_t *db, const elig_rules_t *rules, const elig_scope_t *scope,
                       int32_t today, const char *after_employer, const char *after_employee,
                       elig_employee_t *emps, size_t max, size_t *n)
{
    char limit[24], after[PW_DATE_LEN], hours[2][32];
    pw_pgarray_t *arrays[5] = {NULL};
    const char *params[15] = {rules->program, after_employer, after_employee, limit};
    snprintf(limit, sizeof limit, "%zu", max);
    params[14] = reads_programs(rules);
    PGresult *res = scope_params(scope, today, arrays, after, hours, params + 4) == 0
                        ? pw_db_prepared(db, "elig_registry_page", PAGE_SQL, 15, params)
                        : NULL;
    for (int k = 0; k < 5; k++)
        pw_pgarray_destroy(&arrays[k]);
    if (!res)
        return -1;
    cols_t cols;
    int employer = PQfnumber(res, "employer"), employee = PQfnumber(res, "employee"), nomem = 0;
    cols_init(&cols, res);
    *n = (size_t)PQntuples(res);
    for (size_t r = 0; r < *n && r < max; r++) {
        elig_employee_t *e = &emps[r];
        elig_facts_reset(&e->facts, PQgetvalue(res, (int)r, employer),
                         PQgetvalue(res, (int)r, employee));
        e->dirty = 0;
        e->signature[0] = '\0';
        if ((read_row(&cols, (int)r, e) | read_context(&cols, (int)r, e)) != 0)
            nomem = 1;
    }
    PQclear(res);
    if (nomem)
        pw_error("registry: out of memory reading a page of employees");
    return nomem ? -1 : 0;
}

void elig_employees_free(elig_employee_t *emps, size_t n)
{
    for (size_t i = 0; emps && i < n; i++)
        elig_facts_clear(&emps[i].facts);
    free(emps);
}

static void add_row(pw_buf_t *cols, const elig_employee_t *e)
{
    const elig_facts_t *f = &e->facts;
    char hours[32];
    pw_buf_arr_add(&cols[C_EMPLOYER], f->employer);
    pw_buf_arr_add(&cols[C_EMPLOYEE], f->employee);
    pw_buf_arr_add(&cols[C_JOB_FAMILY], f->job_family);
    pw_buf_arr_add(&cols[C_JOB_TITLE], f->job_title);
    pw_buf_arr_add(&cols[C_STATUS], elig_status_name(f->status));
    pw_buf_arr_add(&cols[C_STATUS_RAW], f->status_raw);
    pw_buf_arr_add(&cols[C_TYPE], elig_type_name(f->employment_type));
    pw_buf_arr_add(&cols[C_TYPE_RAW], f->employment_type_raw);
    snprintf(hours, sizeof hours, "%.17g", f->scheduled_hours);
    pw_buf_arr_add(&cols[C_HOURS], f->has_hours ? hours : NULL);
    pw_buf_arr_add(&cols[C_STANDING], elig_standing_name(f->standing));
    pw_buf_arr_add(&cols[C_STANDING_RAW], f->standing_raw);
    pw_buf_arr_add_date(&cols[C_HIRE_DATE], f->hire_date);
    pw_buf_arr_add_date(&cols[C_PERIOD_START], f->period_start);
    pw_buf_arr_add(&cols[C_GIVEN_NAME], f->given_name);
    pw_buf_arr_add(&cols[C_FAMILY_NAME], f->family_name);
    pw_buf_arr_add(&cols[C_EMAIL], f->email);
    pw_buf_arr_add(&cols[C_PHONE], f->phone);
    pw_buf_arr_add(&cols[C_LANGUAGE], f->language);
    pw_buf_arr_add(&cols[C_REASON_CODE], f->reason_code);
    pw_buf_arr_add(&cols[C_SITE], elig_facts_text(f, ELIG_TEXT_SITE));
    pw_buf_arr_add(&cols[C_SHIFT], elig_facts_text(f, ELIG_TEXT_SHIFT));
    pw_buf_arr_add(&cols[C_EDUCATION], elig_facts_text(f, ELIG_TEXT_EDUCATION));
    pw_buf_arr_add(&cols[C_CREDENTIALS], elig_facts_text(f, ELIG_TEXT_CREDENTIALS));
    pw_buf_arr_add(&cols[C_LANGUAGES], elig_facts_text(f, ELIG_TEXT_LANGUAGES));
    pw_buf_arr_add(&cols[C_ATTRIBUTES], elig_facts_text(f, ELIG_TEXT_ATTRIBUTES));
    for (int g = 0; g < ELIG_GROUP_COUNT; g++)
        pw_buf_arr_add_date(&cols[C_JOB_EFF + g], f->group_date[g]);
    pw_buf_arr_add(&cols[C_LAST_EVENT_ID], e->last_event_id);
}

int elig_registry_save(pw_db_t *db, const elig_employee_t *emps, size_t n)
{
    pw_buf_t cols[C_COUNT];
    const char *params[C_COUNT];
    size_t dirty = 0;
    int rc = -1, ok = 1;
    for (int c = 0; c < C_COUNT; c++)
        pw_buf_init(&cols[c]);
    for (size_t i = 0; i < n; i++) {
        if (emps[i].dirty) {
            add_row(cols, &emps[i]);
            dirty++;
        }
    }
    if (dirty == 0) {
        rc = 0;
        goto done;
    }
    for (int c = 0; c < C_COUNT; c++) {
        params[c] = pw_buf_array(&cols[c]);
        ok &= pw_buf_ok(&cols[c]);
    }
    if (ok) {
        PGresult *res = pw_db_prepared(db, "elig_registry_save", SAVE_SQL, C_COUNT, params);
        rc = res ? 0 : -1;
        PQclear(res);
    }
done:
    for (int c = 0; c < C_COUNT; c++)
        pw_buf_release(&cols[c]);
    return rc;
}
