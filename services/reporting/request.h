/* The reporting command endpoint: AdminRequest in, AdminReply out. The
 * foundation answers `summary`; every other request is "unsupported".
 * The report queries (report.proto) are dispatched to report_request.h. */
#ifndef PATHWAYS_REPORTING_REQUEST_H
#define PATHWAYS_REPORTING_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "cost_file.h"
#include "pathways/db.h"
#include "pathways/service.h"
#include "report_request.h"

#define REPORTING_REQUEST_TYPE "pathways.v1.AdminRequest"
#define REPORTING_REPLY_TYPE   "pathways.v1.AdminReply"

/* Stable error codes in AdminReply.error_code. */
#define REPORTING_ERR_MALFORMED   "malformed_request"
#define REPORTING_ERR_UNSUPPORTED "unsupported"
#define REPORTING_ERR_UNAVAILABLE "unavailable"

/* Answers one request of the given type (the first frame) on db, in view
 * (REPORT_VIEW_EXACT only for administrators; the summary treats CELLS as
 * EXACT). Always produces an AdminReply: errors are carried in
 * error_code/error. Returns the encoded reply (caller frees) and stores its
 * length; NULL only when out of memory. */
uint8_t *reporting_request_answer(pw_db_t *db, report_view_t view, const char *type,
                                  const uint8_t *data, size_t len, size_t *reply_len);

/* Registers the handler on svc's command endpoint: AdminRequest and the
 * report queries of report_request.h (costs borrowed; it must outlive svc).
 * Returns 0 or -1. */
int reporting_request_register(pw_service_t *svc, cost_file_t *costs)
    __attribute__((warn_unused_result));

#endif
