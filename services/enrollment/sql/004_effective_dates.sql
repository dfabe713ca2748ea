-- Issue 16: history with its own dates. The earliest date each employee was
-- eligible for a program, kept across later determinations (a placed
-- Medical Assistant is no longer eligible, yet their past application was):
-- an application dated in the past must not be before it unless recorded
-- as an exception. Filled from eligible_since when the determination
-- carries it, else from its as_of.
ALTER TABLE enrollment.determination ADD COLUMN first_eligible date;

UPDATE enrollment.determination d
   SET first_eligible = as_of::date
 WHERE outcome = 'OUTCOME_ELIGIBLE' AND as_of ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

-- An invitation already on file says the employee was eligible by its date.
UPDATE enrollment.determination d
   SET first_eligible = LEAST(d.first_eligible, i.since)
  FROM (SELECT e.employer, e.employee, e.program, min(t.effective_date)::date AS since
          FROM enrollment.enrollment e JOIN enrollment.transition t ON t.enrollment_id = e.id
         WHERE t.to_state = 'invited' AND t.effective_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
         GROUP BY 1, 2, 3) i
 WHERE i.employer = d.employer AND i.employee = d.employee AND i.program = d.program;
