/* pathwaysctl notifications list|show|retry|cancel and preferences set.
 * Lists and details are read from the notification schema; changes go to
 * pathways-notification's command endpoint (NotificationAdminRequest),
 * because that service owns the schema and announces every change. */
#include <czmq.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl.h"
#include "json_out.h"
#include "queues.h"
#include "pathways/codec.h"
#include "intopt.h"

#define LIST_DEFAULT_LIMIT 50
#define REQUEST_TYPE       "pathways.v1.NotificationAdminReply"

static const char *const STATES[] = {"queued", "sending",   "sent", "retrying",
                                     "dead",   "cancelled", NULL};

static const char *SQL_LIST =
    "SELECT notification_id, state, trigger, recipient, channel, employer, employee, attempts,"
    " to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS') AS updated, last_error"
    " FROM notification.outbox WHERE ($1 = '' OR state = $1) AND ($2 = '' OR employer = $2)"
    " ORDER BY updated_at DESC, notification_id LIMIT $3::int";

static const char *SQL_COUNTS =
    "SELECT state, count(*) AS n FROM notification.outbox GROUP BY state ORDER BY state";

static const char *SQL_SHOW =
    "SELECT notification_id, state, trigger, recipient, channel, program, employer, employee,"
    " address, attempts, address_waits, trigger_event_id, context::text AS context, last_error,"
    " created_at::text AS created, updated_at::text AS updated, COALESCE(next_attempt_at::text,"
    " '') AS next_attempt, COALESCE(sent_at::text, '') AS sent, COALESCE(dead_at::text, '')"
    " AS dead, COALESCE(cancelled_at::text, '') AS cancelled"
    " FROM notification.outbox WHERE notification_id = $1";

static const char *SQL_ATTEMPTS =
    "SELECT attempt, at::text AS at, result, channel, address, error FROM notification.attempt"
    " WHERE notification_id = $1 ORDER BY id";

static int known_state(const char *s)
{
    for (size_t i = 0; STATES[i]; i++)
        if (strcmp(STATES[i], s) == 0)
            return 1;
    return 0;
}

/* Notifications per state, every state named (0 when none). Caller owns
 * the result; NULL when the query failed. */
static json_t *state_counts(pw_db_t *db)
{
    PGresult *res = pw_db_query(db, SQL_COUNTS, 0, NULL);
    if (!res)
        return NULL;
    json_t *o = json_object();
    for (size_t k = 0; STATES[k]; k++)
        json_object_set_new(o, STATES[k], json_integer(0));
    for (int i = 0; i < PQntuples(res); i++)
        json_object_set_new(o, pw_db_get(res, i, "state"),
                            json_integer((json_int_t)pw_db_get_i64(res, i, "n")));
    PQclear(res);
    return o;
}

/* "by state: dead=1 sent=7": the states that have notifications, by name. */
static void print_counts(pw_db_t *db)
{
    static const char *const BY_NAME[] = {"cancelled", "dead",    "queued",
                                          "retrying",  "sending", "sent"};
    json_t *counts = state_counts(db);
    if (!counts)
        return;
    printf("\nby state:");
    for (size_t k = 0; k < sizeof BY_NAME / sizeof BY_NAME[0]; k++) {
        json_int_t n = json_integer_value(json_object_get(counts, BY_NAME[k]));
        if (n)
            printf(" %s=%lld", BY_NAME[k], (long long)n);
    }
    printf("\n");
    json_decref(counts);
}

static const char *const LIST_COLS[] = {"notification_id", "state",      "trigger",  "recipient",
                                        "channel",         "employer",   "employee", "attempts",
                                        "updated",         "last_error", NULL};

