/* Email over SMTP with libcurl. One easy handle is kept so consecutive
 * sends reuse the connection. Timeouts are bounded because delivery runs on
 * the service loop (see delivery.c). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "pathways/date.h"

#define SMTP_CONNECT_TIMEOUT_MS 5000L
#define SMTP_TOTAL_TIMEOUT_MS   20000L

typedef struct {
    CURL *curl;
    char *url;
    char *from_header; /* as configured: "Name <addr>" or "addr" */
    char *user;        /* SMTP AUTH, or NULL */
    char *password;
    char from_addr[256]; /* bare envelope sender */
} smtp_t;

typedef struct {
    const char *data;
    size_t len;
    size_t at;
} reader_t;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
    reader_t *r = userdata;
    size_t room = size * nitems;
    size_t n = r->len - r->at < room ? r->len - r->at : room;
    memcpy(buf, r->data + r->at, n);
    r->at += n;
    return n;
}

static void smtp_destroy(void *impl)
{
    smtp_t *s = impl;
    if (s->curl)
        curl_easy_cleanup(s->curl);
    free(s->url);
    free(s->from_header);
    free(s->user);
    if (s->password) {
        memset(s->password, 0, strlen(s->password));
        free(s->password);
    }
    free(s);
    curl_global_cleanup();
}

/* 5xx replies are permanent (mailbox unknown, message refused); anything
 * else (4xx, connection, timeout) is worth another try. */
static ntf_send_t classify(CURLcode rc, long code)
{
    if (rc == CURLE_OK)
        return NTF_SEND_OK;
    if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED)
        return NTF_SEND_PERMANENT;
    return NTF_SEND_TEMPORARY;
}

static ntf_send_t smtp_send(void *impl, const ntf_message_t *m, char *err, size_t errlen)
{
    smtp_t *s = impl;
    ntf_message_t full = *m;
    full.from = s->from_header;
    char *text = ntf_message_format(&full, pw_now_us(), err, errlen);
    if (!text)
        return NTF_SEND_PERMANENT;
    char rcpt_addr[300];
    snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", m->to);
    char from_addr[300];
    snprintf(from_addr, sizeof from_addr, "<%s>", s->from_addr);
    struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
    reader_t r = {text, strlen(text), 0};
    char curl_err[CURL_ERROR_SIZE] = "";
    CURL *h = s->curl;
    curl_easy_setopt(h, CURLOPT_URL, s->url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from_addr);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &r);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, SMTP_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, SMTP_TOTAL_TIMEOUT_MS);
    /* STARTTLS whenever the server offers it; plain only when it does not. */
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    if (s->user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, s->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, s->password ? s->password : "");
    }
    CURLcode rc = rcpt ? curl_easy_perform(h) : CURLE_OUT_OF_MEMORY;
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    ntf_send_t out = classify(rc, code);
    if (out != NTF_SEND_OK)
        snprintf(err, errlen, "smtp: %s (reply %ld)",
                 curl_err[0] ? curl_err : curl_easy_strerror(rc), code);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(rcpt);
    free(text);
    return out;
}

static const ntf_channel_ops_t SMTP_OPS = {"smtp", smtp_send, smtp_destroy};

ntf_channel_t *ntf_channel_smtp_new(const char *url, const char *from)
{
    return ntf_channel_smtp_new_auth(url, from, NULL, NULL);
}

ntf_channel_t *ntf_channel_smtp_new_auth(const char *url, const char *from, const char *user,
                                         const char *password)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    smtp_t *s = calloc(1, sizeof *s);
    if (!s) {
        curl_global_cleanup();
        return NULL;
    }
    s->curl = curl_easy_init();
    s->url = strdup(url);
    s->from_header = strdup(from);
    if (user && *user) {
        s->user = strdup(user);
        s->password = strdup(password ? password : "");
    }
    if (!s->curl || !s->url || !s->from_header || (user && *user && (!s->user || !s->password)) ||
        ntf_address_extract(from, s->from_addr, sizeof s->from_addr) != 0) {
        smtp_destroy(s);
        return NULL;
    }
    return ntf_channel_wrap(&SMTP_OPS, s);
}
