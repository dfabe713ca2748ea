/* pathways-bench-copy: the store's raw write rate. Writes N rows shaped like
 * stream.event (same columns, same primary key, a 160-300 byte payload) into
 * a fresh table bench.event with COPY ... FROM STDIN in text format (the
 * format the stream appender uses), committing every --chunk rows, and
 * prints {"rows": N, "seconds": S, "rows_per_s": R, ...} as JSON.
 *
 *   pathways-bench-copy --url postgresql://... --rows N [--chunk 10000]
 *                       [--streams 1]
 *
 * --streams K runs K connections side by side (K COPYs into the same table,
 * distinct partitions), for a machine with cores to spare. */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROW_MAX 1024

typedef struct {
    const char *url;
    long rows, chunk;
    int part;
    int failed;
    char err[256];
} copier_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec_ok(PGconn *c, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        snprintf(err, errlen, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

/* One row in COPY text format; returns its length. */
static int format_row(char *buf, int part, long seq, uint64_t *rng)
{
    static const char hex[] = "0123456789abcdef";
    *rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
    int plen = 160 + (int)((*rng >> 33) % 141);
    int n = snprintf(buf, ROW_MAX,
                     "employee\t%d\t%ld\torg.pathways.employee.updated.v1\temp-%03ld/e%07ld\t"
                     "s1-%09ld\t2026-11-30 09:00:00.%06ld+00\t\\\\x",
                     part, seq, seq % 97, seq, seq, seq % 1000000);
    for (int i = 0; i < plen; i++) {
        *rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
        uint8_t b = (uint8_t)(*rng >> 56);
        buf[n++] = hex[b >> 4];
        buf[n++] = hex[b & 15];
    }
    buf[n++] = '\n';
    return n;
}

/* COPYs rows [from, to) in one transaction. */
static int copy_chunk(PGconn *c, copier_t *w, long from, long to, uint64_t *rng)
{
    char row[ROW_MAX];
    if (exec_ok(c, "BEGIN", w->err, sizeof w->err) < 0)
        return -1;
    PGresult *r = PQexec(c, "COPY bench.event (stream, partition, seq, type, key, event_id, "
                            "occurred_at, payload) FROM STDIN");
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok)
        return snprintf(w->err, sizeof w->err, "COPY: %s", PQerrorMessage(c)), -1;
    for (long s = from; s < to; s++) {
        int n = format_row(row, w->part, s + 1, rng);
        if (PQputCopyData(c, row, n) != 1)
            return snprintf(w->err, sizeof w->err, "%s", PQerrorMessage(c)), -1;
    }
    if (PQputCopyEnd(c, NULL) != 1)
        return snprintf(w->err, sizeof w->err, "%s", PQerrorMessage(c)), -1;
    while ((r = PQgetResult(c))) {
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            snprintf(w->err, sizeof w->err, "COPY: %s", PQerrorMessage(c));
        PQclear(r);
        if (!ok)
            return -1;
    }
    return exec_ok(c, "COMMIT", w->err, sizeof w->err);
}

static void *copier_main(void *arg)
{
    copier_t *w = arg;
    PGconn *c = PQconnectdb(w->url);
    uint64_t rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)w->part;
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(w->err, sizeof w->err, "%s", PQerrorMessage(c));
        w->failed = 1;
    }
    for (long from = 0; !w->failed && from < w->rows; from += w->chunk) {
        long to = from + w->chunk < w->rows ? from + w->chunk : w->rows;
        if (copy_chunk(c, w, from, to, &rng) < 0)
            w->failed = 1;
    }
    PQfinish(c);
    return NULL;
}

static int setup(const char *url)
{
    char err[512];
    PGconn *c = PQconnectdb(url);
    int rc = PQstatus(c) == CONNECTION_OK ? 0 : -1;
    if (rc == 0)
        rc = exec_ok(c,
                     "SET client_min_messages = warning; DROP SCHEMA IF EXISTS bench CASCADE; "
                     "CREATE SCHEMA bench; CREATE TABLE bench.event (LIKE stream.event "
                     "INCLUDING ALL)",
                     err, sizeof err);
    else
        snprintf(err, sizeof err, "%s", PQerrorMessage(c));
    if (rc < 0)
        fprintf(stderr, "pathways-bench-copy: %s\n", err);
    PQfinish(c);
    return rc;
}

int main(int argc, char **argv)
{
    const char *url = NULL;
    long rows = 0, chunk = 10000;
    int streams = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--url"))
            url = argv[i + 1];
        else if (!strcmp(argv[i], "--rows"))
            rows = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--chunk"))
            chunk = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--streams"))
            streams = atoi(argv[i + 1]);
    }
    if (!url || rows < 1 || chunk < 1 || streams < 1 || streams > 16) {
        fprintf(stderr, "usage: pathways-bench-copy --url URL --rows N [--chunk N] "
                        "[--streams K]\n");
        return 2;
    }
    if (setup(url) < 0)
        return 1;
    copier_t w[16];
    pthread_t t[16];
    double t0 = now_s();
    for (int k = 0; k < streams; k++) {
        w[k] = (copier_t){
            .url = url, .rows = rows / streams + (k < rows % streams), .chunk = chunk, .part = k};
        pthread_create(&t[k], NULL, copier_main, &w[k]);
    }
    int failed = 0;
    for (int k = 0; k < streams; k++) {
        pthread_join(t[k], NULL);
        if (w[k].failed) {
            fprintf(stderr, "pathways-bench-copy: stream %d: %s\n", k, w[k].err);
            failed = 1;
        }
    }
    double secs = now_s() - t0;
    printf("{\"rows\": %ld, \"chunk\": %ld, \"streams\": %d, \"seconds\": %.3f, "
           "\"rows_per_s\": %.1f}\n",
           rows, chunk, streams, secs, (double)rows / secs);
    return failed;
}
