/* The file sink: one JSON object per line, appended and fsync'ed before
 * send returns, so "sent" in the database means "on disk". */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"

typedef struct {
    char *path;
} file_sink_t;

static void file_destroy(void *impl)
{
    file_sink_t *f = impl;
    free(f->path);
    free(f);
}

static int write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

static ntf_send_t file_send(void *impl, const ntf_message_t *m, char *err, size_t errlen)
{
    file_sink_t *f = impl;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "notification_id", m->notification_id, "to",
                          m->to, "subject", m->subject, "body", m->body);
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!line) {
        snprintf(err, errlen, "cannot encode message as JSON");
        return NTF_SEND_PERMANENT;
    }
    size_t len = strlen(line);
    line[len] = '\n'; /* json_dumps' NUL becomes the line end */
    ntf_send_t out = NTF_SEND_OK;
    int fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0 || write_all(fd, line, len + 1) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "outbox file %s: %s", f->path, strerror(errno));
        out = NTF_SEND_TEMPORARY;
    }
    if (fd >= 0)
        close(fd);
    free(line);
    return out;
}

static const ntf_channel_ops_t FILE_OPS = {"file", file_send, file_destroy};

ntf_channel_t *ntf_channel_file_new(const char *path)
{
    file_sink_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->path = strdup(path);
    if (!f->path) {
        free(f);
        return NULL;
    }
    return ntf_channel_wrap(&FILE_OPS, f);
}
