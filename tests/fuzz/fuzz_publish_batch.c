/* libFuzzer harness: what eligibility does with a partner's PublishBatch
 * before touching the database: bounded decode, the wire-level string walk
 * (wire.c) and the per-event validation (validate.c). Invariants: an event
 * that passes both has id, source, subject and type that are valid UTF-8
 * without NUL bytes (what the store and the acks rely on), and its
 * re-encoding (what is appended to stream "employee") decodes again (what
 * the consumers rely on). */
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "validate.h"
#include "pathways/partner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_be_text(const char *s)
{
    if (s[0] && !pw_utf8_valid(s, strlen(s)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Pathways__V1__PublishBatch *batch = pw_decode_publish_batch(data, size);
    if (!batch)
        return 0;
    size_t n = batch->n_events;
    uint8_t *bad = calloc(n ? n : 1, 1);
    if (!bad)
        abort();
    int32_t today = pw_date_from_ymd(2026, 6, 1);
    if (pw_wire_check_batch(&pathways__v1__employee_event__descriptor, data, size, bad, n) == 0) {
        for (size_t i = 0; i < n; i++) {
            elig_reason_t why;
            if (bad[i] || elig_validate_event(batch->events[i], today, 366, &why) != 0)
                continue;
            const Pathways__V1__EmployeeEvent *e = batch->events[i];
            must_be_text(e->id);
            must_be_text(e->source);
            must_be_text(e->subject);
            must_be_text(e->type);
            size_t len;
            uint8_t *bytes = pw_msg_encode(&e->base, 0, &len);
            Pathways__V1__EmployeeEvent *again =
                bytes ? pw_decode_employee_event(bytes, len) : NULL;
            if (bytes && (!again || strcmp(again->id, e->id) != 0))
                abort();
            pw_free_employee_event(&again);
            free(bytes);
        }
    }
    free(bad);
    pw_free_publish_batch(&batch);
    return 0;
}
