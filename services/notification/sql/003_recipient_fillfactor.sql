-- Issue 13: the recipient directory is updated in place when a person's
-- email, name or language changes; none of those columns is indexed, so
-- with room left on each page the update is HOT (no index entries, no new
-- page). Applies to pages written from now on.
ALTER TABLE notification.recipient SET (fillfactor = 90);
