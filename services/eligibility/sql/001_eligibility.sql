-- The eligibility service's schema: employers, the partner events accepted
-- (the idempotency record), the employee registry with per-group effective
-- dates, and determinations (history plus the current one per program).
CREATE SCHEMA IF NOT EXISTS eligibility;

-- Employers that may publish events; events for any other are rejected.
CREATE TABLE eligibility.employer (
    employer          text        PRIMARY KEY CHECK (employer ~ '^[A-Za-z0-9._-]{1,64}$'),
    name              text        NOT NULL,
    hr_contact_email  text        NOT NULL DEFAULT '',
    programs          text[]      NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Every accepted partner event, once: (employer, event_id) is the partner's
-- idempotency key, so a retry is a duplicate and never a second effect.
-- Rejected events are not stored.
CREATE TABLE eligibility.partner_event (
    employer        text        NOT NULL,
    event_id        text        NOT NULL,
    employee        text        NOT NULL,
    type            text        NOT NULL,
    effective_date  date        NOT NULL,
    batch_id        text        NOT NULL DEFAULT '',
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, event_id)
);
CREATE INDEX partner_event_employee ON eligibility.partner_event (employer, employee);

-- The employee registry: merged facts, keyed by (employer, stable employee
-- id). Normalized values ('' = not on file) sit beside the partner's raw
-- ones. Each fact group carries the effective date it was last set from
-- (*_eff): an older event never overwrites a newer group.
-- hire_date is the original hire date; period_start the start of the
-- current employment period (moved by a rehire). Tenure counts from it.
CREATE TABLE eligibility.employee (
    employer             text        NOT NULL,
    employee             text        NOT NULL,
    job_family           text        NOT NULL DEFAULT '',
    job_title            text        NOT NULL DEFAULT '',
    status               text        NOT NULL DEFAULT ''
        CHECK (status IN ('', 'active', 'leave', 'terminated', 'prehire')),
    status_raw           text        NOT NULL DEFAULT '',
    employment_type      text        NOT NULL DEFAULT ''
        CHECK (employment_type IN ('', 'full_time', 'part_time', 'temporary', 'seasonal',
                                   'per_diem')),
    employment_type_raw  text        NOT NULL DEFAULT '',
    scheduled_hours      double precision,
    standing             text        NOT NULL DEFAULT ''
        CHECK (standing IN ('', 'good', 'corrective_action', 'final_warning')),
    standing_raw         text        NOT NULL DEFAULT '',
    hire_date            date,
    period_start         date,
    given_name           text        NOT NULL DEFAULT '',
    family_name          text        NOT NULL DEFAULT '',
    email                text        NOT NULL DEFAULT '',
    phone                text        NOT NULL DEFAULT '',
    language             text        NOT NULL DEFAULT '',
    reason_code          text        NOT NULL DEFAULT '',
    job_eff              date,
    status_eff           date,
    hours_eff            date,
    standing_eff         date,
    hire_eff             date,
    contact_eff          date,
    last_event_id        text        NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, employee)
);

-- Every evaluation, kept: outcome, the verdict per criterion (criteria: a
-- JSON array of {name, result, observed, required, reason}), the rules'
-- version, the decision facts frozen as JSON (no contact details), and the
-- event that caused it. published tells whether it went on the
-- "eligibility" stream (only when the outcome or a verdict changed).
CREATE TABLE eligibility.determination (
    id                bigserial   PRIMARY KEY,
    employer          text        NOT NULL,
    employee          text        NOT NULL,
    program           text        NOT NULL,
    outcome           text        NOT NULL
        CHECK (outcome IN ('eligible', 'not_eligible', 'needs_review')),
    previous_outcome  text        NOT NULL DEFAULT '',
    criteria          jsonb       NOT NULL,
    rule_version      integer     NOT NULL,
    facts             jsonb       NOT NULL,
    eligible_from     date,
    as_of             date        NOT NULL,
    cause_event_id    text        NOT NULL DEFAULT '',
    published         boolean     NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX determination_employee ON eligibility.determination (employer, employee, id);

-- The latest determination per (employer, employee, program). signature
-- changes exactly when the outcome, a verdict or eligible_from changes; it
-- decides whether a new determination is published.
CREATE TABLE eligibility.current_determination (
    employer          text        NOT NULL,
    employee          text        NOT NULL,
    program           text        NOT NULL,
    outcome           text        NOT NULL,
    criteria          jsonb       NOT NULL,
    signature         text        NOT NULL,
    rule_version      integer     NOT NULL,
    eligible_from     date,
    as_of             date        NOT NULL,
    cause_event_id    text        NOT NULL DEFAULT '',
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, employee, program)
);
CREATE INDEX current_determination_outcome
    ON eligibility.current_determination (program, outcome);
CREATE INDEX current_determination_eligible_from
    ON eligibility.current_determination (eligible_from) WHERE eligible_from IS NOT NULL;
