/* The provider progress handler (progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/date.h"
#include "pathways/log.h"
#include "pathways/partner.h"
#include "progress_apply.h"

typedef Pathways__V1__ProgressBatch batch_t;

typedef struct {
    int result;
    pw_reason_t why;
} verdict_t;

/* One batch being handled. */
typedef struct {
    batch_t *batch;
    verdict_t *v;
} job_t;

/* Checks every event on its own, and the second of two with the same
 * (provider, id) in the batch is a duplicate. */
static int check_all(job_t *job, const uint8_t *bad, const pw_peer_t *peer)
{
    int32_t today = pw_date_today();
    zhash_t *seen = zhash_new();
    if (!seen)
        return -1;
    for (size_t i = 0; i < job->batch->n_events; i++) {
        const enr_progress_event_t *e = job->batch->events[i];
        verdict_t *v = &job->v[i];
        char key[ENR_PROGRESS_ORG_MAX + ENR_PROGRESS_ID_MAX + 2];
        v->result = PW_ACK_REJECTED;
        if (bad[i]) {
            pw_reason_set(&v->why, "invalid_utf8",
                          "a text field holds invalid UTF-8 or a NUL byte");
            continue;
        }
        if (enr_progress_check(e, peer, today, &v->why) != 0)
            continue;
        v->result = PW_ACK_ACCEPTED;
        snprintf(key, sizeof key, "%s/%s", e->source, e->id);
        if (zhash_insert(seen, key, (void *)1) != 0) {
            v->result = PW_ACK_DUPLICATE;
            pw_reason_set(&v->why, "duplicate_in_batch",
                          "the same event id appears earlier in this batch");
        }
    }
    zhash_destroy(&seen);
    return 0;
}

/* Who the audit names: the event's provider (a provider key's own, see
 * enr_progress_check) and, when authenticated, the key. */
static void set_actor(char *out, size_t outlen, const enr_progress_event_t *e,
                      const pw_peer_t *peer)
{
    if (peer->authenticated)
        snprintf(out, outlen, "provider:%s key:%s", e->source, peer->key_id);
    else
        snprintf(out, outlen, "provider:%s", e->source);
}

/* Returns 0 when committed, -1 when rolled back. */
static int run_transaction(const enr_provider_call_t *call, job_t *job)
{
    const enr_session_t *s = call->session;
    char err[512] = "";
    if (pw_db_ensure(s->db) != 0 || pw_db_begin(s->db) != 0)
        return -1;
    char actor[ENR_PROGRESS_ORG_MAX + PW_KEY_ID_MAX + 16];
    enr_progress_ctx_t ctx = {s->db, &s->emit, call->rules, actor, job->batch->batch_id};
    for (size_t i = 0; i < job->batch->n_events; i++) {
        verdict_t *v = &job->v[i];
        if (v->result != PW_ACK_ACCEPTED)
            continue;
        set_actor(actor, sizeof actor, job->batch->events[i], call->peer);
        if (enr_progress_apply(&ctx, job->batch->events[i], &v->result, &v->why, err, sizeof err) !=
            0) {
            pw_warn("provider batch rolled back: %s", err);
            s->rollback(s->ctx);
            return -1;
        }
    }
    if (s->commit(s->ctx) != 0) {
        pw_warn("provider batch commit failed: %s", pw_db_error(s->db));
        return -1;
    }
    return 0;
}

/* Only ids that passed their own check are echoed. */
static void fill_ack(void *ctx, size_t i, Pathways__V1__EventAck *ack)
{
    const job_t *job = ctx;
    const verdict_t *v = &job->v[i];
    const char *code = v->why.code;
    int bad_id = v->result == PW_ACK_REJECTED &&
                 (!strcmp(code, "missing_id") || !strcmp(code, "invalid_id") ||
                  !strcmp(code, "invalid_utf8") ||
                  (!strcmp(code, "field_too_long") &&
                   strlen(job->batch->events[i]->id) > ENR_PROGRESS_ID_MAX));
    ack->event_id = bad_id ? (char *)"" : job->batch->events[i]->id;
    ack->result = (Pathways__V1__AckResult)v->result;
    ack->reason_code = (char *)v->why.code;
    ack->reason = (char *)v->why.text;
}

uint8_t *enr_progress_answer(const enr_provider_call_t *call, const uint8_t *data, size_t len,
                             size_t *reply_len)
{
    pw_batch_t b;
    uint8_t *out = NULL;
    if (pw_batch_open(&b, &pathways__v1__progress_batch__descriptor,
                      &pathways__v1__progress_event__descriptor, data, len, call->max_bytes, &out,
                      reply_len) != 0)
        return out;
    job_t job = {(batch_t *)b.msg, calloc(b.n ? b.n : 1, sizeof *job.v)};
    if (!job.v || check_all(&job, b.bad, call->peer) != 0)
        goto done;
    if (run_transaction(call, &job) != 0) {
        out = pw_ack_error(b.batch_id, "unavailable", "the batch could not be stored; retry it",
                           reply_len);
        goto done;
    }
    for (size_t i = 0; i < b.n; i++)
        pw_ack_count(call->metrics, job.v[i].result);
    out = pw_ack_encode(b.batch_id, b.n, fill_ack, &job, reply_len);
done:
    free(job.v);
    pw_batch_close(&b);
    return out;
}
