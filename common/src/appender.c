/* The appending half of durable streams: buffer during a transaction, write
 * with gap-free commit-ordered seqs just before COMMIT, publish after it. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pathways/codec.h"
#include "pathways/date.h"
#include "pathways/hash.h"
#include "pathways/log.h"
#include "pathways/pgarray.h"
#include "pathways/stream.h"
#include "stream_internal.h"

#define EVENT_ID_LEN 37
#define MAX_STREAMS  16

typedef struct {
    char *stream, *type, *key;
    char event_id[EVENT_ID_LEN + 92];
    uint8_t *payload;
    size_t len;
    uint32_t partition;
    int64_t seq;
    int64_t occurred_at_us;
} pending_t;

typedef struct {
    char name[64];
    uint32_t partitions;
} stream_parts_t;

struct pw_appender {
    pending_t *items;
    size_t n, cap;
    size_t flushed; /* items [0, flushed) have seqs in the open transaction */
    size_t spilled; /* items written and dropped by pw_appender_spill this transaction */
    size_t bytes;   /* payload bytes held */
    stream_parts_t parts[MAX_STREAMS];
    int nparts;
    uint32_t create_partitions; /* for streams this appender creates */
    size_t max_message;         /* largest payload */
};

pw_appender_t *pw_appender_new(void)
{
    pw_appender_t *a = calloc(1, sizeof(pw_appender_t));
    if (a) {
        a->create_partitions = 1;
        a->max_message = PW_MAX_MESSAGE_BYTES;
    }
    return a;
}

void pw_appender_set_max_message(pw_appender_t *a, size_t max)
{
    a->max_message = max ? max : PW_MAX_MESSAGE_BYTES;
}

void pw_appender_set_partitions(pw_appender_t *a, uint32_t partitions)
{
    a->create_partitions = partitions ? partitions : 1;
}

static void pending_free(pending_t *p)
{
    free(p->stream);
    free(p->type);
    free(p->key);
    free(p->payload);
    memset(p, 0, sizeof *p);
}

/* Frees every item held (not the spill count). */
static void drop_items(pw_appender_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        pending_free(&a->items[i]);
    a->n = 0;
    a->flushed = 0;
    a->bytes = 0;
}

void pw_appender_discard(pw_appender_t *a)
{
    drop_items(a);
    a->spilled = 0;
}

void pw_appender_destroy(pw_appender_t **p)
{
    if (!p || !*p)
        return;
    pw_appender_discard(*p);
    free((*p)->items);
    free(*p);
    *p = NULL;
}

void pw_stream_new_id(char out[EVENT_ID_LEN])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* UUID v4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, EVENT_ID_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

int pw_appender_add(pw_appender_t *a, const char *stream, const char *type, const char *key,
                    const char *event_id, const uint8_t *payload, size_t len)
{
    if (len > a->max_message || strlen(stream) >= sizeof a->parts[0].name ||
        (event_id && strlen(event_id) >= sizeof a->items[0].event_id))
        return -1;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        pending_t *items = realloc(a->items, cap * sizeof *items);
        if (!items)
            return -1;
        a->items = items;
        a->cap = cap;
    }
    pending_t *p = &a->items[a->n];
    memset(p, 0, sizeof *p);
    p->stream = strdup(stream);
    p->type = strdup(type);
    p->key = strdup(key ? key : "");
    p->payload = malloc(len ? len : 1);
    if (!p->stream || !p->type || !p->key || !p->payload) {
        pending_free(p);
        return -1;
    }
    memcpy(p->payload, payload, len);
    p->len = len;
    a->bytes += len;
    if (event_id)
        snprintf(p->event_id, sizeof p->event_id, "%s", event_id);
    else
        pw_stream_new_id(p->event_id);
    a->n++;
    return 0;
}

int pw_appender_add_msg(pw_appender_t *a, const char *stream, const char *type, const char *key,
                        const char *event_id, const ProtobufCMessage *payload)
{
    size_t len;
    uint8_t *bytes = pw_msg_encode(payload, a->max_message, &len);
    if (!bytes)
        return -1;
    int rc = pw_appender_add(a, stream, type, key, event_id, bytes, len);
    free(bytes);
    return rc;
}

size_t pw_appender_pending(const pw_appender_t *a)
{
    return a->spilled + a->n;
}

