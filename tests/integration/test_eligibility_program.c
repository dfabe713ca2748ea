/* Programs as data against a real PostgreSQL, the eligibility service
 * driven in-process: a bad program file is rejected with its line and the
 * previous version stays active; under a loaded program each criterion
 * fails alone with its reason, and missing facts lead to needs-review; an
 * out-of-order event is ignored; a rule change's dry-run numbers match the
 * applied run exactly; a tenure forecast fires on its date (clock moved by
 * PATHWAYS_TODAY) and emits the change then. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eligibility/participation.h"
#include "pathways/codec.h"
#include "elig_fixture.h"

#define TODAY "2026-06-01"

#define ELIGIBLE     PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE
#define NOT_ELIGIBLE PATHWAYS__V1__OUTCOME__OUTCOME_NOT_ELIGIBLE

/* MAPP as shipped, every criterion on. */
static const char PROGRAM_V1[] =
    "program: mapp\n"
    "name: Medical Assistant Pathway Program\n"
    "criteria:\n"
    "  status: {in: [active]}\n"
    "  full_time: {employment_types: [full_time], min_hours: 36}\n"
    "  job_family:\n"
    "    in: [environmental_services, food_service, patient_access, transport, clerical,\n"
    "         medical_assistant_trainee]\n"
    "  standing: {in: [good]}\n"
    "  tenure: {min_days: 90}\n"
    "  employer_participates: true\n"
    "  not_in_program: {states: [enrolled, in_training, completed]}\n"
    "  not_in_target_role: {job_families: [medical_assistant_trainee]}\n";

/* The change: v1 with tenure 60 days, and 30 at acme (built at run time
 * from PROGRAM_V1). */
static const char *program_v2(void)
{
    static char text[sizeof PROGRAM_V1 + 64];
    const char *at = strstr(PROGRAM_V1, "min_days: 90");
    assert_non_null(at);
    snprintf(text, sizeof text,
             "%.*smin_days: 60%s"
             "employers:\n  acme: {min_tenure_days: 30}\n",
             (int)(at - PROGRAM_V1), PROGRAM_V1, at + strlen("min_days: 90"));
    return text;
}

typedef elig_fixture_t fixture_t;

typedef Pathways__V1__ProgramLoadResult result_t;

/* ---- helpers ---- */

static uint8_t *call(fixture_t *f, const char *type, const ProtobufCMessage *m,
                     const char *expect_type, size_t *rlen)
{
    size_t len;
    const char *rtype = NULL;
    uint8_t *bytes = pw_msg_encode(m, 0, &len);
    assert_non_null(bytes);
    uint8_t *reply = elig_service_request(f->elig, f->svc, type, bytes, len, &rtype, rlen);
    free(bytes);
    assert_non_null(reply);
    assert_string_equal(rtype, expect_type);
    return reply;
}

static result_t *load(fixture_t *f, const char *yaml, int dry_run)
{
    Pathways__V1__ProgramLoad req = PATHWAYS__V1__PROGRAM_LOAD__INIT;
    size_t rlen;
    req.request_id = "load-1";
    req.source_name = "test.yaml";
    req.yaml = (char *)yaml;
    req.dry_run = dry_run;
    uint8_t *reply = call(f, ELIG_TYPE_PROGRAM_LOAD, &req.base, ELIG_TYPE_PROGRAM_RESULT, &rlen);
    result_t *r =
        (result_t *)pw_msg_decode(&pathways__v1__program_load_result__descriptor, reply, rlen, 0);
    free(reply);
    assert_non_null(r);
    assert_string_equal(r->request_id, "load-1");
    return r;
}

static void free_result(result_t **r)
{
    pw_msg_free((ProtobufCMessage **)r);
}

static void exec(fixture_t *f, const char *sql)
{
    if (pw_db_exec(f->db, sql, 0, NULL) != 0)
        fail_msg("%s: %s", sql, pw_db_error(f->db));
}

