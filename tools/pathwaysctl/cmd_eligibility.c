/* pathwaysctl eligibility explain EMPLOYER EMPLOYEE: the current
 * determination in plain language, criterion by criterion. Reads the
 * eligibility schema directly (read-only): the determination is stored with
 * its verdicts and reasons, so nothing needs computing. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "json_out.h"

static const char CURRENT_SQL[] =
    "SELECT program, outcome, criteria::text AS criteria, rule_version,"
    " coalesce(to_char(eligible_from, 'YYYY-MM-DD'), '') AS eligible_from,"
    " to_char(as_of, 'YYYY-MM-DD') AS as_of, cause_event_id"
    " FROM eligibility.current_determination WHERE employer = $1 AND employee = $2"
    " ORDER BY program";

static const char *outcome_words(const char *outcome)
{
    if (strcmp(outcome, "eligible") == 0)
        return "eligible";
    if (strcmp(outcome, "not_eligible") == 0)
        return "not eligible";
    if (strcmp(outcome, "needs_review") == 0)
        return "needs review";
    return outcome;
}

static const char *field(json_t *c, const char *key)
{
    const char *s = json_string_value(json_object_get(c, key));
    return s ? s : "";
}

/* The headline: the outcome and the reasons of the criteria that decide it
 * (failures when not eligible, unknowns when it needs review). */
static void headline(const char *outcome, json_t *criteria, const char *eligible_from)
{
    const char *want = strcmp(outcome, "not_eligible") == 0   ? "fail"
                       : strcmp(outcome, "needs_review") == 0 ? "unknown"
                                                              : NULL;
    size_t i, shown = 0;
    json_t *c;
    printf("%s", outcome_words(outcome));
    if (!want) {
        printf(": all %zu criteria pass\n", json_array_size(criteria));
        return;
    }
    json_array_foreach(criteria, i, c)
    {
        if (strcmp(field(c, "result"), want) == 0)
            printf("%s%s", shown++ ? "; " : ": ", field(c, "reason"));
    }
    if (*eligible_from)
        printf(" \u2014 eligible from %s if nothing else changes", eligible_from);
    printf("\n");
}

static int explain_row(const PGresult *res, int row, const char *employer, const char *employee)
{
    json_error_t jerr;
    json_t *criteria = json_loads(pw_db_get(res, row, "criteria"), 0, &jerr);
    if (!json_is_array(criteria)) {
        json_decref(criteria);
        fprintf(stderr, "eligibility explain: stored criteria unreadable: %s\n", jerr.text);
        return CTL_FAIL;
    }
    printf("%s/%s in %s (rule version %s, evaluated for %s%s%s)\n", employer, employee,
           pw_db_get(res, row, "program"), pw_db_get(res, row, "rule_version"),
           pw_db_get(res, row, "as_of"), *pw_db_get(res, row, "cause_event_id") ? ", after " : "",
           pw_db_get(res, row, "cause_event_id"));
    headline(pw_db_get(res, row, "outcome"), criteria, pw_db_get(res, row, "eligible_from"));
    size_t i;
    json_t *c;
    json_array_foreach(criteria, i, c)
    {
        const char *result = field(c, "result");
        printf("  %-8s %-22s %s",
               strcmp(result, "pass") == 0   ? "pass"
               : strcmp(result, "fail") == 0 ? "FAIL"
                                             : "UNKNOWN",
               field(c, "name"), field(c, "reason"));
        if (*field(c, "required") && strcmp(result, "pass") != 0)
            printf(" (requires %s)", field(c, "required"));
        printf("\n");
    }
    json_decref(criteria);
    return CTL_OK;
}

/* The determinations of res as {"employer", "employee", "determinations":
 * [{program, outcome, ..., criteria: [...]}]}, the stored criteria as they
 * are. */
static int explain_json(const PGresult *res, const char *employer, const char *employee)
{
    static const char *const cols[] = {"program",       "rule_version",   "as_of",
                                       "eligible_from", "cause_event_id", NULL};
    json_t *list = json_array();
    for (int r = 0; r < PQntuples(res); r++) {
        json_t *d = ctl_json_row(res, r, cols);
        json_object_set_new(d, "outcome", json_string(outcome_words(pw_db_get(res, r, "outcome"))));
        json_object_set_new(d, "criteria", json_loads(pw_db_get(res, r, "criteria"), 0, NULL));
        json_array_append_new(list, d);
    }
    ctl_json_print(json_pack("{s:s, s:s, s:o}", "employer", employer, "employee", employee,
                             "determinations", list));
    return CTL_OK;
}

static int explain(ctl_t *ctl, int argc, char **argv)
{
    int json = ctl_take_json(&argc, argv);
    if (ctl_wants_help(argc, argv) || argc != 3) {
        printf("usage: pathwaysctl eligibility explain EMPLOYER EMPLOYEE [--json]\n\n"
               "Prints the employee's current determination in plain language: the outcome,\n"
               "why, the date it would change on its own, and every criterion's verdict\n"
               "(--json: the same as one document, outcomes in words).\n");
        return argc == 3 ? CTL_OK : CTL_USAGE;
    }
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    const char *params[2] = {argv[1], argv[2]};
    PGresult *res = pw_db_query(db, CURRENT_SQL, 2, params);
    int rc = CTL_OK;
    if (!res) {
        fprintf(stderr, "eligibility explain: %s\n", pw_db_error(db));
        rc = CTL_FAIL;
    } else if (PQntuples(res) == 0) {
        fprintf(stderr, "eligibility explain: no determination for %s/%s (unknown employee?)\n",
                argv[1], argv[2]);
        rc = CTL_FAIL;
    }
    if (rc == CTL_OK && json)
        rc = explain_json(res, argv[1], argv[2]);
    for (int r = 0; rc == CTL_OK && !json && r < PQntuples(res); r++)
        if (explain_row(res, r, argv[1], argv[2]) != CTL_OK)
            rc = CTL_FAIL;
    PQclear(res);
    pw_db_destroy(&db);
    return rc;
}

int ctl_eligibility(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"explain", "an employee's determination in plain language", explain},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl eligibility", commands, argc - 1, argv + 1);
}