static int list(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"state", required_argument, NULL, 's'}, {"employer", required_argument, NULL, 'e'},
        {"limit", required_argument, NULL, 'l'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *state = "", *employer = "";
    int limit = LIST_DEFAULT_LIMIT, c, json = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 's')
            state = optarg;
        else if (c == 'e')
            employer = optarg;
        else if (c == 'l' && pwt_parse_int(optarg, 1, 100000, &limit) != 0)
            limit = -1; /* refused below */
        else if (c == 'l')
            continue;
        else if (c == 'j')
            json = 1;
        else
            return printf("usage: pathwaysctl notifications list [--state S] [--employer E]"
                          " [--limit N] [--json]\n\nStates: queued sending sent retrying dead"
                          " cancelled. Newest first (default limit %d).\n",
                          LIST_DEFAULT_LIMIT),
                   c == 'h' ? CTL_OK : CTL_USAGE;
    }
    if ((*state && !known_state(state)) || limit < 1 || limit > 100000 || optind != argc) {
        fprintf(stderr, "notifications list: bad --state or --limit (states: queued sending"
                        " sent retrying dead cancelled)\n");
        return CTL_USAGE;
    }
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[3] = {state, employer, lim};
    PGresult *res = pw_db_query(db, SQL_LIST, 3, p);
    if (!res) {
        fprintf(stderr, "notifications list: %s\n", pw_db_error(db));
        pw_db_destroy(&db);
        return CTL_FAIL;
    }
    if (json) {
        json_t *counts = state_counts(db);
        ctl_json_print(json_pack("{s:o, s:o}", "notifications", ctl_json_rows(res, LIST_COLS),
                                 "by_state", counts ? counts : json_null()));
        PQclear(res);
        pw_db_destroy(&db);
        return counts ? CTL_OK : CTL_FAIL;
    }
    printf("%-36s  %-9s  %-20s  %-8s  %-7s  %-12s  %-12s  %3s  %-19s  %s\n", "ID", "STATE",
           "TRIGGER", "TO", "CHANNEL", "EMPLOYER", "EMPLOYEE", "TRY", "UPDATED", "LAST_ERROR");
    for (int i = 0; i < PQntuples(res); i++)
        printf("%-36s  %-9s  %-20s  %-8s  %-7s  %-12s  %-12s  %3s  %-19s  %s\n",
               pw_db_get(res, i, "notification_id"), pw_db_get(res, i, "state"),
               pw_db_get(res, i, "trigger"), pw_db_get(res, i, "recipient"),
               pw_db_get(res, i, "channel"), pw_db_get(res, i, "employer"),
               pw_db_get(res, i, "employee"), pw_db_get(res, i, "attempts"),
               pw_db_get(res, i, "updated"), pw_db_get(res, i, "last_error"));
    PQclear(res);
    print_counts(db);
    pw_db_destroy(&db);
    return CTL_OK;
}

static const char *const SHOW_FIELDS[] = {"notification_id",
                                          "state",
                                          "trigger",
                                          "recipient",
                                          "channel",
                                          "program",
                                          "employer",
                                          "employee",
                                          "address",
                                          "attempts",
                                          "address_waits",
                                          "trigger_event_id",
                                          "context",
                                          "last_error",
                                          "created",
                                          "updated",
                                          "next_attempt",
                                          "sent",
                                          "dead",
                                          "cancelled",
                                          NULL};
static const char *const ATTEMPT_COLS[] = {"attempt", "at",    "result", "channel",
                                           "address", "error", NULL};

static void print_fields(const PGresult *res)
{
    for (size_t i = 0; SHOW_FIELDS[i]; i++)
        printf("%-17s %s\n", SHOW_FIELDS[i], pw_db_get(res, 0, SHOW_FIELDS[i]));
}

static int show(ctl_t *ctl, int argc, char **argv)
{
    int json = ctl_take_json(&argc, argv);
    if (ctl_wants_help(argc, argv) || argc != 2) {
        printf("usage: pathwaysctl notifications show ID [--json]\n\nOne notification, its"
               " state with timestamps, and every delivery attempt.\n");
        return argc == 2 ? CTL_OK : CTL_USAGE;
    }
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    const char *p[1] = {argv[1]};
    PGresult *res = pw_db_query(db, SQL_SHOW, 1, p);
    int rc = CTL_FAIL;
    if (!res) {
        fprintf(stderr, "notifications show: %s\n", pw_db_error(db));
    } else if (PQntuples(res) != 1) {
        fprintf(stderr, "notifications show: no notification %s\n", argv[1]);
    } else if (json) {
        json_t *doc = ctl_json_row(res, 0, SHOW_FIELDS);
        PQclear(res);
        res = pw_db_query(db, SQL_ATTEMPTS, 1, p);
        if (res) {
            json_object_set_new(doc, "attempts", ctl_json_rows(res, ATTEMPT_COLS));
            ctl_json_print(doc);
        } else {
            json_decref(doc);
            fprintf(stderr, "notifications show: %s\n", pw_db_error(db));
        }
        rc = res ? CTL_OK : CTL_FAIL;
    } else {
        print_fields(res);
        PQclear(res);
        res = pw_db_query(db, SQL_ATTEMPTS, 1, p);
        printf("\nattempts:\n");
        for (int i = 0; res && i < PQntuples(res); i++)
            printf("  #%s  %s  %-10s  %-7s  %s  %s\n", pw_db_get(res, i, "attempt"),
                   pw_db_get(res, i, "at"), pw_db_get(res, i, "result"),
                   pw_db_get(res, i, "channel"), pw_db_get(res, i, "address"),
                   pw_db_get(res, i, "error"));
        rc = res ? CTL_OK : CTL_FAIL;
    }
    PQclear(res);
    pw_db_destroy(&db);
    return rc;
}

