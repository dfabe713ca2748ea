/* Test helper: a free block of loopback ports chosen at run time, the C
 * twin of tests/lib/ports.sh (same lock folder, same rules), so in-process
 * integration tests never bind a fixed port someone else holds. */
#ifndef PATHWAYS_TESTPORTS_H
#define PATHWAYS_TESTPORTS_H

/* Ports per block: a test uses base+0 .. base+99. */
#define PW_TEST_PORT_BLOCK 100

/* Claims the first block at or after PATHWAYS_PORT_BASE (when set), else
 * after `start`, whose 100 ports all bind on 127.0.0.1 and whose lock
 * (a flock on PATHWAYS_PORT_LOCK_DIR/BASE.lock, default /tmp/pathways-ports,
 * held until the process exits) no other test holds; exports it as
 * PATHWAYS_PORT_BASE and returns it. Aborts the test program with a clear
 * message when no block is free. */
int pw_test_claim_ports(int start);

#endif
