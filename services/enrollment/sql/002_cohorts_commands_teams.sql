-- Issue 4: cohorts with capacity and a first-come-first-served waitlist,
-- the latest eligibility determination per employee (checked again at
-- application and cohort start), pause/resume and staff-review bookkeeping,
-- idempotent commands, and the collaborative's action teams.

CREATE TABLE enrollment.cohort (
    cohort_id   text        PRIMARY KEY,
    program     text        NOT NULL,
    name        text        NOT NULL DEFAULT '',
    provider    text        NOT NULL,
    -- Employers served; empty serves every employer.
    employers   text[]      NOT NULL DEFAULT '{}',
    start_date  date        NOT NULL,
    end_date    date        NOT NULL,
    capacity    integer     NOT NULL CHECK (capacity > 0),
    status      text        NOT NULL CHECK (status IN ('planned', 'open', 'in_progress',
                    'finished', 'cancelled')),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date)
);

-- Waitlist order: a number drawn when someone is waitlisted, kept while the
-- enrollment is paused so a resumed waiter keeps their place.
CREATE SEQUENCE enrollment.waitlist_seq;

ALTER TABLE enrollment.enrollment
    ADD COLUMN waitlist_seq    bigint,
    ADD COLUMN paused_from     text CHECK (paused_from IN ('invited', 'applied', 'enrolled',
                   'waitlisted', 'in_training')),
    ADD COLUMN pause_reason    text NOT NULL DEFAULT '',
    ADD COLUMN review_flag     boolean NOT NULL DEFAULT false,
    ADD COLUMN review_reason   text NOT NULL DEFAULT '',
    ADD COLUMN credential      text NOT NULL DEFAULT '',
    ADD COLUMN credential_date date,
    ADD COLUMN new_role        text NOT NULL DEFAULT '',
    ADD COLUMN placed_date     date;

CREATE INDEX enrollment_cohort_idx ON enrollment.enrollment (cohort_id, state, waitlist_seq);

-- The audit: kind tells a transition from a review flag set or cleared.
ALTER TABLE enrollment.transition
    ADD COLUMN kind           text NOT NULL DEFAULT 'transition'
                   CHECK (kind IN ('transition', 'review_flagged', 'review_cleared')),
    ADD COLUMN effective_date text NOT NULL DEFAULT '';

-- The latest determination seen on stream "eligibility" per employee and
-- program (outcome, status, standing and the facts behind them).
CREATE TABLE enrollment.determination (
    employer   text        NOT NULL,
    employee   text        NOT NULL,
    program    text        NOT NULL,
    outcome    text        NOT NULL,
    status     text        NOT NULL,
    standing   text        NOT NULL,
    as_of      text        NOT NULL DEFAULT '',
    event_id   text        NOT NULL DEFAULT '',
    facts      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, employee, program)
);

-- Idempotent commands: the request and the result of its first successful
-- run, written in the transaction of the effect.
CREATE TABLE enrollment.command (
    idempotency_key text        PRIMARY KEY,
    request         bytea       NOT NULL,
    result          bytea       NOT NULL,
    actor           text        NOT NULL,
    at              timestamptz NOT NULL DEFAULT now()
);

-- The collaborative's action teams, as data. New teams come with a new
-- migration (or an INSERT by an administrator); retired ones are marked
-- inactive, never deleted, so memberships keep their history.
CREATE TABLE enrollment.action_team (
    team_id     text    PRIMARY KEY,
    name        text    NOT NULL,
    description text    NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true
);

INSERT INTO enrollment.action_team (team_id, name, description) VALUES
    ('retention_career_pathways', 'Retention & Career Pathways',
     'Keeps frontline staff and moves them into skilled roles (MAPP and successors).'),
    ('recruitment_hiring', 'Recruitment & Hiring',
     'Shared sourcing, screening and hiring practices across member employers.'),
    ('education_training', 'Education & Training Partnerships',
     'Works with colleges and training providers on curricula, cohorts and credentials.'),
    ('data_evaluation', 'Data & Evaluation',
     'Defines the measures and reviews outcomes of the collaborative''s programs.'),
    ('policy_advocacy', 'Policy & Advocacy',
     'Workforce policy, funding and public-sector partnerships.');

-- Organizations recognized by the collaborative (employers, training
-- providers, partners); only their people may join action teams.
CREATE TABLE enrollment.organization (
    org_id     text        PRIMARY KEY,
    name       text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('employer', 'training_provider',
                   'community_partner', 'workforce_board', 'other')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Memberships; leaving closes the row (left_at), a later join opens a new one.
CREATE TABLE enrollment.team_member (
    id           bigserial   PRIMARY KEY,
    team_id      text        NOT NULL REFERENCES enrollment.action_team (team_id),
    org_id       text        NOT NULL REFERENCES enrollment.organization (org_id),
    person       text        NOT NULL,
    display_name text        NOT NULL DEFAULT '',
    joined_at    timestamptz NOT NULL DEFAULT now(),
    joined_by    text        NOT NULL,
    left_at      timestamptz,
    left_by      text
);

CREATE UNIQUE INDEX team_member_current_idx
    ON enrollment.team_member (team_id, org_id, person) WHERE left_at IS NULL;