static void employer(fixture_t *f, const char *id, const char *program)
{
    Pathways__V1__AdminRequest req = PATHWAYS__V1__ADMIN_REQUEST__INIT;
    Pathways__V1__EmployerUpsert up = PATHWAYS__V1__EMPLOYER_UPSERT__INIT;
    char *programs[1] = {(char *)program};
    size_t rlen;
    up.employer = (char *)id;
    up.name = "Employer";
    up.n_programs = 1;
    up.programs = programs;
    req.request_id = "r";
    req.request_case = PATHWAYS__V1__ADMIN_REQUEST__REQUEST_EMPLOYER_UPSERT;
    req.employer_upsert = &up;
    free(call(f, ELIG_TYPE_ADMIN_REQUEST, &req.base, ELIG_TYPE_ADMIN_REPLY, &rlen));
}

/* ---- events ---- */

typedef struct {
    Pathways__V1__EmployeeEvent ev;
    Pathways__V1__EmployeeFacts data;
    char type[96];
    char id[64];
} event_t;

/* An eligible full-time clerical hire in good standing (2026-01-05). */
static void hire(event_t *e, const char *employer, const char *employee)
{
    pathways__v1__employee_event__init(&e->ev);
    pathways__v1__employee_facts__init(&e->data);
    snprintf(e->type, sizeof e->type, "org.pathways.employee.hired.v1");
    snprintf(e->id, sizeof e->id, "hire-%s-%s", employer, employee);
    e->ev.id = e->id;
    e->ev.source = (char *)employer;
    e->ev.subject = (char *)employee;
    e->ev.type = e->type;
    e->ev.spec_version = "1.0";
    e->ev.effective_date = "2026-01-05";
    e->ev.data = &e->data;
    e->data.job_family = "clerical";
    e->data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE;
    e->data.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_FULL_TIME;
    e->data.standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    e->data.hire_date = "2026-01-05";
}

static void publish(fixture_t *f, event_t *evs, size_t n)
{
    Pathways__V1__PublishBatch b = PATHWAYS__V1__PUBLISH_BATCH__INIT;
    Pathways__V1__EmployeeEvent *ptrs[16];
    size_t rlen;
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++)
        ptrs[i] = &evs[i].ev;
    b.batch_id = "b";
    b.n_events = n;
    b.events = ptrs;
    uint8_t *reply = call(f, ELIG_TYPE_PUBLISH_BATCH, &b.base, ELIG_TYPE_PUBLISH_ACK, &rlen);
    Pathways__V1__PublishAck *ack = pw_decode_publish_ack(reply, rlen);
    free(reply);
    assert_non_null(ack);
    assert_string_equal(ack->error_code, "");
    for (size_t i = 0; i < ack->n_acks; i++)
        if (ack->acks[i]->result != PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED)
            fail_msg("event %zu not accepted: %s", i, ack->acks[i]->reason);
    pw_free_publish_ack(&ack);
}

static const char *outcome(fixture_t *f, const char *employee)
{
    return elig_fixture_value(f,
                              "SELECT outcome AS v FROM eligibility.current_determination"
                              " WHERE employee = $1",
                              employee, NULL);
}

/* The criteria that did not pass, "name=result:reason;..." */
static const char *not_passing(fixture_t *f, const char *employee)
{
    return elig_fixture_value(
        f,
        "SELECT coalesce(string_agg(c->>'name' || '=' || (c->>'result') || ':' ||"
        " (c->>'reason'), ';'), '') AS v FROM eligibility.current_determination d,"
        " jsonb_array_elements(d.criteria) c WHERE d.employee = $1"
        " AND c->>'result' <> 'pass'",
        employee, NULL);
}

/* ---- fixture ---- */

static int group_setup(void **state)
{
    return elig_fixture_setup(state, "pathways_it_elig_program", TODAY, 7800);
}

/* ---- tests (in order, one database) ---- */

static long versions(fixture_t *f)
{
    return elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.program_version", NULL);
}

static void expect_invalid(fixture_t *f, const char *yaml, unsigned line, const char *text)
{
    result_t *r = load(f, yaml, 0);
    assert_string_equal(r->error_code, "invalid_program");
    if ((line && r->line != line) || !strstr(r->error, text))
        fail_msg("expected line %u and '%s', got line %u: %s", line, text, r->line, r->error);
    free_result(&r);
}

