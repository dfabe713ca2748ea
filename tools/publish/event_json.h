/* Converts the partner feed's JSON lines (CloudEvents-style employee events,
 * as pathways-synth writes them) into pathways.v1.EmployeeEvent messages.
 *
 * What is checked here and what is left to the server:
 * - Caught here (the line is "unreadable"): text that is not JSON, invalid
 *   UTF-8, NUL bytes ("\u0000"), lone surrogates, duplicate keys, a value of
 *   the wrong JSON type (number for a string, string for scheduled_hours,
 *   non-object data or self_id), a missing or empty "id" (an event without an id cannot
 *   be acknowledged or retried safely), an unknown key inside "data" or
 *   "self_id" (a typo must not silently drop a fact), an enum word the contract does not know
 *   ("status": "retired"), and a "time" that is not RFC 3339 (the contract
 *   carries it as microseconds, so it cannot pass as text).
 * - Passed through faithfully for the server to judge: dates in
 *   effective_date and hire_date (any string), empty or missing source,
 *   type and subject, negative hours, and strings of any length (only the
 *   whole message is bounded, by the codec's PW_MAX_MESSAGE_BYTES).
 * - Ignored: unknown top-level keys (CloudEvents extension attributes).
 * JSON null means "absent" everywhere. */
#ifndef PATHWAYS_PUBLISH_EVENT_JSON_H
#define PATHWAYS_PUBLISH_EVENT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "pathways/codec.h"

/* Parses one JSON object of len bytes. Returns the event, or NULL with the
 * reason in err ("data.status: expected a string, got number"). Caller owns
 * the result: release it with event_json_free. */
Pathways__V1__EmployeeEvent *event_json_parse(const char *text, size_t len, char *err,
                                              size_t errlen);
/* Frees an event from event_json_parse; accepts NULL, nulls *p. */
void event_json_free(Pathways__V1__EmployeeEvent **p);

/* Parses an RFC 3339 timestamp ("2025-06-30T09:15:00Z", fractions and
 * offsets allowed) into microseconds since the epoch. Returns 0 or -1. */
int event_json_parse_time(const char *s, int64_t *us) __attribute__((warn_unused_result));

#endif
