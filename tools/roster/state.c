/* The state file: a header line, then one canonical row per line. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "row.h"

#define HEADER "# pathways-roster state v1 export="

static void path_of(char *out, size_t len, const char *dir, const char *employer, const char *ext)
{
    snprintf(out, len, "%s/%s.%s", dir, employer, ext);
}

static int lock(roster_state_t *s, const char *dir, const char *employer, char *err, size_t errlen)
{
    char path[4096];
    path_of(path, sizeof path, dir, employer, "lock");
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->lock_fd < 0)
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1;
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0)
        return snprintf(err, errlen, "%s: another run for %s is in progress", path, employer), -1;
    return 0;
}

static int load(roster_state_t *s, FILE *f, const char *path, char *err, size_t errlen)
{
    char *line = NULL, *fields[ROW_COUNT];
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (lineno == 1 && strncmp(line, HEADER, strlen(HEADER)) == 0) {
            snprintf(s->export_id, sizeof s->export_id, "%s", line + strlen(HEADER));
            continue;
        }
        char *buf = malloc((size_t)n + 1);
        if (!buf || row_split(line, buf, fields) != 0 ||
            zhash_insert(s->rows, fields[ROW_EMPLOYEE], line) != 0) {
            snprintf(err, errlen, "%s:%ld: not a state row (damaged file?)", path, lineno);
            rc = -1;
        }
        free(buf);
    }
    free(line);
    return rc;
}

int roster_state_open(roster_state_t *s, const char *dir, const char *employer, char *err,
                      size_t errlen)
{
    char path[4096];
    memset(s, 0, sizeof *s);
    s->lock_fd = -1;
    s->rows = zhash_new();
    if (!s->rows)
        return snprintf(err, errlen, "out of memory"), -1;
    zhash_autofree(s->rows); /* the hash keeps its own copies of the rows */
    if (lock(s, dir, employer, err, errlen) != 0)
        return -1;
    path_of(path, sizeof path, dir, employer, "roster");
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1);
    int rc = load(s, f, path, err, errlen);
    fclose(f);
    return rc;
}

void roster_state_close(roster_state_t *s)
{
    zhash_destroy(&s->rows);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = -1;
}

int roster_state_save(const char *dir, const char *employer, const char *export_id, zhash_t *rows,
                      char *err, size_t errlen)
{
    char path[4096], tmp[4200];
    path_of(path, sizeof path, dir, employer, "roster");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return snprintf(err, errlen, "%s: %s", tmp, strerror(errno)), -1;
    fprintf(f, "%s%s\n", HEADER, export_id);
    for (const char *row = zhash_first(rows); row; row = zhash_next(rows))
        fprintf(f, "%s\n", row);
    int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}
