-- Service keys: the services' own CURVE key pairs, registered with role
-- "service". Event endpoints (the PUB side of every stream) admit service
-- keys only, and command endpoints refuse them: streams carry personal data
-- between services, and nothing else may subscribe.
ALTER TABLE auth.key DROP CONSTRAINT IF EXISTS key_role_check;
ALTER TABLE auth.key ADD CONSTRAINT key_role_check
    CHECK (role IN ('partner', 'read_only', 'admin', 'service'));
