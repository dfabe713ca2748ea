-- Notifications (schema "notification"), owned by the notification service.
--
-- recipient: the directory of whom to write to, built from the "employee"
--   stream. Events carry only changed fields, so each field keeps the
--   effective date it was stated for, and a late event never overwrites a
--   newer value.
-- outbox: one row per (trigger event, recipient, channel); the unique key
--   makes a replayed trigger a no-op. States: queued -> sending -> sent |
--   retrying -> ... -> dead; cancelled when no address ever became known.
-- attempt: every delivery try, with its result.
CREATE SCHEMA IF NOT EXISTS notification;

CREATE TABLE notification.recipient (
    employer         text        NOT NULL,
    employee         text        NOT NULL,
    email            text        NOT NULL DEFAULT '',
    email_as_of      date,
    given_name       text        NOT NULL DEFAULT '',
    given_name_as_of date,
    language         text        NOT NULL DEFAULT '',
    language_as_of   date,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, employee)
);

CREATE TABLE notification.outbox (
    notification_id  text        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    trigger_event_id text        NOT NULL,
    trigger          text        NOT NULL,
    recipient        text        NOT NULL DEFAULT 'employee',
    employer         text        NOT NULL,
    employee         text        NOT NULL,
    program          text        NOT NULL DEFAULT '',
    channel          text        NOT NULL DEFAULT 'email',
    state            text        NOT NULL DEFAULT 'queued' CHECK (state IN
                         ('queued', 'sending', 'sent', 'retrying', 'dead', 'cancelled')),
    attempts         integer     NOT NULL DEFAULT 0,
    address_waits    integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    claimed_at       timestamptz,
    sent_at          timestamptz,
    last_error       text        NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (trigger_event_id, recipient, channel)
);

CREATE INDEX outbox_due_idx ON notification.outbox (next_attempt_at)
    WHERE state IN ('queued', 'retrying');
CREATE INDEX outbox_sending_idx ON notification.outbox (claimed_at) WHERE state = 'sending';
CREATE INDEX outbox_employee_idx ON notification.outbox (employer, employee);

CREATE TABLE notification.attempt (
    id              bigserial   PRIMARY KEY,
    notification_id text        NOT NULL REFERENCES notification.outbox (notification_id),
    attempt         integer     NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    result          text        NOT NULL CHECK (result IN
                        ('sent', 'temporary', 'permanent', 'no_address')),
    error           text        NOT NULL DEFAULT ''
);

CREATE INDEX attempt_notification_idx ON notification.attempt (notification_id, id);
