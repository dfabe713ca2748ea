/* Reactions to eligibility determinations, a batch at a time: store them
 * all, invite the newly eligible, and react one event at a time only for
 * the few employees whose enrollments a reaction concerns. See
 * determination.h for the rules and the plan. */
#include "determination.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/pgarray.h"
#include "reactions.h"

/* Stores the batch (the last determination of a key wins; one that
 * changes nothing the service reads writes no row version; the earliest
 * eligible date ($11 per event, "" when not eligible) is kept across
 * determinations) and returns, per event in order: the standing before it
 * (the previous event of the key in the batch, else the stored one),
 * whether it is the last of its key in the batch, whether an earlier event
 * of the employee in the batch may have invited them ($12 the eligible
 * outcome, $13 the terminated status), and one row per enrollment the
 * employee had before the batch (NULL state when none). */
static const char *SQL_STORE =
    "WITH b AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    "  $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::bigint[], $11::text[])"
    "  WITH ORDINALITY AS b(employer, employee, program, outcome, status, standing, as_of,"
    "  event_id, part, seq, since, ord)),"
    " stored AS (SELECT d.employer, d.employee, d.program, d.standing"
    "  FROM enrollment.determination d"
    "  JOIN (SELECT DISTINCT employer, employee, program FROM b) k"
    "  USING (employer, employee, program)),"
    " firsts AS (SELECT employer, employee, program, min(NULLIF(since, '')::date) AS since"
    "  FROM b GROUP BY employer, employee, program),"
    " up AS (INSERT INTO enrollment.determination AS d (employer, employee, program, outcome,"
    "  status, standing, as_of, event_id, source_partition, source_seq, first_eligible)"
    "  SELECT DISTINCT ON (employer, employee, program) employer, employee, program, outcome,"
    "  status, standing, as_of, event_id, part, seq, f.since FROM b"
    "  JOIN firsts f USING (employer, employee, program)"
    "  ORDER BY employer, employee, program, ord DESC"
    "  ON CONFLICT (employer, employee, program) DO UPDATE SET outcome = EXCLUDED.outcome,"
    "  status = EXCLUDED.status, standing = EXCLUDED.standing, as_of = EXCLUDED.as_of,"
    "  event_id = EXCLUDED.event_id, source_partition = EXCLUDED.source_partition,"
    "  source_seq = EXCLUDED.source_seq, updated_at = now(),"
    "  first_eligible = LEAST(d.first_eligible, EXCLUDED.first_eligible)"
    "  WHERE (d.outcome, d.status, d.standing, d.as_of) IS DISTINCT FROM"
    "  (EXCLUDED.outcome, EXCLUDED.status, EXCLUDED.standing, EXCLUDED.as_of)"
    "  OR LEAST(d.first_eligible, EXCLUDED.first_eligible) IS DISTINCT FROM d.first_eligible),"
    " ev AS (SELECT b.ord, b.employer, b.employee,"
    "  COALESCE(lag(b.standing) OVER (PARTITION BY b.employer, b.employee, b.program"
    "  ORDER BY b.ord), s.standing, '') AS previous_standing,"
    "  b.ord = max(b.ord) OVER (PARTITION BY b.employer, b.employee, b.program) AS last_of_key,"
    "  COALESCE(bool_or(b.outcome = $12 AND b.status <> $13) OVER (PARTITION BY b.employer,"
    "  b.employee ORDER BY b.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false)"
    "  AS invited_before"
    "  FROM b LEFT JOIN stored s USING (employer, employee, program))"
    " SELECT ev.ord, ev.previous_standing, ev.last_of_key, ev.invited_before, e.state,"
    "  COALESCE(e.paused_from, '') AS paused_from, e.pause_reason, e.review_flag"
    " FROM ev LEFT JOIN enrollment.enrollment e"
    "  ON e.employer = ev.employer AND e.employee = ev.employee ORDER BY ev.ord";

#define STATUS_TERMINATED PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_TERMINATED

/* One event of the batch. */
typedef struct {
    const pw_event_t *ev;
    enr_det_t *d;
    int lost;  /* good standing was lost with this determination */
    int alone; /* a reaction concerns the employee: applied one at a time */
    int last;  /* the last determination of its key in the batch */
} item_t;

