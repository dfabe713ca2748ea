/* The notification service's own settings, from environment variables
 * (the shared ones, such as PATHWAYS_SMTP_URL, come from pw_config_t):
 *
 *   PATHWAYS_NOTIFICATION_ROUTING   routing file (which trigger notifies whom)
 *   PATHWAYS_NOTIFICATION_CONTACTS  contacts file (HR contacts, providers)
 *   PATHWAYS_TEMPLATE_DIR           templates, <program>/<language>/...
 *   PATHWAYS_WEBHOOK_SECRET         default HMAC key for webhooks
 *   PATHWAYS_WEBHOOK_SECRET_FILE    ... or a file holding it (first line)
 *   PATHWAYS_SMTP_USER, PATHWAYS_SMTP_PASSWORD   SMTP AUTH credentials
 *   PATHWAYS_UNSUBSCRIBE_URL        base of the unsubscribe link; the
 *                                   notification id is appended
 *   PATHWAYS_NOTIFICATION_BACKOFF_BASE_MS, _CAP_MS   retry delays
 *   PATHWAYS_NOTIFICATION_ADDRESS_WAIT_S   how long an employee message
 *                                   waits for the address (default 86400)
 *
 * The data files default to the deploy/ folder of the source tree this
 * binary was built from (pathways/defaults.h); containers set the
 * variables. */
#ifndef PATHWAYS_NOTIFICATION_SETTINGS_H
#define PATHWAYS_NOTIFICATION_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#define NTF_PATH_MAX   1024
#define NTF_SECRET_MAX 256

typedef struct {
    char routing[NTF_PATH_MAX];
    char contacts[NTF_PATH_MAX];
    char templates[NTF_PATH_MAX];
    char webhook_secret[NTF_SECRET_MAX];
    char smtp_user[256];
    char smtp_password[256];
    char unsubscribe_url[512];
    int64_t backoff_base_ms;
    int64_t backoff_cap_ms;
    int64_t address_wait_ms;
} ntf_settings_t;

/* Fills s from the environment over the defaults. Returns 0, or -1 with a
 * reason in err (unreadable secret file, malformed number). */
int ntf_settings_load(ntf_settings_t *s, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Reads the first line of path (without its newline) into out. Returns 0
 * or -1 with err. For secrets kept in files. */
int ntf_read_secret_file(const char *path, char *out, size_t outlen, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
