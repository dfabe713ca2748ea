/* JSON-lines logging: one object per line on stdout, written with a single
 * fwrite under the stdio lock so lines from threads never interleave. */
#include "pathways/log.h"

#include "pathways/json.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

/* A line's JSON body is cut at LOG_LINE bytes; LOG_TAIL keeps room for the
 * closing brace, newline and NUL. */
#define LOG_LINE 4096
#define LOG_TAIL 4

static const char *log_service = "pathways";
static pw_log_level_t log_min = PW_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void pw_log_init(const char *service, pw_log_level_t level)
{
    log_service = service ? service : "pathways";
    log_min = level;
}

int pw_log_level_parse(const char *text, pw_log_level_t *out)
{
    for (int i = 0; i <= PW_LOG_ERROR; i++) {
        if (text && strcmp(text, level_names[i]) == 0) {
            *out = (pw_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

int pw_log_enabled(pw_log_level_t level)
{
    return level >= log_min;
}

/* Appends s to buf as a JSON string body (no quotes) with the common
 * escaper, stopping before a character that would not fit whole. */
static size_t json_escape(char *buf, size_t cap, size_t pos, const char *s)
{
    size_t left = s ? strlen(s) : 0;
    while (left > 0) {
        char esc[PW_JSON_ESC_MAX];
        size_t used, n = pw_json_escape_char(s, left, esc, &used);
        if (pos + n + 1 >= cap)
            break;
        memcpy(buf + pos, esc, n);
        pos += n;
        s += used;
        left -= used;
    }
    return pos;
}

/* Appends s, truncating to what fits (one byte kept for the NUL). */
static size_t append(char *buf, size_t cap, size_t pos, const char *s)
{
    if (pos + 1 >= cap)
        return pos;
    size_t n = strlen(s), room = cap - pos - 1;
    if (n > room)
        n = room;
    memcpy(buf + pos, s, n);
    return pos + n;
}

static size_t log_head(char *buf, size_t cap, pw_log_level_t level, const char *msg)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[40];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    size_t pos =
        (size_t)snprintf(buf, cap, "{\"time\":\"%s.%03ldZ\",\"level\":\"%s\",\"service\":\"", ts,
                         (long)(tv.tv_usec / 1000), level_names[level]);
    if (pos >= cap)
        pos = cap - 1;
    pos = json_escape(buf, cap, pos, log_service);
    pos = append(buf, cap, pos, "\",\"msg\":\"");
    pos = json_escape(buf, cap, pos, msg);
    return append(buf, cap, pos, "\"");
}

static void log_write(char *buf, size_t cap, size_t pos)
{
    pos = append(buf, cap, pos, "}\n");
    fwrite(buf, 1, pos, stdout);
    fflush(stdout);
}

void pw_log(pw_log_level_t level, const char *fmt, ...)
{
    if (!pw_log_enabled(level))
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char buf[LOG_LINE + LOG_TAIL];
    log_write(buf, sizeof buf, log_head(buf, LOG_LINE, level, msg));
}

void pw_logkv(pw_log_level_t level, const char *msg, ...)
{
    if (!pw_log_enabled(level))
        return;
    char buf[LOG_LINE + LOG_TAIL];
    size_t pos = log_head(buf, LOG_LINE, level, msg);
    va_list ap;
    va_start(ap, msg);
    const char *key;
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *val = va_arg(ap, const char *);
        pos = append(buf, LOG_LINE, pos, ",\"");
        pos = json_escape(buf, LOG_LINE, pos, key);
        pos = append(buf, LOG_LINE, pos, "\":\"");
        pos = json_escape(buf, LOG_LINE, pos, val ? val : "");
        pos = append(buf, LOG_LINE, pos, "\"");
    }
    va_end(ap);
    log_write(buf, sizeof buf, pos);
}
