-- Enrollment lifecycle (schema "enrollment"), owned by the enrollment service.
-- One row per (employer, employee, program) holds the current state; every
-- change is appended to "transition" with who, why, the cause and the facts
-- the decision used, frozen, so a later edit never rewrites the past.
CREATE SCHEMA IF NOT EXISTS enrollment;

CREATE TABLE enrollment.enrollment (
    id          bigserial   PRIMARY KEY,
    employer    text        NOT NULL,
    employee    text        NOT NULL,
    program     text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('invited', 'applied', 'enrolled',
                    'waitlisted', 'in_training', 'completed', 'certified', 'placed',
                    'withdrawn', 'exited', 'paused')),
    cohort_id   text,
    reason_code text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (employer, employee, program)
);

CREATE INDEX enrollment_state_idx ON enrollment.enrollment (employer, state);

CREATE TABLE enrollment.transition (
    id             bigserial   PRIMARY KEY,
    enrollment_id  bigint      NOT NULL REFERENCES enrollment.enrollment (id),
    from_state     text        NOT NULL,
    to_state       text        NOT NULL,
    reason_code    text        NOT NULL DEFAULT '',
    reason         text        NOT NULL DEFAULT '',
    actor          text        NOT NULL,
    cause_event_id text        NOT NULL DEFAULT '',
    at             timestamptz NOT NULL DEFAULT now(),
    facts          jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX transition_enrollment_idx ON enrollment.transition (enrollment_id, id);
