/* pathwaysctl keys generate|register|list|revoke|rotate: CURVE key pairs
 * and their registration in auth.key (read by every service's ZAP handler
 * each second, so changes need no restart). Registration talks to the
 * database directly as the owner role: it is how the first admin key comes
 * to exist. Every change is written to auth.key_audit. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "json_out.h"
#include "pathways/auth.h"
#include "intopt.h"

#define DEFAULT_OVERLAP "24h"

/* Who made the change, for the audit table. */
static const char *actor(void)
{
    const char *u = getenv("USER");
    return u && *u ? u : "pathwaysctl";
}

#define OPTS_MAX 4

/* Parses a keys subcommand's options (each takes a value) into vals,
 * indexed like names; prints help on --help. Returns -1 to go on, or the
 * exit code to return (CTL_OK after help, CTL_USAGE). */
static int take_options(int argc, char **argv, const char *const names[], const char **vals,
                        const char *help)
{
    struct option longopts[OPTS_MAX + 2] = {{0}};
    int n = 0;
    for (; names[n] && n < OPTS_MAX; n++)
        longopts[n] = (struct option){names[n], required_argument, NULL, 'a' + n};
    longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h')
            return printf("%s", help), CTL_OK;
        if (c < 'a' || c >= 'a' + n)
            return CTL_USAGE;
        vals[c - 'a'] = optarg;
    }
    return -1;
}

static int keys_generate(ctl_t *ctl, int argc, char **argv)
{
    (void)ctl;
    static const char *const names[] = {"out", "name", NULL};
    const char *vals[OPTS_MAX] = {NULL}, *out, *name;
    int rc = take_options(argc, argv, names, vals,
                          "usage: pathwaysctl keys generate --out DIR/NAME [--name LABEL]\n\n"
                          "Writes DIR/NAME (public key, give it to the operator) and\n"
                          "DIR/NAME_secret (mode 0600, keep it).\n");
    if (rc >= 0)
        return rc;
    out = vals[0];
    name = vals[1];
    if (!out || optind != argc)
        return fprintf(stderr, "keys generate: --out DIR/NAME is required\n"), CTL_USAGE;
    zcert_t *cert = zcert_new();
    char err[512], id[PW_KEY_ID_MAX];
    if (!cert)
        return fprintf(stderr, "keys generate: cannot create a key pair\n"), CTL_FAIL;
    zcert_set_meta(cert, "name", "%s", name ? name : out);
    rc = pw_auth_save_cert(cert, out, err, sizeof err);
    if (rc == 0 && pw_auth_key_id_z85(zcert_public_txt(cert), id) == 0)
        printf("key %s\npublic %s\nsecret %s_secret (mode 0600)\n", id, out, out);
    else
        fprintf(stderr, "keys generate: %s\n", err);
    zcert_destroy(&cert);
    return rc == 0 ? CTL_OK : CTL_FAIL;
}

/* Reads a public key file; refuses a secret file so secrets do not travel. */
static int read_public(const char *path, char z85[PW_Z85_KEY_LEN + 1], char id[PW_KEY_ID_MAX])
{
    char err[512];
    size_t n = strlen(path);
    if (n >= 7 && strcmp(path + n - 7, "_secret") == 0) {
        fprintf(stderr, "pathwaysctl keys: %s is a secret key file; register the public file\n",
                path);
        return -1;
    }
    if (pw_auth_load_public(path, z85, err, sizeof err) != 0 || pw_auth_key_id_z85(z85, id) != 0) {
        fprintf(stderr, "pathwaysctl keys: %s\n", err);
        return -1;
    }
    return 0;
}

static int run_sql(pw_db_t *db, const char *what, const char *sql, int n, const char **params)
{
    PGresult *r = pw_db_query(db, sql, n, params);
    int rows = r ? atoi(PQcmdTuples(r)) : -1;
    if (!r)
        fprintf(stderr, "pathwaysctl keys %s: %s", what, pw_db_error(db));
    PQclear(r);
    return rows;
}

static const char *const REGISTER_SQL =
    "WITH k AS (INSERT INTO auth.key (key_id, public_key, role, employer, provider, name,"
    " created_by) VALUES ($1, $2, $3, nullif($4, ''), nullif($7, ''), $5, $6)"
    " ON CONFLICT DO NOTHING RETURNING key_id)"
    " INSERT INTO auth.key_audit (actor, action, key_id, detail)"
    " SELECT $6, 'register', key_id, jsonb_build_object('role', $3::text, 'employer', $4::text,"
    " 'provider', $7::text) FROM k";

/* The role a registration asks for: --employer (partner), --provider
 * (provider) or --role; exactly one of them. Returns 0 or -1. */
