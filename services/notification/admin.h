/* The notification service's command endpoint: administrators' changes
 * (retry a dead notification, cancel queued ones, set a person's
 * preferences), as NotificationAdminRequest -> NotificationAdminReply.
 * Each change runs in one transaction with its audit row
 * (notification.admin_action) and, for state changes, its
 * NotificationChanged event. pathwaysctl reads lists straight from the
 * database; writes come here because this service owns the schema. */
#ifndef PATHWAYS_NOTIFICATION_ADMIN_H
#define PATHWAYS_NOTIFICATION_ADMIN_H

#include "pathways/codec.h"
#include "pathways/service.h"
#include "publisher.h"

#define NTF_ADMIN_REQUEST_TYPE "pathways.v1.NotificationAdminRequest"
#define NTF_ADMIN_REPLY_TYPE   "pathways.v1.NotificationAdminReply"

/* Carries out req on db (no transaction open; ends its own through pub)
 * and fills reply (initialised by the caller; strings it sets are
 * malloc'd: free with ntf_admin_reply_clear). Returns 0, or -1 on a
 * database failure (reply carries error_code "internal"). */
int ntf_admin_handle(pw_db_t *db, const ntf_publisher_t *pub,
                     const Pathways__V1__NotificationAdminRequest *req,
                     Pathways__V1__NotificationAdminReply *reply);
void ntf_admin_reply_clear(Pathways__V1__NotificationAdminReply *reply);

/* pw_request_fn for the service; ctx is a const ntf_publisher_t *. */
uint8_t *ntf_admin_on_request(void *ctx, pw_service_t *svc, const char *type, const uint8_t *data,
                              size_t len, const char **reply_type, size_t *reply_len);

#endif
