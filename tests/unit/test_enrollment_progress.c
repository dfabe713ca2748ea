/* Unit tests for the provider path's pure parts: a progress event's checks
 * (progress_check.h: each reason code, the provider's authority, today),
 * the programs' at_risk sections (at_risk.h) and the provider tool's CSV
 * reader (progress_csv.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enrollment/at_risk.h"
#include "enrollment/progress_check.h"
#include "pathways/date.h"
#include "pathways/progress_event.h"
#include "progress_csv.h"

static int32_t today(void)
{
    int32_t d;
    assert_int_equal(pw_date_parse("2026-06-01", &d), 0);
    return d;
}

static void good_event(pw_progress_event_t *p)
{
    pw_progress_event_init(p);
    p->ev.id = "e-1";
    p->ev.source = "college";
    p->ev.cohort_id = "c1";
    p->ev.employer = "acme";
    p->ev.employee = "p1";
    p->ev.date = "2026-05-04";
    p->attendance.session_id = "s1";
    p->attendance.status = PATHWAYS__V1__ATTENDANCE_STATUS__ATTENDANCE_STATUS_PRESENT;
    assert_int_equal(pw_progress_event_set_kind(p, "attendance"), 0);
}

static const char *check_code(const pw_progress_event_t *p, const pw_peer_t *peer)
{
    static pw_reason_t why;
    memset(&why, 0, sizeof why);
    return enr_progress_check(&p->ev, peer, today(), &why) == 0 ? "ok" : why.code;
}

static void test_check_reasons(void **state)
{
    (void)state;
    pw_peer_t college = {.key_id = "k1", .role = PW_ROLE_PROVIDER, .provider = "college"};
    pw_peer_t partner = {.key_id = "k2", .role = PW_ROLE_PARTNER, .employer = "acme"};
    pw_peer_t admin;
    pw_peer_dev(&admin);
    pw_progress_event_t p;
    good_event(&p);
    assert_string_equal(check_code(&p, &college), "ok");
    assert_string_equal(check_code(&p, &admin), "ok");
    assert_string_equal(check_code(&p, &partner), "forbidden_provider");
    p.ev.source = "other";
    assert_string_equal(check_code(&p, &college), "forbidden_provider");
    good_event(&p);
    p.ev.date = "2026-06-02";
    assert_string_equal(check_code(&p, &college), "future_date");
    p.ev.date = "2026-06-01";
    assert_string_equal(check_code(&p, &college), "ok");
    p.ev.date = "June 1";
    assert_string_equal(check_code(&p, &college), "invalid_date");
    good_event(&p);
    p.ev.id = "";
    assert_string_equal(check_code(&p, &college), "missing_id");
    good_event(&p);
    p.ev.employee = "p 1";
    assert_string_equal(check_code(&p, &college), "invalid_value");
    good_event(&p);
    p.attendance.status = 9;
    assert_string_equal(check_code(&p, &college), "invalid_value");
    good_event(&p);
    p.ev.detail_case = PATHWAYS__V1__PROGRESS_EVENT__DETAIL__NOT_SET;
    assert_string_equal(check_code(&p, &college), "invalid_kind");
    good_event(&p);
    assert_int_equal(pw_progress_event_set_kind(&p, "withdrawn"), 0);
    p.withdrawn.reason_code = "Moved";
    assert_string_equal(check_code(&p, &college), "invalid_value");
    p.withdrawn.reason_code = "moved";
    assert_string_equal(check_code(&p, &college), "ok");
    assert_int_equal(pw_progress_event_set_kind(&p, "graduated"), -1);
}

static const char *parse_rule(const char *yaml, enr_at_risk_rule_t *out)
{
    static char err[256];
    enr_at_risk_t *r = enr_at_risk_new();
    assert_non_null(r);
    err[0] = '\0';
    if (enr_at_risk_parse(r, yaml, strlen(yaml), "t.yaml", err, sizeof err) == 0) {
        const enr_at_risk_rule_t *rule = enr_at_risk_for(r, "mapp");
        if (rule)
            *out = *rule;
        snprintf(err, sizeof err, "%s", rule ? "rule" : "none");
    }
    enr_at_risk_destroy(&r);
    return err;
}

static void test_at_risk_sections(void **state)
{
    (void)state;
    enr_at_risk_rule_t r = {0};
    assert_string_equal(parse_rule("program: mapp\nat_risk:\n  absences: 3\n  within_days: 28\n"
                                   "  failed_exam: true\n",
                                   &r),
                        "rule");
    assert_int_equal(r.absences, 3);
    assert_int_equal(r.within_days, 28);
    assert_int_equal(r.failed_exam, 1);
    assert_string_equal(parse_rule("program: mapp\ncriteria: {}\n", &r), "none");
    assert_non_null(strstr(parse_rule("program: mapp\nat_risk: {absences: 3}\n", &r),
                           "absences and within_days go together"));
    assert_non_null(
        strstr(parse_rule("program: mapp\nat_risk: {absences: 0, within_days: 9}\n", &r),
               "absences: expected a number"));
    assert_non_null(strstr(parse_rule("program: mapp\nat_risk: {late: 2}\n", &r), "unknown key"));
    assert_non_null(strstr(parse_rule("program: mapp\nat_risk: {failed_exam: maybe}\n", &r),
                           "failed_exam: expected true or false"));
    assert_non_null(strstr(parse_rule("at_risk: {failed_exam: true}\n", &r), "names no program"));
    /* The repository's own program file has a rule. */
    enr_at_risk_t *all = enr_at_risk_new();
    char err[256];
    assert_int_equal(enr_at_risk_load_dir(all, PW_SOURCE_DIR "/deploy/programs", err, sizeof err),
                     0);
    assert_non_null(enr_at_risk_for(all, "mapp"));
    enr_at_risk_destroy(&all);
}

