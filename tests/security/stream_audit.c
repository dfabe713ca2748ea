/* Data minimization, checked from the stored streams: decodes every event
 * of every stream in the database and fails on any field that is set but
 * that no consumer of that stream reads. The allowed fields are data, one
 * line per field: `stream <TAB> field.path <TAB> who reads it` (repeated
 * sub-message fields are written `criteria[].name`).
 *
 *   pathways-stream-audit DATABASE_URL ALLOWED_FIELDS_FILE [STREAM]
 *
 * With STREAM, only that stream is audited (a test whose workload touches
 * one stream checks it alone).
 * Prints one line per stream (events read, fields seen) and one per field
 * that is not allowed, with an example seq. Exits 1 when a field is not
 * allowed, when a stream listed in the file has no events (nothing was
 * checked), or when a payload does not decode; 0 otherwise. */
#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/v1/eligibility.pb-c.h"
#include "pathways/v1/employee.pb-c.h"
#include "pathways/v1/enrollment.pb-c.h"
#include "pathways/v1/notification.pb-c.h"
#include "pathways/v1/progress.pb-c.h"

#define MAX_RULES 256
#define MAX_SEEN  512
#define PATH_MAX_ 256

typedef struct {
    char stream[64], path[PATH_MAX_];
} rule_t;

typedef struct {
    char stream[64], path[PATH_MAX_];
    long long seq, count;
    int allowed;
} seen_t;

static rule_t rules[MAX_RULES];
static int nrules;
static seen_t seen[MAX_SEEN];
static int nseen;

static const struct {
    const char *stream;
    const ProtobufCMessageDescriptor *desc;
} streams[] = {
    {"employee", &pathways__v1__employee_event__descriptor},
    {"eligibility", &pathways__v1__determination__descriptor},
    {"enrollment", &pathways__v1__enrollment_changed__descriptor},
    {"notification", &pathways__v1__notification_changed__descriptor},
    {"progress", &pathways__v1__progress_recorded__descriptor},
};

static int allowed(const char *stream, const char *path)
{
    for (int i = 0; i < nrules; i++)
        if (strcmp(rules[i].stream, stream) == 0 && strcmp(rules[i].path, path) == 0)
            return 1;
    return 0;
}

static void note(const char *stream, const char *path, long long seq)
{
    for (int i = 0; i < nseen; i++)
        if (strcmp(seen[i].stream, stream) == 0 && strcmp(seen[i].path, path) == 0) {
            seen[i].count++;
            return;
        }
    if (nseen == MAX_SEEN)
        return;
    seen_t *s = &seen[nseen++];
    snprintf(s->stream, sizeof s->stream, "%s", stream);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->seq = seq;
    s->count = 1;
    s->allowed = allowed(stream, path);
}

/* 1 when field f of m holds a value (proto3: not the default). */
static int is_set(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    const char *base = (const char *)m;
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return *(const size_t *)(const void *)(base + f->quantifier_offset) > 0;
    const void *v = base + f->offset;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)v;
        return s && *s;
    }
    case PROTOBUF_C_TYPE_BYTES:
        return ((const ProtobufCBinaryData *)v)->len > 0;
    case PROTOBUF_C_TYPE_MESSAGE:
        return *(void *const *)v != NULL;
    case PROTOBUF_C_TYPE_BOOL:
        return *(const protobuf_c_boolean *)v != 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return *(const uint64_t *)v != 0;
    case PROTOBUF_C_TYPE_DOUBLE:
        return *(const double *)v != 0;
    case PROTOBUF_C_TYPE_FLOAT:
        return *(const float *)v != 0;
    default: /* 32-bit ints and enums */
        return *(const uint32_t *)v != 0;
    }
}

