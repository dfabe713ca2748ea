/* See testports.h. */
#include "testports.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK_TRIES 200
#define PORT_MAX    65000

/* True when every port of the block binds on 127.0.0.1 (SO_REUSEADDR, as
 * ZeroMQ binds, so TIME_WAIT does not count). */
static int block_bindable(int base)
{
    for (int port = base; port < base + PW_TEST_PORT_BLOCK; port++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return 0;
        int one = 1;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (!ok)
            return 0;
    }
    return 1;
}

int pw_test_claim_ports(int start)
{
    const char *env = getenv("PATHWAYS_PORT_BASE");
    if (env && *env)
        start = atoi(env);
    const char *dir = getenv("PATHWAYS_PORT_LOCK_DIR");
    if (!dir || !*dir)
        dir = "/tmp/pathways-ports";
    /* Shared by every user of the machine: sticky and world-writable. */
    if (mkdir(dir, 01777) == 0)
        (void)chmod(dir, 01777);
    for (int try = 0; try < BLOCK_TRIES; try++) {
        int base = start + try * PW_TEST_PORT_BLOCK;
        if (base <= 0 || base + PW_TEST_PORT_BLOCK > PORT_MAX)
            break;
        char lock[512];
        snprintf(lock, sizeof lock, "%s/%d.lock", dir, base);
        mode_t old = umask(0);
        int fd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
        umask(old);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && block_bindable(base)) {
            char value[16];
            snprintf(value, sizeof value, "%d", base);
            setenv("PATHWAYS_PORT_BASE", value, 1);
            return base; /* fd stays open: the lock lasts as long as we do */
        }
        close(fd);
    }
    fprintf(stderr, "FATAL: no free block of %d ports from %d (%s)\n", PW_TEST_PORT_BLOCK, start,
            strerror(errno));
    exit(1);
}
