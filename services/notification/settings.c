/* Notification settings from the environment (settings.h). */
#include "settings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "pathways/defaults.h"

#define MAX_MS     (24LL * 3600 * 1000)
#define MAX_WAIT_S (30LL * 24 * 3600)

static void take(char *out, size_t outlen, const char *var, const char *fallback)
{
    const char *v = getenv(var);
    snprintf(out, outlen, "%s", v && *v ? v : fallback);
}

/* A duration in `unit` ("milliseconds", "seconds": scale 1 or 1000), 1..max
 * units, into *out in milliseconds. */
static int take_duration(const char *var, int64_t fallback_ms, const char *unit, int64_t scale,
                         long long max, int64_t *out, char *err, size_t errlen)
{
    const char *v = getenv(var);
    *out = fallback_ms;
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end || n < 1 || n > max) {
        snprintf(err, errlen, "%s: %s 1..%lld expected, got '%s'", var, unit, max, v);
        return -1;
    }
    *out = (int64_t)n * scale;
    return 0;
}

static int take_ms(const char *var, int64_t fallback, int64_t *out, char *err, size_t errlen)
{
    return take_duration(var, fallback, "milliseconds", 1, MAX_MS, out, err, errlen);
}

int ntf_read_secret_file(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "secret file %s: %s", path, strerror(errno));
        return -1;
    }
    int ok = fgets(out, (int)outlen, f) != NULL;
    fclose(f);
    if (!ok) {
        snprintf(err, errlen, "secret file %s is empty", path);
        return -1;
    }
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

int ntf_settings_load(ntf_settings_t *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    take(s->routing, sizeof s->routing, "PATHWAYS_NOTIFICATION_ROUTING", PW_DEFAULT_ROUTING_FILE);
    take(s->contacts, sizeof s->contacts, "PATHWAYS_NOTIFICATION_CONTACTS",
         PW_DEFAULT_CONTACTS_FILE);
    take(s->templates, sizeof s->templates, "PATHWAYS_TEMPLATE_DIR", PW_DEFAULT_TEMPLATE_DIR);
    take(s->webhook_secret, sizeof s->webhook_secret, "PATHWAYS_WEBHOOK_SECRET", "");
    take(s->smtp_user, sizeof s->smtp_user, "PATHWAYS_SMTP_USER", "");
    take(s->smtp_password, sizeof s->smtp_password, "PATHWAYS_SMTP_PASSWORD", "");
    take(s->unsubscribe_url, sizeof s->unsubscribe_url, "PATHWAYS_UNSUBSCRIBE_URL", "");
    const char *file = getenv("PATHWAYS_WEBHOOK_SECRET_FILE");
    if (file && *file &&
        ntf_read_secret_file(file, s->webhook_secret, sizeof s->webhook_secret, err, errlen) != 0)
        return -1;
    if (take_ms("PATHWAYS_NOTIFICATION_BACKOFF_BASE_MS", NTF_BACKOFF_BASE_MS, &s->backoff_base_ms,
                err, errlen) != 0 ||
        take_ms("PATHWAYS_NOTIFICATION_BACKOFF_CAP_MS", NTF_BACKOFF_CAP_MS, &s->backoff_cap_ms, err,
                errlen) != 0 ||
        take_duration("PATHWAYS_NOTIFICATION_ADDRESS_WAIT_S", NTF_ADDRESS_WAIT_MS, "seconds", 1000,
                      MAX_WAIT_S, &s->address_wait_ms, err, errlen) != 0)
        return -1;
    return 0;
}
