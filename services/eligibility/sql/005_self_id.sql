-- Issue 16: voluntary self-identification (EmployeeEvent.self_id), kept
-- apart from everything else in a schema of its own. The eligibility
-- service writes it in the transaction that accepts the event and may not
-- read it back; the reporting service may only read it (its equity report
-- publishes aggregates). No other role has any right here, and nothing in
-- it is copied to the employee registry, determinations, the ledger or a
-- stream. One row per accepted event that answered at least one field,
-- append-only: '' = not asked in that event, 'declined' = asked, no
-- answer. The answer on file for a field is that of the newest event (by
-- effective date, then arrival) that answered it.
CREATE SCHEMA IF NOT EXISTS selfid;
REVOKE ALL ON SCHEMA selfid FROM PUBLIC;

CREATE TABLE selfid.answer (
    employer            text        NOT NULL,
    event_id            text        NOT NULL,
    employee            text        NOT NULL,
    effective_date      date        NOT NULL,
    race_ethnicity      text        NOT NULL DEFAULT '',
    gender              text        NOT NULL DEFAULT '',
    age_band            text        NOT NULL DEFAULT '',
    preferred_language  text        NOT NULL DEFAULT '',
    veteran_status      text        NOT NULL DEFAULT '',
    disability_status   text        NOT NULL DEFAULT '',
    received_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (employer, event_id)
);
CREATE INDEX answer_employee ON selfid.answer (employer, employee, effective_date);
REVOKE ALL ON selfid.answer FROM PUBLIC;

-- Rights for the service roles that exist (common/003_auth.sql creates
-- them when the migrating role may): INSERT only for eligibility (a plain
-- INSERT needs no SELECT), SELECT only for reporting. A DBA who creates the
-- roles later runs SELECT selfid.grant_rights() beside
-- auth.grant_service_rights().
CREATE FUNCTION selfid.grant_rights() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pathways_eligibility') THEN
        GRANT USAGE ON SCHEMA selfid TO pathways_eligibility;
        GRANT INSERT ON selfid.answer TO pathways_eligibility;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pathways_reporting') THEN
        GRANT USAGE ON SCHEMA selfid TO pathways_reporting;
        GRANT SELECT ON selfid.answer TO pathways_reporting;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION selfid.grant_rights() FROM PUBLIC;
SELECT selfid.grant_rights();
