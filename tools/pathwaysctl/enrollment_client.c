/* EnrollmentCommand round trips and result printing; see
 * enrollment_client.h. */
#include "enrollment_client.h"

#include <ctype.h>
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "pathways/codec.h"
#include "intopt.h"

#define RESULT_TYPE   "pathways.v1.EnrollmentResult"
#define DEFAULT_ACTOR "pathwaysctl"

typedef Pathways__V1__EnrollmentResult result_t;

/* The options, each stored at an offset of ctl_enr_opts_t. */
static const struct {
    const char *name;
    size_t offset;
} TEXT_OPTS[] = {
    {"key", offsetof(ctl_enr_opts_t, key)},
    {"actor", offsetof(ctl_enr_opts_t, actor)},
    {"program", offsetof(ctl_enr_opts_t, program)},
    {"cohort", offsetof(ctl_enr_opts_t, cohort)},
    {"reason-code", offsetof(ctl_enr_opts_t, reason_code)},
    {"reason", offsetof(ctl_enr_opts_t, reason)},
    {"date", offsetof(ctl_enr_opts_t, date)},
    {"credential", offsetof(ctl_enr_opts_t, credential)},
    {"role", offsetof(ctl_enr_opts_t, role)},
    {"name", offsetof(ctl_enr_opts_t, name)},
    {"provider", offsetof(ctl_enr_opts_t, provider)},
    {"start", offsetof(ctl_enr_opts_t, start)},
    {"end", offsetof(ctl_enr_opts_t, end)},
    {"status", offsetof(ctl_enr_opts_t, status)},
    {"org", offsetof(ctl_enr_opts_t, org)},
    {"person", offsetof(ctl_enr_opts_t, person)},
    {"kind", offsetof(ctl_enr_opts_t, kind)},
    {"employer", offsetof(ctl_enr_opts_t, employer)},
    {"employee", offsetof(ctl_enr_opts_t, employee)},
    {"from", offsetof(ctl_enr_opts_t, from)},
};
#define N_TEXT_OPTS (sizeof TEXT_OPTS / sizeof TEXT_OPTS[0])
/* Option codes beyond the text ones. */
enum { OPT_SERVES = 1000, OPT_CAPACITY, OPT_WAITLIST, OPT_JSON, OPT_HELP };

