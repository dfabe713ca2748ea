#!/usr/bin/env bash
# Enrollment history import (issue 16, parts 2 and 3) through the four real
# services: 300 employees hired on 2022-10-04 become eligible on 2023-01-02 (the
# clock file); on 2026-11-30 `pathwaysctl import enrollments` records a
# generated CSV of 300 past enrollments plus bad rows (future date, illegal
# order, unknown employee, before eligibility without exception, a
# lifecycle the service refuses half-way, a start before the cohort's, a
# malformed line). Checks: per-line refusals, nothing half-stored, no
# notification for history, a second import changes nothing; the normal
# commands refuse a future milestone and a cohort started early; an open
# invitation is withdrawn when eligibility is lost (with its notification)
# and re-opened when it returns.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init enrollment_import
bin=$PATHWAYS_BIN
clock="$E2E_WORK/clock"
echo 2023-01-02 >"$clock"
export PATHWAYS_CLOCK_FILE="$clock"
e2e_start_all
e2e_ctl employer add acme --name "Acme Health" >/dev/null || e2e_fail "employer add"

N=300
n=0
event() {
    n=$((n + 1))
    printf '{"specversion":"1.0","id":"ev-%05d","source":"acme","type":"org.pathways.employee.%s.v1","time":"2023-01-02T09:00:00Z","subject":"%s","effective_date":"%s","data":%s}\n' \
        "$n" "$1" "$2" "$3" "$4"
}
publish() {
    local out
    out=$("$bin/pathways-publish" --file "$1") || e2e_fail "publish $1: $out"
    e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "not idle after $1"
}
hired='{"job_family":"food_service","job_title":"Cook","status":"active","employment_type":"full_time","scheduled_hours":40.0,"standing":"good","hire_date":"2022-10-04","given_name":"Ana","family_name":"Diaz","email":"EMAIL","language":"en"}'
for i in $(seq -w 1 $((N + 10))); do
    event hired "e$i" 2022-10-04 "${hired/EMAIL/e$i@example.org}"
done >"$E2E_WORK/hired.jsonl"
publish "$E2E_WORK/hired.jsonl"
e2e_assert_eq "all invited on 2023-01-02" "$((N + 10))" \
    "$(e2e_psql "SELECT count(*) FROM enrollment.enrollment WHERE state = 'invited'")"
e2e_assert_eq "first eligible" "2023-01-02" \
    "$(e2e_psql "SELECT DISTINCT first_eligible FROM enrollment.determination")"

# Today is 2026-11-30: past cohorts, started and finished.
echo 2026-11-30 >"$clock"
for c in c2023:2023-03-01:2023-12-15 c2024:2024-03-01:2024-12-13; do
    IFS=: read -r id start end <<<"$c"
    e2e_past_cohort "$id" "$start" "$end" acme 400
done

