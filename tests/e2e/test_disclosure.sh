#!/usr/bin/env bash
# Disclosure control end to end: pathways-reporting with CURVE on, a data set
# of small groups (1 to 13 people per employer, cohort and day), and an
# attacker (disclosure_attack.py) that reads what a read-only key and the
# dashboard publish and tries every known route to a withheld figure. The
# test fails when any withheld count is recovered; then it checks that the
# protected figures are marked, that an administrator's are marked "not for
# release", and that published retention equals the exact computation.
set -euo pipefail
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

AS_OF=2026-01-15 # protected figures: 2025-12-31, the last quarter's end
DAY_BEFORE=2025-06-09
DAY=2025-06-10 # one person enrolls that day

e2e_init disclosure
e2e_start reporting
e2e_wait_ready reporting

# --- the data set (projection rows) -------------------------------------------
# people(employer, prefix, n, job family, cohort or NULL for non-participants,
# origin): participants enroll on origin; everyone is eligible from origin.
e2e_psql "
CREATE FUNCTION pg_temp.people(emp text, prefix text, n int, fam text, cohort text, origin date)
RETURNS void LANGUAGE sql AS \$\$
  WITH p AS (SELECT emp AS employer, prefix || '-' || g AS employee FROM generate_series(1, n) g),
  e AS (INSERT INTO reporting.employee (employer, employee, seen_employee, job_family, status,
        hire_date, period_start)
        SELECT employer, employee, true, fam, 'active', '2019-01-01', '2019-01-01' FROM p
        RETURNING employer, employee),
  el AS (INSERT INTO reporting.eligibility (employer, employee, program, outcome,
        first_eligible_on, job_family_at_eligibility, eligibility_seq)
        SELECT employer, employee, 'mapp', 'eligible', origin, fam, 1 FROM p)
  INSERT INTO reporting.enrollment (employer, employee, program, state, cohort_id, enrolled_on,
        last_seq)
  SELECT employer, employee, 'mapp', 'in_training', cohort, origin, 1 FROM e
  WHERE cohort IS NOT NULL;
\$\$;
CREATE FUNCTION pg_temp.quit(emp text, prefix text, lo int, hi int, d date) RETURNS void
LANGUAGE sql AS \$\$
  INSERT INTO reporting.employee_status (employer, event_id, employee, effective_on, status,
        event_type, seq)
  SELECT emp, 't-' || prefix || g, prefix || '-' || g, d, 'terminated',
        'org.pathways.employee.terminated.v1', 1 FROM generate_series(lo, hi) g;
  UPDATE reporting.employee SET status = 'terminated', terminated_on = d
  WHERE employer = emp AND employee IN (SELECT prefix || '-' || g FROM generate_series(lo, hi) g);
\$\$;
-- emp-a: 13 participants (cohort c1), 2 leave on day 40; 12 non-participants.
SELECT pg_temp.people('emp-a', 'ap', 13, 'clerical', 'c1', '2025-01-06');
SELECT pg_temp.quit('emp-a', 'ap', 1, 2, '2025-02-15');
SELECT pg_temp.people('emp-a', 'ac', 12, 'clerical', NULL, '2025-01-06');
SELECT pg_temp.quit('emp-a', 'ac', 1, 3, '2025-03-01');
-- emp-b: 3 participants in c2, one more in c3 enrolled alone on $DAY; 5 others.
SELECT pg_temp.people('emp-b', 'bp', 3, 'clerical', 'c2', '2025-01-06');
SELECT pg_temp.quit('emp-b', 'bp', 1, 1, '2025-04-16');
SELECT pg_temp.people('emp-b', 'bq', 1, 'clerical', 'c3', '$DAY');
SELECT pg_temp.people('emp-b', 'bc', 5, 'clerical', NULL, '2025-01-06');
-- emp-c: 9 participants in c2, 2 in c3; 20 others.
SELECT pg_temp.people('emp-c', 'cp', 9, 'food_service', 'c2', '2025-01-06');
SELECT pg_temp.quit('emp-c', 'cp', 1, 2, '2025-02-25');
SELECT pg_temp.people('emp-c', 'cq', 2, 'food_service', 'c3', '2025-06-02');
SELECT pg_temp.people('emp-c', 'cc', 20, 'food_service', NULL, '2025-01-06');
SELECT pg_temp.quit('emp-c', 'cc', 1, 4, '2025-03-10');
-- emp-e: a large group, so that some estimates are published: 30 and 30,
-- 12 of each leave by day 100.
SELECT pg_temp.people('emp-e', 'ep', 30, 'transport', 'c5', '2025-01-06');
SELECT pg_temp.quit('emp-e', 'ep', 1, 12, '2025-04-10');
SELECT pg_temp.people('emp-e', 'ec', 30, 'transport', NULL, '2025-01-06');
SELECT pg_temp.quit('emp-e', 'ec', 1, 12, '2025-03-20');
-- Outcomes: c1 completes but for one who withdraws; emp-b's c2 people exit
-- when terminated (processed a month after the effective date).
UPDATE reporting.enrollment SET completed_on = '2025-09-01'
  WHERE cohort_id = 'c1' AND employee <> 'ap-13';