/* Sends req to pathways-notification; returns the reply or NULL (printed). */
static Pathways__V1__NotificationAdminReply *
call(const ctl_t *ctl, Pathways__V1__NotificationAdminRequest *req, const char *who)
{
    char endpoint[PW_ENDPOINT_MAX], err[512], id[40];
    zuuid_t *uuid = zuuid_new();
    snprintf(id, sizeof id, "%s", uuid ? zuuid_str_canonical(uuid) : "");
    zuuid_destroy(&uuid);
    req->request_id = id;
    req->actor = (char *)ctl_actor();
    pw_config_endpoint(&ctl->cfg, PW_SVC_NOTIFICATION, PW_PORT_COMMAND, 0, endpoint,
                       sizeof endpoint);
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (pwt_request("notification", endpoint, &req->base, REQUEST_TYPE, ctl->timeout_ms, &bytes,
                    &len, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", who, err);
        return NULL;
    }
    Pathways__V1__NotificationAdminReply *r = (Pathways__V1__NotificationAdminReply *)pw_msg_decode(
        &pathways__v1__notification_admin_reply__descriptor, bytes, len, 0);
    free(bytes);
    if (!r)
        fprintf(stderr, "%s: undecodable reply\n", who);
    else if (*r->error_code) {
        fprintf(stderr, "%s: notification refused: %s: %s\n", who, r->error_code, r->error);
        pw_msg_free((ProtobufCMessage **)&r);
    }
    return r;
}

static int print_outcomes(Pathways__V1__NotificationAdminReply *r, const char *verb)
{
    int rc = CTL_OK;
    for (size_t i = 0; i < r->n_outcomes; i++) {
        const Pathways__V1__NotificationOutcome *o = r->outcomes[i];
        if (o->ok)
            printf("%s %s (now %s)\n", o->notification_id, verb, o->state);
        else {
            printf("%s not %s: %s%s%s\n", o->notification_id, verb, o->error,
                   *o->state ? ", state " : "", o->state);
            rc = CTL_FAIL;
        }
    }
    pw_msg_free((ProtobufCMessage **)&r);
    return rc;
}

static int retry(ctl_t *ctl, int argc, char **argv)
{
    if (ctl_wants_help(argc, argv) || argc != 2) {
        printf("usage: pathwaysctl notifications retry ID\n\nPuts a dead (or cancelled)"
               " notification back in the queue, due now.\n");
        return argc == 2 ? CTL_OK : CTL_USAGE;
    }
    Pathways__V1__NotificationRetry rt = PATHWAYS__V1__NOTIFICATION_RETRY__INIT;
    rt.notification_id = argv[1];
    Pathways__V1__NotificationAdminRequest req = PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__INIT;
    req.request_case = PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__REQUEST_RETRY;
    req.retry = &rt;
    Pathways__V1__NotificationAdminReply *r = call(ctl, &req, "notifications retry");
    return r ? print_outcomes(r, "requeued") : CTL_FAIL;
}

static int cancel(ctl_t *ctl, int argc, char **argv)
{
    if (ctl_wants_help(argc, argv) || argc < 2) {
        printf("usage: pathwaysctl notifications cancel ID...\n\nCancels notifications that"
               " are still queued or retrying.\n");
        return argc >= 2 ? CTL_OK : CTL_USAGE;
    }
    Pathways__V1__NotificationCancel cn = PATHWAYS__V1__NOTIFICATION_CANCEL__INIT;
    cn.notification_ids = argv + 1;
    cn.n_notification_ids = (size_t)(argc - 1);
    Pathways__V1__NotificationAdminRequest req = PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__INIT;
    req.request_case = PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__REQUEST_CANCEL;
    req.cancel = &cn;
    Pathways__V1__NotificationAdminReply *r = call(ctl, &req, "notifications cancel");
    return r ? print_outcomes(r, "cancelled") : CTL_FAIL;
}

int ctl_notifications(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"list", "notifications by state, newest first", list},
        {"show", "one notification with its attempts", show},
        {"retry", "requeue a dead notification", retry},
        {"cancel", "cancel queued or retrying notifications", cancel},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl notifications", commands, argc - 1, argv + 1);
}

