/* Command routing for the eligibility service, the active rules and the
 * periodic tasks. */
#include "eligibility.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "employer.h"
#include "attrs.h"
#include "intake.h"
#include "loader.h"
#include "participation.h"
#include "partner.h"
#include "pathways/date.h"
#include "pathways/defaults.h"
#include "pathways/log.h"
#include "program_store.h"
#include "programs.h"
#include "recheck.h"
#include "rules.h"

struct elig_service {
    elig_partner_t *partner;
    elig_programs_t *programs;  /* the active version of each program */
    int checked;                /* the database was asked at least once */
    elig_attr_schema_t *schema; /* the declared attributes (attrs.h) */
    unsigned long long schema_stamp;
    pw_service_t *svc; /* set by attach */
};

elig_service_t *elig_service_new(void)
{
    elig_service_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->programs = elig_programs_new();
    self->schema = calloc(1, sizeof *self->schema);
    self->partner =
        self->programs && self->schema ? elig_partner_new(self->programs, self->schema) : NULL;
    if (!self->partner)
        elig_service_destroy(&self);
    return self;
}

void elig_service_destroy(elig_service_t **p)
{
    if (!p || !*p)
        return;
    elig_partner_destroy(&(*p)->partner);
    elig_programs_destroy(&(*p)->programs);
    free((*p)->schema);
    free(*p);
    *p = NULL;
}

const elig_programs_t *elig_service_programs(const elig_service_t *self)
{
    return self->programs;
}

/* Makes rules (owned, taken) the active version of its program. */
static void activate(elig_service_t *self, elig_rules_t **rules)
{
    char program[ELIG_PROGRAM_MAX + 1];
    unsigned version = (*rules)->version;
    snprintf(program, sizeof program, "%s", (*rules)->program);
    if (elig_programs_put(self->programs, rules) != 0) {
        pw_error("program %s: not activated, at most %d programs", program, ELIG_MAX_PROGRAMS);
        free(*rules);
        *rules = NULL;
        return;
    }
    pw_info("program %s: rule version %u active", program, version);
}

/* Loads program's stored active version when it is not the one in use. */
static int refresh_one(elig_service_t *self, pw_db_t *db, const char *program, long latest)
{
    const elig_rules_t *now = elig_programs_find(self->programs, program);
    if (latest == 0 || (now && (long)now->version == latest && now != elig_rules_mapp()))
        return 0;
    elig_rules_t *rules = malloc(sizeof *rules);
    char err[512];
    int rc = rules ? elig_store_load_active(db, program, self->schema, rules, err, sizeof err) : -1;
    if (rc == 1)
        activate(self, &rules);
    else if (rules)
        pw_error("program %s: stored version %ld does not load: %s", program, latest, err);
    free(rules);
    return rc < 0 ? -1 : 0;
}

/* The attribute schema file: PATHWAYS_ATTRIBUTES_FILE, else the source
 * tree's deploy/programs/attributes.yaml. Read again when it changes; a
 * file that does not parse is logged and the schema in use stays. */
