/* One outgoing email: its parts, and its RFC 5322 text for SMTP. Header
 * values pass through ntf_header_encode, so no value from a template, a
 * partner or a database row can inject a header line. */
#ifndef PATHWAYS_NOTIFICATION_MESSAGE_H
#define PATHWAYS_NOTIFICATION_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

/* Every field borrowed. */
typedef struct {
    const char *notification_id; /* also Message-ID and X-Pathways-Notification-Id */
    const char *to;              /* a bare address: local@domain */
    const char *from;            /* "addr" or "Name <addr>" */
    const char *subject;
    const char *body; /* UTF-8, lines separated by \n */
    /* Webhooks: to is the URL, body the JSON document, secret the HMAC
     * key; subject and from are unused. */
    const char *secret;
} ntf_message_t;

/* Returns 1 when s is a plausible bare address: one '@', non-empty local
 * part and domain, printable ASCII, no spaces, quotes, brackets or commas. */
int ntf_address_valid(const char *s);

/* Copies the bare address out of "Name <addr>" or "addr" into out. Returns
 * 0, or -1 when it is not a valid address or does not fit. */
int ntf_address_extract(const char *from, char *out, size_t outlen)
    __attribute__((warn_unused_result));

/* Encodes a header field value: control characters (CR, LF...) become
 * spaces; a value with non-ASCII bytes becomes RFC 2047 encoded words
 * (=?UTF-8?B?...?=). Returns a malloc'd string the caller frees, or NULL. */
char *ntf_header_encode(const char *value);

/* Formats the whole message (headers, blank line, body) with CRLF line
 * endings. date_us is the Date header's time. Returns a malloc'd string the
 * caller frees, or NULL with a reason in err (invalid address, OOM). */
char *ntf_message_format(const ntf_message_t *m, int64_t date_us, char *err, size_t errlen);

#endif
