#!/usr/bin/env bash
# The reporting dashboard end to end: pathways-reporting serves the page and
# its API over a crafted data set with known answers (the one of
# tests/integration/test_reporting_evidence.c, plus open invitations and a
# waitlist); headless Chromium, driven through chromedriver
# (tests/browser/dashboard_check.py), loads the page at desktop and at phone
# width (390 px), which must show the expected figures with no console
# errors and, on the phone, no sideways scroll and nothing cut off; and
# every figure on the page must equal the JSON it comes from: pathwaysctl's
# for retention, outcomes and cost, the page's API for the funnel and the
# cohorts. The dashboard has no login, so it shows the protected figures:
# those of `pathwaysctl report ... --release`. Two report dates: the end of
# 2025 (funnel withheld) and February 2025 (funnel shown, cohorts withheld);
# the release period is a month so that February's end is a report date.
set -euo pipefail
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || e2e_fail "headless Chromium not found at $CHROMIUM (Debian package chromium)"
[ -x /usr/bin/chromedriver ] ||
    e2e_fail "chromedriver not found (Debian package chromium-driver; deploy/local/install-deps)"
AS_OF=2026-01-01
EARLY=2025-02-28

e2e_init dashboard
PATHWAYS_REPORTING_RELEASE_PERIOD=month e2e_start reporting
e2e_wait_ready reporting

# --- the known data set (projection rows) -----------------------------------
e2e_psql "
CREATE FUNCTION pg_temp.people(emp text, prefix text, n int, fam text, cohort text) RETURNS void
LANGUAGE sql AS \$\$
  WITH p AS (SELECT emp AS employer, prefix || '-' || g AS employee FROM generate_series(1, n) g),
  e AS (INSERT INTO reporting.employee (employer, employee, seen_employee, job_family, status,
        hire_date, period_start)
        SELECT employer, employee, true, fam, 'active', '2020-01-01', '2020-01-01' FROM p
        RETURNING employer, employee),
  el AS (INSERT INTO reporting.eligibility (employer, employee, program, outcome,
        first_eligible_on, job_family_at_eligibility, eligibility_seq)
        SELECT employer, employee, 'mapp', 'eligible', '2025-01-01', fam, 1 FROM p)
  INSERT INTO reporting.enrollment (employer, employee, program, state, cohort_id, enrolled_on,
        last_seq)
  SELECT employer, employee, 'mapp', 'in_training', cohort, '2025-01-01', 1 FROM e
  WHERE cohort IS NOT NULL;
\$\$;
CREATE FUNCTION pg_temp.quit(emp text, prefix text, lo int, hi int, d int) RETURNS void
LANGUAGE sql AS \$\$
  INSERT INTO reporting.employee_status (employer, event_id, employee, effective_on, status,
        event_type, seq)
  SELECT emp, 't-' || prefix || g, prefix || '-' || g, '2025-01-01'::date + d, 'terminated',
        'org.pathways.employee.terminated.v1', 1 FROM generate_series(lo, hi) g;
\$\$;
SELECT pg_temp.people('emp-a', 'ap', 20, 'clerical', 'c1');
SELECT pg_temp.quit('emp-a', 'ap', 1, 2, 100), pg_temp.quit('emp-a', 'ap', 3, 3, 300);
SELECT pg_temp.people('emp-a', 'ac', 20, 'clerical', NULL);
SELECT pg_temp.quit('emp-a', 'ac', 1, 4, 50), pg_temp.quit('emp-a', 'ac', 5, 8, 200);
SELECT pg_temp.people('emp-b', 'bp', 8, 'clerical', 'c2');
SELECT pg_temp.people('emp-b', 'bc', 30, 'clerical', NULL);
SELECT pg_temp.people('emp-c', 'cp', 15, 'food_service', 'c3');
-- Training providers' progress (issue 18): c1 and c2 by college, c3 by
-- academy; one attended session each, on the day after enrolling.
INSERT INTO reporting.progress (provider, event_id, cohort_id, employer, employee, program, kind,
  status, event_date, last_seq)
  SELECT CASE cohort_id WHEN 'c3' THEN 'academy' ELSE 'college' END, 'a-' || employee, cohort_id,
  employer, employee, 'mapp', 'attendance', 'present', enrolled_on + 1, 1
  FROM reporting.enrollment WHERE cohort_id IS NOT NULL;
UPDATE reporting.enrollment SET completed_on = '2025-06-01'
  WHERE cohort_id = 'c1' AND split_part(employee, '-', 2)::int <= 15;
UPDATE reporting.enrollment SET certified_on = '2025-07-01'
  WHERE cohort_id = 'c1' AND split_part(employee, '-', 2)::int <= 12;
