/* The employee registry: batch load by (employer, employee) arrays and a
 * multi-row upsert, both one round trip. Statements are prepared once per
 * connection. */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"
#include "rules.h"
#include "textbuf.h"

/* Columns written by save, in parameter order. */
// clang-format off
enum {
    C_EMPLOYER, C_EMPLOYEE, C_JOB_FAMILY, C_JOB_TITLE, C_STATUS, C_STATUS_RAW, C_TYPE, C_TYPE_RAW,
    C_HOURS, C_STANDING, C_STANDING_RAW, C_HIRE_DATE, C_PERIOD_START, C_GIVEN_NAME,
    C_FAMILY_NAME, C_EMAIL, C_PHONE, C_LANGUAGE, C_REASON_CODE, C_JOB_EFF, C_STATUS_EFF,
    C_HOURS_EFF, C_STANDING_EFF, C_HIRE_EFF, C_CONTACT_EFF, C_LAST_EVENT_ID, C_COUNT
};
// clang-format on

/* Group effective-date columns, in elig_group_t order. */
static const char *const GROUP_COLUMNS[ELIG_GROUP_COUNT] = {
    "job_eff", "status_eff", "hours_eff", "standing_eff", "hire_eff", "contact_eff",
};

static const char LOAD_SQL[] =
    "SELECT k.ord, e.job_family, e.job_title, e.status, e.status_raw, e.employment_type,"
    " e.employment_type_raw, e.scheduled_hours, e.standing, e.standing_raw,"
    " to_char(e.hire_date, 'YYYY-MM-DD') AS hire_date,"
    " to_char(e.period_start, 'YYYY-MM-DD') AS period_start,"
    " e.given_name, e.family_name, e.email, e.phone, e.language, e.reason_code,"
    " to_char(e.job_eff, 'YYYY-MM-DD') AS job_eff,"
    " to_char(e.status_eff, 'YYYY-MM-DD') AS status_eff,"
    " to_char(e.hours_eff, 'YYYY-MM-DD') AS hours_eff,"
    " to_char(e.standing_eff, 'YYYY-MM-DD') AS standing_eff,"
    " to_char(e.hire_eff, 'YYYY-MM-DD') AS hire_eff,"
    " to_char(e.contact_eff, 'YYYY-MM-DD') AS contact_eff,"
    " e.last_event_id, c.outcome AS current_outcome, c.signature AS current_signature"
    " FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(employer, employee, ord)"
    " JOIN eligibility.employee e ON e.employer = k.employer AND e.employee = k.employee"
    " LEFT JOIN eligibility.current_determination c ON c.employer = e.employer"
    " AND c.employee = e.employee AND c.program = $3";

static const char SAVE_SQL[] =
    "INSERT INTO eligibility.employee (employer, employee, job_family, job_title, status,"
    " status_raw, employment_type, employment_type_raw, scheduled_hours, standing, standing_raw,"
    " hire_date, period_start, given_name, family_name, email, phone, language, reason_code,"
    " job_eff, status_eff, hours_eff, standing_eff, hire_eff, contact_eff, last_event_id)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    " $6::text[], $7::text[], $8::text[], $9::float8[], $10::text[], $11::text[], $12::date[],"
    " $13::date[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[],"
    " $20::date[], $21::date[], $22::date[], $23::date[], $24::date[], $25::date[], $26::text[])"
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
    " last_event_id = EXCLUDED.last_event_id, updated_at = now()";

static int32_t get_date(const PGresult *res, int row, const char *column)
{
    int32_t days;
    if (pw_db_isnull(res, row, column) || pw_date_parse(pw_db_get(res, row, column), &days) != 0)
        return ELIG_NO_DATE;
    return days;
}

#define GET_STR(dst, res, row, col)                                                                \
    snprintf((dst), sizeof(dst), "%s", pw_db_get((res), (row), (col)))

static int enum_or_zero(int v)
{
    return v < 0 ? 0 : v;
}

static void read_row(const PGresult *res, int row, elig_employee_t *e)
{
    elig_facts_t *f = &e->facts;
    GET_STR(f->job_family, res, row, "job_family");
    GET_STR(f->job_title, res, row, "job_title");
    f->status = enum_or_zero(elig_status_parse(pw_db_get(res, row, "status")));
    GET_STR(f->status_raw, res, row, "status_raw");
    f->employment_type = enum_or_zero(elig_type_parse(pw_db_get(res, row, "employment_type")));
    GET_STR(f->employment_type_raw, res, row, "employment_type_raw");
    f->has_hours = !pw_db_isnull(res, row, "scheduled_hours");
    f->scheduled_hours = f->has_hours ? strtod(pw_db_get(res, row, "scheduled_hours"), NULL) : 0;
    f->standing = enum_or_zero(elig_standing_parse(pw_db_get(res, row, "standing")));
    GET_STR(f->standing_raw, res, row, "standing_raw");
    f->hire_date = get_date(res, row, "hire_date");
    f->period_start = get_date(res, row, "period_start");
    GET_STR(f->given_name, res, row, "given_name");
    GET_STR(f->family_name, res, row, "family_name");
    GET_STR(f->email, res, row, "email");
    GET_STR(f->phone, res, row, "phone");
    GET_STR(f->language, res, row, "language");
    GET_STR(f->reason_code, res, row, "reason_code");
    for (int g = 0; g < ELIG_GROUP_COUNT; g++)
        f->group_date[g] = get_date(res, row, GROUP_COLUMNS[g]);
    GET_STR(e->last_event_id, res, row, "last_event_id");
    GET_STR(e->signature, res, row, "current_signature");
    e->exists = 1;
}

