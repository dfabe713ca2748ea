-- Issue 18: the training providers' progress, from stream "progress" (one
-- row per accepted provider event; insert-only): attendance and at-risk
-- counts, and the provider of each cohort (outcomes by provider).
CREATE TABLE reporting.progress (
    provider   text   NOT NULL,
    event_id   text   NOT NULL,
    cohort_id  text   NOT NULL,
    employer   text   NOT NULL,
    employee   text   NOT NULL,
    program    text   NOT NULL,
    kind       text   NOT NULL,
    status     text   NOT NULL DEFAULT '',
    event_date date   NOT NULL,
    -- The at-risk rule the event made fire, or ''.
    at_risk    text   NOT NULL DEFAULT '',
    last_seq   bigint NOT NULL,
    PRIMARY KEY (provider, event_id)
);

CREATE INDEX progress_person_idx ON reporting.progress (employer, employee, program);
CREATE INDEX progress_cohort_idx ON reporting.progress (cohort_id);