static void test_bad_files_rejected_with_line(void **state)
{
    fixture_t *f = *state;
    employer(f, "acme", "mapp");
    employer(f, "beta", "mapp");
    employer(f, "other", "other");
    expect_invalid(f,
                   "program: mapp\ncriteria:\n  status: {in: [active]}\n  tenure: {min_dayz: 90}\n",
                   4, "test.yaml:4: tenure: unknown key 'min_dayz' (expected min_days)");
    expect_invalid(f, "program: mapp\ncriteria:\n  status:\n    in: [active, retired]\n", 4,
                   "test.yaml:4: status.in: unknown value 'retired'");
    expect_invalid(f, "program: mapp\ncriteria:\n  status: {in: [active\n", 4, "test.yaml:4:");
    expect_invalid(f, "program: mapp\ncriteria:\n  tenure: {min_days: -3}\n", 3,
                   "tenure.min_days: expected a number from 0 to 3660");
    expect_invalid(f, "program: mapp\nname: x\n", 1, "criteria: missing");
    expect_invalid(f, "program: mapp\ncriteria:\n  colour: {in: [red]}\n", 3,
                   "unknown criterion 'colour'");
    assert_int_equal(versions(f), 0);
}

static void test_load_program(void **state)
{
    fixture_t *f = *state;
    result_t *r = load(f, PROGRAM_V1, 0);
    assert_string_equal(r->error_code, "");
    assert_int_equal(r->version, 2); /* after the built-in version 1 */
    assert_string_equal(r->program, "mapp");
    free_result(&r);
    r = load(f, PROGRAM_V1, 0); /* the same text again */
    assert_string_equal(r->error_code, "");
    assert_true(r->unchanged);
    assert_int_equal(r->version, 2);
    free_result(&r);
    assert_int_equal(versions(f), 1);
    /* A bad file later leaves version 1 active. */
    expect_invalid(f, "program: mapp\ncriteria: [status]\n", 2, "each entry is a mapping");
    assert_int_equal(versions(f), 1);
}

static void test_each_criterion_fails_alone(void **state)
{
    fixture_t *f = *state;
    event_t e[10];
    const char *ids[] = {"S", "T", "J", "D", "N", "P", "G", "R", "Q", "OK"};
    for (size_t i = 0; i < 10; i++)
        hire(&e[i], "acme", ids[i]);
    e[0].data.status = PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE;
    e[1].data.employment_type = PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_PART_TIME;
    e[2].data.job_family = "nursing";
    e[3].data.standing = PATHWAYS__V1__STANDING__STANDING_CORRECTIVE_ACTION;
    e[4].data.hire_date = e[4].ev.effective_date = "2026-04-21";
    hire(&e[5], "other", "P");
    exec(f, "INSERT INTO eligibility.participation VALUES ('acme', 'G', 'mapp', 'enrolled')");
    e[7].data.job_family = "medical_assistant_trainee";
    e[8].data.standing = PATHWAYS__V1__STANDING__STANDING_UNSPECIFIED;
    publish(f, e, 10);
    static const struct {
        const char *employee, *outcome, *why;
    } want[] = {
        {"S", "not_eligible", "status=fail:status leave, needs active"},
        {"T", "not_eligible", "full_time=fail:employment type part_time, needs full_time"},
        {"J", "not_eligible",
         "job_family=fail:job family nursing, needs one of environmental_services, food_service,"
         " patient_access, transport, clerical, medical_assistant_trainee"},
        {"D", "not_eligible", "standing=fail:standing corrective_action, needs good"},
        {"N", "not_eligible", "tenure=fail:tenure 41 days, needs 90"},
        {"P", "not_eligible",
         "employer_participates=fail:employer other does not take part in mapp"},
        {"G", "not_eligible", "not_in_program=fail:already enrolled in mapp"},
        {"R", "not_eligible",
         "not_in_target_role=fail:already in the target role (medical_assistant_trainee)"},
        {"Q", "needs_review", "standing=unknown:standing not on file, needs good"},
        {"OK", "eligible", ""},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *got = outcome(f, want[i].employee);
        if (strcmp(got, want[i].outcome) != 0)
            fail_msg("%s: expected %s, got %s", want[i].employee, want[i].outcome, got);
        assert_string_equal(not_passing(f, want[i].employee), want[i].why);
    }
    assert_string_equal(
        elig_fixture_value(f,
                           "SELECT rule_version::text || ' ' || eligible_from AS v FROM"
                           " eligibility.current_determination WHERE employee = $1",
                           "N", NULL),
        "2 2026-07-20");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT jsonb_array_length(criteria)::text AS v FROM"
                                           " eligibility.current_determination WHERE employee = $1",
                                           "OK", NULL),
                        "8");
}

