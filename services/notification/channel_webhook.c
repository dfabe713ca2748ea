/* Webhooks: an HTTP POST of the JSON body with libcurl, signed with
 * HMAC-SHA256 (libsodium). Headers:
 *   Content-Type: application/json
 *   Idempotency-Key: <notification id>      (also X-Pathways-Notification-Id)
 *   X-Pathways-Timestamp: <unix seconds>
 *   X-Pathways-Signature: v1=<hex HMAC-SHA256(key, "<timestamp>.<body>")>
 * The receiver recomputes the HMAC over the timestamp and the raw body,
 * compares in constant time, rejects old timestamps, and dedupes by the
 * idempotency key (a reclaimed row is posted again with the same id).
 * 2xx is delivered; 408, 425, 429 and 5xx or no answer are temporary; any
 * other status is permanent. */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "template.h"
#include "pathways/date.h"

#define WEBHOOK_CONNECT_TIMEOUT_MS 5000L
#define WEBHOOK_TOTAL_TIMEOUT_MS   15000L
#define HEADER_MAX                 256

typedef struct {
    CURL *curl;
} webhook_t;

int ntf_webhook_sign(const char *secret, const char *timestamp, const char *body, char *hex,
                     size_t hexlen)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    if (!secret || !*secret || hexlen < 2 * sizeof mac + 1)
        return -1;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, hexlen, mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
    return 0;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    (void)ptr;
    (void)userdata;
    return size * nmemb;
}

static ntf_send_t classify(CURLcode rc, long status)
{
    if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
        return NTF_SEND_PERMANENT;
    if (rc != CURLE_OK)
        return NTF_SEND_TEMPORARY;
    if (status >= 200 && status < 300)
        return NTF_SEND_OK;
    if (status == 408 || status == 425 || status == 429 || status >= 500)
        return NTF_SEND_TEMPORARY;
    return NTF_SEND_PERMANENT;
}

static struct curl_slist *headers_for(const ntf_message_t *m, const char *ts, const char *sig)
{
    char lines[5][HEADER_MAX];
    snprintf(lines[0], HEADER_MAX, "Content-Type: application/json");
    snprintf(lines[1], HEADER_MAX, "Idempotency-Key: %s", m->notification_id);
    snprintf(lines[2], HEADER_MAX, "X-Pathways-Notification-Id: %s", m->notification_id);
    snprintf(lines[3], HEADER_MAX, "X-Pathways-Timestamp: %s", ts);
    snprintf(lines[4], HEADER_MAX, "X-Pathways-Signature: v1=%s", sig);
    struct curl_slist *h = NULL;
    for (size_t i = 0; i < 5; i++) {
        ntf_flatten_line(lines[i]);
        struct curl_slist *next = curl_slist_append(h, lines[i]);
        if (!next) {
            curl_slist_free_all(h);
            return NULL;
        }
        h = next;
    }
    return h;
}

static ntf_send_t webhook_send(void *impl, const ntf_message_t *m, char *err, size_t errlen)
{
    webhook_t *w = impl;
    char ts[24], sig[2 * crypto_auth_hmacsha256_BYTES + 1];
    snprintf(ts, sizeof ts, "%lld", (long long)(pw_now_us() / 1000000));
    if (ntf_webhook_sign(m->secret, ts, m->body, sig, sizeof sig) != 0) {
        snprintf(err, errlen, "webhook: no signing key");
        return NTF_SEND_PERMANENT;
    }
    struct curl_slist *hdrs = headers_for(m, ts, sig);
    char curl_err[CURL_ERROR_SIZE] = "";
    CURL *h = w->curl;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, m->to);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, m->body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, WEBHOOK_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, WEBHOOK_TOTAL_TIMEOUT_MS);
    CURLcode rc = hdrs ? curl_easy_perform(h) : CURLE_OUT_OF_MEMORY;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    ntf_send_t out = classify(rc, status);
    if (out != NTF_SEND_OK && rc != CURLE_OK)
        snprintf(err, errlen, "webhook: %s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
    else if (out != NTF_SEND_OK)
        snprintf(err, errlen, "webhook: HTTP %ld", status);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(hdrs);
    return out;
}

static void webhook_destroy(void *impl)
{
    webhook_t *w = impl;
    if (w->curl)
        curl_easy_cleanup(w->curl);
    free(w);
    curl_global_cleanup();
}

static const ntf_channel_ops_t WEBHOOK_OPS = {"webhook", webhook_send, webhook_destroy};

ntf_channel_t *ntf_channel_webhook_new(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    webhook_t *w = calloc(1, sizeof *w);
    if (!w) {
        curl_global_cleanup();
        return NULL;
    }
    w->curl = curl_easy_init();
    if (!w->curl) {
        webhook_destroy(w);
        return NULL;
    }
    return ntf_channel_wrap(&WEBHOOK_OPS, w);
}
