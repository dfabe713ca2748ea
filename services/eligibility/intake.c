/* Program intake: the admin request and the periodic read. */
#include "intake.h"

#include <stdio.h>
#include <string.h>

#include "employer.h"
#include "pathways/log.h"
#include "program_store.h"

static const char INTAKES_SQL[] = "SELECT program, intake FROM eligibility.program";

uint8_t *elig_intake_handle(pw_service_t *svc, elig_programs_t *programs,
                            const Pathways__V1__AdminRequest *req, size_t *reply_len)
{
    const Pathways__V1__ProgramIntake *in = req->program_intake;
    int intake = elig_intake_parse(in->intake);
    char text[160];
    if (intake < 0)
        return elig_admin_error(req->request_id, "bad_request",
                                "intake: expected open, paused or closed", reply_len);
    int known = strlen(in->program) <= ELIG_PROGRAM_MAX
                    ? elig_store_set_intake(pw_service_db(svc), in->program, in->intake, in->actor)
                    : 0;
    if (known < 0) {
        pw_warn("program intake not stored: %s", pw_db_error(pw_service_db(svc)));
        return elig_admin_error(req->request_id, "unavailable",
                                "the intake could not be stored; retry", reply_len);
    }
    if (!known) {
        snprintf(text, sizeof text, "program '%.64s' is not loaded", in->program);
        return elig_admin_error(req->request_id, "not_found", text, reply_len);
    }
    if (elig_programs_set_intake(programs, in->program, intake) == 0)
        pw_info("program %s: intake %s", in->program, in->intake);
    Pathways__V1__AdminReply reply = PATHWAYS__V1__ADMIN_REPLY__INIT;
    Pathways__V1__ProgramIntake done = PATHWAYS__V1__PROGRAM_INTAKE__INIT;
    done.program = in->program;
    done.intake = (char *)elig_intake_name(intake);
    done.actor = in->actor;
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
