/* Delivery: the periodic task that takes due rows from the outbox and
 * sends them through the channel. Each row goes claim (commit) -> render
 * and send (no transaction open, so a slow SMTP peer never holds locks) ->
 * record (second transaction, with the NotificationChanged event). See
 * outbox.h for why that makes delivery at-least-once toward the receiver,
 * deduplicated by the notification id.
 *
 * Deployment note: the reclaim at start-up assumes one delivery worker per
 * database (the foundation runs one notification process). With several,
 * rely on the lease alone (a claim older than lease_s is reclaimed). */
#ifndef PATHWAYS_NOTIFICATION_DELIVERY_H
#define PATHWAYS_NOTIFICATION_DELIVERY_H

#include "catalog.h"
#include "channel.h"
#include "contacts.h"
#include "pathways/db.h"
#include "pathways/metrics.h"
#include "publisher.h"

#define NTF_DELIVERY_INTERVAL_MS 200
#define NTF_DELIVERY_BATCH       50
/* Longer than the SMTP channel's total timeout. */
#define NTF_DELIVERY_LEASE_S 60
/* A tick keeps claiming batches while they come back full, for at most: */
#define NTF_DELIVERY_BUDGET_MS 500

typedef struct {
    int batch;                      /* rows per claim (0: NTF_DELIVERY_BATCH) */
    int max_attempts;               /* delivery failures before "dead" */
    int lease_s;                    /* 0: NTF_DELIVERY_LEASE_S */
    const char *from;               /* From header / envelope sender (borrowed) */
    pw_metrics_t *metrics;          /* may be NULL; borrowed */
    const ntf_contacts_t *contacts; /* HR contacts, providers; may be NULL; borrowed */
    const char *unsubscribe_url;    /* base of unsubscribe links; may be NULL */
    int64_t backoff_base_ms;        /* 0: NTF_BACKOFF_BASE_MS */
    int64_t backoff_cap_ms;         /* 0: NTF_BACKOFF_CAP_MS */
    int64_t address_wait_ms;        /* 0: NTF_ADDRESS_WAIT_MS */
} ntf_delivery_opts_t;

typedef struct ntf_delivery ntf_delivery_t;

/* Takes ownership of *channel (nulled); catalog and pub are borrowed and
 * must outlive the result. Caller owns the result; NULL on OOM. */
ntf_delivery_t *ntf_delivery_new(const ntf_delivery_opts_t *opts, ntf_channel_t **channel,
                                 const ntf_catalog_t *catalog, const ntf_publisher_t *pub);
void ntf_delivery_destroy(ntf_delivery_t **p);

/* Gives the delivery its webhook channel (takes ownership of *channel,
 * nulled). Without one, webhook rows fail temporarily. */
void ntf_delivery_set_webhook(ntf_delivery_t *d, ntf_channel_t **channel);

/* One round: reclaims "sending" rows (every one on the first round after
 * start-up, later only those past the lease), then claims and delivers due
 * rows. Must be called with no transaction open on db. Returns the number
 * of rows handled, or -1 on a database failure (rows stay claimed and are
 * reclaimed later). */
int ntf_delivery_tick(ntf_delivery_t *d, pw_db_t *db) __attribute__((warn_unused_result));

#endif
