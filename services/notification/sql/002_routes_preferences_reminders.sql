-- Issue 5: routed notifications (employee, HR contact, training provider;
-- email and webhook), per-person preferences, durable cohort reminders and
-- an audit of administrators' actions.
--
-- outbox.context: the trigger's variables captured when the row is queued
--   (cohort_id, reason, effective_date...), so a message renders the same
--   whenever it is sent. address: where it went (or was to go).
-- outbox.dead_at / cancelled_at: when the row reached those states.
-- preference: per person (employer, person) where person is the employee
--   id, or '#hr' for the employer's HR contact. channels lists the channels
--   the person accepts; opted_out stops everything. Honoured at send time.
-- reminder: "cohort starting in N days", one row per (enrollment event,
--   days before); due on due_date, turned into an outbox row then, or
--   cancelled when the enrollment leaves that cohort first.
-- admin_action: retry / cancel / preference changes, with who and why.
ALTER TABLE notification.outbox
    ADD COLUMN context      jsonb       NOT NULL DEFAULT '{}',
    ADD COLUMN address      text        NOT NULL DEFAULT '',
    ADD COLUMN dead_at      timestamptz,
    ADD COLUMN cancelled_at timestamptz;

CREATE INDEX outbox_state_idx ON notification.outbox (state, updated_at);

ALTER TABLE notification.attempt
    ADD COLUMN channel text NOT NULL DEFAULT 'email',
    ADD COLUMN address text NOT NULL DEFAULT '';

ALTER TABLE notification.attempt DROP CONSTRAINT attempt_result_check;
ALTER TABLE notification.attempt ADD CONSTRAINT attempt_result_check CHECK (result IN
    ('sent', 'temporary', 'permanent', 'no_address', 'opted_out', 'no_contact'));

CREATE TABLE notification.preference (
    employer   text        NOT NULL,
    person     text        NOT NULL,
    channels   text[]      NOT NULL DEFAULT '{email}',
    opted_out  boolean     NOT NULL DEFAULT false,
    language   text        NOT NULL DEFAULT '',
    updated_by text        NOT NULL DEFAULT '',
    reason     text        NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, person)
);

CREATE TABLE notification.reminder (
    id                bigserial   PRIMARY KEY,
    source_event_id   text        NOT NULL,
    days_before       integer     NOT NULL CHECK (days_before >= 0),
    employer          text        NOT NULL,
    employee          text        NOT NULL,
    program           text        NOT NULL,
    cohort_id         text        NOT NULL,
    cohort_start_date date        NOT NULL,
    due_date          date        NOT NULL,
    state             text        NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'queued', 'cancelled')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_event_id, days_before)
);

CREATE INDEX reminder_due_idx ON notification.reminder (due_date) WHERE state = 'pending';
CREATE INDEX reminder_person_idx ON notification.reminder (employer, employee, program)
    WHERE state = 'pending';

CREATE TABLE notification.admin_action (
    id              bigserial   PRIMARY KEY,
    request_id      text        NOT NULL,
    action          text        NOT NULL,
    notification_id text,
    employer        text,
    person          text,
    actor           text        NOT NULL DEFAULT '',
    reason          text        NOT NULL DEFAULT '',
    result          text        NOT NULL DEFAULT '',
    at              timestamptz NOT NULL DEFAULT now()
);
