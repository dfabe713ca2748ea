/* An outsider's subscriber: connects a SUB socket to an event endpoint,
 * subscribes to everything and counts what arrives.
 *
 *   pathways-sub-probe ENDPOINT SECONDS [SECRET_FILE SERVER_KEY]
 *
 * Without SECRET_FILE it is a plain ZeroMQ SUB (no CURVE at all); with it,
 * a CURVE client with that key pair, trusting SERVER_KEY (Z85 or a public
 * certificate file). Prints "received=N" after SECONDS and exits 0. */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>

#include "pathways/auth.h"

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: %s ENDPOINT SECONDS [SECRET_FILE SERVER_KEY]\n", argv[0]);
        return 2;
    }
    zsys_init();
    zsock_t *sub = zsock_new(ZMQ_SUB);
    char err[512];
    zsock_set_linger(sub, 0);
    zsock_set_subscribe(sub, "");
    if (argc == 5 && pw_auth_client_setup(sub, argv[3], argv[4], err, sizeof err) != 0) {
        fprintf(stderr, "sub-probe: %s\n", err);
        return 2;
    }
    if (zsock_connect(sub, "%s", argv[1]) != 0) {
        fprintf(stderr, "sub-probe: cannot connect to %s\n", argv[1]);
        return 2;
    }
    long received = 0;
    int64_t end = zclock_mono() + (int64_t)(atof(argv[2]) * 1000);
    zpoller_t *poller = zpoller_new(sub, NULL);
    while (zclock_mono() < end) {
        if (zpoller_wait(poller, 50) != sub)
            continue;
        zmsg_t *m = zmsg_recv(sub);
        received += m != NULL;
        zmsg_destroy(&m);
    }
    printf("received=%ld\n", received);
    zpoller_destroy(&poller);
    zsock_destroy(&sub);
    return 0;
}
