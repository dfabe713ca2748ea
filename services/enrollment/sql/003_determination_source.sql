-- Issue 13: the determination no longer carries a copy of its facts; the
-- "eligibility" stream keeps the payload, never rewritten, and the row says
-- where (source_partition, source_seq). Commands that freeze the facts
-- (apply, cohort start) read them from there.
ALTER TABLE enrollment.determination
    ADD COLUMN source_partition integer,
    ADD COLUMN source_seq       bigint;

UPDATE enrollment.determination d
   SET source_partition = e.partition, source_seq = e.seq
  FROM stream.event e
 WHERE e.stream = 'eligibility' AND e.event_id = d.event_id;

ALTER TABLE enrollment.determination DROP COLUMN facts;

-- Updates touch no indexed column: leave room for them in the page (HOT).
ALTER TABLE enrollment.determination SET (fillfactor = 80);
