-- Programs as data: every loaded program definition is kept as a numbered
-- version (the YAML text as loaded, with who loaded it and what the
-- re-evaluation changed). The active version of a program is its highest;
-- a file that fails to load stores nothing, so the previous one stays.
CREATE TABLE eligibility.program_version (
    program      text        NOT NULL CHECK (program ~ '^[a-z0-9_-]{1,64}$'),
    version      integer     NOT NULL CHECK (version > 0),
    name         text        NOT NULL DEFAULT '',
    source_name  text        NOT NULL DEFAULT '',
    source       text        NOT NULL,
    checksum     text        NOT NULL,
    actor        text        NOT NULL DEFAULT '',
    evaluated    bigint      NOT NULL DEFAULT 0,
    changed      bigint      NOT NULL DEFAULT 0,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (program, version)
);

-- The employee's enrollment state per program as eligibility last heard it
-- (the not_in_program criterion reads it). Empty until something records it.
CREATE TABLE eligibility.participation (
    employer    text        NOT NULL,
    employee    text        NOT NULL,
    program     text        NOT NULL,
    state       text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (employer, employee, program)
);

-- Forecast re-checks: current_determination.eligible_from is the durable
-- schedule (written in the same statement as the determination, indexed by
-- current_determination_eligible_from); the service's timer re-evaluates
-- the rows whose date has come. This index serves the per-program scan.
CREATE INDEX current_determination_due
    ON eligibility.current_determination (program, eligible_from)
    WHERE eligible_from IS NOT NULL;
