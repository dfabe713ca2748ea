/* A training provider's progress export (CSV) read into a feed of
 * ProgressEvents for pathways-progress (pathways-publish --progress). The
 * header names the columns, in any order:
 *
 *   event_id, cohort_id, employer, employee, date, kind   (required)
 *   session_id, status          kind attendance (present|absent|excused)
 *   module_id, module_name      kind module_completed
 *   exam_id, result, score      kind exam (passed|failed)
 *   issuer, credential_id, credential   kind credential
 *   reason_code, reason         kind withdrawn
 *   (kind completed needs nothing more)
 *
 * The provider id (every event's source) comes from the command line. A
 * row that cannot become an event (a malformed record, an unknown kind or
 * value) is listed as unreadable with its line; the server checks the
 * rest (progress.proto). */
#ifndef PATHWAYS_PUBLISH_PROGRESS_CSV_H
#define PATHWAYS_PUBLISH_PROGRESS_CSV_H

#include <stddef.h>

#include "feed.h"

/* Reads path. Returns the feed (caller owns it), or NULL with the reason
 * in err (unreadable file, no or a bad header line). */
feed_t *progress_csv_load(const char *path, const char *provider, char *err, size_t errlen);

/* The columns, for usage messages. */
const char *progress_csv_columns(void);

#endif
