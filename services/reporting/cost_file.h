/* The replacement costs in use, read again when their file changes: before
 * each cost report the file's identity (size, modification time, inode) is
 * compared with the one last read, so a program's target-role cost is added
 * by editing deploy/costs.yaml alone, without a restart. A changed file
 * that does not load leaves the last good figures in use; the reason
 * ("FILE:LINE: reason") is logged once per change and returned by every
 * refresh while that file stays in place. Shared by the service loop and
 * the dashboard's HTTP thread: every call is guarded by a mutex, and a
 * report works on its own copy (cost_file_snapshot), so a reload never
 * frees figures a report is reading. */
#ifndef PATHWAYS_REPORTING_COST_FILE_H
#define PATHWAYS_REPORTING_COST_FILE_H

#include <stddef.h>

#include "cost_config.h"

typedef struct cost_file cost_file_t;

/* Reads path (NULL or "": the built-in defaults, nothing to watch).
 * Returns NULL with "FILE:LINE: reason" in err when it does not load: a
 * service does not start on a bad file. Caller owns the result. */
cost_file_t *cost_file_open(const char *path, char *err, size_t errlen);
/* cost_file_open of the file named by PATHWAYS_REPORTING_COSTS_FILE. */
cost_file_t *cost_file_from_env(char *err, size_t errlen);
/* Accepts NULL; nulls *p. */
void cost_file_destroy(cost_file_t **p);

/* Reads the file again when it changed since the last read. Returns 1 when
 * new figures are in use, 0 when nothing changed, -1 when the file in
 * place does not load (the last good figures stay in use; the reason in
 * err, logged the first time). */
int cost_file_refresh(cost_file_t *f, char *err, size_t errlen);

/* A copy of the figures in use (call cost_file_refresh first to pick up a
 * change). Caller owns the result; NULL when out of memory. */
cost_config_t *cost_file_snapshot(cost_file_t *f);

#endif