typedef struct {
    const enr_emitter_t *emit;
    pw_db_t *db;
    item_t *items;
    size_t n;
    char *err;
    size_t errlen;
    char today[PW_DATE_LEN];
} batch_t;

static const char *program_of(const enr_det_t *d)
{
    return (d->program && *d->program) ? d->program : ENR_DEFAULT_PROGRAM;
}

static const char *date_of(const batch_t *b, const enr_det_t *d)
{
    return (d->as_of && *d->as_of) ? d->as_of : b->today;
}

static pw_apply_t result_to_apply(enr_result_t r)
{
    switch (r) {
    case ENR_OK:
    case ENR_EXISTS:
        return PW_APPLY_OK;
    case ENR_ERR_ILLEGAL:
        return PW_APPLY_REJECT;
    default:
        return PW_APPLY_RETRY;
    }
}

/* The program takes new people: its intake is open (empty: from before
 * programs had an intake). Paused and closed programs invite no one. */
static int intake_open(const enr_det_t *d)
{
    return !d->intake || !*d->intake || strcmp(d->intake, "open") == 0;
}

/* d invites its employee unless they have an enrollment in the program. */
static int invites(const enr_det_t *d)
{
    return d->outcome == PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE &&
           d->status != STATUS_TERMINATED && intake_open(d);
}

/* d withdraws the employee's open invitation to the program: no longer
 * eligible, and not terminated (the termination exits it). */
static int uninvites(const enr_det_t *d)
{
    return d->outcome != PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE && d->status != STATUS_TERMINATED;
}

#define MAX_REACTIONS 2

/* The reactions d implies, in the order they run; returns how many. A
 * termination exits everything, so nothing follows it. */
static size_t reactions_of(const enr_det_t *d, int lost, enr_reaction_t out[MAX_REACTIONS])
{
    size_t k = 0;
    switch (d->status) {
    case STATUS_TERMINATED:
        out[k++] = ENR_REACT_EXIT;
        return k;
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_LEAVE:
        out[k++] = ENR_REACT_PAUSE;
        break;
    case PATHWAYS__V1__EMPLOYMENT_STATUS__EMPLOYMENT_STATUS_ACTIVE:
        out[k++] = ENR_REACT_RESUME;
        break;
    default:
        break;
    }
    if (lost)
        out[k++] = ENR_REACT_FLAG;
    return k;
}

static pw_apply_t decode_all(batch_t *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const pw_event_t *ev = b->items[i].ev;
        enr_det_t *d = pw_decode_determination(ev->payload, ev->payload_len);
        b->items[i].d = d;
        if (!d) {
            snprintf(b->err, b->errlen, "undecodable Determination payload (%zu bytes)",
                     ev->payload_len);
            return PW_APPLY_REJECT;
        }
        if (!d->employer || !*d->employer || !d->employee || !*d->employee) {
            snprintf(b->err, b->errlen, "Determination without employer or employee");
            return PW_APPLY_REJECT;
        }
    }
    return PW_APPLY_OK;
}

/* The columns of SQL_STORE, one array each. */
enum {
    S_EMPLOYER,
    S_EMPLOYEE,
    S_PROGRAM,
    S_OUTCOME,
    S_STATUS,
    S_STANDING,
    S_AS_OF,
    S_EVENT_ID,
    S_PARTITION,
    S_SEQ,
    S_SINCE,
    S_COLS
};

/* The date d says the employee was eligible by: eligible_since when it
 * carries one, else as_of; "" when not eligible or neither is a date. */
static const char *since_of(const enr_det_t *d)
{
    int32_t days;
    if (d->outcome != PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE)
        return "";
    if (d->eligible_since && pw_date_parse(d->eligible_since, &days) == 0)
        return d->eligible_since;
    if (d->as_of && pw_date_parse(d->as_of, &days) == 0)
        return d->as_of;
    return "";
}

