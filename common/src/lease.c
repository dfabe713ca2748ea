/* Partition leases: instances of one consumer share a stream's partitions
 * fairly, renew what they hold, and take over what a dead instance held
 * once its lease expires (Kafka consumer groups, kept in PostgreSQL). A
 * lease only decides who works on a partition; exactly-once comes from the
 * offset compare-and-set, so an instance that lost its lease mid-batch
 * cannot commit anyway. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pathways/log.h"
#include "stream_internal.h"

#define MEMBER_FORGET_FACTOR 10 /* drop member rows silent for 10 TTLs */

static void ms_text(int ms, char out[16])
{
    snprintf(out, 16, "%d", ms);
}

static int heartbeat(pw_db_t *db, const char *consumer, const char *stream, pw_lease_t *l,
                     int *members)
{
    char ttl[16], forget[16];
    ms_text(l->ttl_ms, ttl);
    ms_text(l->ttl_ms * MEMBER_FORGET_FACTOR, forget);
    const char *hb[] = {consumer, stream, l->instance};
    PGresult *r = pw_db_prepared(db, "lease_heartbeat",
                                 "INSERT INTO stream.member (consumer, stream, instance) "
                                 "VALUES ($1, $2, $3) ON CONFLICT (consumer, stream, instance) "
                                 "DO UPDATE SET seen_at = now()",
                                 3, hb);
    if (!r)
        return -1;
    PQclear(r);
    const char *q[] = {consumer, stream, ttl, forget};
    r = pw_db_prepared(db, "lease_members",
                       "WITH gone AS (DELETE FROM stream.member WHERE consumer = $1 AND "
                       "stream = $2 AND seen_at < now() - $4::int * interval '1 millisecond') "
                       "SELECT count(*) AS n FROM stream.member WHERE consumer = $1 AND "
                       "stream = $2 AND seen_at > now() - $3::int * interval '1 millisecond'",
                       4, q);
    if (!r)
        return -1;
    *members = (int)pw_db_get_i64(r, 0, "n");
    PQclear(r);
    if (*members < 1)
        *members = 1;
    return 0;
}

/* Renews the leases this instance still holds; fills owned[]. */
static int renew(pw_db_t *db, const char *consumer, const char *stream, pw_lease_t *l,
                 uint8_t *owned, int *count)
{
    char ttl[16];
    ms_text(l->ttl_ms, ttl);
    const char *p[] = {consumer, stream, l->instance, ttl};
    PGresult *r = pw_db_prepared(db, "lease_renew",
                                 "UPDATE stream.lease SET expires_at = now() + $4::int * "
                                 "interval '1 millisecond' WHERE consumer = $1 AND stream = $2 "
                                 "AND owner = $3 AND expires_at > now() RETURNING partition",
                                 4, p);
    if (!r)
        return -1;
    *count = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t part = pw_db_get_i64(r, i, "partition");
        if (part >= 0 && part < PW_MAX_PARTITIONS && !owned[part]) {
            owned[part] = 1;
            (*count)++;
        }
    }
    PQclear(r);
    return 0;
}

static int release_one(pw_db_t *db, const char *consumer, const char *stream, const char *owner,
                       uint32_t partition)
{
    char part[16];
    snprintf(part, sizeof part, "%u", partition);
    const char *p[] = {consumer, stream, owner, part};
    PGresult *r = pw_db_prepared(db, "lease_release",
                                 "DELETE FROM stream.lease WHERE consumer = $1 AND stream = $2 "
                                 "AND owner = $3 AND partition = $4::int",
                                 4, p);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

/* Takes partition when it is free or its lease expired. 1 taken, 0 not. */
static int acquire_one(pw_db_t *db, const char *consumer, const char *stream, pw_lease_t *l,
                       uint32_t partition)
{
    char part[16], ttl[16];
    snprintf(part, sizeof part, "%u", partition);
    ms_text(l->ttl_ms, ttl);
    const char *p[] = {consumer, stream, part, l->instance, ttl};
    PGresult *r = pw_db_prepared(
        db, "lease_acquire",
        "INSERT INTO stream.lease AS l (consumer, stream, partition, owner, expires_at) VALUES "
        "($1, $2, $3::int, $4, now() + $5::int * interval '1 millisecond') ON CONFLICT "
        "(consumer, stream, partition) DO UPDATE SET owner = EXCLUDED.owner, expires_at = "
        "EXCLUDED.expires_at WHERE l.expires_at < now() OR l.owner = EXCLUDED.owner "
        "RETURNING partition",
        5, p);
    if (!r)
        return -1;
    int taken = PQntuples(r) == 1;
    PQclear(r);
    return taken;
}

int pw_lease_rebalance(pw_db_t *db, const char *consumer, const char *stream, uint32_t nparts,
                       pw_lease_t *l, int *changed)
{
    int members, count;
    uint8_t owned[PW_MAX_PARTITIONS] = {0};
    *changed = 0;
    if (heartbeat(db, consumer, stream, l, &members) != 0 ||
        renew(db, consumer, stream, l, owned, &count) != 0)
        return -1;
    int share = (int)((nparts + (uint32_t)members - 1) / (uint32_t)members);
    /* Give back what is over our share, highest partitions first. */
    for (int p = (int)nparts - 1; p >= 0 && count > share; p--) {
        if (!owned[p])
            continue;
        if (release_one(db, consumer, stream, l->instance, (uint32_t)p) != 0)
            return -1;
        owned[p] = 0;
        count--;
    }
    for (uint32_t p = 0; p < nparts && count < share; p++) {
        if (owned[p])
            continue;
        int taken = acquire_one(db, consumer, stream, l, p);
        if (taken < 0)
            return -1;
        if (taken) {
            owned[p] = 1;
            count++;
        }
    }
    for (uint32_t p = 0; p < PW_MAX_PARTITIONS; p++) {
        if (owned[p] != l->owned[p]) {
            *changed = 1;
            if (owned[p])
                pw_logkv(PW_LOG_INFO, "partition leased", "consumer", consumer, "stream", stream,
                         "instance", l->instance, NULL);
        }
        l->owned[p] = owned[p];
    }
    return 0;
}

int pw_lease_release_all(pw_db_t *db, const char *consumer, const char *stream, pw_lease_t *l)
{
    const char *p[] = {consumer, stream, l->instance};
    PGresult *r = pw_db_prepared(db, "lease_release_all",
                                 "WITH m AS (DELETE FROM stream.member WHERE consumer = $1 AND "
                                 "stream = $2 AND instance = $3) DELETE FROM stream.lease WHERE "
                                 "consumer = $1 AND stream = $2 AND owner = $3",
                                 3, p);
    if (!r)
        return -1;
    PQclear(r);
    memset(l->owned, 0, sizeof l->owned);
    return 0;
}

void pw_lease_init(pw_lease_t *l, int ttl_ms)
{
    memset(l, 0, sizeof *l);
    char host[64] = "host";
    gethostname(host, sizeof host - 1);
    char id[37];
    pw_stream_new_id(id);
    snprintf(l->instance, sizeof l->instance, "%.40s-%d-%.8s", host, (int)getpid(), id);
    l->ttl_ms = ttl_ms > 0 ? ttl_ms : 3000;
}