static int allowed_opt(const char *allowed, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = allowed; (p = strstr(p, name)); p += n)
        if ((p == allowed || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

static int take_option(int code, const char *name, const char *allowed, ctl_enr_opts_t *o)
{
    if (!allowed_opt(allowed, name)) {
        fprintf(stderr, "pathwaysctl: --%s does not apply here\n", name);
        return CTL_USAGE;
    }
    if (code < (int)N_TEXT_OPTS) {
        *(const char **)((char *)o + TEXT_OPTS[code].offset) = optarg;
    } else if (code == OPT_SERVES) {
        if (o->n_employers == CTL_ENR_MAX_EMPLOYERS)
            return fprintf(stderr, "pathwaysctl: too many --serves\n"), CTL_USAGE;
        o->employers[o->n_employers++] = optarg;
    } else if (code == OPT_CAPACITY) {
        int v;
        if (pwt_int_option("pathwaysctl", "--capacity", optarg, 1, 100000, &v) != 0)
            return CTL_USAGE;
        o->capacity = (unsigned)v;
    } else {
        *(code == OPT_WAITLIST ? &o->waitlist : &o->json) = 1;
    }
    return 0;
}

int ctl_enr_parse(int argc, char **argv, const char *allowed, int npos, const char *usage,
                  ctl_enr_opts_t *o)
{
    struct option longopts[N_TEXT_OPTS + 6];
    for (size_t i = 0; i < N_TEXT_OPTS; i++)
        longopts[i] = (struct option){TEXT_OPTS[i].name, required_argument, NULL, (int)i};
    longopts[N_TEXT_OPTS] = (struct option){"serves", required_argument, NULL, OPT_SERVES};
    longopts[N_TEXT_OPTS + 1] = (struct option){"capacity", required_argument, NULL, OPT_CAPACITY};
    longopts[N_TEXT_OPTS + 2] = (struct option){"waitlist", no_argument, NULL, OPT_WAITLIST};
    longopts[N_TEXT_OPTS + 3] = (struct option){"json", no_argument, NULL, OPT_JSON};
    longopts[N_TEXT_OPTS + 4] = (struct option){"help", no_argument, NULL, OPT_HELP};
    longopts[N_TEXT_OPTS + 5] = (struct option){NULL, 0, NULL, 0};
    memset(o, 0, sizeof *o);
    int c, idx;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
        if (c == 'h' || c == OPT_HELP)
            return printf("%s", usage), CTL_USAGE;
        if (c == '?' || take_option(c, longopts[idx].name, allowed, o) != 0)
            return fprintf(stderr, "%s", usage), CTL_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        if (o->npos == CTL_ENR_MAX_POS || o->npos == npos)
            return fprintf(stderr, "pathwaysctl: unexpected '%s'\n%s", argv[i], usage), CTL_USAGE;
        o->pos[o->npos++] = argv[i];
    }
    if (o->npos != npos && !(o->from && o->npos == 0))
        return fprintf(stderr, "%s", usage), CTL_USAGE;
    if (!o->key) {
        zuuid_t *u = zuuid_new();
        snprintf(o->key_buf, sizeof o->key_buf, "%s", u ? zuuid_str_canonical(u) : "");
        zuuid_destroy(&u);
        o->key = o->key_buf;
    }
    if (!o->actor)
        o->actor = getenv("PATHWAYS_ACTOR") ? getenv("PATHWAYS_ACTOR") : "";
    return 0;
}

/* ---- printing ---- */

static json_t *to_json(const ProtobufCMessage *m);

/* An enum value as people say it: ENROLLMENT_STATE_IN_TRAINING of enum
 * EnrollmentState is "in_training" (the type's prefix dropped, lower case). */
static const char *enum_word(const ProtobufCEnumDescriptor *d, int value, char *buf, size_t len)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
    if (!v)
        return "unknown";
    char prefix[128];
    size_t n = 0;
    for (const char *s = d->short_name; *s && n + 2 < sizeof prefix; s++) {
        if (s != d->short_name && isupper((unsigned char)*s))
            prefix[n++] = '_';
        prefix[n++] = (char)toupper((unsigned char)*s);
    }
    prefix[n++] = '_';
    prefix[n] = '\0';
    const char *name = strncmp(v->name, prefix, n) == 0 ? v->name + n : v->name;
    size_t i = 0;
    for (; name[i] && i + 1 < len; i++)
        buf[i] = (char)tolower((unsigned char)name[i]);
    buf[i] = '\0';
    return buf;
}

static json_t *value_json(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        return json_string(*(char *const *)p);
    case PROTOBUF_C_TYPE_BOOL:
        return json_boolean(*(const protobuf_c_boolean *)p);
    case PROTOBUF_C_TYPE_UINT32:
        return json_integer(*(const uint32_t *)p);
    case PROTOBUF_C_TYPE_INT32:
        return json_integer(*(const int32_t *)p);
    case PROTOBUF_C_TYPE_INT64:
        return json_integer(*(const int64_t *)p);
    case PROTOBUF_C_TYPE_ENUM: {
        char word[64];
        return json_string(enum_word(f->descriptor, *(const int *)p, word, sizeof word));
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        return to_json(*(ProtobufCMessage *const *)p);
    default:
        return json_null();
    }
}

static size_t field_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_INT64:
        return sizeof(int64_t);
    default:
        return sizeof(int32_t);
    }
}

/* Any decoded message as a JSON object, field names as in the .proto. */
static json_t *to_json(const ProtobufCMessage *m)
{
    if (!m)
        return json_null();
    json_t *o = json_object();
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *at = (const char *)m + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
            const char *arr = *(char *const *)at;
            json_t *a = json_array();
            for (size_t k = 0; k < n; k++)
                json_array_append_new(a, value_json(f, arr + k * field_size(f)));
            json_object_set_new(o, f->name, a);
        } else {
            json_object_set_new(o, f->name, value_json(f, at));
        }
    }
    return o;
}