static int add_item(pw_pgarray_t **cols, const item_t *it)
{
    const enr_det_t *d = it->d;
    const char *v[S_PARTITION] = {
        [S_EMPLOYER] = d->employer,
        [S_EMPLOYEE] = d->employee,
        [S_PROGRAM] = program_of(d),
        [S_OUTCOME] = enr_outcome_name(d),
        [S_STATUS] = enr_status_name(d),
        [S_STANDING] = enr_standing_name(d),
        [S_AS_OF] = d->as_of ? d->as_of : "",
        [S_EVENT_ID] = it->ev->event_id ? it->ev->event_id : "",
    };
    for (int k = 0; k < S_PARTITION; k++)
        if (pw_pgarray_add(cols[k], v[k]) != 0)
            return -1;
    if (pw_pgarray_add_i64(cols[S_PARTITION], it->ev->partition) != 0 ||
        pw_pgarray_add_i64(cols[S_SEQ], it->ev->seq) != 0 ||
        pw_pgarray_add(cols[S_SINCE], since_of(d)) != 0)
        return -1;
    return 0;
}

/* Runs SQL_STORE over the batch; *res receives its result. */
static int store(batch_t *b, PGresult **res)
{
    pw_pgarray_t *cols[S_COLS] = {0};
    Pathways__V1__Determination probe = PATHWAYS__V1__DETERMINATION__INIT;
    probe.outcome = PATHWAYS__V1__OUTCOME__OUTCOME_ELIGIBLE;
    probe.status = STATUS_TERMINATED;
    const char *p[S_COLS + 2] = {[S_COLS] = enr_outcome_name(&probe),
                                 [S_COLS + 1] = enr_status_name(&probe)};
    int ok = 1;
    for (int k = 0; k < S_COLS && ok; k++)
        ok = (cols[k] = pw_pgarray_new()) != NULL;
    for (size_t i = 0; i < b->n && ok; i++)
        ok = add_item(cols, &b->items[i]) == 0;
    for (int k = 0; k < S_COLS && ok; k++)
        ok = (p[k] = pw_pgarray_text(cols[k])) != NULL;
    int rc = 0;
    if (!ok) {
        snprintf(b->err, b->errlen, "store determinations: out of memory");
        rc = -1;
    } else if (!(*res = pw_db_prepared(b->db, "enr_det_store", SQL_STORE, S_COLS + 2, p))) {
        snprintf(b->err, b->errlen, "store determinations: %s", pw_db_error(b->db));
        rc = -1;
    }
    for (int k = 0; k < S_COLS; k++)
        pw_pgarray_destroy(&cols[k]);
    return rc;
}

/* Row i of SQL_STORE: whether its event lost good standing and whether a
 * reaction it implies concerns the enrollment on the row. */
static void scan_row(batch_t *b, const PGresult *res, int i)
{
    int64_t ord = pw_db_get_i64(res, i, "ord");
    if (ord < 1 || (uint64_t)ord > b->n)
        return;
    item_t *it = &b->items[ord - 1];
    it->last = strcmp(pw_db_get(res, i, "last_of_key"), "t") == 0;
    it->lost = enr_standing_is_bad(enr_standing_name(it->d)) &&
               !enr_standing_is_bad(pw_db_get(res, i, "previous_standing"));
    /* An invitation earlier in the batch is an active enrollment too. */
    int invited_before = strcmp(pw_db_get(res, i, "invited_before"), "t") == 0;
    if (it->d->status == STATUS_TERMINATED && invited_before)
        it->alone = 1;
    enr_state_t state;
    int has_state =
        !pw_db_isnull(res, i, "state") && enr_state_parse(pw_db_get(res, i, "state"), &state) == 0;
    /* Eligibility lost and found again within the batch, with an
     * invitation open: each withdrawal and re-invitation is kept, one
     * event at a time (the set-based withdrawal sees only the last of a key). */
    if (uninvites(it->d) && !it->last &&
        (invited_before || (has_state && state == ENR_STATE_INVITED)))
        it->alone = 1;
    if (!has_state)
        return;
    enr_reaction_t what[MAX_REACTIONS];
    size_t k = reactions_of(it->d, it->lost, what);
    for (size_t j = 0; j < k; j++)
        if (enr_react_concerns(what[j], state, pw_db_get(res, i, "paused_from"),
                               pw_db_get(res, i, "pause_reason"),
                               strcmp(pw_db_get(res, i, "review_flag"), "t") == 0))
            it->alone = 1;
}

static int same_employee(const enr_det_t *x, const enr_det_t *y)
{
    return strcmp(x->employer, y->employer) == 0 && strcmp(x->employee, y->employee) == 0;
}

