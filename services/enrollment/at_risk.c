/* The programs' at_risk sections (at_risk.h). */
#include "at_risk.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/defaults.h"
#include "pathways/yaml.h"

#define MAX_PROGRAMS 32
#define MAX_ABSENCES 100

struct enr_at_risk {
    enr_at_risk_rule_t rules[MAX_PROGRAMS];
    size_t n;
};

enr_at_risk_t *enr_at_risk_new(void)
{
    return calloc(1, sizeof(enr_at_risk_t));
}

void enr_at_risk_destroy(enr_at_risk_t **p)
{
    if (!p || !*p)
        return;
    free(*p);
    *p = NULL;
}

static int fail(char *err, size_t errlen, const char *name, const char *what)
{
    snprintf(err, errlen, "%s: at_risk: %s", name, what);
    return -1;
}

/* Reads the section's fields into r. Returns 0 or -1. */
static int read_section(const json_t *sec, enr_at_risk_rule_t *r, const char *name, char *err,
                        size_t errlen)
{
    const char *key;
    json_t *v;
    long n;
    if (!json_is_object(sec))
        return fail(err, errlen, name, "expected a mapping (absences, within_days, failed_exam)");
    json_object_foreach((json_t *)sec, key, v)
    {
        if (strcmp(key, "absences") == 0) {
            if (pw_yaml_int(v, 1, MAX_ABSENCES, &n) != 0)
                return fail(err, errlen, name, "absences: expected a number from 1 to 100");
            r->absences = (int)n;
        } else if (strcmp(key, "within_days") == 0) {
            if (pw_yaml_int(v, 1, ENR_AT_RISK_MAX_DAYS, &n) != 0)
                return fail(err, errlen, name, "within_days: expected a number from 1 to 366");
            r->within_days = (int)n;
        } else if (strcmp(key, "failed_exam") == 0) {
            const char *s = json_string_value(v);
            if (!s || (strcmp(s, "true") != 0 && strcmp(s, "false") != 0))
                return fail(err, errlen, name, "failed_exam: expected true or false");
            r->failed_exam = strcmp(s, "true") == 0;
        } else {
            char what[160];
            snprintf(what, sizeof what,
                     "unknown key '%.60s' (expected absences, within_days, failed_exam)", key);
            return fail(err, errlen, name, what);
        }
    }
    if ((r->absences != 0) != (r->within_days != 0))
        return fail(err, errlen, name, "absences and within_days go together");
    return 0;
}

/* Takes the at_risk section of one program document (consumed). */
static int take_doc(enr_at_risk_t *self, json_t *doc, const char *name, char *err, size_t errlen)
{
    if (!doc)
        return -1;
    int rc = 0;
    const json_t *sec = json_object_get(doc, "at_risk");
    const char *program = json_string_value(json_object_get(doc, "program"));
    enr_at_risk_rule_t r = {0};
    if (!sec) {
        rc = 0;
    } else if (!program || !*program || strlen(program) > ENR_AT_RISK_PROGRAM_MAX) {
        rc = fail(err, errlen, name, "the file names no program (program: ID)");
    } else if (read_section(sec, &r, name, err, errlen) == 0) {
        snprintf(r.program, sizeof r.program, "%s", program);
        size_t i = 0;
        while (i < self->n && strcmp(self->rules[i].program, program) != 0)
            i++;
        if (i == MAX_PROGRAMS) {
            rc = fail(err, errlen, name, "too many programs");
        } else {
            self->rules[i] = r;
            self->n += i == self->n;
        }
    } else {
        rc = -1;
    }
    json_decref(doc);
    return rc;
}

int enr_at_risk_parse(enr_at_risk_t *self, const char *text, size_t len, const char *name,
                      char *err, size_t errlen)
{
    return take_doc(self, pw_yaml_parse(text, len, name, err, errlen), name, err, errlen);
}

int enr_at_risk_load_dir(enr_at_risk_t *self, const char *dir, char *err, size_t errlen)
{
    if (!dir || !*dir)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0 || e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        rc = take_doc(self, pw_yaml_load(path, err, errlen), path, err, errlen);
    }
    closedir(d);
    return rc;
}

int enr_at_risk_load_env(enr_at_risk_t *self, char *err, size_t errlen)
{
    const char *dir = getenv("PATHWAYS_PROGRAM_DIR");
    return enr_at_risk_load_dir(self, dir && *dir ? dir : PW_DEFAULT_PROGRAM_DIR, err, errlen);
}

const enr_at_risk_rule_t *enr_at_risk_for(const enr_at_risk_t *self, const char *program)
{
    for (size_t i = 0; self && i < self->n; i++)
        if (strcmp(self->rules[i].program, program) == 0)
            return &self->rules[i];
    return NULL;
}

size_t enr_at_risk_count(const enr_at_risk_t *self)
{
    return self ? self->n : 0;
}
