/* Self-identification rows, one multi-row INSERT per batch (arrays
 * unnested), without RETURNING or ON CONFLICT: the ledger already made
 * each event new, and the role needs no SELECT right. */
#include "selfid_store.h"

#include "pathways/selfid.h"
#include "pathways/buf.h"

enum { C_EMPLOYER, C_EVENT_ID, C_EMPLOYEE, C_EFFECTIVE, C_FIELDS };
#define C_COUNT (C_FIELDS + PW_SELFID_NFIELDS)

static const char INSERT_SQL[] =
    "INSERT INTO selfid.answer (employer, event_id, employee, effective_date, race_ethnicity,"
    " gender, age_band, preferred_language, veteran_status, disability_status)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[],"
    " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])";

static int run(pw_db_t *db, const Pathways__V1__PublishBatch *batch,
               const elig_event_state_t *states, pw_buf_t *cols)
{
    const char *params[C_COUNT];
    size_t n = 0;
    for (size_t i = 0; i < batch->n_events; i++) {
        const Pathways__V1__EmployeeEvent *e = batch->events[i];
        if (states[i].result != PATHWAYS__V1__ACK_RESULT__ACK_RESULT_ACCEPTED ||
            !pw_selfid_any(e->self_id))
            continue;
        pw_buf_arr_add(&cols[C_EMPLOYER], e->source);
        pw_buf_arr_add(&cols[C_EVENT_ID], e->id);
        pw_buf_arr_add(&cols[C_EMPLOYEE], e->subject);
        pw_buf_arr_add(&cols[C_EFFECTIVE], e->effective_date);
        for (size_t f = 0; f < PW_SELFID_NFIELDS; f++)
            pw_buf_arr_add(&cols[C_FIELDS + f], pw_selfid_get(e->self_id, f));
        n++;
    }
    if (n == 0)
        return 0;
    if (pw_buf_arrays(cols, C_COUNT, params) != 0)
        return -1;
    PGresult *res = pw_db_prepared(db, "elig_selfid_store", INSERT_SQL, C_COUNT, params);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

int elig_selfid_store(pw_db_t *db, const Pathways__V1__PublishBatch *batch,
                      const elig_event_state_t *states)
{
    pw_buf_t cols[C_COUNT];
    pw_buf_init_all(cols, C_COUNT);
    int rc = run(db, batch, states, cols);
    pw_buf_release_all(cols, C_COUNT);
    return rc;
}
