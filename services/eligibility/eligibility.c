/* Command routing for the eligibility service, the active rules and the
 * periodic tasks. */
#include "eligibility.h"

#include <stdlib.h>
#include <string.h>

#include "employer.h"
#include "loader.h"
#include "participation.h"
#include "partner.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "program_store.h"
#include "recheck.h"
#include "rules.h"

struct elig_service {
    elig_partner_t *partner;
    elig_rules_t *loaded; /* the active stored version, NULL: built-in MAPP */
    int checked;          /* the database was asked at least once */
};

static const elig_rules_t *active(const elig_service_t *self)
{
    return self->loaded ? self->loaded : elig_rules_mapp();
}

elig_service_t *elig_service_new(void)
{
    elig_service_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->partner = elig_partner_new(elig_rules_mapp());
    if (!self->partner)
        elig_service_destroy(&self);
    return self;
}

void elig_service_destroy(elig_service_t **p)
{
    if (!p || !*p)
        return;
    elig_partner_destroy(&(*p)->partner);
    free((*p)->loaded);
    free(*p);
    *p = NULL;
}

/* Makes rules (owned, taken) the active version. */
static void activate(elig_service_t *self, elig_rules_t **rules)
{
    free(self->loaded);
    self->loaded = *rules;
    *rules = NULL;
    elig_partner_set_rules(self->partner, self->loaded);
    pw_info("program %s: rule version %u active", self->loaded->program, self->loaded->version);
}

int elig_service_refresh_rules(void *ctx, pw_service_t *svc)
{
    elig_service_t *self = ctx;
    pw_db_t *db = pw_service_db(svc);
    long latest = elig_store_latest(db, active(self)->program);
    if (latest < 0)
        return -1;
    self->checked = 1;
    if (latest == 0 || (self->loaded && (long)self->loaded->version == latest))
        return 0;
    elig_rules_t *rules = malloc(sizeof *rules);
    char err[512];
    int rc = rules ? elig_store_load_active(db, active(self)->program, rules, err, sizeof err) : -1;
    if (rc == 1)
        activate(self, &rules);
    else if (rules)
        pw_error("program %s: stored version %ld does not load: %s", active(self)->program, latest,
                 err);
    free(rules);
    return rc < 0 ? -1 : 0;
}

int elig_service_recheck(void *ctx, pw_service_t *svc)
{
    elig_service_t *self = ctx;
    size_t done;
    if (!self->checked && elig_service_refresh_rules(self, svc) != 0)
        return -1;
    return elig_recheck_due(svc, active(self), pw_date_today(), &done);
}

int elig_service_attach(elig_service_t *self, pw_service_t *svc)
{
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
        pw_service_consume_batch(svc, PW_SVC_ENROLLMENT, ELIG_STREAM_ENROLLMENT,
                                 elig_participation_apply, NULL) != 0)
        return -1;
    return 0;
}

/* A program load: on success the new version becomes active at once. */
static uint8_t *program_load(elig_service_t *self, pw_service_t *svc, const uint8_t *data,
                             size_t len, size_t *reply_len)
{
    elig_rules_t *stored = NULL;
    uint8_t *out = elig_loader_handle(svc, active(self), data, len, &stored, reply_len);
    if (stored)
        activate(self, &stored);
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
        return elig_employer_handle_admin(svc, data, len, reply_len);
    return elig_admin_error("", "unknown_message_type",
                            "eligibility accepts PublishBatch, ProgramLoad and AdminRequest",
                            reply_len);
}
