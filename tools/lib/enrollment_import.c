/* Enrollment history rows: header, checks, key and command. See
 * enrollment_import.h. */
#include "enrollment_import.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pathways/hash.h"

#define ST(x) PATHWAYS__V1__ENROLLMENT_STATE__ENROLLMENT_STATE_##x

/* The columns and where the header keeps each. */
static const struct {
    const char *name;
    size_t offset;
    int required;
} COLUMNS[] = {
    {"employer", offsetof(imp_header_t, employer), 1},
    {"employee", offsetof(imp_header_t, employee), 1},
    {"program", offsetof(imp_header_t, program), 0},
    {"cohort", offsetof(imp_header_t, cohort), 0},
    {"applied", offsetof(imp_header_t, milestone[IMP_APPLIED]), 1},
    {"admitted", offsetof(imp_header_t, milestone[IMP_ADMITTED]), 0},
    {"started", offsetof(imp_header_t, milestone[IMP_STARTED]), 0},
    {"completed", offsetof(imp_header_t, milestone[IMP_COMPLETED]), 0},
    {"certified", offsetof(imp_header_t, milestone[IMP_CERTIFIED]), 0},
    {"placed", offsetof(imp_header_t, milestone[IMP_PLACED]), 0},
    {"withdrawn", offsetof(imp_header_t, withdrawn), 0},
    {"exited", offsetof(imp_header_t, exited), 0},
    {"reason_code", offsetof(imp_header_t, reason_code), 0},
    {"reason", offsetof(imp_header_t, reason), 0},
    {"credential", offsetof(imp_header_t, credential), 0},
    {"new_role", offsetof(imp_header_t, new_role), 0},
    {"eligibility_exception", offsetof(imp_header_t, exception), 0},
};
#define N_COLUMNS (sizeof COLUMNS / sizeof COLUMNS[0])

static const char *const MILESTONE_NAMES[IMP_N_MILESTONES] = {"applied",   "admitted",  "started",
                                                              "completed", "certified", "placed"};

static int *column_at(imp_header_t *h, size_t i)
{
    return (int *)((char *)h + COLUMNS[i].offset);
}

const char *imp_columns(void)
{
    return "employer, employee, program, cohort, applied, admitted, started, completed, "
           "certified, placed, withdrawn, exited, reason_code, reason, credential, new_role, "
           "eligibility_exception";
}

int imp_header(imp_header_t *h, char *const *fields, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < N_COLUMNS; i++)
        *column_at(h, i) = -1;
    for (size_t f = 0; f < n; f++) {
        size_t i = 0;
        while (i < N_COLUMNS && strcmp(COLUMNS[i].name, fields[f]) != 0)
            i++;
        if (i == N_COLUMNS)
            return snprintf(err, errlen, "unknown column '%.40s' (columns: %s)", fields[f],
                            imp_columns()),
                   -1;
        if (*column_at(h, i) >= 0)
            return snprintf(err, errlen, "column '%s' appears twice", COLUMNS[i].name), -1;
        *column_at(h, i) = (int)f;
    }
    for (size_t i = 0; i < N_COLUMNS; i++)
        if (COLUMNS[i].required && *column_at(h, i) < 0)
            return snprintf(err, errlen, "column '%s' is required", COLUMNS[i].name), -1;
    return 0;
}

static const char *field(char *const *fields, size_t n, int at)
{
    return at >= 0 && (size_t)at < n ? fields[at] : "";
}

/* An optional date: "" or a real YYYY-MM-DD not after today. */
static int check_date(const char *name, const char *value, const char *today, char *err,
                      size_t errlen)
{
    int32_t days;
    if (!*value)
        return 0;
    if (pw_date_parse(value, &days) != 0)
        return snprintf(err, errlen, "%s: expected a date YYYY-MM-DD, got '%.40s'", name, value),
               -1;
    if (strcmp(value, today) > 0)
        return snprintf(err, errlen, "%s %s is after today (%s)", name, value, today), -1;
    return 0;
}

