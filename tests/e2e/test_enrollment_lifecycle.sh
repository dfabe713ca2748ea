#!/usr/bin/env bash
# End-to-end enrollment lifecycle (issue 4) with the four real services:
# employee events go in through pathways-publish, staff commands through
# `pathwaysctl enroll|cohort|team|enrollment` to pathways-enrollment's ROUTER.
# Walks a1 from invitation to placement; fills a cohort and shows waitlist
# order and the automatic promotion on a withdrawal and on a termination;
# pauses and resumes on leave; flags lost standing; refuses illegal moves;
# replays a command; joins one person to two action teams.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init enrollment_lifecycle
bin=$PATHWAYS_BIN
e2e_start_all
e2e_ctl employer add acme --name "Acme Health" >/dev/null || e2e_fail "employer add"

n=0
# event TYPE SUBJECT DATE DATA_JSON: one partner event line.
event() {
    n=$((n + 1))
    printf '{"specversion":"1.0","id":"ev-%04d","source":"acme","type":"org.pathways.employee.%s.v1","time":"2026-11-01T09:00:%02dZ","subject":"%s","effective_date":"%s","data":%s}\n' \
        "$n" "$1" "$((n % 60))" "$2" "$3" "$4"
}
publish() {
    local out
    out=$("$bin/pathways-publish" --file "$1") || e2e_fail "publish $1: $out"
    e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after $1"
}
hired='{"job_family":"food_service","job_title":"Cook","status":"active","employment_type":"full_time","scheduled_hours":40.0,"standing":"good","hire_date":"2024-01-02","given_name":"Ana","family_name":"Diaz","email":"EMAIL","language":"en"}'
for who in a1 a2 a3 a4 a5; do
    event hired "$who" 2024-01-02 "${hired/EMAIL/$who@example.org}"
done >"$E2E_WORK/hired.jsonl"
publish "$E2E_WORK/hired.jsonl"
state() { e2e_psql "SELECT state FROM enrollment.enrollment WHERE employee = '$1'"; }
e2e_assert_eq "invited" "invited invited invited invited invited" \
    "$(for w in a1 a2 a3 a4 a5; do state $w; done | paste -sd ' ')"

# A cohort of two seats.
e2e_ctl cohort create ccma-e2e --name "CCMA winter" --provider "Bay Community College" \
    --serves acme --start 2026-11-26 --end 2027-06-30 --capacity 2 --status open \
    --actor staff@acme >/dev/null || e2e_fail "cohort create"
for w in a1 a2 a3 a4 a5; do
    e2e_ctl enroll apply acme $w --actor staff@acme >/dev/null || e2e_fail "apply $w"
done
e2e_ctl enroll admit acme a1 --cohort ccma-e2e --actor staff@acme >/dev/null || e2e_fail "admit a1"
e2e_ctl enroll admit acme a2 --cohort ccma-e2e --actor staff@acme >/dev/null || e2e_fail "admit a2"
# Full: refused without --waitlist, and nothing changed.
if err=$(e2e_ctl enroll admit acme a3 --cohort ccma-e2e 2>&1); then
    e2e_fail "admit into a full cohort succeeded"
fi
e2e_assert_eq "full cohort refusal" 1 "$(grep -c 'refused: cohort_full: cohort ccma-e2e is full' <<<"$err")"
e2e_assert_eq "a3 unchanged" applied "$(state a3)"
for w in a3 a4 a5; do
    e2e_ctl enroll admit acme $w --cohort ccma-e2e --waitlist >/dev/null || e2e_fail "waitlist $w"
done
e2e_assert_eq "waitlist order" "acme/a3 waitlist=1,acme/a4 waitlist=2,acme/a5 waitlist=3" \
    "$(e2e_ctl cohort show ccma-e2e | grep -o '^acme/a[0-9] mapp waitlisted cohort=ccma-e2e waitlist=[0-9]' |
        sed 's/ mapp waitlisted cohort=ccma-e2e//' | paste -sd ',')"

