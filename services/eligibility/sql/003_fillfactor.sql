-- Room on each page for the new version of an updated row, so that an
-- update which leaves every indexed column alone (a re-evaluation that
-- keeps the outcome and date, a registry fact change) stays a HOT update:
-- no index entries written, and the page pruned in place.
ALTER TABLE eligibility.current_determination SET (fillfactor = 80);
ALTER TABLE eligibility.employee SET (fillfactor = 80);