static void test_out_of_order_event_ignored(void **state)
{
    fixture_t *f = *state;
    event_t e[1];
    hire(&e[0], "acme", "O");
    publish(f, e, 1);
    /* Standing drops on 2026-05-20. */
    hire(&e[0], "acme", "O");
    snprintf(e[0].type, sizeof e[0].type, "org.pathways.employee.standing_changed.v1");
    snprintf(e[0].id, sizeof e[0].id, "O-standing-late-may");
    e[0].ev.effective_date = "2026-05-20";
    pathways__v1__employee_facts__init(&e[0].data);
    e[0].data.standing = PATHWAYS__V1__STANDING__STANDING_FINAL_WARNING;
    publish(f, e, 1);
    assert_string_equal(outcome(f, "O"), "not_eligible");
    long published = elig_fixture_number(f,
                                         "SELECT count(*) AS v FROM stream.event WHERE stream ="
                                         " 'eligibility' AND key = $1",
                                         "acme/O");
    /* An older "good" (effective 2026-03-01) arrives late: ignored. */
    snprintf(e[0].id, sizeof e[0].id, "O-standing-early-march");
    e[0].ev.effective_date = "2026-03-01";
    e[0].data.standing = PATHWAYS__V1__STANDING__STANDING_GOOD;
    publish(f, e, 1);
    assert_string_equal(outcome(f, "O"), "not_eligible");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT standing || ' ' || standing_eff AS v FROM"
                                           " eligibility.employee WHERE employee = $1",
                                           "O", NULL),
                        "final_warning 2026-05-20");
    assert_int_equal(elig_fixture_number(f,
                                         "SELECT count(*) AS v FROM stream.event WHERE stream ="
                                         " 'eligibility' AND key = $1",
                                         "acme/O"),
                     published);
    assert_int_equal(elig_fixture_number(f,
                                         "SELECT count(*) AS v FROM eligibility.partner_event"
                                         " WHERE employee = $1",
                                         "O"),
                     3);
}

static long stream_count(fixture_t *f)
{
    return elig_fixture_number(f, "SELECT count(*) AS v FROM stream.event WHERE stream = $1",
                               "eligibility");
}

static long determinations(fixture_t *f)
{
    return elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.determination", NULL);
}

/* "employer from->to count;..." */
static void changes_text(const result_t *r, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->n_changes && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s %d->%d %llu;", r->changes[i]->employer,
                                 r->changes[i]->from_outcome, r->changes[i]->to_outcome,
                                 (unsigned long long)r->changes[i]->count);
}