/* The milestones: each date valid, a prefix of the lifecycle (no step
 * without the one before), in date order. */
static int check_milestones(const imp_row_t *r, const char *today, char *err, size_t errlen)
{
    const char *last = "";
    int last_i = -1;
    for (int i = 0; i < IMP_N_MILESTONES; i++) {
        const char *d = r->milestone[i];
        if (check_date(MILESTONE_NAMES[i], d, today, err, errlen) != 0)
            return -1;
        if (!*d)
            continue;
        if (last_i != i - 1)
            return snprintf(err, errlen, "%s without %s", MILESTONE_NAMES[i],
                            MILESTONE_NAMES[i - 1]),
                   -1;
        if (strcmp(d, last) < 0)
            return snprintf(err, errlen, "%s %s is before %s %s", MILESTONE_NAMES[i], d,
                            MILESTONE_NAMES[last_i], last),
                   -1;
        last = d;
        last_i = i;
    }
    if (!*r->milestone[IMP_APPLIED])
        return snprintf(err, errlen, "applied is required"), -1;
    if (check_date(r->exit ? "exited" : "withdrawn", r->left, today, err, errlen) != 0)
        return -1;
    if (*r->left && strcmp(r->left, last) < 0)
        return snprintf(err, errlen, "%s %s is before %s %s", r->exit ? "exited" : "withdrawn",
                        r->left, MILESTONE_NAMES[last_i], last),
               -1;
    return 0;
}

/* What a milestone or a leaving needs beside its date. */
static int check_companions(const imp_row_t *r, char *err, size_t errlen)
{
    if (!*r->employer || !*r->employee)
        return snprintf(err, errlen, "employer and employee are required"), -1;
    if (*r->milestone[IMP_ADMITTED] && !*r->cohort)
        return snprintf(err, errlen, "admitted needs a cohort"), -1;
    if (*r->milestone[IMP_CERTIFIED] && !*r->credential)
        return snprintf(err, errlen, "certified needs a credential (e.g. CCMA)"), -1;
    if (*r->milestone[IMP_PLACED] && !*r->new_role)
        return snprintf(err, errlen, "placed needs a new_role"), -1;
    if (*r->left && !*r->reason_code)
        return snprintf(err, errlen, "%s needs a reason_code", r->exit ? "exited" : "withdrawn"),
               -1;
    if (!*r->left && *r->reason_code)
        return snprintf(err, errlen, "reason_code without a withdrawn or exited date"), -1;
    return 0;
}

int imp_row(const imp_header_t *h, char *const *fields, size_t n, const char *today, imp_row_t *row,
            char *err, size_t errlen)
{
    imp_row_t r = {
        .employer = field(fields, n, h->employer),
        .employee = field(fields, n, h->employee),
        .program = field(fields, n, h->program),
        .cohort = field(fields, n, h->cohort),
        .reason_code = field(fields, n, h->reason_code),
        .reason = field(fields, n, h->reason),
        .credential = field(fields, n, h->credential),
        .new_role = field(fields, n, h->new_role),
        .exception = field(fields, n, h->exception),
    };
    for (int i = 0; i < IMP_N_MILESTONES; i++)
        r.milestone[i] = field(fields, n, h->milestone[i]);
    const char *withdrawn = field(fields, n, h->withdrawn), *exited = field(fields, n, h->exited);
    if (*withdrawn && *exited)
        return snprintf(err, errlen, "withdrawn and exited both given; one leaving at most"), -1;
    r.exit = *exited != '\0';
    r.left = r.exit ? exited : withdrawn;
    if (check_companions(&r, err, errlen) != 0 || check_milestones(&r, today, err, errlen) != 0)
        return -1;
    *row = r;
    return 0;
}

/* FNV-1a, 64 bits, continued from h over s and a separator. */
static uint64_t fnv(uint64_t h, const char *s)
{
    return pw_fnv1a64(pw_fnv1a64_str(h, s), "\x1f", 1);
}

