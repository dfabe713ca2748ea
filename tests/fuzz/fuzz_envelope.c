/* libFuzzer harness: the stream envelope decoder (bytes from the PUB/SUB
 * wire and from stream.event rows). A decoded envelope must re-encode to
 * bytes that decode to the same envelope.
 *
 * Found here: protobuf-c 1.4.1 accepts field number 0 from an overlong tag
 * (80 00 00) and cannot pack it back; pw_msg_decode now refuses it and drops
 * unknown fields (regress/envelope/ replays the input). */
#include <stdlib.h>
#include <string.h>

#include "pathways/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Pathways__V1__Envelope *env = pw_decode_envelope(data, size);
    if (!env)
        return 0;
    size_t len;
    uint8_t *again = pw_msg_encode(&env->base, 0, &len);
    if (again) {
        Pathways__V1__Envelope *copy = pw_decode_envelope(again, len);
        if (!copy || copy->seq != env->seq || strcmp(copy->stream, env->stream) != 0 ||
            copy->payload.len != env->payload.len)
            abort(); /* a round trip must preserve the envelope */
        pw_free_envelope(&copy);
        free(again);
    }
    pw_free_envelope(&env);
    return 0;
}