# a1 withdraws: a3 (first in line) gets the seat in the same command.
first=$(e2e_ctl enroll withdraw acme a1 --reason-code moved_away --key wd-a1 --actor staff@acme) ||
    e2e_fail "withdraw a1"
e2e_assert_eq "withdraw result" "acme/a1 mapp withdrawn cohort=ccma-e2e reason=moved_away|acme/a3 mapp enrolled cohort=ccma-e2e reason=promoted_from_waitlist" \
    "$(paste -sd '|' <<<"$first")"
# Replay: same key, same answer, nothing new on the stream.
head_before=$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'enrollment'")
again=$(e2e_ctl enroll withdraw acme a1 --reason-code moved_away --key wd-a1 --actor staff@acme) ||
    e2e_fail "replay"
e2e_assert_eq "replayed result" "$first" "$again"
e2e_assert_eq "no new events on replay" "$head_before" \
    "$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'enrollment'")"
if err=$(e2e_ctl enroll withdraw acme a2 --reason-code moved_away --key wd-a1 2>&1); then
    e2e_fail "a used key for another request was accepted"
fi
e2e_assert_eq "key reuse refused" 1 "$(grep -c idempotency_key_reused <<<"$err")"

# a2 is terminated: exited with the reason, a4 promoted.
event terminated a2 2026-11-20 '{"status":"terminated","reason_code":"voluntary"}' >"$E2E_WORK/term.jsonl"
publish "$E2E_WORK/term.jsonl"
e2e_assert_eq "a2 exited" "exited|terminated" \
    "$(e2e_psql "SELECT state || '|' || reason_code FROM enrollment.enrollment WHERE employee = 'a2'")"
e2e_assert_eq "a4 promoted" "enrolled|promoted_from_waitlist" \
    "$(e2e_psql "SELECT state || '|' || reason_code FROM enrollment.enrollment WHERE employee = 'a4'")"
e2e_assert_eq "a5 first in line" "acme/a5 mapp waitlisted cohort=ccma-e2e waitlist=1 reason=cohort_full" \
    "$(e2e_ctl enrollment list --employee a5)"

# a3 goes on leave (paused, seat kept) and comes back (resumed to enrolled).
event leave_started a3 2026-11-21 '{"status":"leave","reason_code":"medical"}' >"$E2E_WORK/leave.jsonl"
publish "$E2E_WORK/leave.jsonl"
e2e_assert_eq "a3 paused" "acme/a3 mapp paused cohort=ccma-e2e paused_from=enrolled reason=leave" \
    "$(e2e_ctl enrollment list --employee a3)"
e2e_assert_eq "a5 still waiting (a paused seat is kept)" waitlisted "$(state a5)"
event leave_ended a3 2026-11-25 '{"status":"active"}' >"$E2E_WORK/back.jsonl"
publish "$E2E_WORK/back.jsonl"
e2e_assert_eq "a3 resumed" "enrolled|leave_ended" \
    "$(e2e_psql "SELECT state || '|' || reason_code FROM enrollment.enrollment WHERE employee = 'a3'")"

# Training starts with the cohort (eligibility checked again), then a3 on to placement.
e2e_ctl cohort update ccma-e2e --status in_progress --actor staff@acme >/dev/null ||
    e2e_fail "start cohort"
e2e_assert_eq "in training" "in_training in_training" "$(state a3) $(state a4)"
if err=$(e2e_ctl enroll certify acme a3 --credential CCMA 2>&1); then
    e2e_fail "certify before completion succeeded"
fi
e2e_assert_eq "out of order refused" 1 \
    "$(grep -c 'illegal_transition: acme/a3 in mapp: illegal transition in_training -> certified' <<<"$err")"
# Milestones are recorded once they happened: a date after today is refused.
if err=$(e2e_ctl enroll complete acme a3 --date 2027-06-30 2>&1); then
    e2e_fail "a completion dated in the future was accepted"
