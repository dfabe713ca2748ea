/* A partner-side fault: a proxy between a partner (DEALER) and the
 * eligibility service (ROUTER) that forwards every request but throws away
 * some acknowledgements on their way back, so the partner must retry
 * batches the service has already committed.
 *
 *   fault-ack-dropper FRONT_ENDPOINT BACK_ENDPOINT DROP_EVERY
 *
 * Drops every DROP_EVERY-th reply (0 = none). Stops on SIGTERM/SIGINT and
 * prints "forwarded=N dropped=N".
 *
 * With PATHWAYS_CURVE=on (as the services run) the proxy stands in for the
 * service on its front: a CURVE server with the services' own key pair
 * (PATHWAYS_CURVE_SECRET_FILE), so the partner's trust in the services'
 * public key holds; on its back it is a CURVE client with
 * PATHWAYS_CURVE_CLIENT_SECRET_FILE, which the service authenticates as it
 * would the partner. */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathways/auth.h"

/* Sets up both sockets for CURVE when the environment asks for it.
 * Returns 0, or -1 after printing the reason. */
static int curve_setup(zsock_t *front, zsock_t *back, zcert_t **server_cert)
{
    const char *curve = getenv("PATHWAYS_CURVE");
    if (!curve || strcmp(curve, "on") != 0)
        return 0;
    char err[256] = "";
    const char *secret = getenv("PATHWAYS_CURVE_SECRET_FILE");
    *server_cert = secret ? pw_auth_load_secret(secret, err, sizeof err) : NULL;
    if (!*server_cert) {
        fprintf(stderr, "ack-dropper: PATHWAYS_CURVE_SECRET_FILE: %s\n", secret ? err : "not set");
        return -1;
    }
    /* No ZAP domain: the proxy admits any client; the service behind it
     * does the authentication that matters. */
    zcert_apply(*server_cert, front);
    zsock_set_curve_server(front, 1);
    if (pw_auth_client_setup(back, getenv("PATHWAYS_CURVE_CLIENT_SECRET_FILE"),
                             getenv("PATHWAYS_CURVE_SERVER_KEY"), err, sizeof err) != 0) {
        fprintf(stderr, "ack-dropper: client keys: %s\n", err);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s FRONT_ENDPOINT BACK_ENDPOINT DROP_EVERY\n", argv[0]);
        return 2;
    }
    int drop_every = atoi(argv[3]);
    zsock_t *front = zsock_new(ZMQ_ROUTER);
    zsock_t *back = zsock_new(ZMQ_DEALER);
    zcert_t *server_cert = NULL;
    if (!front || !back || curve_setup(front, back, &server_cert) != 0)
        return 1;
    if (zsock_bind(front, "%s", argv[1]) < 0 || zsock_connect(back, "%s", argv[2]) < 0) {
        fprintf(stderr, "ack-dropper: cannot bind %s or connect %s\n", argv[1], argv[2]);
        return 1;
    }
    /* The service answers requests in order, so the partners' identities
     * wait in a FIFO until their reply comes back. */
    zpoller_t *poller = zpoller_new(front, back, NULL);
    zlist_t *waiting = zlist_new();
    long forwarded = 0, dropped = 0, replies = 0;
    while (!zsys_interrupted) {
        zsock_t *which = zpoller_wait(poller, 200);
        if (!which)
            continue;
        zmsg_t *msg = zmsg_recv(which);
        if (!msg)
            break;
        if (which == front) {
            zframe_t *identity = zmsg_pop(msg); /* forward [type][bytes] only */
            zlist_append(waiting, identity);
            zmsg_send(&msg, back);
            continue;
        }
        zframe_t *identity = zlist_pop(waiting);
        if (!identity) {
            zmsg_destroy(&msg);
            continue;
        }
        zmsg_prepend(msg, &identity);
        replies++;
        if (drop_every > 0 && replies % drop_every == 0) {
            dropped++;
            zmsg_destroy(&msg);
            continue;
        }
        forwarded++;
        zmsg_send(&msg, front);
    }
    printf("forwarded=%ld dropped=%ld\n", forwarded, dropped);
    zframe_t *left;
    while ((left = zlist_pop(waiting)) != NULL)
        zframe_destroy(&left);
    zlist_destroy(&waiting);
    zpoller_destroy(&poller);
    zsock_destroy(&front);
    zsock_destroy(&back);
    zcert_destroy(&server_cert);
    return 0;
}