static void refresh_schema(elig_service_t *self)
{
    const char *env = getenv("PATHWAYS_ATTRIBUTES_FILE");
    const char *path = env && *env ? env : PW_DEFAULT_ATTRIBUTES_FILE;
    struct stat st;
    char err[512];
    unsigned long long stamp = stat(path, &st) == 0
                                   ? (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
                                         (unsigned long long)st.st_mtim.tv_nsec + 1 +
                                         (unsigned long long)st.st_size
                                   : 0;
    if (stamp == self->schema_stamp)
        return;
    self->schema_stamp = stamp;
    int rc = elig_attr_schema_load(path, self->schema, err, sizeof err);
    if (rc < 0)
        pw_error("attribute schema %s does not load (the one in use stays): %s", path, err);
    else
        pw_info("attribute schema %s: %zu attributes declared", path, self->schema->n);
}

int elig_service_refresh_rules(void *ctx, pw_service_t *svc)
{
    elig_service_t *self = ctx;
    refresh_schema(self);
    pw_db_t *db = pw_service_db(svc);
    char names[ELIG_MAX_PROGRAMS][ELIG_PROGRAM_MAX + 1];
    long versions[ELIG_MAX_PROGRAMS];
    size_t n;
    if (elig_store_programs(db, names, versions, ELIG_MAX_PROGRAMS, &n) != 0)
        return -1;
    self->checked = 1;
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        rc |= refresh_one(self, db, names[i], versions[i]);
    return rc | elig_intake_refresh(db, self->programs);
}

int elig_service_recheck(void *ctx, pw_service_t *svc)
{
    elig_service_t *self = ctx;
    size_t done;
    if (!self->checked && elig_service_refresh_rules(self, svc) != 0)
        return -1;
    for (size_t i = 0; i < elig_programs_count(self->programs); i++)
        if (elig_recheck_due(svc, elig_programs_at(self->programs, i),
                             elig_intake_name(elig_programs_intake(self->programs, i)),
                             pw_date_today(), &done) != 0)
            return -1;
    return 0;
}

/* Enrollment changes: recorded, then the employees concerned are evaluated
 * again under every program (a placement shows at once in "explain"). */
static pw_apply_t participation(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n, char *err,
                                size_t errlen)
{
    elig_service_t *self = ctx;
    return elig_participation_apply(self->svc, self->programs, db, evs, n, err, errlen);
}

int elig_service_attach(elig_service_t *self, pw_service_t *svc)
{
    self->svc = svc;
    /* Partners send batches (for their own employer: partner.c checks each
     * event), as may admins for backfills; a read-only key may not. Rule
     * and registry changes need an admin key. */
    if (pw_service_on_request(svc, elig_service_request, self) != 0 ||
        pw_service_require_roles(svc, ELIG_TYPE_PUBLISH_BATCH,
                                 PW_ROLE_BIT(PW_ROLE_PARTNER) | PW_ROLE_BIT(PW_ROLE_ADMIN)) != 0 ||
        pw_service_require(svc, ELIG_TYPE_PROGRAM_LOAD, PW_ROLE_ADMIN) != 0 ||
        pw_service_require(svc, ELIG_TYPE_ADMIN_REQUEST, PW_ROLE_ADMIN) != 0 ||
        pw_service_every(svc, ELIG_RULES_POLL_MS, elig_service_refresh_rules, self) != 0 ||
        pw_service_every(svc, ELIG_RECHECK_INTERVAL_MS, elig_service_recheck, self) != 0 ||
        pw_service_consume_batch(svc, PW_SVC_ENROLLMENT, ELIG_STREAM_ENROLLMENT, participation,
                                 self) != 0)
        return -1;
    return 0;
}

/* A program load: on success the new version becomes active at once. */
static uint8_t *program_load(elig_service_t *self, pw_service_t *svc, const uint8_t *data,
                             size_t len, size_t *reply_len)
{
    elig_rules_t *stored = NULL;
    uint8_t *out =
        elig_loader_handle(svc, self->programs, self->schema, data, len, &stored, reply_len);
    if (stored)
        activate(self, &stored);
    return out;
}

/* AdminRequest: employers, and program intakes (the active set learns the
 * new intake at once; other instances at their next refresh). */
static uint8_t *admin(elig_service_t *self, pw_service_t *svc, const uint8_t *data, size_t len,
                      size_t *reply_len)
{
    Pathways__V1__AdminRequest *req = pw_decode_admin_request(data, len);
    uint8_t *out;
    if (!req)
        return elig_admin_error("", "bad_request", "the bytes are not an AdminRequest", reply_len);
    if (req->request_case == PATHWAYS__V1__ADMIN_REQUEST__REQUEST_PROGRAM_INTAKE)
        out = elig_intake_handle(svc, self->programs, req, reply_len);
    else
        out = elig_employer_handle_admin(svc, req, reply_len);
    pw_free_admin_request(&req);
    return out;
}

uint8_t *elig_service_request(void *ctx, pw_service_t *svc, const char *type, const uint8_t *data,
                              size_t len, const char **reply_type, size_t *reply_len)
{
    elig_service_t *self = ctx;
    if (!self->checked && elig_service_refresh_rules(self, svc) != 0)
        pw_warn("could not read the stored rule versions: %s", pw_db_error(pw_service_db(svc)));
    if (type && strcmp(type, ELIG_TYPE_PUBLISH_BATCH) == 0) {
        *reply_type = ELIG_TYPE_PUBLISH_ACK;
        return elig_partner_handle(self->partner, svc, data, len, reply_len);
    }
    if (type && strcmp(type, ELIG_TYPE_PROGRAM_LOAD) == 0) {
        *reply_type = ELIG_TYPE_PROGRAM_RESULT;
        return program_load(self, svc, data, len, reply_len);
    }
    *reply_type = ELIG_TYPE_ADMIN_REPLY;
    if (type && strcmp(type, ELIG_TYPE_ADMIN_REQUEST) == 0)
        return admin(self, svc, data, len, reply_len);
    return elig_admin_error("", "unknown_message_type",
                            "eligibility accepts PublishBatch, ProgramLoad and AdminRequest",
                            reply_len);
}
