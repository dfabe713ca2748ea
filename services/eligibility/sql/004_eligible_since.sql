-- Issue 16: dated eligibility. Each determination carries the first day of
-- the current eligible spell (eligible_since) and the day the last one
-- ended (eligible_until); the current one also keeps, per criterion in
-- elig_crit_t order, the first day of its passing run (held_since), from
-- which the next evaluation continues (services/eligibility/spell.h).
-- Rows from before stay NULL: their next evaluation dates the passing
-- criteria from their facts' effective dates.
ALTER TABLE eligibility.determination
    ADD COLUMN eligible_since date,
    ADD COLUMN eligible_until date;
ALTER TABLE eligibility.current_determination
    ADD COLUMN eligible_since date,
    ADD COLUMN eligible_until date,
    ADD COLUMN held_since date[];