static void test_progress_csv(void **state)
{
    (void)state;
    char path[] = "/tmp/pathways-progress-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text =
        "event_id,cohort_id,employer,employee,date,kind,session_id,status,exam_id,result\n"
        "a,c1,acme,p1,2026-05-04,attendance,s1,present,,\n"
        "b,c1,acme,p1,2026-05-05,exam,,,x1,failed\n"
        "c,c1,acme,p1,2026-05-06,attendance,s2,late,,\n"
        "d,c1,acme,p1,2026-05-06,graduated,,,,\n"
        ",c1,acme,p1,2026-05-06,completed,,,,\n"
        "f,c1,acme,p1,2026-05-07,completed,,,,\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char err[256];
    feed_t *feed = progress_csv_load(path, "college", err, sizeof err);
    assert_non_null(feed);
    assert_int_equal(feed->count, 3);
    assert_int_equal(feed->unreadable_count, 3);
    assert_non_null(strstr(feed->unreadable[0].reason, "status: expected present"));
    assert_non_null(strstr(feed->unreadable[1].reason, "kind: expected"));
    assert_non_null(strstr(feed->unreadable[2].reason, "event_id is empty"));
    Pathways__V1__ProgressEvent *ev = (Pathways__V1__ProgressEvent *)pw_msg_decode(
        &pathways__v1__progress_event__descriptor, feed->events[1].bytes, feed->events[1].len, 0);
    assert_non_null(ev);
    assert_string_equal(ev->source, "college");
    assert_int_equal(ev->detail_case, PATHWAYS__V1__PROGRESS_EVENT__DETAIL_EXAM);
    assert_int_equal(ev->exam->result, PATHWAYS__V1__EXAM_RESULT__EXAM_RESULT_FAILED);
    pw_msg_free((ProtobufCMessage **)&ev);
    feed_destroy(&feed);
    /* A header with an unknown column is refused whole. */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("event_id,cohort_id,employer,employee,date,kind,colour\n", f);
    fclose(f);
    assert_null(progress_csv_load(path, "college", err, sizeof err));
    assert_non_null(strstr(err, "unknown column 'colour'"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_reasons),
        cmocka_unit_test(test_at_risk_sections),
        cmocka_unit_test(test_progress_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
