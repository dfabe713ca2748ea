/* Protected figures for the summary (admin.proto's SummaryReply); see
 * publish.h. The summary is by employer: the headcount column needs the
 * employer breakdown of employees to pass the cover-table rule, the
 * eligibility and termination columns the breakdown by employer, outcome
 * and termination together (they add up to the headcount, so they are
 * shown or withheld as one). */
#include <stdlib.h>

#include "disclosure.h"
#include "publish.h"
#include "suppress.h"

static const char *const STATUS_FIELDS[] = {"eligible", "not_eligible", "needs_review",
                                            "terminated"};
static const char *const PROGRAM_FIELDS[] = {"invited", "enrolled", "exited", "notifications"};
#define NFIELDS 9

static void withhold(Pathways__V1__SummaryRow *row, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        row->withheld[row->n_withheld++] = (char *)names[i];
}

static void mask_row(Pathways__V1__SummaryRow *row, int people, int status)
{
    static const char *const employees[] = {"employees"};
    if (!people) {
        row->employees = 0;
        withhold(row, employees, 1);
    }
    if (!status) {
        row->eligible = row->not_eligible = row->needs_review = row->terminated = 0;
        withhold(row, STATUS_FIELDS, sizeof STATUS_FIELDS / sizeof STATUS_FIELDS[0]);
    }
    row->invited = row->enrolled = row->exited = row->notifications = 0;
    withhold(row, PROGRAM_FIELDS, sizeof PROGRAM_FIELDS / sizeof PROGRAM_FIELDS[0]);
}

int publish_summary(pw_db_t *db, const char *as_of, Pathways__V1__SummaryReply *r)
{
    disclosure_t *d = disclosure_load(db, DISC_SUMMARY, as_of, SUPPRESS_THRESHOLD);
    if (!d)
        return -1;
    unsigned need = DISC_BIT(DISC_EMPLOYER);
    int people = disclosure_allows(disclosure_mask(d, DISC_PEOPLE, DISC_COUNT, 0), need);
    int status = people && disclosure_allows(disclosure_mask(d, DISC_PEOPLE, DISC_STATUS, 0), need);
    disclosure_destroy(&d);
    for (size_t i = 0; i < r->n_rows; i++) {
        Pathways__V1__SummaryRow *row = r->rows[i];
        row->withheld = calloc(NFIELDS, sizeof *row->withheld);
        if (!row->withheld)
            return -1;
        mask_row(row, people, status);
    }
    return 0;
}

void publish_summary_clear(Pathways__V1__SummaryReply *r)
{
    for (size_t i = 0; r && i < r->n_rows; i++) {
        free(r->rows[i]->withheld);
        r->rows[i]->withheld = NULL;
        r->rows[i]->n_withheld = 0;
    }
}
