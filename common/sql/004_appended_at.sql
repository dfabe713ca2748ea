-- When an event was appended (the transaction's time), beside occurred_at
-- (what the producer stamped). Lag in seconds is measured from appended_at,
-- so a late partner event does not look like a stuck consumer.
ALTER TABLE stream.event ADD COLUMN appended_at timestamptz NOT NULL DEFAULT now();