/* Once one event of an employee is applied alone, all of theirs are, so
 * their reactions and invitations keep the order of the stream. */
static void spread_alone(batch_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        for (size_t j = 0; b->items[i].alone && j < b->n; j++)
            if (!b->items[j].alone && same_employee(b->items[i].d, b->items[j].d))
                b->items[j].alone = 1;
}

static enr_source_t source_of(const pw_event_t *ev)
{
    return (enr_source_t){ev->stream ? ev->stream : "", ev->partition, ev->seq};
}

/* The change item it makes to its employee's enrollment in the program,
 * by the system, dated and caused by its event. */
static enr_change_t system_change(const batch_t *b, const item_t *it, enr_state_t to,
                                  const char *reason_code, const char *reason, const char *facts)
{
    return (enr_change_t){
        .employer = it->d->employer,
        .employee = it->d->employee,
        .program = program_of(it->d),
        .to = to,
        .reason_code = reason_code,
        .reason = reason,
        .actor = ENR_ACTOR_SYSTEM,
        .cause_event_id = it->ev->event_id,
        .effective_date = date_of(b, it->d),
        .facts_json = facts,
    };
}

/* Invites the employees of items idx[0..k) with one statement. The facts
 * frozen with an invitation are the decision and where the stream keeps
 * the rest (ENR_FACTS_DECISION): applying checks eligibility again and
 * freezes the criteria then. */
static pw_apply_t invite(batch_t *b, const size_t *idx, size_t k)
{
    enr_change_t *cs = calloc(k ? k : 1, sizeof *cs);
    char **facts = calloc(k ? k : 1, sizeof *facts);
    pw_apply_t out = PW_APPLY_OK;
    for (size_t i = 0; cs && facts && i < k && out == PW_APPLY_OK; i++) {
        const item_t *it = &b->items[idx[i]];
        enr_source_t src = source_of(it->ev);
        facts[i] = enr_facts_json(it->d, &src, ENR_FACTS_DECISION);
        if (!facts[i])
            out = PW_APPLY_RETRY;
        cs[i] = system_change(b, it, ENR_STATE_INVITED, ENR_REASON_ELIGIBLE,
                              "eligible for the program", facts[i]);
    }
    if (!cs || !facts || out != PW_APPLY_OK) {
        snprintf(b->err, b->errlen, "invite: out of memory");
        out = PW_APPLY_RETRY;
    } else {
        out = result_to_apply(
            enr_lifecycle_create_many(b->db, b->emit, cs, k, NULL, b->err, b->errlen));
    }
    for (size_t i = 0; facts && i < k; i++)
        free(facts[i]);
    free(facts);
    free(cs);
    return out;
}

/* Withdraws, with one statement, the open invitations to the program of
 * the employees of items idx[0..k), no longer eligible. */
static pw_apply_t uninvite(batch_t *b, const size_t *idx, size_t k)
{
    enr_change_t *cs = calloc(k ? k : 1, sizeof *cs);
    char **why = calloc(k ? k : 1, sizeof *why);
    char **facts = calloc(k ? k : 1, sizeof *facts);
    int oom = !cs || !why || !facts;
    for (size_t i = 0; !oom && i < k; i++) {
        const item_t *it = &b->items[idx[i]];
        enr_source_t src = source_of(it->ev);
        char *failing = enr_facts_failing(it->d);
        size_t len = failing ? strlen(failing) + 32 : 0;
        why[i] = failing ? malloc(len) : NULL;
        facts[i] = enr_facts_json(it->d, &src, ENR_FACTS_DECISION);
        if (why[i])
            snprintf(why[i], len, "no longer eligible%s%s", *failing ? ": " : "", failing);
        free(failing);
        oom = !why[i] || !facts[i];
        cs[i] = system_change(b, it, ENR_STATE_WITHDRAWN, ENR_REASON_ELIGIBILITY_LOST, why[i],
                              facts[i]);
    }
    pw_apply_t out = PW_APPLY_OK;
    if (oom) {
        snprintf(b->err, b->errlen, "withdraw invitations: out of memory");
        out = PW_APPLY_RETRY;
    } else {
        out = result_to_apply(enr_lifecycle_move_many(b->db, b->emit, ENR_STATE_INVITED,
                                                      ENR_REASON_ELIGIBILITY_LOST, cs, k, b->err,
                                                      b->errlen));
    }
    for (size_t i = 0; why && facts && i < k; i++) {
        free(why[i]);
        free(facts[i]);
    }
    free(why);
    free(facts);
    free(cs);
    return out;
}

