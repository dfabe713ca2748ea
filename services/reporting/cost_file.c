/* The replacement-cost file, watched by its identity; see cost_file.h. */
#include "cost_file.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pathways/log.h"

/* What identifies one version of the file on disk. A file replaced by
 * rename has a new inode; one edited in place a new size or time. */
typedef struct {
    int present;
    unsigned long long size, ino, sec, nsec;
} cost_stamp_t;

struct cost_file {
    pthread_mutex_t lock;
    char *path;            /* NULL: built in */
    cost_config_t *config; /* the last good figures */
    cost_stamp_t read;     /* the version config came from */
    cost_stamp_t bad;      /* the version that last failed, if any */
    int failing;           /* the file in place is bad */
    char error[512];       /* and why */
};

static cost_stamp_t stamp_of(const char *path)
{
    struct stat st;
    cost_stamp_t s = {0};
    if (stat(path, &st) == 0)
        s = (cost_stamp_t){1, (unsigned long long)st.st_size, (unsigned long long)st.st_ino,
                           (unsigned long long)st.st_mtim.tv_sec,
                           (unsigned long long)st.st_mtim.tv_nsec};
    return s;
}

static int same(const cost_stamp_t *a, const cost_stamp_t *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

cost_file_t *cost_file_open(const char *path, char *err, size_t errlen)
{
    cost_file_t *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&f->lock, NULL);
    if (path && *path) {
        f->path = strdup(path);
        f->read = stamp_of(path);
        f->config = f->path ? cost_config_load(path, err, errlen) : NULL;
    } else {
        f->config = cost_config_default();
        if (!f->config)
            snprintf(err, errlen, "out of memory");
    }
    if (!f->config)
        cost_file_destroy(&f);
    return f;
}

cost_file_t *cost_file_from_env(char *err, size_t errlen)
{
    return cost_file_open(getenv(COST_CONFIG_ENV), err, errlen);
}

void cost_file_destroy(cost_file_t **p)
{
    if (!p || !*p)
        return;
    cost_config_destroy(&(*p)->config);
    free((*p)->path);
    pthread_mutex_destroy(&(*p)->lock);
    free(*p);
    *p = NULL;
}

/* Under the lock. */
static int refresh_locked(cost_file_t *f, char *err, size_t errlen)
{
    if (!f->path)
        return 0;
    cost_stamp_t now = stamp_of(f->path);
    if (same(&now, &f->read)) {
        f->failing = 0; /* the good version is back in place */
        return 0;
    }
    if (f->failing && same(&now, &f->bad)) {
        snprintf(err, errlen, "%s", f->error);
        return -1;
    }
    char why[sizeof f->error] = "";
    cost_config_t *fresh = cost_config_load(f->path, why, sizeof why);
    if (!fresh) {
        f->bad = now;
        f->failing = 1;
        snprintf(f->error, sizeof f->error, "%s", why);
        pw_error("replacement costs %s do not load (the figures in use stay): %s", f->path, why);
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    cost_config_destroy(&f->config);
    f->config = fresh;
    f->read = now;
    f->failing = 0;
    pw_info("replacement costs %s read again", f->path);
    return 1;
}

int cost_file_refresh(cost_file_t *f, char *err, size_t errlen)
{
    pthread_mutex_lock(&f->lock);
    int rc = refresh_locked(f, err, errlen);
    pthread_mutex_unlock(&f->lock);
    return rc;
}

cost_config_t *cost_file_snapshot(cost_file_t *f)
{
    pthread_mutex_lock(&f->lock);
    cost_config_t *c = cost_config_copy(f->config);
    pthread_mutex_unlock(&f->lock);
    return c;
}