static void test_dry_run_matches_applied(void **state)
{
    fixture_t *f = *state;
    event_t e[2];
    hire(&e[0], "beta", "B1"); /* 73 days: eligible from 2026-06-18, 2026-05-31 under v2 */
    e[0].data.hire_date = e[0].ev.effective_date = "2026-03-20";
    hire(&e[1], "beta", "B2"); /* 31 days: eligible from 2026-07-30, 2026-06-30 under v2 */
    e[1].data.hire_date = e[1].ev.effective_date = "2026-05-01";
    publish(f, e, 2);
    long streamed = stream_count(f), dets = determinations(f);
    char dry[1024], applied[1024];

    result_t *r = load(f, program_v2(), 1);
    assert_string_equal(r->error_code, "");
    assert_true(r->dry_run);
    assert_int_equal(r->version, 3);
    uint64_t evaluated = r->evaluated, changed = r->changed;
    changes_text(r, dry, sizeof dry);
    free_result(&r);
    /* Nothing written. */
    assert_int_equal(versions(f), 1);
    assert_int_equal(stream_count(f), streamed);
    assert_int_equal(determinations(f), dets);
    assert_string_equal(outcome(f, "N"), "not_eligible");

    r = load(f, program_v2(), 0);
    assert_string_equal(r->error_code, "");
    assert_false(r->dry_run);
    assert_int_equal(r->version, 3);
    changes_text(r, applied, sizeof applied);
    assert_int_equal(r->evaluated, evaluated);
    assert_int_equal(r->changed, changed);
    assert_string_equal(applied, dry);
    free_result(&r);
    /* Exactly the expected: N at acme (41 >= 30) and B1 become eligible;
     * B2 stays not eligible with an earlier date; the acme employee
     * eligible by tenure since 2026-04-05 (hired 2026-01-05) has been so
     * since 2026-02-04 under a 30-day minimum. Evaluated: the 12 the change
     * can affect (every acme employee, whose override is new, everyone
     * eligible now, everyone whose period started less than 90 days ago),
     * not the one long-tenured, not eligible employee elsewhere. */
    assert_int_equal(evaluated, 12);
    assert_int_equal(
        elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.employee WHERE $1 = $1", "x"),
        13);
    assert_int_equal(changed, 4);
    assert_string_equal(dry, "acme 1->1 1;acme 2->1 1;beta 2->1 1;beta 2->2 1;");
    assert_int_equal(stream_count(f), streamed + 4);
    assert_int_equal(determinations(f), dets + 4);
    assert_int_equal(elig_fixture_number(f,
                                         "SELECT count(*) AS v FROM eligibility.determination"
                                         " WHERE cause_event_id = $1 AND rule_version = 3",
                                         "program:mapp:v3"),
                     4);
    assert_int_equal(
        elig_fixture_number(f,
                            "SELECT count(*) AS v FROM eligibility.determination"
                            " WHERE cause_event_id = $1 AND previous_outcome = 'eligible'"
                            " AND outcome = 'eligible' AND eligible_since = '2026-02-04'",
                            "program:mapp:v3"),
        1);
    assert_string_equal(outcome(f, "N"), "eligible");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT eligible_from::text AS v FROM"
                                           " eligibility.current_determination WHERE employee = $1",
                                           "B2", NULL),
                        "2026-06-30");
    assert_int_equal(versions(f), 2);
}

static void test_forecast_fires_on_its_date(void **state)
{
    fixture_t *f = *state;
    long streamed = stream_count(f);
    assert_int_equal(elig_service_recheck(f->elig, f->svc), 0);
    assert_int_equal(stream_count(f), streamed);
    setenv("PATHWAYS_TODAY", "2026-06-29", 1);
    assert_int_equal(elig_service_recheck(f->elig, f->svc), 0);
    assert_string_equal(outcome(f, "B2"), "not_eligible");
    assert_int_equal(stream_count(f), streamed);
    setenv("PATHWAYS_TODAY", "2026-06-30", 1);
    assert_int_equal(elig_service_recheck(f->elig, f->svc), 0);
    assert_string_equal(outcome(f, "B2"), "eligible");
    assert_int_equal(stream_count(f), streamed + 1);
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT cause_event_id || ' ' || as_of || ' ' ||"
                                           " coalesce(eligible_from::text, '-') AS v FROM"
                                           " eligibility.current_determination WHERE employee = $1",
                                           "B2", NULL),
                        "recheck:2026-06-30 2026-06-30 -");
    /* Nothing is due any more: a second run changes nothing. */
    assert_int_equal(elig_service_recheck(f->elig, f->svc), 0);
    assert_int_equal(stream_count(f), streamed + 1);
    setenv("PATHWAYS_TODAY", TODAY, 1);
}

