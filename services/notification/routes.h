/* Routing data: per program, which trigger notifies whom over which
 * channel, the languages the program writes in (the first is the
 * default), its display name per language, and the reminder offsets for
 * "cohort starting in N days". Loaded from a YAML file
 * (deploy/notifications/routing.yaml, PATHWAYS_NOTIFICATION_ROUTING) and
 * validated whole at start-up: an unknown trigger, recipient or channel,
 * a channel a recipient cannot use, or a missing name is an error then.
 *
 * Recipients: "employee" (email, address from the recipient directory),
 * "hr" (email, the employer's HR contact from contacts.yaml), "provider"
 * (webhook, the training provider from contacts.yaml), "coordinator"
 * (email, the program coordinator from contacts.yaml). */
#ifndef PATHWAYS_NOTIFICATION_ROUTES_H
#define PATHWAYS_NOTIFICATION_ROUTES_H

#include <stddef.h>

#define NTF_RECIPIENT_EMPLOYEE "employee"
#define NTF_RECIPIENT_HR       "hr"
#define NTF_RECIPIENT_PROVIDER "provider"
/* The program's coordinator (email, contacts.yaml programs/<p>). */
#define NTF_RECIPIENT_COORDINATOR "coordinator"
#define NTF_CHANNEL_EMAIL         "email"
#define NTF_CHANNEL_WEBHOOK       "webhook"

#define NTF_MAX_ROUTES    8 /* recipients of one trigger */
#define NTF_MAX_REMINDERS 8 /* reminder offsets of one program */
#define NTF_MAX_LANGUAGES 8

typedef struct ntf_routes ntf_routes_t;

/* One recipient of a trigger; static strings (the constants above). */
typedef struct {
    const char *recipient;
    const char *channel;
} ntf_route_t;

/* Loads and validates path. Returns NULL with "path: reason" in err.
 * Caller owns the result. */
ntf_routes_t *ntf_routes_load(const char *path, char *err, size_t errlen);
/* Same from text (tests). */
ntf_routes_t *ntf_routes_parse(const char *text, char *err, size_t errlen);
void ntf_routes_destroy(ntf_routes_t **p);
/* Exchanges the contents of a and b (a reload keeps the pointers others
 * hold). */
void ntf_routes_swap(ntf_routes_t *a, ntf_routes_t *b);

/* The routes of (program, trigger) into out[0..max). Returns the count
 * (0 when the program or trigger notifies nobody). */
size_t ntf_routes_for(const ntf_routes_t *r, const char *program, const char *trigger,
                      ntf_route_t *out, size_t max);

/* The program's language for a BCP 47 tag ("es-MX" -> "es"); the
 * program's default for an empty or unsupported tag. NULL for an unknown
 * program. Borrowed from r. */
const char *ntf_routes_language(const ntf_routes_t *r, const char *program, const char *tag);

/* The program's display name in language (its default language's when
 * none is given for it). NULL for an unknown program. */
const char *ntf_routes_name(const ntf_routes_t *r, const char *program, const char *language);

/* A per-language word of the program (key "names", "fallback_name"...),
 * in the default language when language has none; NULL when absent. */
const char *ntf_routes_word(const ntf_routes_t *r, const char *program, const char *key,
                            const char *language);

/* Reminder offsets (days before a cohort starts) into out[0..max).
 * Returns the count. */
size_t ntf_routes_reminders(const ntf_routes_t *r, const char *program, int *out, size_t max);

/* Calls fn once per (program, trigger, recipient, channel, language) a
 * template is needed for: every language for email, language "" for
 * webhooks. Stops at and returns the first non-zero fn result. */
typedef int (*ntf_routes_each_fn)(void *ctx, const char *program, const char *trigger,
                                  const char *recipient, const char *channel, const char *language);
int ntf_routes_each(const ntf_routes_t *r, ntf_routes_each_fn fn, void *ctx);

/* ---- the triggers ----
 * invitation, application_received, enrolled, waitlisted, seat_opened,
 * cohort_starting, exited, paused, withdrawn. Every template may use the
 * common variables (NTF_COMMON_VARS); a trigger adds its own (cohort_id,
 * cohort_start_date, days_until_start, reason). */

/* The trigger's own variables (NULL-terminated), or NULL when the trigger
 * is unknown. */
const char *const *ntf_trigger_vars(const char *trigger);
/* Variables every template may use (NULL-terminated). */
extern const char *const NTF_COMMON_VARS[];

#endif
