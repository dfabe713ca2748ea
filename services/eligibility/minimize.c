/* What eligibility's streams carry: see minimize.h. */
#include "minimize.h"

void elig_employee_stream_view(const Pathways__V1__EmployeeEvent *e,
                               Pathways__V1__EmployeeEvent *view, Pathways__V1__EmployeeFacts *data)
{
    pathways__v1__employee_event__init(view);
    view->id = e->id;
    view->source = e->source;
    view->type = e->type;
    view->time_us = e->time_us;
    view->subject = e->subject;
    view->spec_version = e->spec_version;
    view->effective_date = e->effective_date;
    if (!e->data)
        return;
    const Pathways__V1__EmployeeFacts *f = e->data;
    pathways__v1__employee_facts__init(data);
    data->hire_date = f->hire_date;
    data->status = f->status;
    data->job_family = f->job_family;
    data->employment_type = f->employment_type;
    data->reason_code = f->reason_code;
    data->email = f->email;
    data->given_name = f->given_name;
    data->language = f->language;
    view->data = data;
}

void elig_determination_facts(const elig_facts_t *f, Pathways__V1__EmployeeFacts *out,
                              char date_buf[PW_DATE_LEN])
{
    pathways__v1__employee_facts__init(out);
    date_buf[0] = '\0';
    if (f->hire_date != ELIG_NO_DATE)
        pw_date_format(f->hire_date, date_buf);
    out->hire_date = date_buf;
    out->job_family = (char *)f->job_family;
    out->standing = (Pathways__V1__Standing)f->standing;
    out->reason_code = (char *)f->reason_code;
}