static int register_role(const char *employer, const char *provider, const char *role,
                         pw_role_t *out)
{
    if ((*employer != 0) + (*provider != 0) + (role != NULL) != 1)
        return -1;
    *out = *employer ? PW_ROLE_PARTNER : PW_ROLE_PROVIDER;
    return role && (pw_role_parse(role, out) != 0 || *out == PW_ROLE_PARTNER ||
                    *out == PW_ROLE_PROVIDER)
               ? -1
               : 0;
}

static int keys_register(ctl_t *ctl, int argc, char **argv)
{
    static const char *const names[] = {"employer", "role", "name", "provider", NULL};
    const char *vals[OPTS_MAX] = {"", NULL, "", ""};
    int rc = take_options(argc, argv, names, vals,
                          "usage: pathwaysctl keys register PUBLIC_FILE (--employer E | --provider "
                          "P | --role admin|read_only|service) [--name LABEL]\n\n"
                          "A partner key publishes for exactly one employer. A provider key\n"
                          "publishes progress for the cohorts of exactly one training provider\n"
                          "and reads their rosters. A service key is a service's own key: it may\n"
                          "subscribe to the other services' event streams and nothing else.\n");
    if (rc >= 0)
        return rc;
    const char *employer = vals[0], *role = vals[1], *name = vals[2], *provider = vals[3];
    pw_role_t r;
    if (optind + 1 != argc || register_role(employer, provider, role, &r) != 0)
        return fprintf(stderr, "keys register: PUBLIC_FILE and one of --employer E, --provider P "
                               "or --role admin|read_only|service\n"),
               CTL_USAGE;
    char z85[PW_Z85_KEY_LEN + 1], id[PW_KEY_ID_MAX];
    if (read_public(argv[optind], z85, id) != 0)
        return CTL_FAIL;
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    const char *params[] = {id, z85, pw_role_name(r), employer, name, actor(), provider};
    int rows = run_sql(db, "register", REGISTER_SQL, 7, params);
    pw_db_destroy(&db);
    if (rows == 0)
        fprintf(stderr, "keys register: key %s is already registered\n", id);
    if (rows != 1)
        return CTL_FAIL;
    printf("key %s registered: role %s%s%s%s%s\n", id, pw_role_name(r),
           *employer ? ", employer " : "", employer, *provider ? ", provider " : "", provider);
    return CTL_OK;
}

static const char *const LIST_SQL =
    "SELECT key_id, role, coalesce(employer, '') AS employer, coalesce(provider, '') AS provider,"
    " coalesce(employer, provider, '') AS organization, name,"
    " CASE WHEN revoked_at IS NOT NULL THEN 'revoked'"
    "      WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'expired'"
    "      WHEN expires_at IS NOT NULL THEN 'expiring'"
    "      WHEN not_before > now() THEN 'pending' ELSE 'active' END AS status,"
    " coalesce(to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
    "   AS expires, coalesce(replaced_by, '') AS replaced_by"
    " FROM auth.key ORDER BY created_at, key_id";

static int keys_list(ctl_t *ctl, int argc, char **argv)
{
    int json = ctl_take_json(&argc, argv);
    if (ctl_wants_help(argc, argv) || argc != 1)
        return printf("usage: pathwaysctl keys list [--json]\n"), argc == 1 ? CTL_OK : CTL_USAGE;
    pw_db_t *db = ctl_db_connect(ctl);
    PGresult *r = db ? pw_db_query(db, LIST_SQL, 0, NULL) : NULL;
    if (db && !r)
        fprintf(stderr, "keys list: %s", pw_db_error(db));
    if (r && json) {
        static const char *const cols[] = {"key_id",      "role",     "status",
                                           "employer",    "provider", "expires",
                                           "replaced_by", "name",     NULL};
        ctl_json_print(json_pack("{s:o}", "keys", ctl_json_rows(r, cols)));
    } else if (r) {
        printf("%-16s  %-9s  %-10s  %-16s  %-20s  %s\n", "KEY", "ROLE", "STATUS", "ORGANIZATION",
               "EXPIRES", "NAME");
        for (int i = 0; i < PQntuples(r); i++)
            printf("%-16s  %-9s  %-10s  %-16s  %-20s  %s\n", pw_db_get(r, i, "key_id"),
                   pw_db_get(r, i, "role"), pw_db_get(r, i, "status"),
                   pw_db_get(r, i, "organization"), pw_db_get(r, i, "expires"),
                   pw_db_get(r, i, "name"));
    }
    int rc = r ? CTL_OK : CTL_FAIL;
    PQclear(r);
    pw_db_destroy(&db);
    return rc;
}

static const char *const REVOKE_SQL =
    "WITH k AS (UPDATE auth.key SET revoked_at = now(), revoked_by = $2"
    " WHERE key_id = $1 AND revoked_at IS NULL RETURNING key_id)"
    " INSERT INTO auth.key_audit (actor, action, key_id) SELECT $2, 'revoke', key_id FROM k";

