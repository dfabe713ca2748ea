/* AdminRequest round trips; see admin.h. */
#include "admin.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"

#define ADMIN_REPLY_TYPE "pathways.v1.AdminReply"

Pathways__V1__AdminReply *ctl_admin_call(const ctl_t *ctl, pw_service_id_t svc,
                                         Pathways__V1__AdminRequest *req, char *id_buf,
                                         const char *who)
{
    char endpoint[PW_ENDPOINT_MAX], err[512];
    uint8_t *bytes = NULL;
    size_t len = 0;
    zuuid_t *uuid = zuuid_new();
    if (!uuid) {
        fprintf(stderr, "%s: out of memory\n", who);
        return NULL;
    }
    snprintf(id_buf, 37, "%s", zuuid_str_canonical(uuid));
    zuuid_destroy(&uuid);
    req->request_id = id_buf;
    pw_config_endpoint(&ctl->cfg, svc, PW_PORT_COMMAND, 0, endpoint, sizeof endpoint);
    if (pwt_request(pw_service_name(svc), endpoint, &req->base, ADMIN_REPLY_TYPE, ctl->timeout_ms,
                    &bytes, &len, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", who, err);
        return NULL;
    }
    Pathways__V1__AdminReply *reply = pw_decode_admin_reply(bytes, len);
    free(bytes);
    if (!reply) {
        fprintf(stderr, "%s: %s sent an undecodable AdminReply (%zu bytes)\n", who,
                pw_service_name(svc), len);
        return NULL;
    }
    if (*reply->error_code) {
        fprintf(stderr, "%s: %s refused: %s: %s\n", who, pw_service_name(svc), reply->error_code,
                reply->error);
        pw_free_admin_reply(&reply);
    }
    return reply;
}
