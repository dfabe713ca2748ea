-- The LOGIN role each Pathways service connects as: pathways_<service>_login,
-- a member of the group role pathways_<service> that migration 003
-- (common/sql/003_auth.sql) creates and grants exactly that service's rights.
-- Run it after `pathwaysctl migrate`, as a role with CREATEROLE, with each
-- password in the environment (they never appear on a command line):
--
--   PATHWAYS_DB_ELIGIBILITY_PASSWORD=... PATHWAYS_DB_ENROLLMENT_PASSWORD=... \
--   PATHWAYS_DB_NOTIFICATION_PASSWORD=... PATHWAYS_DB_REPORTING_PASSWORD=... \
--     psql "$OWNER_URL" -f deploy/db/service-logins.sql
--
-- Idempotent: an existing role keeps its membership and gets the password
-- again (how a password is rotated). A password that is not set stops the
-- script with a syntax error at its ALTER ROLE. psql 15 or later (\getenv).
\set ON_ERROR_STOP on
\getenv eligibility_password PATHWAYS_DB_ELIGIBILITY_PASSWORD
\getenv enrollment_password PATHWAYS_DB_ENROLLMENT_PASSWORD
\getenv notification_password PATHWAYS_DB_NOTIFICATION_PASSWORD
\getenv reporting_password PATHWAYS_DB_REPORTING_PASSWORD
SET client_min_messages = warning;

SELECT format('CREATE ROLE %I LOGIN', svc || '_login')
  FROM unnest(ARRAY['pathways_eligibility', 'pathways_enrollment',
                    'pathways_notification', 'pathways_reporting']) AS svc
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = svc || '_login') \gexec

ALTER ROLE pathways_eligibility_login LOGIN PASSWORD :'eligibility_password';
ALTER ROLE pathways_enrollment_login LOGIN PASSWORD :'enrollment_password';
ALTER ROLE pathways_notification_login LOGIN PASSWORD :'notification_password';
ALTER ROLE pathways_reporting_login LOGIN PASSWORD :'reporting_password';

GRANT pathways_eligibility TO pathways_eligibility_login;
GRANT pathways_enrollment TO pathways_enrollment_login;
GRANT pathways_notification TO pathways_notification_login;
GRANT pathways_reporting TO pathways_reporting_login;