static int keys_revoke(ctl_t *ctl, int argc, char **argv)
{
    if (ctl_wants_help(argc, argv) || argc != 2)
        return printf("usage: pathwaysctl keys revoke KEY_ID\n\nRefused by every service within "
                      "about a second, without a restart.\n"),
               argc == 2 ? CTL_OK : CTL_USAGE;
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    const char *params[] = {argv[1], actor()};
    int rows = run_sql(db, "revoke", REVOKE_SQL, 2, params);
    pw_db_destroy(&db);
    if (rows == 0)
        fprintf(stderr, "keys revoke: no active key %s\n", argv[1]);
    if (rows != 1)
        return CTL_FAIL;
    printf("key %s revoked\n", argv[1]);
    return CTL_OK;
}

/* "24h", "30m", "90s", "2d" or plain seconds; -1 when malformed. */
static long parse_duration(const char *text)
{
    char digits[24];
    size_t n = strspn(text, "0123456789");
    const char *end = text + n;
    long unit = !*end               ? 1
                : !strcmp(end, "s") ? 1
                : !strcmp(end, "m") ? 60
                : !strcmp(end, "h") ? 3600
                : !strcmp(end, "d") ? 86400
                                    : 0;
    int64_t v;
    if (!unit || n >= sizeof digits)
        return -1;
    memcpy(digits, text, n);
    digits[n] = '\0';
    if (pwt_parse_i64(digits, 0, 366L * 86400 / unit, &v) != 0)
        return -1;
    return (long)v * unit;
}

/* The old key stays valid until the overlap ends, then expires; the new
 * key inherits its role and employer. One statement, one transaction. */
static const char *const ROTATE_SQL =
    "WITH old AS (UPDATE auth.key SET replaced_by = $2,"
    "   expires_at = least(coalesce(expires_at, 'infinity'), now() + $3::interval)"
    "   WHERE key_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"
    "   RETURNING role, employer, provider, name),"
    " new AS (INSERT INTO auth.key (key_id, public_key, role, employer, provider, name,"
    "   created_by) SELECT $2, $4, role, employer, provider, name, $5 FROM old"
    "   RETURNING key_id)"
    " INSERT INTO auth.key_audit (actor, action, key_id, detail)"
    " SELECT $5, 'rotate', $1, jsonb_build_object('new_key', key_id, 'overlap', $3::text)"
    " FROM new";

static int keys_rotate(ctl_t *ctl, int argc, char **argv)
{
    static const char *const names[] = {"overlap", NULL};
    const char *vals[OPTS_MAX] = {DEFAULT_OVERLAP};
    int rc = take_options(
        argc, argv, names, vals,
        "usage: pathwaysctl keys rotate KEY_ID NEW_PUBLIC_FILE [--overlap 24h]\n\n"
        "Both keys are valid during the overlap (s, m, h, d; default " DEFAULT_OVERLAP ").\n");
    if (rc >= 0)
        return rc;
    const char *overlap = vals[0];
    long secs = parse_duration(overlap);
    if (optind + 2 != argc || secs < 0)
        return fprintf(stderr, "keys rotate: KEY_ID NEW_PUBLIC_FILE [--overlap DURATION]\n"),
               CTL_USAGE;
    char z85[PW_Z85_KEY_LEN + 1], id[PW_KEY_ID_MAX], interval[48];
    if (read_public(argv[optind + 1], z85, id) != 0)
        return CTL_FAIL;
    snprintf(interval, sizeof interval, "%ld seconds", secs);
    pw_db_t *db = ctl_db_connect(ctl);
    if (!db)
        return CTL_FAIL;
    const char *params[] = {argv[optind], id, interval, z85, actor()};
    int rows = run_sql(db, "rotate", ROTATE_SQL, 5, params);
    pw_db_destroy(&db);
    if (rows == 0)
        fprintf(stderr, "keys rotate: no active key %s\n", argv[optind]);
    if (rows != 1)
        return CTL_FAIL;
    printf("key %s replaces %s; %s stays valid for %s\n", id, argv[optind], argv[optind], overlap);
    return CTL_OK;
}

int ctl_keys(ctl_t *ctl, int argc, char **argv)
{
    static const ctl_command_t commands[] = {
        {"generate", "write a new key pair (public + 0600 secret file)", keys_generate},
        {"register", "allow a public key: --employer E, --provider P or --role", keys_register},
        {"list", "registered keys with role, organization and status", keys_list},
        {"revoke", "refuse a key from now on (no restart needed)", keys_revoke},
        {"rotate", "replace a key; both valid during --overlap", keys_rotate},
        {NULL, NULL, NULL},
    };
    return ctl_dispatch(ctl, "pathwaysctl keys", commands, argc - 1, argv + 1);
}