int elig_registry_load(pw_db_t *db, const char *program, elig_employee_t *emps, size_t n)
{
    elig_buf_t keys[2];
    int rc = -1;
    elig_buf_init(&keys[0]);
    elig_buf_init(&keys[1]);
    for (size_t i = 0; i < n; i++) {
        char employer[sizeof emps[i].facts.employer], employee[sizeof emps[i].facts.employee];
        snprintf(employer, sizeof employer, "%s", emps[i].facts.employer);
        snprintf(employee, sizeof employee, "%s", emps[i].facts.employee);
        elig_facts_init(&emps[i].facts, employer, employee);
        emps[i].exists = emps[i].dirty = emps[i].outcome = 0;
        emps[i].signature[0] = emps[i].last_event_id[0] = '\0';
        elig_buf_arr_add(&keys[0], employer);
        elig_buf_arr_add(&keys[1], employee);
    }
    const char *params[3] = {elig_buf_array(&keys[0]), elig_buf_array(&keys[1]), program};
    if (!elig_buf_ok(&keys[0]) || !elig_buf_ok(&keys[1]))
        goto done;
    PGresult *res = pw_db_prepared(db, "elig_registry_load", LOAD_SQL, 3, params);
    if (!res)
        goto done;
    for (int r = 0; r < PQntuples(res); r++) {
        int64_t ord = pw_db_get_i64(res, r, "ord");
        if (ord < 1 || (size_t)ord > n)
            continue;
        elig_employee_t *e = &emps[ord - 1];
        read_row(res, r, e);
        e->outcome = elig_outcome_parse(pw_db_get(res, r, "current_outcome"));
    }
    PQclear(res);
    rc = 0;
done:
    elig_buf_release(&keys[0]);
    elig_buf_release(&keys[1]);
    return rc;
}

static void add_row(elig_buf_t *cols, const elig_employee_t *e)
{
    const elig_facts_t *f = &e->facts;
    char hours[32];
    elig_buf_arr_add(&cols[C_EMPLOYER], f->employer);
    elig_buf_arr_add(&cols[C_EMPLOYEE], f->employee);
    elig_buf_arr_add(&cols[C_JOB_FAMILY], f->job_family);
    elig_buf_arr_add(&cols[C_JOB_TITLE], f->job_title);
    elig_buf_arr_add(&cols[C_STATUS], elig_status_name(f->status));
    elig_buf_arr_add(&cols[C_STATUS_RAW], f->status_raw);
    elig_buf_arr_add(&cols[C_TYPE], elig_type_name(f->employment_type));
    elig_buf_arr_add(&cols[C_TYPE_RAW], f->employment_type_raw);
    snprintf(hours, sizeof hours, "%.17g", f->scheduled_hours);
    elig_buf_arr_add(&cols[C_HOURS], f->has_hours ? hours : NULL);
    elig_buf_arr_add(&cols[C_STANDING], elig_standing_name(f->standing));
    elig_buf_arr_add(&cols[C_STANDING_RAW], f->standing_raw);
    elig_buf_arr_add_date(&cols[C_HIRE_DATE], f->hire_date);
    elig_buf_arr_add_date(&cols[C_PERIOD_START], f->period_start);
    elig_buf_arr_add(&cols[C_GIVEN_NAME], f->given_name);
    elig_buf_arr_add(&cols[C_FAMILY_NAME], f->family_name);
    elig_buf_arr_add(&cols[C_EMAIL], f->email);
    elig_buf_arr_add(&cols[C_PHONE], f->phone);
    elig_buf_arr_add(&cols[C_LANGUAGE], f->language);
    elig_buf_arr_add(&cols[C_REASON_CODE], f->reason_code);
    for (int g = 0; g < ELIG_GROUP_COUNT; g++)
        elig_buf_arr_add_date(&cols[C_JOB_EFF + g], f->group_date[g]);
    elig_buf_arr_add(&cols[C_LAST_EVENT_ID], e->last_event_id);
}

int elig_registry_save(pw_db_t *db, const elig_employee_t *emps, size_t n)
{
    elig_buf_t cols[C_COUNT];
    const char *params[C_COUNT];
    size_t dirty = 0;
    int rc = -1, ok = 1;
    for (int c = 0; c < C_COUNT; c++)
        elig_buf_init(&cols[c]);
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
        params[c] = elig_buf_array(&cols[c]);
        ok &= elig_buf_ok(&cols[c]);
    }
    if (ok) {
        PGresult *res = pw_db_prepared(db, "elig_registry_save", SAVE_SQL, C_COUNT, params);
        rc = res ? 0 : -1;
        PQclear(res);
    }
done:
    for (int c = 0; c < C_COUNT; c++)
        elig_buf_release(&cols[c]);
    return rc;
}
