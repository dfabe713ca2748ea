-- Eligibility per program (issue 17): one row per (employee, program) with
-- that program's newest outcome and first-eligibility facts, so that the
-- comparison group, the funnel's eligible count, the equity report and the
-- disclosure plans of one program never use another program's
-- determination. Maintained by the reporting service from the eligibility
-- stream (services/reporting/tables.c, REPORTING_DETERMINATIONS). A
-- determination that names no program is kept under program ''.
CREATE TABLE reporting.eligibility (
    employer                    text        NOT NULL,
    employee                    text        NOT NULL,
    program                     text        NOT NULL,
    outcome                     text        NOT NULL, -- eligible | not_eligible | needs_review
    outcome_as_of               date,
    eligible_from               date,        -- when only time stands in the way
    first_eligible_on           date,
    tenure_days_at_eligibility  integer,     -- days from hire to first eligibility
    job_family_at_eligibility   text,
    eligibility_seq             bigint      NOT NULL, -- newest determination applied
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, employee, program)
) WITH (fillfactor = 85); -- new outcomes are HOT updates, as 003 did for reporting.employee

-- The ever-eligible of a program (the comparison candidates, the funnel's
-- eligible) through a partial index, as 002 did on reporting.employee.
CREATE INDEX eligibility_first_eligible
    ON reporting.eligibility (employer, employee, program)
    INCLUDE (first_eligible_on, job_family_at_eligibility)
    WHERE first_eligible_on IS NOT NULL;

-- Upgrade in place: the one outcome reporting.employee kept per employee
-- becomes that employee's row for the program it was determined under.
INSERT INTO reporting.eligibility (employer, employee, program, outcome, outcome_as_of,
    eligible_from, first_eligible_on, tenure_days_at_eligibility, job_family_at_eligibility,
    eligibility_seq)
SELECT employer, employee, COALESCE(outcome_program, ''), outcome, outcome_as_of, eligible_from,
       first_eligible_on, tenure_days_at_eligibility, job_family_at_eligibility,
       COALESCE(eligibility_seq, 0)
FROM reporting.employee
WHERE outcome IS NOT NULL;

-- Rows only a determination made (never seen on the employee stream) hold
-- nothing else: a fresh projection would not have them (the facts fold
-- treats a missing row as a row of NULLs).
DELETE FROM reporting.employee WHERE NOT seen_employee;

-- The old single-outcome columns are no longer written or read: they are
-- dropped so that nothing can read a stale, program-less outcome (the
-- backfill above keeps their data). Their index goes with them.
DROP INDEX reporting.employee_first_eligible;
ALTER TABLE reporting.employee
    DROP COLUMN outcome,
    DROP COLUMN outcome_program,
    DROP COLUMN outcome_as_of,
    DROP COLUMN eligible_from,
    DROP COLUMN first_eligible_on,
    DROP COLUMN tenure_days_at_eligibility,
    DROP COLUMN job_family_at_eligibility,
    DROP COLUMN eligibility_seq;
