#!/usr/bin/env bash
# pathwaysctl as operators use it, against a running stack with CURVE on:
#   config      effective values (environment, default, --database-url),
#               secrets never printed, every variable README's table lists
#   --json      eligibility explain, notifications list/show, keys list,
#               config; enrollment states in words ("applied", not
#               ENROLLMENT_STATE_APPLIED)
#   bulk        enroll apply|admit --from FILE or stdin: one command per
#               line, a bad line refused without stopping the rest, the
#               same list with the same --key changes nothing the 2nd time
#   --actor     kept beside the caller's key ("staff@acme via key:ID"),
#               never silently replaced; without it, the key
#   hints       a call that times out without keys says why it may have
#   reports     the CSV header is printed when there are no rows; a cost
#               total over rows that are all withheld is withheld, not $0
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/e2e.sh"
src=${PATHWAYS_SOURCE:-$(cd "$here/../.." && pwd)}

e2e_init ctl
e2e_start_all
e2e_feed 40 5

# --- config ------------------------------------------------------------------------
cfg=$(PATHWAYS_BATCH_MAX=77 PATHWAYS_SMTP_PASSWORD=hunter2 e2e_ctl config --json) ||
    e2e_fail "config --json"
value() { jq -r --arg n "$1" '.variables[] | select(.name == $n) | "\(.value)|\(.source)"' <<<"$cfg"; }
e2e_assert_eq "PATHWAYS_BATCH_MAX from the environment" "77|environment" "$(value PATHWAYS_BATCH_MAX)"
e2e_assert_eq "PATHWAYS_LEASE_TTL_MS by default" "3000|default" "$(value PATHWAYS_LEASE_TTL_MS)"
e2e_assert_eq "a secret is not printed" "(set)|environment" "$(value PATHWAYS_SMTP_PASSWORD)"
grep -q hunter2 <<<"$cfg" && e2e_fail "config printed the SMTP password"
e2e_assert_eq "--database-url wins and says so" "postgresql://x@127.0.0.1:1/y|--database-url" \
    "$(e2e_ctl --database-url postgresql://x@127.0.0.1:1/y config --json |
        jq -r '.variables[] | select(.name == "PATHWAYS_DATABASE_URL") | "\(.value)|\(.source)"')"
e2e_assert_eq "reporting's command endpoint" "tcp://127.0.0.1:$(e2e_port reporting)" \
    "$(jq -r .endpoints.reporting.command <<<"$cfg")"
# Every variable of README's "Environment variables" table is listed.
table=$(awk '/^## Environment variables/ {on = 1; next} /^## / {on = 0} on' "$src/README.md")
listed=$(e2e_ctl config)
missing=""
for v in $(grep -o 'PATHWAYS_[A-Z0-9_]*[A-Z0-9]' <<<"$table" | sort -u); do
    grep -q "^$v " <<<"$listed" || missing="$missing $v"
done
e2e_assert_eq "README variables missing from pathwaysctl config" "" "$missing"