static void walk(const char *stream, const ProtobufCMessage *m, const char *prefix, long long seq)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!is_set(m, f))
            continue;
        char path[PATH_MAX_];
        int repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        snprintf(path, sizeof path, "%s%s%s", prefix, f->name,
                 repeated && f->type == PROTOBUF_C_TYPE_MESSAGE ? "[]" : "");
        note(stream, path, seq);
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        char sub[PATH_MAX_ + 1];
        snprintf(sub, sizeof sub, "%s.", path);
        const char *base = (const char *)m + f->offset;
        if (repeated) {
            size_t n = *(const size_t *)(const void *)((const char *)m + f->quantifier_offset);
            ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *)(const void *)base;
            for (size_t k = 0; k < n; k++)
                walk(stream, items[k], sub, seq);
        } else {
            walk(stream, *(const ProtobufCMessage *const *)(const void *)base, sub, seq);
        }
    }
}

static int load_rules(const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return perror(file), -1;
    char line[512];
    while (fgets(line, sizeof line, f) && nrules < MAX_RULES) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        char *path = tab + 1, *end = strpbrk(path, "\t\n");
        if (end)
            *end = '\0';
        snprintf(rules[nrules].stream, sizeof rules[nrules].stream, "%.63s", line);
        snprintf(rules[nrules].path, sizeof rules[nrules].path, "%.255s", path);
        nrules++;
    }
    fclose(f);
    return 0;
}

/* Audits one stream; returns how many events it had, or -1. */
static long audit_stream(PGconn *conn, const char *stream, const ProtobufCMessageDescriptor *desc)
{
    const char *params[] = {stream};
    PGresult *r = PQexecParams(conn, "SELECT seq, payload FROM stream.event WHERE stream = $1", 1,
                               NULL, params, NULL, NULL, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "query: %s", PQerrorMessage(conn));
        PQclear(r);
        return -1;
    }
    long n = PQntuples(r), bad = 0;
    for (long i = 0; i < n; i++) {
        long long seq = 0;
        const unsigned char *s = (const unsigned char *)PQgetvalue(r, (int)i, 0);
        for (int k = 0; k < 8; k++)
            seq = (seq << 8) | s[k];
        ProtobufCMessage *m =
            protobuf_c_message_unpack(desc, NULL, (size_t)PQgetlength(r, (int)i, 1),
                                      (const uint8_t *)PQgetvalue(r, (int)i, 1));
        if (!m) {
            fprintf(stderr, "%s seq %lld: payload does not decode\n", stream, seq);
            bad++;
            continue;
        }
        walk(stream, m, "", seq);
        protobuf_c_message_free_unpacked(m, NULL);
    }
    PQclear(r);
    return bad ? -1 : n;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s DATABASE_URL ALLOWED_FIELDS_FILE [STREAM]\n", argv[0]);
        return 2;
    }
    const char *only = argc == 4 ? argv[3] : NULL;
    if (load_rules(argv[2]) != 0)
        return 2;
    PGconn *conn = PQconnectdb(argv[1]);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "connect: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 2;
    }
    int failed = 0, audited = 0;
    for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++) {
        if (only && strcmp(only, streams[i].stream) != 0)
            continue;
        audited++;
        long n = audit_stream(conn, streams[i].stream, streams[i].desc);
        int fields = 0;
        for (int k = 0; k < nseen; k++)
            fields += strcmp(seen[k].stream, streams[i].stream) == 0;
        printf("stream %s: %ld events, %d distinct fields set\n", streams[i].stream, n, fields);
        if (n <= 0) {
            printf("FAIL: stream %s: %s\n", streams[i].stream,
                   n < 0 ? "unreadable events" : "no events, nothing was checked");
            failed = 1;
        }
    }
    if (!audited) {
        printf("FAIL: no stream named %s\n", only);
        failed = 1;
    }
    for (int k = 0; k < nseen; k++) {
        if (seen[k].allowed)
            continue;
        printf("FAIL: stream %s carries field %s (%lld events, e.g. seq %lld) that no consumer "
               "reads\n",
               seen[k].stream, seen[k].path, seen[k].count, seen[k].seq);
        failed = 1;
    }
    PQfinish(conn);
    return failed;
}