fi
e2e_assert_eq "future completion refused" 1 "$(grep -c 'refused: future_date' <<<"$err")"
e2e_ctl enroll complete acme a3 --date 2026-11-30 --actor staff@acme >/dev/null || e2e_fail "complete"
e2e_ctl enroll certify acme a3 --credential CCMA --date 2026-11-30 --actor staff@acme >/dev/null ||
    e2e_fail "certify"
e2e_ctl enroll place acme a3 --role "Medical Assistant" --date 2026-11-30 --actor staff@acme \
    >/dev/null || e2e_fail "place"
e2e_assert_eq "a3 placed" 'acme/a3 mapp placed cohort=ccma-e2e reason=placed credential=CCMA@2026-11-30 role="Medical Assistant"@2026-11-30' \
    "$(e2e_ctl enrollment list --employee a3)"
e2e_assert_eq "a3 history" \
    "invited applied waitlisted enrolled paused enrolled in_training completed certified placed" \
    "$(e2e_ctl enrollment history acme a3 | grep ' transition ' | awk '{print $5}' | paste -sd ' ')"
e2e_assert_eq "history actors and causes" 1 \
    "$(e2e_ctl enrollment history acme a3 | grep -c 'reason=promoted_from_waitlist actor=system cause=command:wd-a1')"
e2e_assert_eq "history facts (JSON)" OUTCOME_ELIGIBLE \
    "$(e2e_ctl enrollment history acme a3 --json | jq -r '.history[1].facts_json' | jq -r .outcome)"
if err=$(e2e_ctl enroll apply acme a1 2>&1); then
    e2e_fail "apply after withdrawal succeeded"
fi
e2e_assert_eq "apply after withdrawal refused" 1 "$(grep -c 'illegal transition withdrawn -> applied' <<<"$err")"

# a4 loses good standing: flagged for review, not dropped.
event standing_changed a4 2026-11-28 '{"standing":"corrective_action"}' >"$E2E_WORK/standing.jsonl"
publish "$E2E_WORK/standing.jsonl"
e2e_assert_eq "a4 flagged" "in_training|true" \
    "$(e2e_psql "SELECT state || '|' || review_flag FROM enrollment.enrollment WHERE employee = 'a4'")"

# Notifications and reporting still follow: five invitations, one exit notice (a2).
e2e_assert_eq "notifications" "exited:1 invitation:5" \
    "$(e2e_psql "SELECT string_agg(trigger || ':' || n, ' ' ORDER BY trigger) FROM
                 (SELECT trigger, count(DISTINCT trigger_event_id) AS n FROM notification.outbox
                  WHERE trigger IN ('invitation', 'exited') GROUP BY trigger) t")"
e2e_assert_eq "reporting states" "a1:withdrawn a2:exited a3:placed a4:in_training a5:waitlisted" \
    "$(e2e_psql "SELECT string_agg(employee || ':' || state, ' ' ORDER BY employee)
                 FROM reporting.enrollment")"
e2e_assert_eq "reporting placement" "CCMA|Medical Assistant" \
    "$(e2e_psql "SELECT credential || '|' || new_role FROM reporting.enrollment WHERE employee = 'a3'")"

# Action teams: one person in two teams.
e2e_ctl team org-add acme --name "Acme Health" --kind employer >/dev/null || e2e_fail "org-add"
e2e_ctl team join retention_career_pathways --org acme --person ana@acme.org --name "Ana Diaz" \
    >/dev/null || e2e_fail "join 1"
e2e_ctl team join data_evaluation --org acme --person ana@acme.org --name "Ana Diaz" \
    >/dev/null || e2e_fail "join 2"
e2e_assert_eq "ana in two teams" 2 "$(e2e_ctl team list | grep -c '^  ana@acme.org (acme)')"
e2e_assert_eq "team name" 'team retention_career_pathways "Retention & Career Pathways" members 1' \
    "$(e2e_ctl team list retention_career_pathways | head -1)"
if e2e_ctl team join data_evaluation --org nobody --person x@y.org 2>/dev/null; then
    e2e_fail "an unrecognized organization joined"
fi
e2e_assert_eq "dead letters" 0 "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
echo "PASS: enrollment lifecycle end to end"