/* An enrollment event recorded from stream "enrollment" makes the next
 * evaluation fail not_in_program. */
static void test_enrollment_is_recorded(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__EnrollmentChanged c = PATHWAYS__V1__ENROLLMENT_CHANGED__INIT;
    size_t len;
    char err[256] = "";
    c.employer = "acme";
    c.employee = "OK";
    c.program = "mapp";
    c.from_state = PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_APPLIED;
    c.to_state = PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_IN_TRAINING;
    uint8_t *bytes = pw_msg_encode(&c.base, 0, &len);
    pw_event_t ev = {.stream = "enrollment", .seq = 1, .payload = bytes, .payload_len = len};
    assert_int_equal(elig_participation_apply(NULL, NULL, f->db, &ev, 1, err, sizeof err),
                     PW_APPLY_OK);
    free(bytes);
    uint8_t junk[] = {0xff, 0xff};
    ev.payload = junk;
    ev.payload_len = sizeof junk;
    assert_int_equal(elig_participation_apply(NULL, NULL, f->db, &ev, 1, err, sizeof err),
                     PW_APPLY_REJECT);
    /* Two changes of one employee in a batch: the later one stays. */
    pw_event_t two[2];
    uint8_t *bytes2[2];
    c.employee = "OK2";
    for (int i = 0; i < 2; i++) {
        c.to_state = i ? PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_COMPLETED
                       : PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_IN_TRAINING;
        bytes2[i] = pw_msg_encode(&c.base, 0, &len);
        two[i] = (pw_event_t){
            .stream = "enrollment", .seq = 2 + i, .payload = bytes2[i], .payload_len = len};
    }
    assert_int_equal(elig_participation_apply(NULL, NULL, f->db, two, 2, err, sizeof err),
                     PW_APPLY_OK);
    free(bytes2[0]);
    free(bytes2[1]);
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT state AS v FROM eligibility.participation WHERE"
                                           " employee = $1",
                                           "OK2", NULL),
                        "completed");
    assert_string_equal(elig_fixture_value(f,
                                           "SELECT state AS v FROM eligibility.participation WHERE"
                                           " employee = $1",
                                           "OK", NULL),
                        "in_training");
    event_t e[1];
    hire(&e[0], "acme", "OK");
    snprintf(e[0].id, sizeof e[0].id, "OK-standing");
    snprintf(e[0].type, sizeof e[0].type, "org.pathways.employee.standing_changed.v1");
    e[0].ev.effective_date = "2026-05-30";
    publish(f, e, 1);
    assert_string_equal(not_passing(f, "OK"), "not_in_program=fail:already in_training in mapp");
}

/* Issue 19: an enrollment state recorded from stream "enrollment"
 * re-determines the employee at once (no partner event needed): explain
 * says "already completed in mapp" (the loaded file lists enrolled,
 * in_training, completed), and the changed determination is on the
 * stream. */
static void test_placement_redetermines(void **state)
{
    fixture_t *f = *state;
    Pathways__V1__EnrollmentChanged c = PATHWAYS__V1__ENROLLMENT_CHANGED__INIT;
    size_t len;
    char err[256] = "";
    c.employer = "acme";
    c.employee = "OK2";
    c.program = "mapp";
    c.from_state = PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_UNSPECIFIED;
    c.to_state = PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_COMPLETED;
    event_t e[1];
    exec(f, "DELETE FROM eligibility.participation WHERE employee = 'OK2'");
    hire(&e[0], "acme", "OK2");
    snprintf(e[0].id, sizeof e[0].id, "OK2-again");
    publish(f, e, 1);
    assert_string_equal(not_passing(f, "OK2"), "");
    long streamed = stream_count(f);
    uint8_t *bytes = pw_msg_encode(&c.base, 0, &len);
    pw_event_t ev = {.stream = "enrollment",
                     .seq = 9,
                     .event_id = "enr-9",
                     .payload = bytes,
                     .payload_len = len};
    pw_db_t *db = pw_service_db(f->svc);
    assert_int_equal(pw_db_begin(db), 0);
    assert_int_equal(elig_participation_apply(f->svc, elig_service_programs(f->elig), db, &ev, 1,
                                              err, sizeof err),
                     PW_APPLY_OK);
    assert_int_equal(pw_service_commit(f->svc), 0);
    free(bytes);
    assert_string_equal(not_passing(f, "OK2"), "not_in_program=fail:already completed in mapp");
    assert_string_equal(
        elig_fixture_value(f,
                           "SELECT cause_event_id AS v FROM eligibility.current_determination"
                           " WHERE employee = $1",
                           "OK2", NULL),
        "enrollment:enr-9");
    assert_int_equal(stream_count(f), streamed + 1);
}