void pw_appender_truncate(pw_appender_t *a, size_t mark)
{
    /* Spilled events after the mark were written inside the savepoint the
     * caller rolls back: their rows go with it, and whatever is held now
     * came after them. */
    size_t keep = mark > a->spilled ? mark - a->spilled : 0;
    while (a->n > keep) {
        a->bytes -= a->items[a->n - 1].len;
        pending_free(&a->items[--a->n]);
    }
    if (a->flushed > a->n)
        a->flushed = a->n;
    if (a->spilled > mark)
        a->spilled = mark;
}

size_t pw_appender_bytes(const pw_appender_t *a)
{
    return a->bytes;
}

uint32_t pw_stream_partition_of(const char *key, uint32_t partitions)
{
    uint32_t h = pw_fnv1a32(PW_FNV32_BASIS, key, strlen(key));
    return partitions > 1 ? h % partitions : 0;
}

int pw_stream_ensure(pw_db_t *db, const char *stream, uint32_t partitions)
{
    char n[16];
    snprintf(n, sizeof n, "%u", partitions ? partitions : 1);
    const char *params[] = {stream, n};
    PGresult *r = pw_db_prepared(db, "stream_ensure",
                                 "INSERT INTO stream.head (stream, partition, seq, partitions) "
                                 "SELECT $1, p, 0, $2::int FROM generate_series(0, $2::int - 1) p "
                                 "ON CONFLICT (stream, partition) DO NOTHING",
                                 2, params);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

int pw_stream_partitions(pw_db_t *db, const char *stream, uint32_t create_with, uint32_t *out)
{
    const char *params[] = {stream};
    PGresult *r = pw_db_prepared(db, "stream_partitions",
                                 "SELECT coalesce(max(partitions), 0) AS n FROM stream.head "
                                 "WHERE stream = $1",
                                 1, params);
    if (!r)
        return -1;
    int64_t n = pw_db_get_i64(r, 0, "n");
    PQclear(r);
    if (n <= 0 && create_with > 0) {
        if (pw_stream_ensure(db, stream, create_with) != 0)
            return -1;
        return pw_stream_partitions(db, stream, 0, out);
    }
    *out = (uint32_t)n;
    return 0;
}

/* Partition count of stream, cached per appender for its lifetime. */
static int appender_partitions(pw_appender_t *a, pw_db_t *db, const char *stream, uint32_t *out)
{
    for (int i = 0; i < a->nparts; i++) {
        if (strcmp(a->parts[i].name, stream) == 0) {
            *out = a->parts[i].partitions;
            return 0;
        }
    }
    if (pw_stream_partitions(db, stream, a->create_partitions, out) != 0)
        return -1;
    if (a->nparts < MAX_STREAMS) {
        snprintf(a->parts[a->nparts].name, sizeof a->parts[0].name, "%s", stream);
        a->parts[a->nparts++].partitions = *out;
    }
    return 0;
}

static int same_group(const pending_t *a, const pending_t *b)
{
    return a->partition == b->partition && strcmp(a->stream, b->stream) == 0;
}

/* Orders by (stream, partition), then by position in the buffer (the order
 * events were added), so a group's seqs follow that order. */
static int cmp_group(const void *x, const void *y)
{
    const pending_t *a = *(const pending_t *const *)x, *b = *(const pending_t *const *)y;
    int c = strcmp(a->stream, b->stream);
    if (c)
        return c;
    if (a->partition != b->partition)
        return a->partition < b->partition ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Reserves n seqs on (stream, partition) by bumping the head row; its row
 * lock is held until COMMIT, serializing writers. Returns the last seq. */
static int64_t reserve_seqs(pw_db_t *db, const char *stream, uint32_t partition, size_t n)
{
    char part[16], count[24];
    snprintf(part, sizeof part, "%u", partition);
    snprintf(count, sizeof count, "%zu", n);
    const char *params[] = {stream, part, count};
    PGresult *r = pw_db_prepared(db, "stream_reserve",
                                 "UPDATE stream.head SET seq = seq + $3::bigint "
                                 "WHERE stream = $1 AND partition = $2::int RETURNING seq",
                                 3, params);
    if (!r)
        return -1;
    int64_t last = PQntuples(r) == 1 ? pw_db_get_i64(r, 0, "seq") : -1;
    PQclear(r);
    return last;
}

/* Appends s to a COPY text buffer, escaping the format's specials. */
static int copy_text(pw_buf_t *b, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        const char *esc = c == '\\'   ? "\\\\"
                          : c == '\t' ? "\\t"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                                      : NULL;
        if (esc ? pw_buf_add(b, esc, 2) : pw_buf_add(b, &c, 1))
            return -1;
    }
    return 0;
}

static int copy_row(pw_buf_t *b, const pending_t *p)
{
    static const char hex[] = "0123456789abcdef";
    char head[64], ts[64];
    snprintf(head, sizeof head, "\t%u\t%lld\t", p->partition, (long long)p->seq);
    time_t secs = (time_t)(p->occurred_at_us / 1000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t k = strftime(ts, sizeof ts, "\t%Y-%m-%d %H:%M:%S", &tm);
    snprintf(ts + k, sizeof ts - k, ".%06lld+00\t\\\\x", (long long)(p->occurred_at_us % 1000000));
    if (copy_text(b, p->stream) || pw_buf_add(b, head, strlen(head)) || copy_text(b, p->type) ||
        pw_buf_add(b, "\t", 1) || copy_text(b, p->key) || pw_buf_add(b, "\t", 1) ||
        copy_text(b, p->event_id) || pw_buf_add(b, ts, strlen(ts)))
        return -1;
    for (size_t i = 0; i < p->len; i++) {
        char h[2] = {hex[p->payload[i] >> 4], hex[p->payload[i] & 15]};
        if (pw_buf_add(b, h, 2))
            return -1;
    }
    return pw_buf_add(b, "\n", 1);
}

/* Assigns seqs group by group (the items placed), in a fixed (stream,
 * partition) order so two writers never wait on each other's head rows in
 * opposite orders. */
static int assign_seqs(pw_appender_t *a, pw_db_t *db, pending_t **order, size_t n)
{
    for (size_t i = a->flushed; i < a->n; i++)
        order[i - a->flushed] = &a->items[i];
    qsort(order, n, sizeof *order, cmp_group);
    for (size_t g = 0; g < n;) {
        size_t e = g;
        while (e < n && same_group(order[g], order[e]))
            e++;
        int64_t last = reserve_seqs(db, order[g]->stream, order[g]->partition, e - g);
        if (last < 0)
            return -1;
        for (size_t i = g; i < e; i++)
            order[i]->seq = last - (int64_t)(e - i) + 1;
        g = e;
    }
    return 0;
}

/* A few events on one (stream, partition) -- a command's or a delivery's --
 * go in one statement that bumps the head and inserts the rows (one round
 * trip instead of the reservation's and COPY's three); more, or several
 * partitions, go by COPY. */
#define SMALL_APPEND 32

// clang-format off
static const char SMALL_SQL[] =
    "WITH h AS (UPDATE stream.head SET seq = seq + $3::bigint"
    "  WHERE stream = $1 AND partition = $2::int RETURNING seq)"
    " INSERT INTO stream.event (stream, partition, seq, type, key, event_id, occurred_at, payload)"
    " SELECT $1, $2::int, h.seq - $3::bigint + e.ord, e.type, e.key, e.event_id,"
    "  $4::timestamptz, decode(e.payload, 'hex')"
    " FROM h, unnest($5::text[], $6::text[], $7::text[], $8::text[])"
    "  WITH ORDINALITY AS e(type, key, event_id, payload, ord)"
    " RETURNING seq";
// clang-format on

/* The payload as hex text (decode(..., 'hex') takes it back). */
static int add_hex(pw_pgarray_t *arr, const pending_t *p)
{
    static const char hex[] = "0123456789abcdef";
    char *text = malloc(2 * p->len + 1);
    if (!text)
        return -1;
    for (size_t i = 0; i < p->len; i++) {
        text[2 * i] = hex[p->payload[i] >> 4];
        text[2 * i + 1] = hex[p->payload[i] & 15];
    }
    text[2 * p->len] = '\0';
    int rc = pw_pgarray_add(arr, text);
    free(text);
    return rc;
}

/* Writes the n unflushed items, all of one (stream, partition), with
 * SMALL_SQL; assigns their seqs in buffer order. Returns 0 or -1. */
static int flush_small(pw_appender_t *a, pw_db_t *db, size_t n)
{
    pending_t *first = &a->items[a->flushed];
    pw_pgarray_t *cols[4] = {pw_pgarray_new(), pw_pgarray_new(), pw_pgarray_new(),
                             pw_pgarray_new()};
    char part[16], count[24], ts[64];
    int rc = -1, ok = cols[0] && cols[1] && cols[2] && cols[3];
    for (size_t i = a->flushed; i < a->n && ok; i++) {
        const pending_t *p = &a->items[i];
        ok = pw_pgarray_add(cols[0], p->type) == 0 && pw_pgarray_add(cols[1], p->key) == 0 &&
             pw_pgarray_add(cols[2], p->event_id) == 0 && add_hex(cols[3], p) == 0;
    }
    time_t secs = (time_t)(first->occurred_at_us / 1000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t k = strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(ts + k, sizeof ts - k, ".%06lld+00", (long long)(first->occurred_at_us % 1000000));
    snprintf(part, sizeof part, "%u", first->partition);
    snprintf(count, sizeof count, "%zu", n);
    const char *params[8] = {first->stream, part, count, ts};
    for (int c = 0; c < 4 && ok; c++)
        ok = (params[4 + c] = pw_pgarray_text(cols[c])) != NULL;
    PGresult *r = ok ? pw_db_prepared(db, "stream_append_small", SMALL_SQL, 8, params) : NULL;
    if (r && (size_t)PQntuples(r) == n) {
        int64_t last = 0;
        for (int i = 0; i < PQntuples(r); i++)
            if (pw_db_get_i64(r, i, "seq") > last)
                last = pw_db_get_i64(r, i, "seq");
        for (size_t i = 0; i < n; i++)
            a->items[a->flushed + i].seq = last - (int64_t)(n - i) + 1;
        rc = 0;
    }
    PQclear(r);
    for (int c = 0; c < 4; c++)
        pw_pgarray_destroy(&cols[c]);
    return rc;
}

/* Partitions and the time of the unflushed items; 1 when they are all on
 * one (stream, partition), 0 when not, -1 on error. */
static int place_items(pw_appender_t *a, pw_db_t *db)
{
    int64_t now = pw_now_us();
    int one = 1;
    for (size_t i = a->flushed; i < a->n; i++) {
        uint32_t parts;
        if (appender_partitions(a, db, a->items[i].stream, &parts) != 0)
            return -1;
        a->items[i].partition = pw_stream_partition_of(a->items[i].key, parts);
        a->items[i].occurred_at_us = now;
        if (i > a->flushed && !same_group(&a->items[i], &a->items[a->flushed]))
            one = 0;
    }
    return one;
}

int pw_appender_flush(pw_appender_t *a, pw_db_t *db)
{
    size_t n = a->n - a->flushed;
    if (n == 0)
        return 0;
    int one = place_items(a, db);
    if (one < 0)
        return -1;
    if (one && n <= SMALL_APPEND) {
        if (flush_small(a, db, n) != 0)
            return -1;
        a->flushed = a->n;
        return 0;
    }
    pending_t **order = malloc(n * sizeof *order);
    pw_buf_t buf = {0};
    int rc = -1;
    if (!order || assign_seqs(a, db, order, n) != 0)
        goto done;
    for (size_t i = a->flushed; i < a->n; i++)
        if (copy_row(&buf, &a->items[i]) != 0)
            goto done;
    if (pw_db_copy_begin(db, "COPY stream.event (stream, partition, seq, type, key, event_id, "
                             "occurred_at, payload) FROM STDIN") != 0 ||
        pw_db_copy_send(db, buf.data, buf.len) != 0 || pw_db_copy_end(db) != 0)
        goto done;
    a->flushed = a->n;
    rc = 0;
done:
    free(order);
    free(buf.data);
    return rc;
}

int pw_appender_spill(pw_appender_t *a, pw_db_t *db)
{
    if (pw_appender_flush(a, db) != 0)
        return -1;
    a->spilled += a->n;
    drop_items(a);
    return 0;
}

void pw_appender_publish(pw_appender_t *a, zsock_t *pub)
{
    for (size_t i = 0; pub && i < a->flushed; i++) {
        pending_t *p = &a->items[i];
        Pathways__V1__Envelope env = PATHWAYS__V1__ENVELOPE__INIT;
        env.stream = p->stream;
        env.partition = p->partition;
        env.seq = (uint64_t)p->seq;
        env.type = p->type;
        env.key = p->key;
        env.event_id = p->event_id;
        env.occurred_at_us = p->occurred_at_us;
        env.payload.data = p->payload;
        env.payload.len = p->len;
        size_t len;
        uint8_t *bytes = pw_msg_encode(&env.base, a->max_message + PW_ENVELOPE_SLACK, &len);
        if (!bytes)
            continue; /* consumers will read it from the table */
        void *sock = zsock_resolve(pub);
        zmq_send(sock, p->stream, strlen(p->stream), ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(sock, bytes, len, ZMQ_DONTWAIT);
        free(bytes);
    }
    pw_appender_discard(a);
}
