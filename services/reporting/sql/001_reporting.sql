-- Reporting projections (schema "reporting"), maintained by the reporting
-- service from the streams "employee", "eligibility", "enrollment" and
-- "notification". Nothing here identifies a person beyond the employer's
-- stable employee id: no names, emails or phones are ever stored.
--
-- The rows keep dated facts (hire, period start, termination, first
-- eligibility, milestone dates, dated status history) so that survival
-- curves and outcome rates can be computed later without replaying streams.
CREATE SCHEMA IF NOT EXISTS reporting;

-- One row per employee. Current facts follow the newest effective date seen
-- on the employee stream (a late event never overwrites newer facts); the
-- outcome columns follow the eligibility stream.
CREATE TABLE reporting.employee (
    employer                    text        NOT NULL,
    employee                    text        NOT NULL,
    -- true once an event for this employee came on the "employee" stream
    -- (a determination may arrive first: the streams are consumed apart).
    seen_employee               boolean     NOT NULL DEFAULT false,
    job_family                  text,
    employment_type             text,
    status                      text,        -- active | leave | terminated | prehire
    hire_date                   date,        -- original hire date
    period_start                date,        -- start of the current employment period
    terminated_on               date,        -- set while status is terminated
    termination_reason          text,        -- partner reason code, e.g. voluntary
    facts_effective_on          date,        -- effective date of the current facts
    outcome                     text,        -- eligible | not_eligible | needs_review
    outcome_program             text,
    outcome_as_of               date,
    eligible_from               date,        -- when only time stands in the way
    first_eligible_on           date,
    tenure_days_at_eligibility  integer,     -- days from hire to first eligibility
    job_family_at_eligibility   text,
    eligibility_seq             bigint,      -- newest determination applied
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, employee)
);

-- Every status-bearing employee event with its effective date: the spells
-- of employment (hire, leave, return, termination, rehire) for survival
-- analysis. Keyed by the partner's event id (unique per employer), so
-- applying an event twice adds nothing.
CREATE TABLE reporting.employee_status (
    employer        text    NOT NULL,
    event_id        text    NOT NULL,
    employee        text    NOT NULL,
    effective_on    date    NOT NULL,
    status          text    NOT NULL,
    event_type      text    NOT NULL,
    reason_code     text,
    seq             bigint  NOT NULL,
    PRIMARY KEY (employer, event_id)
);
CREATE INDEX employee_status_by_employee
    ON reporting.employee_status (employer, employee, effective_on);

-- One row per (employee, program) enrollment: the current state (newest
-- transition by stream seq) plus the first date each milestone was reached
-- and the latest withdrawal/exit, which later reports turn into rates and
-- times to completion and placement. exit_reason is the reason code of the
-- newest withdrawal or exit (never free text).
CREATE TABLE reporting.enrollment (
    employer        text        NOT NULL,
    employee        text        NOT NULL,
    program         text        NOT NULL,
    state           text        NOT NULL,
    state_since     date,
    cohort_id       text,
    ever_invited    boolean     NOT NULL DEFAULT false,
    invited_on      date,
    applied_on      date,
    enrolled_on     date,
    training_on     date,
    completed_on    date,
    certified_on    date,
    placed_on       date,
    withdrawn_on    date,
    exited_on       date,
    exit_reason     text,
    credential      text,
    new_role        text,
    last_seq        bigint      NOT NULL,    -- newest transition applied
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, employee, program)
);

-- One row per notification, its latest delivery state.
CREATE TABLE reporting.notification (
    notification_id text        NOT NULL PRIMARY KEY,
    employer        text        NOT NULL,
    employee        text        NOT NULL,
    trigger         text        NOT NULL,
    channel         text,
    state           text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    last_seq        bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notification_by_employer ON reporting.notification (employer);
CREATE INDEX enrollment_by_employer_state ON reporting.enrollment (employer, state);
