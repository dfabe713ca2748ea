/* libFuzzer harness: the admin command decoders (AdminRequest, and the
 * replies a tool decodes: AdminReply, PublishAck). */
#include "pathways/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Pathways__V1__AdminRequest *req = pw_decode_admin_request(data, size);
    if (req && req->request_case == PATHWAYS__V1__ADMIN_REQUEST__REQUEST_EMPLOYER_UPSERT &&
        !req->employer_upsert)
        __builtin_trap(); /* the oneof case promises its member */
    pw_free_admin_request(&req);
    Pathways__V1__AdminReply *reply = pw_decode_admin_reply(data, size);
    pw_free_admin_reply(&reply);
    Pathways__V1__PublishAck *ack = pw_decode_publish_ack(data, size);
    pw_free_publish_ack(&ack);
    return 0;
}
