/* RFC 5322 formatting of notification emails. The body goes out as UTF-8
 * with 8bit transfer encoding (lines are short, the foundation's peers
 * speak 8BITMIME); the subject uses RFC 2047 encoded words when needed. */
#include "message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "template.h"

#define NTF_DEFAULT_DOMAIN "pathways.invalid"
/* Raw bytes per encoded word: 45 -> 60 base64 chars, within 75 total. */
#define RFC2047_CHUNK 45

int ntf_address_valid(const char *s)
{
    if (!s || !*s || strlen(s) > 254)
        return 0;
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || strchr("<>()[],;:\\\"", c))
            return 0;
    }
    return 1;
}

int ntf_address_extract(const char *from, char *out, size_t outlen)
{
    if (!from)
        return -1;
    const char *lt = strrchr(from, '<');
    const char *start = lt ? lt + 1 : from;
    size_t len = lt ? strcspn(start, ">") : strlen(start);
    if (lt && start[len] != '>')
        return -1;
    if (len + 1 > outlen)
        return -1;
    memcpy(out, start, len);
    out[len] = '\0';
    return ntf_address_valid(out) ? 0 : -1;
}

static void base64(const unsigned char *in, size_t len, char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = tbl[(v >> 18) & 63];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? tbl[v & 63] : '=';
    }
    out[o] = '\0';
}

/* Length of the next chunk of at most max bytes that does not split a
 * UTF-8 sequence. */
static size_t utf8_chunk(const unsigned char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && (s[n] & 0xC0) == 0x80)
        n--;
    return n ? n : max;
}

char *ntf_header_encode(const char *value)
{
    char *flat = strdup(value ? value : "");
    if (!flat)
        return NULL;
    ntf_flatten_line(flat);
    int ascii = 1;
    for (const char *p = flat; *p; p++)
        if ((unsigned char)*p >= 0x80)
            ascii = 0;
    if (ascii)
        return flat;
    size_t len = strlen(flat);
    /* A chunk holds at least RFC2047_CHUNK - 3 bytes (a UTF-8 sequence is at
     * most 4) and encodes to at most 1 + 10 + 60 + 2 characters. */
    size_t cap = (len / (RFC2047_CHUNK - 3) + 1) * 80 + 1;
    char *out = malloc(cap);
    if (!out) {
        free(flat);
        return NULL;
    }
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)flat;
    while (len > 0) {
        size_t n = utf8_chunk(s, len, RFC2047_CHUNK);
        char b64[RFC2047_CHUNK * 2 + 4];
        base64(s, n, b64);
        o += (size_t)snprintf(out + o, cap - o, "%s=?UTF-8?B?%s?=", o ? " " : "", b64);
        s += n;
        len -= n;
    }
    free(flat);
    return out;
}

/* A notification id goes into Message-ID: letters, digits and '-' only. */
static int id_valid(const char *id)
{
    if (!id || !*id || strlen(id) > 64)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              *p == '-'))
            return 0;
    return 1;
}

static void message_id_domain(const char *from_addr, char *out, size_t outlen)
{
    const char *at = strchr(from_addr, '@');
    snprintf(out, outlen, "%s", at && at[1] ? at + 1 : NTF_DEFAULT_DOMAIN);
}

/* Appends the body converting bare \n to CRLF; returns bytes written. */
static size_t put_body(char *out, const char *body)
{
    size_t o = 0;
    for (const char *p = body; *p; p++) {
        if (*p == '\n' && (p == body || p[-1] != '\r'))
            out[o++] = '\r';
        out[o++] = *p;
    }
    if (o < 2 || out[o - 2] != '\r' || out[o - 1] != '\n') {
        out[o++] = '\r';
        out[o++] = '\n';
    }
    out[o] = '\0';
    return o;
}

char *ntf_message_format(const ntf_message_t *m, int64_t date_us, char *err, size_t errlen)
{
    char from[256], domain[256], date[64];
    if (!ntf_address_valid(m->to)) {
        snprintf(err, errlen, "invalid recipient address");
        return NULL;
    }
    if (ntf_address_extract(m->from, from, sizeof from) != 0) {
        snprintf(err, errlen, "invalid sender address");
        return NULL;
    }
    if (!id_valid(m->notification_id)) {
        snprintf(err, errlen, "invalid notification id");
        return NULL;
    }
    message_id_domain(from, domain, sizeof domain);
    time_t secs = (time_t)(date_us / 1000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    char *subject = ntf_header_encode(m->subject);
    char *id = strdup(m->notification_id);
    const char *body = m->body ? m->body : "";
    size_t cap = strlen(body) * 2 + 2048 + (subject ? strlen(subject) : 0) + 4 * 256;
    char *out = subject && id ? malloc(cap) : NULL;
    if (!out) {
        snprintf(err, errlen, "out of memory");
        free(subject);
        free(id);
        return NULL;
    }
    int n = snprintf(out, cap,
                     "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
                     "Message-ID: <%s@%s>\r\nX-Pathways-Notification-Id: %s\r\n"
                     "List-Unsubscribe: <mailto:%s?subject=unsubscribe%%20%s>\r\n"
                     "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: 8bit\r\n\r\n",
                     date, from, m->to, subject, id, domain, id, from, id);
    free(subject);
    free(id);
    if (n < 0 || (size_t)n >= cap) {
        snprintf(err, errlen, "message headers too long");
        free(out);
        return NULL;
    }
    put_body(out + n, body);
    return out;
}
