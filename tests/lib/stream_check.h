/* Checks shared by the stream tests (tests/integration/test_stream*.c):
 * one number from a query, waiting for a socket's input, and a SUB socket
 * whose subscription has reached its XPUB. Include after <cmocka.h>. */
#ifndef PATHWAYS_TEST_STREAM_CHECK_H
#define PATHWAYS_TEST_STREAM_CHECK_H

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/db.h"

static inline int64_t scalar(pw_db_t *db, const char *sql)
{
    PGresult *r = pw_db_query(db, sql, 0, NULL);
    assert_non_null(r);
    int64_t v = pw_db_get_i64(r, 0, PQfname(r, 0));
    PQclear(r);
    return v;
}

/* Fails the test unless sock has something to read within 5 s. */
static inline void await_input(zsock_t *sock)
{
    zpoller_t *p = zpoller_new(sock, NULL);
    void *ready = zpoller_wait(p, 5000);
    zpoller_destroy(&p);
    assert_non_null(ready);
}

/* Waits (5 s at most) until a subscription has reached the XPUB socket, so
 * what is published next is not dropped for want of a subscriber. */
static inline void wait_subscribed(zsock_t *xpub)
{
    await_input(xpub);
    zframe_t *sub = zframe_recv(xpub);
    assert_non_null(sub);
    assert_true(zframe_size(sub) >= 1 && zframe_data(sub)[0] == 1);
    zframe_destroy(&sub);
}

/* A SUB socket subscribed to stream on a new XPUB (*pub), the
 * subscription seen to arrive. */
static inline zsock_t *subscribed(const char *stream, zsock_t **pub)
{
    *pub = zsock_new_xpub("tcp://127.0.0.1:*");
    assert_non_null(*pub);
    char ep[128];
    snprintf(ep, sizeof ep, ">tcp://127.0.0.1:%d", atoi(strrchr(zsock_endpoint(*pub), ':') + 1));
    zsock_t *sub = zsock_new_sub(ep, stream);
    assert_non_null(sub);
    wait_subscribed(*pub);
    return sub;
}

#endif
