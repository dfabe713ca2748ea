/* libFuzzer harness: the publisher's JSON line parser (partner feed files)
 * and its RFC 3339 time parser. An event it accepts must encode. */
#include <stdlib.h>
#include <string.h>

#include "event_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    Pathways__V1__EmployeeEvent *ev = event_json_parse((const char *)data, size, err, sizeof err);
    if (ev) {
        size_t len;
        uint8_t *bytes = pw_msg_encode(&ev->base, 0, &len);
        if (!bytes && size < PW_MAX_MESSAGE_BYTES / 2)
            abort(); /* a parsed event always fits */
        free(bytes);
        event_json_free(&ev);
    } else if (!err[0]) {
        abort(); /* a refusal always says why */
    }
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    int64_t us;
    (void)!event_json_parse_time(text, &us);
    free(text);
    return 0;
}
