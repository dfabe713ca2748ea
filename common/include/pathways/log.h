/* JSON-lines logging on stdout: one object per line with time, level,
 * service and message, plus optional key/value fields. The level is checked
 * before anything is formatted, so disabled debug lines cost a compare. */
#ifndef PATHWAYS_LOG_H
#define PATHWAYS_LOG_H

#include <stdarg.h>

typedef enum { PW_LOG_DEBUG = 0, PW_LOG_INFO, PW_LOG_WARN, PW_LOG_ERROR } pw_log_level_t;

/* Sets the service name printed on every line (borrowed; keep it alive). */
void pw_log_init(const char *service, pw_log_level_t level);
/* Parses "debug" | "info" | "warn" | "error"; returns -1 on anything else. */
int pw_log_level_parse(const char *text, pw_log_level_t *out);
int pw_log_enabled(pw_log_level_t level);

/* Logs a message. The format produces the "msg" field; it is JSON-escaped.
 * Never pass personal data (names, emails, phones) in msg: see redact. */
void pw_log(pw_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Logs with extra string fields: keys and values alternate, NULL-terminated,
 * e.g. pw_logf(PW_LOG_INFO, "batch committed", "batch_id", id, NULL). */
void pw_logkv(pw_log_level_t level, const char *msg, ...) __attribute__((sentinel));

#define pw_debug(...)                                                                              \
    do {                                                                                           \
        if (pw_log_enabled(PW_LOG_DEBUG))                                                          \
            pw_log(PW_LOG_DEBUG, __VA_ARGS__);                                                     \
    } while (0)
#define pw_info(...)  pw_log(PW_LOG_INFO, __VA_ARGS__)
#define pw_warn(...)  pw_log(PW_LOG_WARN, __VA_ARGS__)
#define pw_error(...) pw_log(PW_LOG_ERROR, __VA_ARGS__)

#endif
