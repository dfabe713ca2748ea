-- Issue 19: a notification whose employee address has not arrived yet
-- waits for it without spending delivery attempts. address_wait_since is
-- when the first check found no address (NULL when the row is not
-- waiting); the row is cancelled only after a bounded time
-- (PATHWAYS_NOTIFICATION_ADDRESS_WAIT_S) and is woken as soon as the
-- address arrives on the employee stream.
ALTER TABLE notification.outbox ADD COLUMN address_wait_since timestamptz;

CREATE INDEX outbox_address_wait_idx ON notification.outbox (employer, employee)
    WHERE address_wait_since IS NOT NULL;

-- reclaimed_at: when a row left in "sending" (a crash, or a failed record
-- of its delivery) was last put back to be sent again; its next successful
-- send may be a second copy for the receiver (same Message-ID /
-- Idempotency-Key), and is counted in pathways_notification_resends_total.
ALTER TABLE notification.outbox ADD COLUMN reclaimed_at timestamptz;
