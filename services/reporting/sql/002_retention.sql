-- Indexes for the retention evidence reports (services/reporting/
-- retention_sql.h, outcomes.c): the first termination on or after a time
-- origin is one index probe per person, and the two subject sets (enrolled
-- participants, ever-eligible employees) are read through partial indexes
-- instead of whole-table scans when most rows are neither.
CREATE INDEX employee_status_terminations
    ON reporting.employee_status (employer, employee, effective_on)
    WHERE status = 'terminated';

CREATE INDEX enrollment_enrolled
    ON reporting.enrollment (employer, employee, program)
    INCLUDE (enrolled_on, cohort_id)
    WHERE enrolled_on IS NOT NULL;

CREATE INDEX employee_first_eligible
    ON reporting.employee (employer, employee)
    INCLUDE (first_eligible_on, outcome_program, job_family_at_eligibility, job_family, hire_date)
    WHERE first_eligible_on IS NOT NULL;
