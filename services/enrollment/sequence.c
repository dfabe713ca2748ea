/* CommandSequence: several participant commands as one, in order, in the
 * transaction and under the idempotency key of the sequence (command.c
 * runs it like any change), so a row of an import is stored whole or not
 * at all. Each step goes through the same handler as when sent alone:
 * the same checks, audit and events. */
#include <stdio.h>
#include <string.h>

#include "command.h"

typedef Pathways__V1__EnrollmentCommand cmd_t;

/* The commands a step may be: those on one participant's enrollment. */
static const struct {
    Pathways__V1__EnrollmentCommand__CommandCase which;
    const char *name;
    enr_cmd_fn fn;
} STEPS[] = {
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_APPLY, "apply", enr_cmd_apply},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_ENROLL, "enroll", enr_cmd_enroll},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_WITHDRAW, "withdraw", enr_cmd_withdraw},
    {PATHWAYS__V1__ENROLLMENT_COMMAND__COMMAND_PROGRESS, "progress", enr_cmd_progress},
};
#define N_STEPS (sizeof STEPS / sizeof STEPS[0])

/* Puts "step N (name): " before the refusal a step recorded. */
static int fail_step(enr_cmd_t *x, size_t i, const char *name)
{
    char head[48];
    int n = snprintf(head, sizeof head, "step %zu (%s): ", i + 1, name);
    size_t len = strlen(x->error), room = sizeof x->error - 1;
    if (n > 0 && (size_t)n < room) {
        if (len > room - (size_t)n)
            len = room - (size_t)n; /* the end of a long sentence gives way */
        memmove(x->error + n, x->error, len);
        memcpy(x->error, head, (size_t)n);
        x->error[n + len] = '\0';
    }
    x->failed_step = (uint32_t)(i + 1);
    return -1;
}

int enr_cmd_sequence(enr_cmd_t *x, const cmd_t *cmd)
{
    const Pathways__V1__CommandSequence *q = cmd->sequence;
    if (q->n_steps == 0 || q->n_steps > ENR_SEQUENCE_MAX)
        return enr_cmd_fail(x, ENR_E_INVALID, "a sequence has 1 to %d steps, not %zu",
                            ENR_SEQUENCE_MAX, q->n_steps);
    x->historical = q->historical;
    for (size_t i = 0; i < q->n_steps; i++) {
        const cmd_t *step = q->steps[i];
        size_t k = 0;
        while (k < N_STEPS && STEPS[k].which != step->command_case)
            k++;
        if (k == N_STEPS) {
            enr_cmd_fail(x, ENR_E_INVALID, "a step is apply, enroll, withdraw or progress");
            return fail_step(x, i, "?");
        }
        if (*step->idempotency_key) {
            enr_cmd_fail(x, ENR_E_INVALID, "a step has no idempotency key of its own");
            return fail_step(x, i, STEPS[k].name);
        }
        if (STEPS[k].fn(x, step) != 0)
            return fail_step(x, i, STEPS[k].name);
    }
    return 0;
}
