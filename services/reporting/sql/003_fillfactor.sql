-- Room on each page for the next version of a row, so that the projection
-- updates that leave every indexed column alone (a new outcome, as_of date
-- or eligibility_seq on reporting.employee; a delivery state or attempt
-- count on reporting.notification) are HOT updates: no index entry is
-- written for them. reporting.enrollment is left as it is: its updates
-- change state, which is indexed, so they could not be HOT anyway.
ALTER TABLE reporting.employee SET (fillfactor = 85);
ALTER TABLE reporting.notification SET (fillfactor = 85);
