-- Issue 18: training providers as partners. A key of role "provider" speaks
-- for exactly one training provider (the provider id cohorts name); it may
-- publish progress for that provider's cohorts and read their rosters.
ALTER TABLE auth.key ADD COLUMN provider text;

ALTER TABLE auth.key DROP CONSTRAINT IF EXISTS key_role_check;
ALTER TABLE auth.key ADD CONSTRAINT key_role_check
    CHECK (role IN ('partner', 'read_only', 'admin', 'service', 'provider'));

-- The unnamed CHECK of 003 (partner <=> employer) is replaced by one per
-- organization kind.
DO $$
DECLARE
    c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
              WHERE conrelid = 'auth.key'::regclass AND contype = 'c'
                AND pg_get_constraintdef(oid) LIKE '%employer%' LOOP
        EXECUTE format('ALTER TABLE auth.key DROP CONSTRAINT %I', c);
    END LOOP;
END
$$;

ALTER TABLE auth.key ADD CONSTRAINT key_employer_check
    CHECK ((role = 'partner') = (employer IS NOT NULL AND employer <> ''));
ALTER TABLE auth.key ADD CONSTRAINT key_provider_check
    CHECK ((role = 'provider') = (provider IS NOT NULL AND provider <> ''));