UPDATE reporting.enrollment SET placed_on = '2025-07-20', state = 'placed'
  WHERE cohort_id = 'c1' AND split_part(employee, '-', 2)::int <= 11;
UPDATE reporting.enrollment SET state = 'withdrawn', withdrawn_on = '2025-03-01',
  exit_reason = 'personal' WHERE cohort_id = 'c1' AND split_part(employee, '-', 2)::int >= 16;
-- 12 open invitations and 12 waiting for a seat in c2, among emp-b's eligible
-- non-participants (no enrollment date: the retention comparison keeps them).
INSERT INTO reporting.enrollment (employer, employee, program, state, state_since, ever_invited,
  invited_on, last_seq)
  SELECT 'emp-b', 'bc-' || g, 'mapp', 'invited', '2025-02-01', true, '2025-02-01', 1
  FROM generate_series(1, 12) g;
INSERT INTO reporting.enrollment (employer, employee, program, state, state_since, cohort_id,
  ever_invited, invited_on, applied_on, last_seq)
  SELECT 'emp-b', 'bc-' || g, 'mapp', 'waitlisted', '2025-02-15', 'c2', true, '2025-02-01',
  '2025-02-10', 1 FROM generate_series(13, 24) g;
-- Queue state of a stream nobody here consumes: head 5, offset 3 and still
-- for ten minutes, no lease (stopped), a dead letter.
INSERT INTO stream.head (stream, partition, seq) VALUES ('demo', 0, 5);
INSERT INTO stream.consumer_offset (consumer, stream, partition, seq, updated_at)
  VALUES ('audit', 'demo', 0, 3, now() - interval '10 minutes');
INSERT INTO stream.dead_letter (consumer, stream, partition, seq, type, event_id, payload,
  attempts, reason) VALUES ('audit', 'demo', 0, 2, 't', 'e2', '\\x00', 5, 'crafted');
INSERT INTO reporting.notification (notification_id, employer, employee, trigger, state, last_seq)
  VALUES ('n1', 'emp-a', 'ap-1', 'invitation', 'sent', 1);
" >/dev/null

# --- pathwaysctl's figures ----------------------------------------------------
for d in "$AS_OF" "$EARLY"; do
    for r in retention outcomes cost; do
        e2e_ctl report "$r" --as-of "$d" --slice employer --format json --release \
            >"$E2E_WORK/$r-$d.json" ||
            e2e_fail "pathwaysctl report $r --as-of $d failed"
    done
done
e2e_ctl report retention --as-of "$AS_OF" --slice employer >"$E2E_WORK/retention.txt"
grep -q '85.0%' "$E2E_WORK/retention.txt" || e2e_fail "retention table lacks 85.0%: $(cat "$E2E_WORK/retention.txt")"
e2e_ctl report cost --as-of "$AS_OF" --format csv >"$E2E_WORK/cost.csv"
grep -q '^mapp,emp-a,clerical,20,0.25,' "$E2E_WORK/cost.csv" ||
    e2e_fail "cost CSV: $(cat "$E2E_WORK/cost.csv")"
echo "ok: pathwaysctl report retention/outcomes/cost (table, csv, json)"

# --- the page in headless Chromium ------------------------------------------
port=$(e2e_port reporting 2)
driver_port=$(e2e_port reporting 7)
check=$(dirname "${BASH_SOURCE[0]}")/../browser/dashboard_check.py
for run in "final $AS_OF" "early $EARLY"; do
    read -r known d <<<"$run"
    mkdir -p "$E2E_WORK/$known"
    python3 "$check" "$E2E_WORK/$known" "$driver_port" \
        "http://127.0.0.1:$port/?as_of=$d&slice=employer&refresh=3600" "$known" \
        "$E2E_WORK/retention-$d.json" "$E2E_WORK/outcomes-$d.json" "$E2E_WORK/cost-$d.json" ||
        e2e_fail "the dashboard on $d: see above"
    echo "ok: dashboard on $d: every figure equals the JSON, no console errors, fits 390 px"
done

curl -sf "http://127.0.0.1:$port/chart/retention.svg?as_of=$AS_OF&slice=all&value=all" \
    >"$E2E_WORK/chart.svg" || e2e_fail "no SVG chart"
grep -q '<svg' "$E2E_WORK/chart.svg" && grep -q 'class="participants"' "$E2E_WORK/chart.svg" ||
    e2e_fail "SVG chart without the participants' curve"
grep -q 'class="band"' "$E2E_WORK/chart.svg" || e2e_fail "SVG chart without its interval band"
echo "ok: SVG survival chart with its interval band"
