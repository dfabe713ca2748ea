/* Progress event validation (progress_check.h). Identity attributes come
 * first, then the date, then the detail of the event's kind. */
#include "progress_check.h"

#include <stdio.h>
#include <string.h>

#include "pathways/date.h"
#include "pathways/progress_event.h"

#define D(x) PATHWAYS__V1__PROGRESS_EVENT__DETAIL_##x

const char *enr_progress_kind(const enr_progress_event_t *ev)
{
    return pw_progress_kind_name(ev->detail_case);
}

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            return 0;
    return 1;
}

/* Ids that appear in keys: letters, digits, '.', '_', '-'. */
static int id_chars(const char *s)
{
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
           strlen(s);
}

static int code_chars(const char *s)
{
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

/* A text field: required or not, bounded, in the alphabet (NULL: any
 * printable text). The event id has its own codes. */
static int check_text(const char *name, const char *v, size_t max, int required,
                      int (*alphabet)(const char *), pw_reason_t *why)
{
    size_t len = v ? strlen(v) : 0;
    int is_id = strcmp(name, "id") == 0;
    if (len == 0)
        return required ? pw_reason_set(why, is_id ? "missing_id" : "missing_field",
                                        "%s is missing", name)
                        : 0;
    if (len > max)
        return pw_reason_set(why, "field_too_long", "%s is %zu bytes, at most %zu", name, len, max);
    if (!(alphabet ? alphabet(v) : printable(v)))
        return pw_reason_set(why, is_id ? "invalid_id" : "invalid_value",
                             "%s has characters outside the allowed set", name);
    return 0;
}

static int check_identity(const enr_progress_event_t *ev, const pw_peer_t *peer, pw_reason_t *why)
{
    char text[sizeof why->text];
    if (check_text("id", ev->id, ENR_PROGRESS_ID_MAX, 1, printable, why) ||
        check_text("source", ev->source, ENR_PROGRESS_ORG_MAX, 1, id_chars, why) ||
        check_text("cohort_id", ev->cohort_id, ENR_PROGRESS_ORG_MAX, 1, NULL, why) ||
        check_text("employer", ev->employer, ENR_PROGRESS_ORG_MAX, 1, id_chars, why) ||
        check_text("employee", ev->employee, ENR_PROGRESS_ID_MAX, 1, id_chars, why))
        return -1;
    if (!pw_auth_may_act_for_provider(peer, ev->source, text, sizeof text))
        return pw_reason_set(why, "forbidden_provider", "%s", text);
    return 0;
}

static int check_date(const enr_progress_event_t *ev, int32_t today, pw_reason_t *why)
{
    int32_t day;
    if (!ev->date || !*ev->date)
        return pw_reason_set(why, "missing_field", "date is missing");
    if (pw_date_parse(ev->date, &day) != 0)
        return pw_reason_set(why, "invalid_date", "date: expected YYYY-MM-DD, got '%.20s'",
                             ev->date);
    if (day > today) {
        char t[PW_DATE_LEN];
        pw_date_format(today, t);
        return pw_reason_set(why, "future_date",
                             "date %s is after today (%s): progress is recorded once it happened",
                             ev->date, t);
    }
    return 0;
}

static int check_detail(const enr_progress_event_t *ev, pw_reason_t *why)
{
    switch (ev->detail_case) {
    case D(ATTENDANCE):
        if (check_text("session_id", ev->attendance->session_id, ENR_PROGRESS_ID_MAX, 1, NULL, why))
            return -1;
        if (ev->attendance->status < PATHWAYS__V1__ATTENDANCE_STATUS__ATTENDANCE_STATUS_PRESENT ||
            ev->attendance->status > PATHWAYS__V1__ATTENDANCE_STATUS__ATTENDANCE_STATUS_EXCUSED)
            return pw_reason_set(why, "invalid_value",
                                 "attendance status must be present, absent or excused");
        return 0;
    case D(MODULE_COMPLETED):
        return check_text("module_id", ev->module_completed->module_id, ENR_PROGRESS_ID_MAX, 1,
                          NULL, why) ||
                       check_text("name", ev->module_completed->name, ENR_PROGRESS_TEXT_MAX, 0,
                                  NULL, why)
                   ? -1
                   : 0;
    case D(EXAM):
        if (check_text("exam_id", ev->exam->exam_id, ENR_PROGRESS_ID_MAX, 1, NULL, why) ||
            check_text("score", ev->exam->score, 32, 0, NULL, why))
            return -1;
        if (ev->exam->result != PATHWAYS__V1__EXAM_RESULT__EXAM_RESULT_PASSED &&
            ev->exam->result != PATHWAYS__V1__EXAM_RESULT__EXAM_RESULT_FAILED)
            return pw_reason_set(why, "invalid_value", "exam result must be passed or failed");
        return 0;
    case D(CREDENTIAL):
        return check_text("issuer", ev->credential->issuer, ENR_PROGRESS_TEXT_MAX, 1, NULL, why) ||
                       check_text("credential_id", ev->credential->credential_id,
                                  ENR_PROGRESS_ID_MAX, 1, NULL, why) ||
                       check_text("credential", ev->credential->credential, ENR_PROGRESS_TEXT_MAX,
                                  1, NULL, why)
                   ? -1
                   : 0;
    case D(COMPLETED):
        return 0;
    case D(WITHDRAWN):
        return check_text("reason_code", ev->withdrawn->reason_code, ENR_PROGRESS_ORG_MAX, 1,
                          code_chars, why) ||
                       check_text("reason", ev->withdrawn->reason, ENR_PROGRESS_TEXT_MAX, 0, NULL,
                                  why)
                   ? -1
                   : 0;
    default:
        return pw_reason_set(why, "invalid_kind",
                             "the event carries no detail: attendance, module_completed, exam, "
                             "credential, completed or withdrawn");
    }
}

int enr_progress_check(const enr_progress_event_t *ev, const pw_peer_t *peer, int32_t today,
                       pw_reason_t *why)
{
    if (check_identity(ev, peer, why) || check_date(ev, today, why) || check_detail(ev, why))
        return -1;
    return 0;
}