/* Which events of the batch the set-based statements handle: not applied
 * alone, and for the invitation every eligible one, for the withdrawal the last of
 * each key that says no longer eligible. */
static int to_invite(const item_t *it)
{
    return !it->alone && invites(it->d);
}

static int to_uninvite(const item_t *it)
{
    return !it->alone && it->last && uninvites(it->d);
}

/* Runs act, with one statement, over the items that pick selects. */
static pw_apply_t plain(batch_t *b, int (*pick)(const item_t *),
                        pw_apply_t (*act)(batch_t *, const size_t *, size_t))
{
    size_t *idx = calloc(b->n ? b->n : 1, sizeof *idx);
    if (!idx) {
        snprintf(b->err, b->errlen, "out of memory");
        return PW_APPLY_RETRY;
    }
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++)
        if (pick(&b->items[i]))
            idx[k++] = i;
    pw_apply_t out = k ? act(b, idx, k) : PW_APPLY_OK;
    free(idx);
    return out;
}

/* Item i's reactions, each over the employee's enrollments, then its
 * invitation: what the event does when applied alone. */
static pw_apply_t react_alone(batch_t *b, size_t i)
{
    const item_t *it = &b->items[i];
    enr_source_t src = source_of(it->ev);
    char *facts = enr_facts_json(it->d, &src, ENR_FACTS_FULL);
    if (!facts) {
        snprintf(b->err, b->errlen, "react: out of memory");
        return PW_APPLY_RETRY;
    }
    enr_cause_t cause = {
        .employer = it->d->employer,
        .employee = it->d->employee,
        .cause_event_id = it->ev->event_id,
        .date = date_of(b, it->d),
        .facts = facts,
    };
    enr_reaction_t what[MAX_REACTIONS];
    size_t k = reactions_of(it->d, it->lost, what);
    enr_result_t r = ENR_OK;
    for (size_t j = 0; j < k && r == ENR_OK; j++) {
        cause.detail = what[j] == ENR_REACT_FLAG ? enr_standing_name(it->d)
                       : it->d->facts            ? it->d->facts->reason_code
                                                 : NULL;
        r = enr_react(b->db, b->emit, what[j], &cause, b->err, b->errlen);
    }
    free(facts);
    if (r != ENR_OK)
        return result_to_apply(r);
    if (uninvites(it->d))
        return uninvite(b, &i, 1);
    return invites(it->d) ? invite(b, &i, 1) : PW_APPLY_OK;
}

static pw_apply_t apply_batch(batch_t *b)
{
    pw_apply_t out = decode_all(b);
    if (out != PW_APPLY_OK)
        return out;
    PGresult *res = NULL;
    if (store(b, &res) != 0)
        return PW_APPLY_RETRY;
    for (int i = 0; i < PQntuples(res); i++)
        scan_row(b, res, i);
    PQclear(res);
    spread_alone(b);
    /* Invitations first, so an invitation and its withdrawal in one batch
     * both happen. */
    out = plain(b, to_invite, invite);
    if (out == PW_APPLY_OK)
        out = plain(b, to_uninvite, uninvite);
    for (size_t i = 0; i < b->n && out == PW_APPLY_OK; i++)
        if (b->items[i].alone)
            out = react_alone(b, i);
    return out;
}

pw_apply_t enr_apply_determinations(void *ctx, pw_db_t *db, const pw_event_t *evs, size_t n,
                                    char *err, size_t errlen)
{
    batch_t b = {.emit = ctx, .db = db, .n = n, .err = err, .errlen = errlen};
    b.items = calloc(n ? n : 1, sizeof *b.items);
    if (!b.items) {
        snprintf(err, errlen, "out of memory");
        return PW_APPLY_RETRY;
    }
    for (size_t i = 0; i < n; i++)
        b.items[i].ev = &evs[i];
    pw_date_format(pw_date_today(), b.today);
    pw_apply_t out = apply_batch(&b);
    for (size_t i = 0; i < n; i++)
        pw_free_determination(&b.items[i].d);
    free(b.items);
    return out;
}