void imp_key(const imp_row_t *r, char out[IMP_KEY_LEN])
{
    const char *parts[] = {r->employer,   r->employee,           r->program,     r->cohort,
                           r->left,       r->exit ? "exit" : "", r->reason_code, r->reason,
                           r->credential, r->new_role,           r->exception};
    /* Two FNV runs from different bases: 128 bits against collisions. */
    uint64_t a = PW_FNV64_BASIS, b = 0x84222325cbf29ce4ULL;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        a = fnv(a, parts[i]);
        b = fnv(b, parts[i]);
    }
    for (int i = 0; i < IMP_N_MILESTONES; i++) {
        a = fnv(a, r->milestone[i]);
        b = fnv(b, r->milestone[i]);
    }
    snprintf(out, IMP_KEY_LEN, "import:%016llx%016llx", (unsigned long long)a,
             (unsigned long long)b);
}

static Pathways__V1__EnrollmentCommand *next_step(imp_command_t *c)
{
    Pathways__V1__EnrollmentCommand *s = &c->steps[c->seq.n_steps];
    pathways__v1__enrollment_command__init(s);
    c->step_ptrs[c->seq.n_steps++] = s;
    return s;
}

static void add_progress(imp_command_t *c, const imp_row_t *r, int milestone)
{
    static const Pathways__V1__EnrollmentState TO[IMP_N_PROGRESS] = {ST(IN_TRAINING), ST(COMPLETED),
                                                                     ST(CERTIFIED), ST(PLACED)};
    Pathways__V1__ProgressCommand *p = &c->progress[milestone - IMP_STARTED];
    pathways__v1__progress_command__init(p);
    p->ref = &c->ref;
    p->to_state = TO[milestone - IMP_STARTED];
    p->effective_date = (char *)r->milestone[milestone];
    p->credential = (char *)(milestone == IMP_CERTIFIED ? r->credential : "");
    p->new_role = (char *)(milestone == IMP_PLACED ? r->new_role : "");
    Pathways__V1__EnrollmentCommand *s = next_step(c);
    s->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_PROGRESS;
    s->progress = p;
}

Pathways__V1__EnrollmentCommand *imp_build(const imp_row_t *r, imp_command_t *c)
{
    memset(c, 0, sizeof *c);
    pathways__v1__enrollment_ref__init(&c->ref);
    c->ref.employer = (char *)r->employer;
    c->ref.employee = (char *)r->employee;
    c->ref.program = (char *)r->program;
    pathways__v1__command_sequence__init(&c->seq);
    c->seq.historical = 1;
    c->seq.steps = c->step_ptrs;

    pathways__v1__apply_command__init(&c->apply);
    c->apply.ref = &c->ref;
    c->apply.effective_date = (char *)r->milestone[IMP_APPLIED];
    c->apply.eligibility_exception = (char *)r->exception;
    Pathways__V1__EnrollmentCommand *s = next_step(c);
    s->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_APPLY;
    s->apply = &c->apply;

    if (*r->milestone[IMP_ADMITTED]) {
        pathways__v1__enroll_command__init(&c->enroll);
        c->enroll.ref = &c->ref;
        c->enroll.cohort_id = (char *)r->cohort;
        c->enroll.effective_date = (char *)r->milestone[IMP_ADMITTED];
        s = next_step(c);
        s->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ENROLL;
        s->enroll = &c->enroll;
    }
    for (int m = IMP_STARTED; m < IMP_N_MILESTONES && *r->milestone[m]; m++)
        add_progress(c, r, m);
    if (*r->left) {
        pathways__v1__withdraw_command__init(&c->withdraw);
        c->withdraw.ref = &c->ref;
        c->withdraw.reason_code = (char *)r->reason_code;
        c->withdraw.reason = (char *)r->reason;
        c->withdraw.effective_date = (char *)r->left;
        c->withdraw.exit = r->exit;
        s = next_step(c);
        s->command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_WITHDRAW;
        s->withdraw = &c->withdraw;
    }
    pathways__v1__enrollment_command__init(&c->root);
    c->root.command_case = PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_SEQUENCE;
    c->root.sequence = &c->seq;
    return &c->root;
}
