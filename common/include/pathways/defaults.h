/* Defaults of the settings one service reads itself (the shared ones are
 * config.c's table), in one place: the service falls back to them and
 * `pathwaysctl config` prints them, so the two cannot drift apart. Files
 * and folders default to the deploy/ folder of the source tree the
 * binaries were built from (PW_SOURCE_DEPLOY_DIR, set by common's CMake
 * for every target that links it); containers set the variables. */
#ifndef PATHWAYS_DEFAULTS_H
#define PATHWAYS_DEFAULTS_H

#ifndef PW_SOURCE_DEPLOY_DIR
#define PW_SOURCE_DEPLOY_DIR "deploy"
#endif

/* eligibility */
#define PW_DEFAULT_ATTRIBUTES_FILE PW_SOURCE_DEPLOY_DIR "/programs/attributes.yaml"
/* enrollment (program files' at_risk sections) */
#define PW_DEFAULT_PROGRAM_DIR PW_SOURCE_DEPLOY_DIR "/programs"
/* notification */
#define PW_DEFAULT_ROUTING_FILE    PW_SOURCE_DEPLOY_DIR "/notifications/routing.yaml"
#define PW_DEFAULT_CONTACTS_FILE   PW_SOURCE_DEPLOY_DIR "/notifications/contacts.yaml"
#define PW_DEFAULT_TEMPLATE_DIR    PW_SOURCE_DEPLOY_DIR "/templates"
#define PW_DEFAULT_BACKOFF_BASE_MS 1000   /* first retry delay */
#define PW_DEFAULT_BACKOFF_CAP_MS  300000 /* longest retry delay */
#define PW_DEFAULT_ADDRESS_WAIT_S  86400  /* how long a message waits for its address */
/* reporting: month | quarter | year */
#define PW_DEFAULT_RELEASE_PERIOD "quarter"

/* A number default as text, for listings. */
#define PW_DEFAULT_TEXT(x)  PW_DEFAULT_TEXT_(x)
#define PW_DEFAULT_TEXT_(x) #x

#endif