/* Issue 17: a second program beside MAPP. Loading it evaluates everyone
 * on file under it and leaves MAPP's determinations alone; a partner event
 * is evaluated under both; a rule in the file (program.mapp) keeps MAPP's
 * trainees out. Runs last: the helpers above read one program. */
static void test_second_program(void **state)
{
    fixture_t *f = *state;
    static const char PCT[] =
        "program: pct\nname: Patient Care Technician Pathway\n"
        "target_role: {name: Patient Care Technician, job_families: [pct]}\n"
        "criteria:\n"
        "  - name: status\n    status: {in: [active]}\n"
        "  - name: tenure\n    tenure_days: {at_least: 30}\n"
        "  - name: not_in_role\n    job_family: {not_in: target_role}\n"
        "  - name: not_while_in_mapp\n    program.mapp: {not_in: [enrolled, in_training]}\n";
    static const char ROWS[] =
        "SELECT count(*) AS v FROM eligibility.current_determination WHERE program = $1";
    static const char WHY[] =
        "SELECT coalesce(string_agg(c->>'name' || '=' || (c->>'reason'), ';'), '') AS v"
        " FROM eligibility.current_determination d, jsonb_array_elements(d.criteria) c"
        " WHERE d.program = 'pct' AND d.employee = $1 AND c->>'result' <> 'pass'";
    long mapp_rows = elig_fixture_number(f, ROWS, "mapp");
    long on_file = elig_fixture_number(f, "SELECT count(*) AS v FROM eligibility.employee", NULL);
    result_t *r = load(f, PCT, 0);
    assert_string_equal(r->error_code, "");
    assert_string_equal(r->program, "pct");
    assert_int_equal(r->version, 1);
    assert_int_equal(r->evaluated, on_file);
    free_result(&r);
    assert_int_equal(elig_fixture_number(f, ROWS, "pct"), on_file);
    assert_int_equal(elig_fixture_number(f, ROWS, "mapp"), mapp_rows);
    assert_string_equal(
        elig_fixture_value(f, "SELECT intake AS v FROM eligibility.program WHERE program = $1",
                           "pct", NULL),
        "open");
    /* In training in MAPP: kept out of PCT by the file's rule. */
    assert_string_equal(elig_fixture_value(f, WHY, "OK", NULL),
                        "not_while_in_mapp=already in_training in mapp");
    /* A new employee: determined under both programs by one event. */
    event_t e[1];
    hire(&e[0], "acme", "BOTH");
    publish(f, e, 1);
    assert_int_equal(elig_fixture_number(f, ROWS, "pct"), on_file + 1);
    assert_int_equal(elig_fixture_number(f, ROWS, "mapp"), mapp_rows + 1);
    assert_string_equal(elig_fixture_value(f, WHY, "BOTH", NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_files_rejected_with_line),
        cmocka_unit_test(test_load_program),
        cmocka_unit_test(test_each_criterion_fails_alone),
        cmocka_unit_test(test_out_of_order_event_ignored),
        cmocka_unit_test(test_dry_run_matches_applied),
        cmocka_unit_test(test_forecast_fires_on_its_date),
        cmocka_unit_test(test_enrollment_is_recorded),
        cmocka_unit_test(test_placement_redetermines),
        cmocka_unit_test(test_second_program),
    };
    return cmocka_run_group_tests(tests, group_setup, elig_fixture_teardown);
}
