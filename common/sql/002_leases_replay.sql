-- Partition leases for consumer groups, and dead-letter replay/audit.
--
-- Instances of one consumer (same name) share a stream's partitions: each
-- heartbeats a member row, takes its fair share of partitions as leases
-- that it renews, and takes over leases that expire when an instance dies.
-- Exactly-once never depends on a lease: the offset update is a
-- compare-and-set, so two instances can never both commit the same range.
CREATE TABLE stream.member (
    consumer   text        NOT NULL,
    stream     text        NOT NULL,
    instance   text        NOT NULL,
    seen_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, stream, instance)
);

CREATE TABLE stream.lease (
    consumer   text        NOT NULL,
    stream     text        NOT NULL,
    partition  integer     NOT NULL,
    owner      text        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, stream, partition)
);

-- An administrator asks for a dead letter to be applied again; the owning
-- consumer does it in one transaction with the effects and sets
-- replayed_at (or records replay_error and leaves it requested).
ALTER TABLE stream.dead_letter
    ADD COLUMN replay_requested_at timestamptz,
    ADD COLUMN replay_requested_by text,
    ADD COLUMN replay_error text;

CREATE INDEX dead_letter_replay_idx ON stream.dead_letter (consumer, stream)
    WHERE replay_requested_at IS NOT NULL AND replayed_at IS NULL;

-- Every administrative action on the queues (purge, replay, offset reset).
CREATE TABLE stream.admin_audit (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text        NOT NULL,
    action     text        NOT NULL,
    target     text        NOT NULL,
    reason     text        NOT NULL,
    detail     jsonb       NOT NULL DEFAULT '{}'::jsonb
);
