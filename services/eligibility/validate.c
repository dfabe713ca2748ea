/* Partner event validation: every field checked against the contract, the
 * first failure reported with a stable reason code. Order matters only for
 * which reason a doubly-bad event gets; identity attributes come first. */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "pathways/date.h"
#include "pathways/selfid.h"

int elig_reason_set(elig_reason_t *why, const char *code, const char *fmt, ...)
{
    va_list ap;
    snprintf(why->code, sizeof why->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(why->text, sizeof why->text, fmt, ap);
    va_end(ap);
    return -1;
}

static int printable_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

/* Ids that appear in keys: letters, digits, '.', '_', '-'. */
static int id_chars(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

/* A required identifier: present, bounded, in the allowed alphabet. */
static int check_key(const char *name, const char *v, size_t max, int (*alphabet)(const char *),
                     const char *missing_code, const char *invalid_code, elig_reason_t *why)
{
    size_t len = v ? strlen(v) : 0;
    if (len == 0)
        return elig_reason_set(why, missing_code, "%s is missing", name);
    if (len > max)
        return elig_reason_set(why, "field_too_long", "%s is %zu bytes, at most %zu", name, len,
                               max);
    if (!alphabet(v))
        return elig_reason_set(why, invalid_code, "%s has characters outside the allowed set",
                               name);
    return 0;
}

static int check_attributes(const Pathways__V1__EmployeeEvent *ev, elig_reason_t *why)
{
    if (check_key("id", ev->id, ELIG_ID_MAX, printable_ascii, "missing_id", "invalid_id", why))
        return -1;
    if (check_key("source", ev->source, ELIG_SUBJECT_MAX, id_chars, "missing_source",
                  "invalid_source", why))
        return -1;
    if (elig_event_type_parse(ev->type) < 0)
        return elig_reason_set(why, "invalid_type",
                               "type must be one of org.pathways.employee.<kind>.v1");
    if (check_key("subject", ev->subject, ELIG_SUBJECT_MAX, id_chars, "missing_subject",
                  "invalid_subject", why))
        return -1;
    if (ev->spec_version && ev->spec_version[0] && strcmp(ev->spec_version, "1.0") != 0)
        return elig_reason_set(why, "invalid_spec_version", "spec_version must be \"1.0\"");
    return 0;
}

static int check_effective_date(const char *v, int32_t today, int32_t max_future,
                                elig_reason_t *why)
{
    int32_t days;
    if (!v || !v[0])
        return elig_reason_set(why, "missing_field", "effective_date is missing");
    if (strlen(v) != PW_DATE_LEN - 1 || pw_date_parse(v, &days) != 0)
        return elig_reason_set(why, "invalid_date", "effective_date is not a YYYY-MM-DD date");
    if (days > today + max_future)
        return elig_reason_set(why, "invalid_date",
                               "effective_date %s is more than %d days after today "
                               "(PATHWAYS_MAX_FUTURE_DAYS)",
                               v, (int)max_future);
    return 0;
}

/* One bounded, valid UTF-8 text field (empty allowed). */
static int check_text(const char *name, const char *v, size_t max, elig_reason_t *why)
{
    size_t len = v ? strlen(v) : 0;
    if (len > max)
        return elig_reason_set(why, "field_too_long", "%s is %zu bytes, at most %zu", name, len,
                               max);
    if (len && !pw_utf8_valid(v, len))
        return elig_reason_set(why, "invalid_utf8", "%s is not valid UTF-8", name);
    return 0;
}

static int check_texts(const Pathways__V1__EmployeeFacts *d, elig_reason_t *why)
{
    const struct {
        const char *name;
        const char *value;
        size_t max;
    } fields[] = {
        {"job_family", d->job_family, ELIG_NAME_MAX},
        {"job_title", d->job_title, ELIG_NAME_MAX},
        {"status_raw", d->status_raw, ELIG_RAW_MAX},
        {"employment_type_raw", d->employment_type_raw, ELIG_RAW_MAX},
        {"standing_raw", d->standing_raw, ELIG_RAW_MAX},
        {"hire_date", d->hire_date, PW_DATE_LEN - 1},
        {"given_name", d->given_name, ELIG_NAME_MAX},
        {"family_name", d->family_name, ELIG_NAME_MAX},
        {"email", d->email, ELIG_EMAIL_MAX},
        {"phone", d->phone, ELIG_PHONE_MAX},
        {"language", d->language, ELIG_LANGUAGE_MAX},
        {"reason_code", d->reason_code, ELIG_RAW_MAX},
        {"site", d->site, ELIG_SHORT_MAX},
        {"shift", d->shift, ELIG_SHORT_MAX},
        {"education_level", d->education_level, ELIG_SHORT_MAX},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (check_text(fields[i].name, fields[i].value, fields[i].max, why))
            return -1;
    return 0;
}

/* credentials and languages: words of [A-Za-z0-9_ -] (stored joined by
 * commas), at most ELIG_SET_MAX bytes together. */
static int check_list(const char *name, char *const *items, size_t n, elig_reason_t *why)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(items[i]);
        if (!len || len > ELIG_SHORT_MAX ||
            strspn(items[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ -") !=
                len)
            return elig_reason_set(why, "invalid_value",
                                   "%s[%zu] must be 1-%d characters of letters, digits, '_', '-',"
                                   " ' '",
                                   name, i, ELIG_SHORT_MAX);
        total += len + 1;
    }
    if (total > ELIG_SET_MAX + 1)
        return elig_reason_set(why, "too_long", "%s: more than %d bytes together", name,
                               ELIG_SET_MAX);
    return 0;
}

static int check_lists(const Pathways__V1__EmployeeFacts *d, elig_reason_t *why)
{
    if (check_list("credentials", d->credentials, d->n_credentials, why) ||
        check_list("languages", d->languages, d->n_languages, why))
        return -1;
    return 0;
}

static int check_values(const Pathways__V1__EmployeeFacts *d, int32_t today, int32_t max_future,
                        elig_reason_t *why)
{
    int32_t days;
    if ((int)d->status < 0 ||
        (int)d->status > PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_PREHIRE)
        return elig_reason_set(why, "unknown_enum", "status %d is not a known value",
                               (int)d->status);
    if ((int)d->employment_type < 0 ||
        (int)d->employment_type > PATHWAYS__V1__EMPLOYMENT_TYPE__EMPLOYMENT_TYPE_PER_DIEM)
        return elig_reason_set(why, "unknown_enum", "employment_type %d is not a known value",
                               (int)d->employment_type);
    if ((int)d->standing < 0 || (int)d->standing > PATHWAYS__V1__STANDING__STANDING_FINAL_WARNING)
        return elig_reason_set(why, "unknown_enum", "standing %d is not a known value",
                               (int)d->standing);
    /* Written so that NaN fails too. */
    double hours = elig_event_hours(d);
    if (elig_event_has_hours(d) && !(hours >= 0.0 && hours <= ELIG_MAX_HOURS))
        return elig_reason_set(why, "invalid_hours", "scheduled_hours must be within 0..%g",
                               ELIG_MAX_HOURS);
    if (d->hire_date[0] && pw_date_parse(d->hire_date, &days) != 0)
        return elig_reason_set(why, "invalid_date", "hire_date is not a YYYY-MM-DD date");
    /* A hire dated far ahead would give a negative tenure ("tenure -63215
     * days"): the same window as effective dates. */
    if (d->hire_date[0] && days > today + max_future)
        return elig_reason_set(why, "invalid_date",
                               "hire_date %s is more than %d days after today "
                               "(PATHWAYS_MAX_FUTURE_DAYS)",
                               d->hire_date, (int)max_future);
    if (d->email[0]) {
        const char *at = strchr(d->email, '@');
        if (!at || at == d->email || !at[1] || strchr(at + 1, '@'))
            return elig_reason_set(why, "invalid_email", "email must contain exactly one '@'");
    }
    return 0;
}

/* Hires must carry what eligibility is decided on. */
static int check_required(const Pathways__V1__EmployeeEvent *ev, elig_reason_t *why)
{
    int type = elig_event_type_parse(ev->type);
    if (type != ELIG_EV_HIRED && type != ELIG_EV_REHIRED)
        return 0;
    const Pathways__V1__EmployeeFacts *d = ev->data;
    if (!d)
        return elig_reason_set(why, "missing_field", "a %s event needs data", ev->type);
    if (!d->job_family[0])
        return elig_reason_set(why, "missing_field", "job_family is required for hires");
    if (!d->status)
        return elig_reason_set(why, "missing_field", "status is required for hires");
    if (!d->hire_date[0])
        return elig_reason_set(why, "missing_field", "hire_date is required for hires");
    return 0;
}

/* Voluntary self-identification: each answer a word of its field's
 * vocabulary. The value is not echoed (it is the employee's answer, and
 * the reason goes back to the partner and into logs). */
static int check_self_id(const Pathways__V1__SelfIdentification *s, elig_reason_t *why)
{
    size_t bad;
    if (!s || pw_selfid_check(s, &bad) == 0)
        return 0;
    const pw_selfid_field_t *f = pw_selfid_field(bad);
    char words[224] = "";
    size_t used = 0;
    for (size_t k = 0; k < f->nwords && used < sizeof words; k++) {
        int n = snprintf(words + used, sizeof words - used, "%s%s", k ? ", " : "", f->words[k]);
        used += n > 0 ? (size_t)n : 0;
    }
    return elig_reason_set(why, "unknown_self_id_value",
                           "self_id.%s is not a word of its vocabulary (%s)", f->name, words);
}

int elig_validate_event(const Pathways__V1__EmployeeEvent *ev, int32_t today,
                        int32_t max_future_days, elig_reason_t *why)
{
    why->code[0] = why->text[0] = '\0';
    if (!ev)
        return elig_reason_set(why, "malformed_event", "no event");
    if (check_attributes(ev, why) ||
        check_effective_date(ev->effective_date, today, max_future_days, why))
        return -1;
    if (ev->data && (check_texts(ev->data, why) || check_lists(ev->data, why) ||
                     check_values(ev->data, today, max_future_days, why)))
        return -1;
    if (check_self_id(ev->self_id, why))
        return -1;
    return check_required(ev, why);
}
