/* AdminRequest / AdminReply round trips to a service's command endpoint,
 * shared by the subcommands that talk to services. */
#ifndef PATHWAYS_CTL_ADMIN_H
#define PATHWAYS_CTL_ADMIN_H

#include "ctl.h"
#include "pathways/codec.h"

/* Fills req->request_id with a fresh random id (kept in id_buf, at least 37
 * bytes), sends req to svc's command endpoint and waits ctl->timeout_ms.
 * Returns the decoded reply (caller frees with pw_free_admin_reply) or NULL
 * with a sentence on stderr prefixed by who. A reply carrying error_code is
 * printed on stderr too and returned as NULL. */
Pathways__V1__AdminReply *ctl_admin_call(const ctl_t *ctl, pw_service_id_t svc,
                                         Pathways__V1__AdminRequest *req, char *id_buf,
                                         const char *who);

#endif
