-- Issue 17: many programs, criteria as expressions over a fact vocabulary.
-- New partner facts beside the registry's others (README, "Programs"): the
-- work site and shift (job group), education level, credentials and
-- languages (a comma-joined list each) and the declared attributes
-- ("name=value" lines, services/eligibility/attrs.h): the qualification
-- group, dated by qual_eff.
ALTER TABLE eligibility.employee
    ADD COLUMN site             text  NOT NULL DEFAULT '',
    ADD COLUMN shift            text  NOT NULL DEFAULT '',
    ADD COLUMN education_level  text  NOT NULL DEFAULT '',
    ADD COLUMN credentials      text  NOT NULL DEFAULT '',
    ADD COLUMN languages        text  NOT NULL DEFAULT '',
    ADD COLUMN attributes       text  NOT NULL DEFAULT '',
    ADD COLUMN qual_eff         date;

-- Each program's intake (open invites the newly eligible; paused and closed
-- do not; closed lets current cohorts finish), changed by
-- `pathwaysctl program pause|close|open`. Rules stay in program_version.
CREATE TABLE eligibility.program (
    program     text        PRIMARY KEY CHECK (program ~ '^[a-z0-9_-]{1,64}$'),
    name        text        NOT NULL DEFAULT '',
    intake      text        NOT NULL DEFAULT 'open'
        CHECK (intake IN ('open', 'paused', 'closed')),
    actor       text        NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- An existing deployment keeps its program: MAPP (built in, or its loaded
-- versions, which stay as they are and keep loading) is open.
INSERT INTO eligibility.program (program, name)
SELECT DISTINCT ON (program) program, name FROM eligibility.program_version
ORDER BY program, version DESC
ON CONFLICT DO NOTHING;
INSERT INTO eligibility.program (program, name)
VALUES ('mapp', 'Medical Assistant Pathway Program')
ON CONFLICT DO NOTHING;