# --- --json listings, states in words ------------------------------------------------
read -r employer employee < <(e2e_psql "SELECT employer || ' ' || employee
    FROM eligibility.current_determination ORDER BY employee LIMIT 1")
e2e_ctl eligibility explain "$employer" "$employee" --json |
    jq -e --arg e "$employee" '.employee == $e and (.determinations | length) > 0 and
        (.determinations[0].outcome | IN("eligible", "not eligible", "needs review")) and
        (.determinations[0].criteria | length) > 0' >/dev/null || e2e_fail "eligibility explain --json"
e2e_assert_eq "program show --json: versions listed" "$(e2e_psql 'SELECT count(*) FROM eligibility.program_version WHERE program = '"'mapp'")" \
    "$(e2e_ctl program show mapp --json | jq '.versions | length')"
e2e_assert_eq "keys list --json" "$(e2e_psql 'SELECT count(*) FROM auth.key')" \
    "$(e2e_ctl keys list --json | jq '.keys | length')"
notes=$(e2e_ctl notifications list --limit 1000 --json) || e2e_fail "notifications list --json"
e2e_assert_eq "notifications list --json" "$(e2e_psql 'SELECT count(*) FROM notification.outbox')" \
    "$(jq '.notifications | length' <<<"$notes")"
e2e_assert_eq "by_state names every state" "cancelled,dead,queued,retrying,sending,sent" \
    "$(jq -r '.by_state | keys | join(",")' <<<"$notes")"
nid=$(jq -r '.notifications[0].notification_id' <<<"$notes")
[ "$nid" != null ] || e2e_fail "no notification to show (the feed invites someone)"
e2e_ctl notifications show "$nid" --json |
    jq -e --arg id "$nid" '.notification_id == $id and (.attempts | type) == "array"' >/dev/null ||
    e2e_fail "notifications show --json"

# --- bulk apply from a file and admit from stdin ---------------------------------------
mapfile -t invited < <(e2e_psql "SELECT employee FROM enrollment.enrollment WHERE state = 'invited'
                                 ORDER BY employee LIMIT 3")
[ "${#invited[@]}" = 3 ] || e2e_fail "the feed should invite at least 3 people (got ${#invited[@]})"
{
    echo "# staff's list"
    echo "$employer ${invited[0]}"
    echo "$employer,${invited[1]}"
    echo "just-one-field"
    echo
    echo "$employer ${invited[2]}"
} >"$E2E_WORK/apply.txt"
if e2e_ctl enroll apply --from "$E2E_WORK/apply.txt" --key list1 --actor staff@acme \
    >"$E2E_WORK/apply.out" 2>&1; then
    e2e_fail "a list with a bad line succeeded: $(cat "$E2E_WORK/apply.out")"
fi
grep -q 'line 4: expected EMPLOYER EMPLOYEE' "$E2E_WORK/apply.out" || e2e_fail "bad line: $(cat "$E2E_WORK/apply.out")"
grep -q '3 done, 1 failed' "$E2E_WORK/apply.out" || e2e_fail "summary: $(cat "$E2E_WORK/apply.out")"
state() { e2e_psql "SELECT state FROM enrollment.enrollment WHERE employee = '$1'"; }
e2e_assert_eq "applied from the list" "applied applied applied" \
    "$(for w in "${invited[@]}"; do state "$w"; done | paste -sd ' ')"
transitions() { e2e_psql 'SELECT count(*) FROM enrollment.transition'; }
before=$(transitions)
grep -v just-one-field "$E2E_WORK/apply.txt" >"$E2E_WORK/apply-ok.txt"
e2e_ctl enroll apply --from "$E2E_WORK/apply-ok.txt" --key list1 --actor staff@acme >/dev/null 2>&1 ||
    e2e_fail "the same list again (same --key) was refused"
e2e_assert_eq "the same list with the same --key changed nothing" "$before" "$(transitions)"
e2e_ctl cohort create bulk-c --name "Bulk" --provider "College" --serves "$employer" \
    --start 2026-12-01 --end 2027-06-30 --capacity 10 --status open >/dev/null || e2e_fail "cohort create"
printf '%s %s\n' "$employer" "${invited[0]}" "$employer" "${invited[1]}" |
    e2e_ctl enroll admit --from - --cohort bulk-c >/dev/null 2>&1 || e2e_fail "admit --from -"
e2e_assert_eq "admitted from stdin" "enrolled enrolled applied" \
    "$(for w in "${invited[@]}"; do state "$w"; done | paste -sd ' ')"
if e2e_ctl enroll apply "$employer" "${invited[2]}" --from "$E2E_WORK/apply-ok.txt" >/dev/null 2>&1; then
    e2e_fail "a person and --from together were accepted"
fi
e2e_assert_eq "states in words in --json" "applied" \
    "$(e2e_ctl enrollment list --employee "${invited[2]}" --json | jq -r '.enrollments[0].state')"

# --- --actor beside the key, never replaced -------------------------------------------
admin_key=$(e2e_psql "SELECT key_id FROM auth.key WHERE role = 'admin' ORDER BY created_at LIMIT 1")
actor_of() { # actor_of EMPLOYEE TO_STATE: who moved EMPLOYEE to TO_STATE
    e2e_psql "SELECT t.actor FROM enrollment.transition t JOIN enrollment.enrollment e
              ON e.id = t.enrollment_id WHERE e.employee = '$1' AND t.to_state = '$2'"
}
e2e_assert_eq "--actor kept beside the key" "staff@acme via key:$admin_key" \
    "$(actor_of "${invited[0]}" applied)"
e2e_assert_eq "no --actor: the key" "key:$admin_key" "$(actor_of "${invited[0]}" enrolled)"

# --- a call that times out without keys says why ----------------------------------------
if out=$(PATHWAYS_CURVE=off e2e_ctl --timeout-ms 700 enrollment list 2>&1); then
    e2e_fail "a keyless call to a CURVE service succeeded: $out"
fi
grep -q 'PATHWAYS_CURVE is off here' <<<"$out" || e2e_fail "no hint about keys: $out"
echo "ok: keyless timeout says: ${out:0:160}..."

# --- reports: empty CSV keeps its header; all withheld is not $0 --------------------------
# Reporting's tables get one employer whose 3 participants all left before
# the 12-month horizon (5 comparisons stay): even the exact figures cannot
# give its cost row (nobody at risk), so the total has nothing to add up.
e2e_psql "
INSERT INTO reporting.employee (employer, employee, seen_employee, job_family, status, hire_date,
    period_start)
SELECT 'emp-z', 'z-' || g, true, 'clerical', 'active', '2020-01-01', '2020-01-01'
FROM generate_series(1, 8) g;
INSERT INTO reporting.eligibility (employer, employee, program, outcome, first_eligible_on,
    job_family_at_eligibility, eligibility_seq)
SELECT 'emp-z', 'z-' || g, 'mapp', 'eligible', '2025-01-01', 'clerical', 1
FROM generate_series(1, 8) g;
INSERT INTO reporting.enrollment (employer, employee, program, state, cohort_id, enrolled_on, last_seq)
SELECT 'emp-z', 'z-' || g, 'mapp', 'in_training', 'cz', '2025-01-01', 1 FROM generate_series(1, 3) g;
INSERT INTO reporting.employee_status (employer, event_id, employee, effective_on, status,
    event_type, seq)
SELECT 'emp-z', 't-z' || g, 'z-' || g, '2025-03-01', 'terminated',
    'org.pathways.employee.terminated.v1', 1 FROM generate_series(1, 3) g;
" >/dev/null
csv=$(e2e_ctl report cost --as-of 2026-01-01 --employer nobody --format csv) || e2e_fail "report cost csv"
e2e_assert_eq "cost CSV header (no employer rows, the total only)" \
    "program,employer,role,participants,retention_difference,difference_low,difference_high,separations_avoided,separations_avoided_low,separations_avoided_high,cost_avoided,cost_avoided_low,cost_avoided_high,replacement_cost,cost_source" \
    "$(grep -v '^#' <<<"$csv" | head -1)"
e2e_assert_eq "empty retention CSV: only its header" 1 \
    "$(e2e_ctl report retention --as-of 2026-01-01 --employer nobody --format csv | grep -v '^#' |
        grep -c .)"
e2e_assert_eq "empty outcomes --exits CSV: only its header" "reason,people" \
    "$(e2e_ctl report outcomes --as-of 2026-01-01 --employer nobody --exits --format csv | grep -v '^#')"
cost=$(e2e_ctl report cost --as-of 2026-01-01 --employer emp-z --format json) ||
    e2e_fail "report cost --employer emp-z"
e2e_assert_eq "every employer row withheld" true \
    "$(jq '[.rows[] | select(.employer != "total")] | length > 0 and all(.cost_avoided == null)' <<<"$cost")"
e2e_assert_eq "the total of withheld rows is withheld" "null" \
    "$(jq '.rows[] | select(.employer == "total") | .cost_avoided' <<<"$cost")"
e2e_ctl report cost --as-of 2026-01-01 --employer emp-z | grep -E '^ *total ' | grep -q '\$0' &&
    e2e_fail "the cost table shows \$0 for a total of withheld rows"
echo "PASS: pathwaysctl config, --json listings, bulk lists, --actor, key hint, report CSV and totals"
