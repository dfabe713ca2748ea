/* Delivery channels behind one interface: email over SMTP (libcurl) and a
 * file sink (one JSON line per message) for local runs and tests, and
 * webhooks (HTTP POST, HMAC-signed). A channel's send says whether a
 * failure is worth retrying. */
#ifndef PATHWAYS_NOTIFICATION_CHANNEL_H
#define PATHWAYS_NOTIFICATION_CHANNEL_H

#include <stddef.h>

#include "message.h"
#include "pathways/config.h"

#define NTF_DEFAULT_OUTBOX_FILE "./outbox.jsonl"
#define NTF_DEFAULT_FROM        "pathways@localhost"

typedef enum {
    NTF_SEND_OK = 0,
    NTF_SEND_TEMPORARY = 1, /* try again later (peer down, 4xx, timeout) */
    NTF_SEND_PERMANENT = 2, /* will never work (5xx on the recipient...) */
} ntf_send_t;

typedef struct {
    const char *name;
    ntf_send_t (*send)(void *impl, const ntf_message_t *m, char *err, size_t errlen);
    void (*destroy)(void *impl);
} ntf_channel_ops_t;

typedef struct ntf_channel ntf_channel_t;

/* Wraps an implementation; takes ownership of impl (freed by ops->destroy).
 * Returns NULL on OOM (impl is destroyed then). */
ntf_channel_t *ntf_channel_wrap(const ntf_channel_ops_t *ops, void *impl);
void ntf_channel_destroy(ntf_channel_t **p);
const char *ntf_channel_name(const ntf_channel_t *c);
ntf_send_t ntf_channel_send(ntf_channel_t *c, const ntf_message_t *m, char *err, size_t errlen);

/* Appends {notification_id, to, subject, body} lines to path (synced
 * before send returns). Caller owns the result. */
ntf_channel_t *ntf_channel_file_new(const char *path);
/* Sends over SMTP to url (smtp://host:port) with envelope sender from.
 * Caller owns the result. */
ntf_channel_t *ntf_channel_smtp_new(const char *url, const char *from);
/* The same with SMTP AUTH credentials (NULL or "": none). STARTTLS is used
 * whenever the server offers it (and required for AUTH by libcurl's
 * defaults only when the URL is smtps://). */
ntf_channel_t *ntf_channel_smtp_new_auth(const char *url, const char *from, const char *user,
                                         const char *password);

/* POSTs JSON bodies to the message's URL, signed with its secret (see
 * channel_webhook.c for the headers). Caller owns the result. */
ntf_channel_t *ntf_channel_webhook_new(void);

/* The webhook signature: hex HMAC-SHA256(secret, timestamp "." body) into
 * hex (at least 65 bytes). Returns 0, or -1 without a secret. */
int ntf_webhook_sign(const char *secret, const char *timestamp, const char *body, char *hex,
                     size_t hexlen) __attribute__((warn_unused_result));

/* SMTP when cfg->smtp_url is set, else the file sink at cfg->outbox_file
 * or NTF_DEFAULT_OUTBOX_FILE. Caller owns the result. */
ntf_channel_t *ntf_channel_from_config(const pw_config_t *cfg);

#endif