UPDATE reporting.enrollment SET state = 'withdrawn', withdrawn_on = '2025-03-01',
  exit_reason = 'personal' WHERE employee = 'ap-13';
UPDATE reporting.enrollment SET state = 'exited', exited_on = '2025-05-16',
  exit_reason = 'terminated' WHERE employee = 'bp-1';
UPDATE reporting.enrollment SET completed_on = '2025-10-01' WHERE cohort_id = 'c5';
" >/dev/null

# --- an exit by termination is dated by the termination ------------------------
# bp-1 was terminated on 2025-04-16 and the exit processed on 2025-05-16: on
# 2025-04-30 the exit has happened.
exited=$(e2e_ctl report outcomes --as-of 2025-04-30 --slice all --format json |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print([r for r in d["rows"] if r["slice"]=="total"][0]["exited"])')
e2e_assert_eq "exits on 2025-04-30 (termination effective 2025-04-16)" 1 "$exited"

# --- the attacker ------------------------------------------------------------------
port=$(e2e_port reporting 2)
export E2E_KEYS
python3 "$(dirname "${BASH_SOURCE[0]}")/disclosure_attack.py" "http://127.0.0.1:$port" \
    "$AS_OF" "$DAY_BEFORE" "$DAY" || e2e_fail "the attacker recovered withheld figures"
echo "ok: no withheld figure recovered through slices, filters, reports, curves, SVG, dates"

# --- marks, roles and equality with the exact computation ---------------------
ro() { PATHWAYS_CURVE_CLIENT_SECRET_FILE="$E2E_KEYS/read_only_secret" e2e_ctl "$@"; }
ro report retention --as-of "$AS_OF" --format json >"$E2E_WORK/protected.json"
e2e_ctl report retention --as-of 2025-12-31 --format json >"$E2E_WORK/exact.json"
e2e_ctl report retention --as-of "$AS_OF" --format json --release >"$E2E_WORK/released.json"
python3 - "$E2E_WORK/protected.json" "$E2E_WORK/exact.json" "$E2E_WORK/released.json" <<'EOF' ||
import json, sys
prot, exact, rel = (json.load(open(p)) for p in sys.argv[1:4])
assert prot["figures"] == "protected", prot["figures"]
assert rel["figures"] == "protected", rel["figures"]
assert exact["figures"] == "exact: not for release", exact["figures"]
assert prot["as_of"] == "2025-12-31", prot["as_of"]
assert rel == prot, "--release differs from the read-only figures"
shown = 0
for p, e in zip(prot["rows"], exact["rows"]):
    for k, v in p.items():
        if v is not None and k not in ("figures",):
            assert v == e[k] or abs(v - e[k]) < 1e-12, (k, v, e[k])
            shown += k.startswith("retention_")
assert shown > 0, "no retention estimate published at all"
EOF
    e2e_fail "protected figures are not marked, or differ from the exact computation"
ro report summary >"$E2E_WORK/summary.txt"
grep -q 'Figures: protected' "$E2E_WORK/summary.txt" || e2e_fail "summary: $(cat "$E2E_WORK/summary.txt")"
e2e_ctl report summary | grep -q 'exact: not for release' || e2e_fail "admin summary not marked"
echo "ok: read-only and --release get protected figures; admin's are marked not for release"
