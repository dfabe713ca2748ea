/* Loading a partner feed; see feed.h. */
#include "feed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event_json.h"
#include "pathways/codec.h"
#include "pathways/hash.h"

#define REASON_MAX 300

/* The basis this tool has always used (the standard one less a digit):
 * kept so shard keys stay what they were. */
#define SHARD_BASIS 1469598103934665603ull

/* FNV-1a over source, a separator and subject. */
static uint64_t shard_key(const char *source, const char *subject)
{
    uint64_t h = pw_fnv1a64(pw_fnv1a64_str(SHARD_BASIS, source), "\xff", 1);
    return pw_fnv1a64_str(h, subject);
}

static int add_unreadable(feed_t *feed, long line, const char *reason)
{
    if (feed->unreadable_count == feed->unreadable_cap) {
        size_t cap = feed->unreadable_cap ? feed->unreadable_cap * 2 : 16;
        feed_unreadable_t *u = realloc(feed->unreadable, cap * sizeof *u);
        if (!u)
            return -1;
        feed->unreadable = u;
        feed->unreadable_cap = cap;
    }
    char *copy = strdup(reason);
    if (!copy)
        return -1;
    feed->unreadable[feed->unreadable_count++] = (feed_unreadable_t){line, copy};
    return 0;
}

static feed_event_t *next_slot(feed_t *feed)
{
    if (feed->count == feed->cap) {
        size_t cap = feed->cap ? feed->cap * 2 : 1024;
        feed_event_t *e = realloc(feed->events, cap * sizeof *e);
        if (!e)
            return NULL;
        feed->events = e;
        feed->cap = cap;
    }
    feed_event_t *slot = &feed->events[feed->count];
    memset(slot, 0, sizeof *slot);
    return slot;
}

int feed_add_event(feed_t *feed, const Pathways__V1__EmployeeEvent *ev, long line)
{
    char reason[REASON_MAX];
    feed_event_t *slot = next_slot(feed);
    if (!slot)
        return -1;
    slot->bytes = pw_msg_encode(&ev->base, PW_MAX_MESSAGE_BYTES / 2, &slot->len);
    if (!slot->bytes) {
        snprintf(reason, sizeof reason, "event larger than %u bytes", PW_MAX_MESSAGE_BYTES / 2);
        return add_unreadable(feed, line, reason);
    }
    if (!(slot->id = strdup(ev->id))) {
        free(slot->bytes);
        return -1;
    }
    slot->shard_key = shard_key(ev->source, ev->subject);
    slot->line = line;
    feed->count++;
    return 0;
}

/* Converts one line. Returns 0 (stored, or listed as unreadable) or -1 on
 * out-of-memory. */
static int add_line(feed_t *feed, const char *text, size_t len, long line)
{
    char reason[REASON_MAX];
    Pathways__V1__EmployeeEvent *ev = event_json_parse(text, len, reason, sizeof reason);
    if (!ev)
        return add_unreadable(feed, line, reason);
    int rc = feed_add_event(feed, ev, line);
    event_json_free(&ev);
    return rc;
}

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

feed_t *feed_new(void)
{
    return calloc(1, sizeof(feed_t));
}

feed_t *feed_load(FILE *f, char *err, size_t errlen)
{
    feed_t *feed = feed_new();
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    long line = 0;
    if (!feed)
        goto oom;
    while ((n = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (blank(buf, (size_t)n))
            continue;
        int rc = (size_t)n > PW_MAX_MESSAGE_BYTES
                     ? add_unreadable(feed, line, "line longer than the message size limit")
                     : add_line(feed, buf, (size_t)n, line);
        if (rc < 0)
            goto oom;
    }
    free(buf);
    if (ferror(f)) {
        snprintf(err, errlen, "read error: %s", strerror(errno));
        feed_destroy(&feed);
    }
    return feed;
oom:
    free(buf);
    snprintf(err, errlen, "out of memory");
    feed_destroy(&feed);
    return NULL;
}

void feed_destroy(feed_t **p)
{
    if (!p || !*p)
        return;
    feed_t *feed = *p;
    for (size_t i = 0; i < feed->count; i++) {
        free(feed->events[i].id);
        free(feed->events[i].bytes);
        free(feed->events[i].reason);
    }
    for (size_t i = 0; i < feed->unreadable_count; i++)
        free(feed->unreadable[i].reason);
    free(feed->events);
    free(feed->unreadable);
    free(feed);
    *p = NULL;
}

void feed_set_result(feed_event_t *ev, feed_result_t result, const char *reason_code,
                     const char *reason)
{
    ev->result = result;
    free(ev->reason);
    ev->reason = NULL;
    if (result != FEED_REJECTED)
        return;
    size_t n = strlen(reason_code ? reason_code : "") + strlen(reason ? reason : "") + 3;
    ev->reason = malloc(n);
    if (ev->reason)
        snprintf(ev->reason, n, "%s: %s", reason_code ? reason_code : "", reason ? reason : "");
}
