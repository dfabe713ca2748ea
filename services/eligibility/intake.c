/* Program intake: the admin request and the periodic read. */
#include "intake.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "employer.h"
#include "pathways/date.h"
#include "pathways/log.h"
#include "program_store.h"
#include "reeval.h"

static const char INTAKES_SQL[] = "SELECT program, intake FROM eligibility.program";

/* Stores the intake and, when it opens again, announces the eligible, in
 * one transaction. Returns 1 done, 0 program not loaded, -1 failed. */
static int change_intake(pw_service_t *svc, const elig_programs_t *programs,
                         const Pathways__V1__ProgramIntake *in, uint64_t *announced)
{
    pw_db_t *db = pw_service_db(svc);
    char was[16], cause[ELIG_PROGRAM_MAX + 32], date[PW_DATE_LEN];
    int32_t today = pw_date_today();
    const elig_rules_t *rules = elig_programs_find(programs, in->program);
    *announced = 0;
    if (pw_db_ensure(db) != 0 || pw_db_begin(db) != 0)
        return -1;
    int known = elig_store_set_intake(db, in->program, in->intake, in->actor, was, sizeof was);
    if (known > 0 && rules && strcmp(in->intake, "open") == 0 && strcmp(was, "open") != 0) {
        pw_date_format(today, date);
        snprintf(cause, sizeof cause, "intake:%s:open:%s", in->program, date);
        if (elig_reeval_announce(svc, rules, "open", today, cause, announced) != 0)
            known = -1;
    }
    if (known <= 0) {
        if (known < 0)
            pw_warn("program intake not stored: %s", pw_db_error(db));
        pw_service_rollback(svc);
        return known;
    }
    return pw_service_commit(svc) == 0 ? 1 : -1;
}

uint8_t *elig_intake_handle(pw_service_t *svc, elig_programs_t *programs,
                            const Pathways__V1__AdminRequest *req, size_t *reply_len)
{
    const Pathways__V1__ProgramIntake *in = req->program_intake;
    int intake = elig_intake_parse(in->intake);
    char text[160];
    uint64_t announced = 0;
    if (intake < 0)
        return elig_admin_error(req->request_id, "bad_request",
                                "intake: expected open, paused or closed", reply_len);
    int known =
        strlen(in->program) <= ELIG_PROGRAM_MAX ? change_intake(svc, programs, in, &announced) : 0;
    if (known < 0)
        return elig_admin_error(req->request_id, "unavailable",
                                "the intake could not be stored; retry", reply_len);
    if (!known) {
        snprintf(text, sizeof text, "program '%.64s' is not loaded", in->program);
        return elig_admin_error(req->request_id, "not_found", text, reply_len);
    }
    if (elig_programs_set_intake(programs, in->program, intake) == 0)
        pw_info("program %s: intake %s (%" PRIu64 " eligible announced again)", in->program,
                in->intake, announced);
    Pathways__V1__AdminReply reply = PATHWAYS__V1__ADMIN_REPLY__INIT;
    Pathways__V1__ProgramIntake done = PATHWAYS__V1__PROGRAM_INTAKE__INIT;
    done.program = in->program;
    done.intake = (char *)elig_intake_name(intake);
    done.actor = in->actor;
    done.announced = announced;
    reply.request_id = req->request_id;
    reply.reply_case = PATHWAYS__V1__ADMIN_REPLY__REPLY_PROGRAM_INTAKE;
    reply.program_intake = &done;
    return pw_msg_encode(&reply.base, 0, reply_len);
}

int elig_intake_refresh(pw_db_t *db, elig_programs_t *programs)
{
    PGresult *res = pw_db_prepared(db, "elig_program_intakes", INTAKES_SQL, 0, NULL);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        int intake = elig_intake_parse(pw_db_get(res, i, "intake"));
        if (intake >= 0)
            (void)elig_programs_set_intake(programs, pw_db_get(res, i, "program"), intake);
    }
    PQclear(res);
    return 0;
}
