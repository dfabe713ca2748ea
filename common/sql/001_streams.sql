-- Shared stream plumbing (schema "stream"), owned by common/.
-- The head row per (stream, partition) is bumped inside every appending
-- transaction: its row lock serializes writers, so seq is gap-free and
-- commit-ordered (a plain sequence is not: a later value can commit first).
CREATE SCHEMA IF NOT EXISTS stream;

CREATE TABLE stream.head (
    stream      text    NOT NULL,
    partition   integer NOT NULL,
    seq         bigint  NOT NULL DEFAULT 0,
    partitions  integer NOT NULL DEFAULT 1,
    PRIMARY KEY (stream, partition)
);

CREATE TABLE stream.event (
    stream      text        NOT NULL,
    partition   integer     NOT NULL,
    seq         bigint      NOT NULL,
    type        text        NOT NULL,
    key         text        NOT NULL,
    event_id    text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     bytea       NOT NULL,
    PRIMARY KEY (stream, partition, seq)
);

-- Consumer offsets: the last seq applied, advanced in the same transaction
-- as the effects.
CREATE TABLE stream.consumer_offset (
    consumer    text        NOT NULL,
    stream      text        NOT NULL,
    partition   integer     NOT NULL,
    seq         bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, stream, partition)
);

-- Failed attempts of an event that is still being retried.
CREATE TABLE stream.attempt (
    consumer    text        NOT NULL,
    stream      text        NOT NULL,
    partition   integer     NOT NULL,
    seq         bigint      NOT NULL,
    attempts    integer     NOT NULL,
    last_error  text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, stream, partition, seq)
);

-- Events a consumer gave up on, with their bytes and the reason.
CREATE TABLE stream.dead_letter (
    id          bigserial   PRIMARY KEY,
    consumer    text        NOT NULL,
    stream      text        NOT NULL,
    partition   integer     NOT NULL,
    seq         bigint      NOT NULL,
    type        text        NOT NULL,
    event_id    text        NOT NULL,
    payload     bytea       NOT NULL,
    attempts    integer     NOT NULL,
    reason      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz,
    UNIQUE (consumer, stream, partition, seq)
);
