-- Issue 18: training providers as partners. Every progress event a
-- provider published and had accepted, unique on (provider, event id): the
-- provider's idempotency record (a resend is a duplicate, never a second
-- effect) and the history the at-risk rules, the provider reports and the
-- dashboard count from. Only accepted events are stored.
CREATE TABLE enrollment.progress_event (
    provider    text        NOT NULL,
    event_id    text        NOT NULL,
    cohort_id   text        NOT NULL,
    employer    text        NOT NULL,
    employee    text        NOT NULL,
    program     text        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('attendance', 'module_completed', 'exam',
                    'credential', 'completed', 'withdrawn')),
    event_date  date        NOT NULL,
    -- attendance: present | absent | excused; exam: passed | failed.
    status      text        NOT NULL DEFAULT '',
    -- The session, module, exam or credential id the event names.
    item        text        NOT NULL DEFAULT '',
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    batch_id    text        NOT NULL DEFAULT '',
    actor       text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, event_id)
);

CREATE INDEX progress_event_person_idx
    ON enrollment.progress_event (employer, employee, program, kind, event_date);
CREATE INDEX progress_event_cohort_idx ON enrollment.progress_event (cohort_id, kind);

-- The at-risk flag (deploy/programs/<program>.yaml, section at_risk): set by
-- the rule that fired, with its reason; cleared by staff. Audited in
-- transition with kind at_risk_flagged / at_risk_cleared.
ALTER TABLE enrollment.enrollment
    ADD COLUMN at_risk        boolean NOT NULL DEFAULT false,
    ADD COLUMN at_risk_reason text    NOT NULL DEFAULT '';

ALTER TABLE enrollment.transition DROP CONSTRAINT IF EXISTS transition_kind_check;
ALTER TABLE enrollment.transition ADD CONSTRAINT transition_kind_check
    CHECK (kind IN ('transition', 'review_flagged', 'review_cleared', 'at_risk_flagged',
                    'at_risk_cleared'));

-- The little a training provider's roster shows about a participant, kept
-- from the "employee" stream: the given name (effective-dated: a late
-- event never overwrites a newer name) and whether an email address is on
-- file (the preferred channel then is email). Nothing else of the
-- employee record reaches enrollment.
CREATE TABLE enrollment.contact (
    employer      text    NOT NULL,
    employee      text    NOT NULL,
    given_name    text    NOT NULL DEFAULT '',
    name_as_of    date,
    email_on_file boolean NOT NULL DEFAULT false,
    PRIMARY KEY (employer, employee)
);
