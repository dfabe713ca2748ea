/* The roster state of one employer: the last accepted export, as
 * canonical rows keyed by employee, in STATE_DIR/<employer>.roster. It is
 * replaced atomically (write a temporary file, fsync, rename) and only
 * after every event of a run has a definite acknowledgement, so an
 * interrupted run leaves the previous state and is simply run again: its
 * deterministic event ids make every resent event a duplicate. A lock file
 * keeps two runs for the same employer apart. */
#ifndef ROSTER_STATE_H
#define ROSTER_STATE_H

#include <czmq.h>
#include <stddef.h>

typedef struct {
    zhash_t *rows;      /* employee -> canonical row (owned) */
    char export_id[80]; /* the export it came from ("" none yet) */
    int lock_fd;
} roster_state_t;

/* Locks and loads dir/<employer>.roster (an absent file is an empty
 * state). Returns 0, or -1 with the reason in err. */
int roster_state_open(roster_state_t *s, const char *dir, const char *employer, char *err,
                      size_t errlen) __attribute__((warn_unused_result));
/* Releases the rows and the lock. */
void roster_state_close(roster_state_t *s);

/* Writes rows (employee -> canonical row) as the new state of employer,
 * atomically. Returns 0, or -1 with the reason in err. */
int roster_state_save(const char *dir, const char *employer, const char *export_id, zhash_t *rows,
                      char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