static const char *state_name(Pathways__V1__EnrollmentState s)
{
    static const char *const names[] = {"-",          "invited",     "applied",   "enrolled",
                                        "waitlisted", "in_training", "completed", "certified",
                                        "placed",     "withdrawn",   "exited",    "paused"};
    return (int)s >= 0 && (size_t)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

static void print_view(const Pathways__V1__EnrollmentView *v)
{
    printf("%s/%s %s %s", v->employer, v->employee, v->program, state_name(v->state));
    if (*v->cohort_id)
        printf(" cohort=%s", v->cohort_id);
    if (v->waitlist_position)
        printf(" waitlist=%u", v->waitlist_position);
    if (v->paused_from)
        printf(" paused_from=%s", state_name(v->paused_from));
    if (*v->reason_code)
        printf(" reason=%s", v->reason_code);
    if (*v->credential)
        printf(" credential=%s@%s", v->credential, v->credential_date);
    if (*v->new_role)
        printf(" role=\"%s\"@%s", v->new_role, v->placed_date);
    if (v->review_flag)
        printf(" REVIEW=\"%s\"", v->review_reason);
    printf("\n");
}

static void print_cohort(const Pathways__V1__Cohort *c)
{
    char st[64];
    printf("cohort %s %s %s %s..%s seats %u/%u waitlisted %u provider \"%s\"", c->cohort_id,
           c->program,
           enum_word(&pathways__v1__cohort_status__descriptor, c->status, st, sizeof st),
           c->start_date, c->end_date, c->seats_taken, c->capacity, c->waitlisted, c->provider);
    for (size_t i = 0; i < c->n_employers; i++)
        printf("%s%s", i ? "," : " serves ", c->employers[i]);
    printf("\n");
}

static void print_text(const result_t *r)
{
    for (size_t i = 0; i < r->n_cohorts; i++)
        print_cohort(r->cohorts[i]);
    for (size_t i = 0; i < r->n_enrollments; i++)
        print_view(r->enrollments[i]);
    for (size_t i = 0; i < r->n_history; i++) {
        const Pathways__V1__TransitionRecord *t = r->history[i];
        printf("%s %s %s -> %s reason=%s actor=%s cause=%s effective=%s \"%s\"\n", t->at, t->kind,
               state_name(t->from_state), state_name(t->to_state), t->reason_code, t->actor,
               t->cause_event_id, t->effective_date, t->reason);
    }
    for (size_t i = 0; i < r->n_teams; i++) {
        const Pathways__V1__ActionTeam *t = r->teams[i];
        printf("team %s \"%s\" members %zu\n", t->team_id, t->name, t->n_members);
        for (size_t k = 0; k < t->n_members; k++)
            printf("  %s (%s) %s\n", t->members[k]->person, t->members[k]->organization,
                   t->members[k]->display_name);
    }
}

int ctl_enr_call(const ctl_t *ctl, Pathways__V1__EnrollmentCommand *cmd, const ctl_enr_opts_t *o,
                 const char *who)
{
    char endpoint[PW_ENDPOINT_MAX], err[512];
    uint8_t *bytes = NULL;
    size_t len = 0;
    cmd->idempotency_key = (char *)o->key;
    /* With CURVE the service records the key (and --actor beside it); in
     * development mode the actor is only what we say. */
    cmd->actor = (char *)(*o->actor || ctl->cfg.curve ? o->actor : DEFAULT_ACTOR);
    pw_config_endpoint(&ctl->cfg, PW_SVC_ENROLLMENT, PW_PORT_COMMAND, 0, endpoint, sizeof endpoint);
    if (pwt_request("enrollment", endpoint, &cmd->base, RESULT_TYPE, ctl->timeout_ms, &bytes, &len,
                    err, sizeof err) < 0)
        return fprintf(stderr, "%s: %s\n", who, err), CTL_FAIL;
    result_t *r =
        (result_t *)pw_msg_decode(&pathways__v1__enrollment_result__descriptor, bytes, len, 0);
    free(bytes);
    if (!r)
        return fprintf(stderr, "%s: undecodable EnrollmentResult\n", who), CTL_FAIL;
    int rc = CTL_OK;
    if (*r->error_code) {
        fprintf(stderr, "%s: refused: %s: %s\n", who, r->error_code, r->error);
        rc = CTL_FAIL;
    } else if (o->json) {
        json_t *doc = to_json(&r->base);
        json_dumpf(doc, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(doc);
    } else {
        print_text(r);
    }
    pw_msg_free((ProtobufCMessage **)&r);
    return rc;
}
