/* Data minimization on the streams eligibility owns: each stream carries
 * only the fields its consumers read (the list, with the reader of each
 * field, is tests/security/stream_fields.tsv, checked end to end by
 * e2e/test_security_streams). Everything else a partner sends stays in
 * eligibility's own tables. */
#ifndef ELIG_MINIMIZE_H
#define ELIG_MINIMIZE_H

#include "pathways/date.h"
#include "pathways/v1/employee.pb-c.h"

#include "facts.h"

/* Fills view (and data, its facts) with the parts of e that go on the
 * "employee" stream: the CloudEvents attributes, the effective date, what
 * reporting reads (hire date, status, job family, employment type, reason)
 * and what notification reads (email, given name, language). No family
 * name, phone, title, raw values, hours or standing. Pointers are borrowed
 * from e. */
void elig_employee_stream_view(const Pathways__V1__EmployeeEvent *e,
                               Pathways__V1__EmployeeEvent *view,
                               Pathways__V1__EmployeeFacts *data);

/* Fills out with the facts a determination on the "eligibility" stream
 * carries: hire date and job family (reporting), standing and reason code
 * (enrollment). No contact details. Pointers are borrowed from f and
 * date_buf. */
void elig_determination_facts(const elig_facts_t *f, Pathways__V1__EmployeeFacts *out,
                              char date_buf[PW_DATE_LEN]);

#endif