# The file: five shapes of history over 300 employees, bad rows at known lines.
csv="$E2E_WORK/history.csv"
{
    echo "employer,employee,cohort,applied,admitted,started,completed,certified,placed,withdrawn,exited,reason_code,reason,credential,new_role,eligibility_exception"
    for i in $(seq -w 1 $N); do
        case $((10#$i % 5)) in
        0) echo "acme,e$i,,2023-02-01,,,,,,2023-02-20,,moved_away,\"moved, out of state\",,," ;;
        1) echo "acme,e$i,c2023,2023-02-01,2023-02-15,2023-03-01,2023-12-01,2024-01-15,2024-02-01,,,,,CCMA,Medical Assistant," ;;
        2) echo "acme,e$i,c2023,2023-02-01,2023-02-15,2023-03-01,,,,,2023-06-01,attendance,,,," ;;
        3) echo "acme,e$i,c2024,2024-02-01,2024-02-15,2024-03-01,2024-12-13,,,,,,,,," ;;
        4) echo "acme,e$i,c2024,2024-02-01,2024-02-15,2024-03-01,2024-12-13,2025-01-20,,,,,,RMA,," ;;
        esac
    done
    # Line N+2..: the bad rows (and one exception that is fine).
    echo "acme,e301,c2024,2024-02-01,2024-02-15,2024-03-01,2024-12-13,2026-12-15,,,,,,CCMA,,"   # future
    echo "acme,e302,c2024,2024-02-01,2024-02-15,2024-03-01,2024-02-20,,,,,,,,,"              # order
    echo "acme,nobody,,2024-02-01,,,,,,,,,,,,"                                                 # unknown
    echo "acme,e303,,2022-12-01,,,,,,,,,,,,"                                                   # before eligibility
    echo "acme,e304,,2022-12-01,,,,,,,,,,,,hired under the 2022 pilot rules"                   # exception: fine
    echo "acme,e305,c2023,2023-02-01,2023-02-15,2023-03-01,2023-12-01,,,2023-12-20,,personal,,,," # completed -> withdrawn
    echo "acme,e306,c2023,2023-02-01,2023-02-15,2023-02-20,,,,,,,,,,"                          # start before cohort
    echo "acme,e30\"7,,2024-02-01,,,,,,,,,,,,"                                                 # malformed
} >"$csv"
L=$((N + 2))
set +e
out=$(e2e_ctl import enrollments "$csv" 2>"$E2E_WORK/import.err")
rc=$?
set -e
cat "$E2E_WORK/import.err" >&2
e2e_assert_eq "exit code (some refused)" 1 "$rc"
e2e_assert_eq "summary" "$csv: $((N + 8)) rows: $((N + 1)) imported, 0 already imported, 7 refused" "$out"
expect_err() {
    e2e_assert_eq "line $1 refused with $2" 1 \
        "$(grep -c "^$csv:$1: refused: $2: .*$3" "$E2E_WORK/import.err")"
}
expect_err $L invalid_row "certified 2026-12-15 is after today (2026-11-30)"
expect_err $((L + 1)) invalid_row "completed 2024-02-20 is before started 2024-03-01"
expect_err $((L + 2)) unknown_employee "no eligibility determination"
expect_err $((L + 3)) before_eligibility "before first being eligible on 2023-01-02"
expect_err $((L + 5)) illegal_transition "step 5 (withdraw).*completed -> withdrawn"
expect_err $((L + 6)) cohort_not_started "step 3 (progress).*starts on 2023-03-01"
expect_err $((L + 7)) invalid_csv "a quote inside an unquoted field"
e2e_assert_eq "refusals" 7 "$(grep -c ': refused: ' "$E2E_WORK/import.err")"

# What was stored: every good row whole, nothing of a refused one.
states() {
    e2e_psql "SELECT string_agg(state || ':' || n, ' ' ORDER BY state) FROM
              (SELECT state, count(*) AS n FROM enrollment.enrollment GROUP BY state) s"
}
e2e_assert_eq "states" "applied:1 certified:60 completed:60 exited:60 invited:9 placed:60 withdrawn:60" "$(states)"
e2e_assert_eq "half-stored rows: none (e301, e302, e303, e305, e306 still only invited)" \
    "e301:invited:1 e302:invited:1 e303:invited:1 e305:invited:1 e306:invited:1" \
    "$(e2e_psql "SELECT string_agg(e.employee || ':' || e.state || ':' || (SELECT count(*)
                 FROM enrollment.transition t WHERE t.enrollment_id = e.id), ' ' ORDER BY e.employee)
                 FROM enrollment.enrollment e WHERE e.employee IN ('e301','e302','e303','e305','e306')")"
e2e_assert_eq "a placed row's dates" \
    "invited:2023-01-02 applied:2023-02-01 enrolled:2023-02-15 in_training:2023-03-01 completed:2023-12-01 certified:2024-01-15 placed:2024-02-01" \
    "$(e2e_psql "SELECT string_agg(t.to_state || ':' || t.effective_date, ' ' ORDER BY t.id)
                 FROM enrollment.transition t JOIN enrollment.enrollment e ON e.id = t.enrollment_id
                 WHERE e.employee = 'e001'")"