/* ---- preferences ---- */

static void preferences_help(void)
{
    printf("usage: pathwaysctl preferences set (EMPLOYER PERSON | --ref NOTIFICATION_ID)\n"
           "         [--opt-out | --opt-in] [--channels email[,webhook]] [--language TAG]\n"
           "         [--reason TEXT]\n\n"
           "Sets one person's notification preferences; PERSON is the employee id, or '#hr'\n"
           "for the employer's HR contact. --ref takes the unsubscribe reference printed in\n"
           "an email. Honoured at send time, also for messages already queued.\n");
}

/* Splits "a,b" in place into up to max channels. Returns the count. */
static size_t split_channels(char *list, char **out, size_t max)
{
    size_t n = 0;
    for (char *tok = strtok(list, ","); tok && n < max; tok = strtok(NULL, ","))
        out[n++] = tok;
    return n;
}

static int print_preference(Pathways__V1__NotificationAdminReply *r)
{
    const Pathways__V1__PreferenceState *s = r->preference;
    if (s) {
        printf("%s/%s: %s, channels", s->employer, s->person,
               s->opted_out ? "opted out" : "receives notifications");
        for (size_t i = 0; i < s->n_channels; i++)
            printf("%s%s", i ? "," : " ", s->channels[i]);
        printf(", language %s\n", *s->language ? s->language : "(from the directory)");
    }
    pw_msg_free((ProtobufCMessage **)&r);
    return CTL_OK;
}

static int preferences_set(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ref", required_argument, NULL, 'r'},      {"opt-out", no_argument, NULL, 'o'},
        {"opt-in", no_argument, NULL, 'i'},         {"channels", required_argument, NULL, 'c'},
        {"language", required_argument, NULL, 'l'}, {"reason", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    Pathways__V1__PreferenceSet ps = PATHWAYS__V1__PREFERENCE_SET__INIT;
    Pathways__V1__NotificationAdminRequest req = PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__INIT;
    char *channels[4];
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            ps.unsubscribe_ref = optarg;
            break;
        case 'o':
        case 'i':
            ps.opt_out =
                c == 'o' ? PATHWAYS__V1__OPT_OUT__OPT_OUT_YES : PATHWAYS__V1__OPT_OUT__OPT_OUT_NO;
            break;
        case 'c':
            ps.n_channels = split_channels(optarg, channels, 4);
            ps.channels = channels;
            break;
        case 'l':
            ps.language = optarg;
            break;
        case 'w':
            req.reason = optarg;
            break;
        default:
            preferences_help();
            return c == 'h' ? CTL_OK : CTL_USAGE;
        }
    }
    int named = argc - optind == 2;
    if ((*ps.unsubscribe_ref ? argc != optind : !named)) {
        fprintf(stderr, "preferences set: name EMPLOYER PERSON, or --ref ID\n");
        return CTL_USAGE;
    }
    if (named) {
        ps.employer = argv[optind];
        ps.person = argv[optind + 1];
    }
    req.request_case = PATHWAYS__V1__NOTIFICATION_ADMIN_REQUEST__REQUEST_PREFERENCE_SET;
    req.preference_set = &ps;
    Pathways__V1__NotificationAdminReply *r = call(ctl, &req, "preferences set");
    return r ? print_preference(r) : CTL_FAIL;
}

int ctl_preferences(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"set", "set a person's opt-out, channels or language", preferences_set},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl preferences", commands, argc - 1, argv + 1);
}
