/* Recording accepted events with INSERT ... ON CONFLICT DO NOTHING: the rows
 * that come back are the new ones; the rest were accepted before. Rows are
 * inserted in key order so concurrent batches lock in the same order. */
#include "ledger.h"

#include <stdlib.h>

#include "pathways/buf.h"

enum { C_EMPLOYER, C_EVENT_ID, C_EMPLOYEE, C_TYPE, C_EFFECTIVE, C_ORD, C_COUNT };

static const char RECORD_SQL[] =
    "WITH t AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    " $5::date[], $6::int[]) AS r(employer, event_id, employee, type, effective_date, ord)),"
    " ins AS (INSERT INTO eligibility.partner_event (employer, event_id, employee, type,"
    " effective_date, batch_id) SELECT employer, event_id, employee, type, effective_date, $7"
    " FROM t ORDER BY employer, event_id ON CONFLICT DO NOTHING RETURNING employer, event_id)"
    " SELECT t.ord FROM t JOIN ins ON ins.employer = t.employer AND ins.event_id = t.event_id";

#define ACCEPTED  PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED
#define DUPLICATE PATHWAYS__V1__ACK_RESULT__ACK_RESULT_DUPLICATE

static int run(pw_db_t *db, const Pathways__V1__PublishBatch *batch, elig_event_state_t *states,
               pw_buf_t *cols)
{
    const char *params[C_COUNT + 1];
    size_t n = 0;
    for (size_t i = 0; i < batch->n_events; i++) {
        const Pathways__V1__EmployeeEvent *e = batch->events[i];
        if (states[i].result != ACCEPTED)
            continue;
        pw_buf_arr_add(&cols[C_EMPLOYER], e->source);
        pw_buf_arr_add(&cols[C_EVENT_ID], e->id);
        pw_buf_arr_add(&cols[C_EMPLOYEE], e->subject);
        pw_buf_arr_add(&cols[C_TYPE], e->type);
        pw_buf_arr_add(&cols[C_EFFECTIVE], e->effective_date);
        pw_buf_arr_add_i64(&cols[C_ORD], (int64_t)i);
        /* Presumed duplicate until the insert says it is new. */
        states[i].result = DUPLICATE;
        n++;
    }
    if (n == 0)
        return 0;
    if (pw_buf_arrays(cols, C_COUNT, params) != 0)
        return -1;
    params[C_COUNT] = batch->batch_id;
    PGresult *res = pw_db_prepared(db, "elig_ledger_record", RECORD_SQL, C_COUNT + 1, params);
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        int64_t i = pw_db_get_i64(res, r, "ord");
        if (i >= 0 && (size_t)i < batch->n_events)
            states[i].result = ACCEPTED;
    }
    PQclear(res);
    for (size_t i = 0; i < batch->n_events; i++)
        if (states[i].result == DUPLICATE && !states[i].why.code[0])
            elig_reason_set(&states[i].why, "duplicate", "this event id was accepted before");
    return 0;
}

int elig_ledger_record(pw_db_t *db, const Pathways__V1__PublishBatch *batch,
                       elig_event_state_t *states)
{
    pw_buf_t cols[C_COUNT];
    pw_buf_init_all(cols, C_COUNT);
    int rc = run(db, batch, states, cols);
    pw_buf_release_all(cols, C_COUNT);
    return rc;
}
