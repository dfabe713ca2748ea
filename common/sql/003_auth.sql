-- Authentication and least privilege (schema "auth"), owned by common/.
--
-- auth.key: the CURVE public keys allowed to connect, each with a role
-- (partner: publishes for exactly one employer; read_only: reports;
-- admin: everything). key_id is the first 16 hex digits of
-- BLAKE2b(public key), so it can be computed from a public key file alone.
-- The ZAP handler of every service re-reads the valid keys every second:
-- revocation and rotation need no restart.
CREATE SCHEMA IF NOT EXISTS auth;

CREATE TABLE auth.key (
    key_id      text        PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
    public_key  text        NOT NULL UNIQUE CHECK (length(public_key) = 40),
    role        text        NOT NULL CHECK (role IN ('partner', 'read_only', 'admin')),
    employer    text,
    name        text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    not_before  timestamptz NOT NULL DEFAULT now(),
    -- Set on the old key by a rotation: valid until the overlap ends.
    expires_at  timestamptz,
    replaced_by text        REFERENCES auth.key (key_id),
    revoked_at  timestamptz,
    revoked_by  text,
    CHECK ((role = 'partner') = (employer IS NOT NULL AND employer <> ''))
);

-- Every change to the keys: who, what, when.
CREATE TABLE auth.key_audit (
    id      bigserial   PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text        NOT NULL,
    action  text        NOT NULL,
    key_id  text        NOT NULL,
    detail  jsonb       NOT NULL DEFAULT '{}'::jsonb
);

-- Database roles: one NOLOGIN group role per service, granted to the LOGIN
-- role each service connects as; pathways_owner owns the schema objects
-- (migrations run as it). Roles are cluster-wide, so another database may
-- have created them already; a runner without CREATEROLE leaves them to the
-- DBA and the grants below skip the missing ones.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['pathways_owner', 'pathways_eligibility', 'pathways_enrollment',
                             'pathways_notification', 'pathways_reporting'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION
                WHEN duplicate_object OR unique_violation THEN NULL;
                WHEN insufficient_privilege THEN
                    RAISE NOTICE 'role % is missing and cannot be created here', r;
            END;
        END IF;
    END LOOP;
END
$$;

-- The service schemas exist before their own migrations run, so default
-- privileges can be set on them now (their CREATE SCHEMA IF NOT EXISTS
-- then does nothing).
CREATE SCHEMA IF NOT EXISTS eligibility;
CREATE SCHEMA IF NOT EXISTS enrollment;
CREATE SCHEMA IF NOT EXISTS notification;
CREATE SCHEMA IF NOT EXISTS reporting;

-- Grants every service role exactly what it needs. Idempotent: a later
-- migration that adds tables outside the default privileges (created by
-- another role) calls it again.
CREATE FUNCTION auth.grant_service_rights() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    svc text;
    r text;
    owners text[] := ARRAY['eligibility', 'enrollment', 'notification'];
BEGIN
    FOREACH svc IN ARRAY ARRAY['eligibility', 'enrollment', 'notification', 'reporting'] LOOP
        r := 'pathways_' || svc;
        CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
        -- Its own schema: read and write rows, never change the schema.
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', svc, r);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I',
                       svc, r);
        EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', svc, r);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, '
                       'DELETE ON TABLES TO %I', svc, r);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON '
                       'SEQUENCES TO %I', svc, r);
        -- Streams: every service reads them and keeps its consumer
        -- bookkeeping; only the owners of streams append.
        EXECUTE format('GRANT USAGE ON SCHEMA stream TO %I', r);
        EXECUTE format('GRANT SELECT ON stream.event, stream.head TO %I', r);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON stream.consumer_offset, '
                       'stream.attempt, stream.dead_letter, stream.lease, stream.member TO %I', r);
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE stream.dead_letter_id_seq TO %I', r);
        IF svc = ANY (owners) THEN
            EXECUTE format('GRANT INSERT ON stream.event TO %I', r);
            EXECUTE format('GRANT INSERT, UPDATE ON stream.head TO %I', r);
        END IF;
        -- Reading the registered keys (ZAP) and the migration state
        -- (readiness when PATHWAYS_MIGRATE_ON_START=off).
        EXECUTE format('GRANT USAGE ON SCHEMA auth, pathways_meta TO %I', r);
        EXECUTE format('GRANT SELECT ON auth.key, pathways_meta.schema_migration TO %I', r);
    END LOOP;
END
$$;

SELECT auth.grant_service_rights();