e2e_assert_eq "the exception is in the audit" "hired under the 2022 pilot rules" \
    "$(e2e_psql "SELECT t.facts->>'eligibility_exception' FROM enrollment.transition t
                 JOIN enrollment.enrollment e ON e.id = t.enrollment_id
                 WHERE e.employee = 'e304' AND t.to_state = 'applied'")"
e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "not idle after the import"
e2e_assert_eq "history notifies nobody" 0 \
    "$(e2e_psql "SELECT count(*) FROM notification.outbox WHERE trigger <> 'invitation'")"
e2e_assert_eq "reporting saw the history" 60 \
    "$(e2e_psql "SELECT count(*) FROM reporting.enrollment WHERE state = 'placed'")"

# Again: nothing new, the same refusals.
head_before=$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'enrollment'")
set +e
again=$(e2e_ctl import enrollments "$csv" 2>/dev/null)
rc=$?
set -e
e2e_assert_eq "re-import exit code" 1 "$rc"
e2e_assert_eq "re-import summary" "$csv: $((N + 8)) rows: 0 imported, $((N + 1)) already imported, 7 refused" "$again"
e2e_assert_eq "re-import wrote no event" "$head_before" \
    "$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'enrollment'")"
e2e_assert_eq "states unchanged" "applied:1 certified:60 completed:60 exited:60 invited:9 placed:60 withdrawn:60" "$(states)"

# The normal commands: no milestone in the future, no cohort before its start.
if err=$(e2e_ctl enroll place acme e004 --role "Medical Assistant" --date 2026-12-01 2>&1); then
    e2e_fail "a placement dated in the future was accepted"
fi
e2e_assert_eq "future placement refused" 1 "$(grep -c 'refused: future_date: effective_date 2026-12-01 is after today (2026-11-30)' <<<"$err")"
if err=$(e2e_ctl enroll place acme e004 --role "Medical Assistant" --date 2025-01-01 2>&1); then
    e2e_fail "a placement dated before the certification was accepted"
fi
e2e_assert_eq "out-of-order placement refused" 1 "$(grep -c 'refused: date_out_of_order' <<<"$err")"
e2e_ctl enroll place acme e004 --role "Medical Assistant" --date 2025-03-01 >/dev/null ||
    e2e_fail "a placement dated in the past, after certification"
e2e_ctl cohort create c2027 --provider "Bay Community College" --start 2027-01-11 --end 2027-06-30 \
    --capacity 10 --status open >/dev/null || e2e_fail "cohort c2027"
if err=$(e2e_ctl cohort update c2027 --status in_progress 2>&1); then
    e2e_fail "a cohort started before its start date"
fi
e2e_assert_eq "early start refused" 1 "$(grep -c 'refused: cohort_not_started: cohort c2027 starts on 2027-01-11' <<<"$err")"

# Invitations follow eligibility: e310 (invited, never applied) loses good
# standing -> invitation withdrawn, with a notice; good again -> invited.
event standing_changed e310 2026-11-29 '{"standing":"corrective_action"}' >"$E2E_WORK/lost.jsonl"
publish "$E2E_WORK/lost.jsonl"
e2e_assert_eq "invitation withdrawn" "withdrawn|eligibility_lost" \
    "$(e2e_psql "SELECT state || '|' || reason_code FROM enrollment.enrollment WHERE employee = 'e310'")"
e2e_wait_until 30 "invitation_withdrawn notification for e310" e2e_prints 1 \
    e2e_psql "SELECT count(*) FROM notification.outbox WHERE trigger = 'invitation_withdrawn' AND employee = 'e310'"
event standing_changed e310 2026-11-30 '{"standing":"good"}' >"$E2E_WORK/back.jsonl"
publish "$E2E_WORK/back.jsonl"
e2e_assert_eq "invited again" "invited|eligible" \
    "$(e2e_psql "SELECT state || '|' || reason_code FROM enrollment.enrollment WHERE employee = 'e310'")"
e2e_assert_eq "open invitations" 9 \
    "$(e2e_psql "SELECT count(*) FROM enrollment.enrollment WHERE state = 'invited'")"
e2e_assert_eq "dead letters" 0 "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
echo "PASS: enrollment history import end to end"
