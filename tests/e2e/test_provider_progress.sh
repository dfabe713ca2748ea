#!/usr/bin/env bash
# End-to-end provider path (issue 18) with the four real services: a
# training provider's key drives a cohort's participant from first
# attendance to certification by progress events alone (pathways-progress
# from a CSV export), is refused for another provider's cohort, resends a
# batch that is then all DUPLICATE with nothing applied twice; another
# participant's absences raise the at-risk flag, which is delivered by
# SMTP to the program coordinator and the employer's HR contact (real SMTP
# sink on loopback).
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init provider_progress
bin=$PATHWAYS_BIN
# The services' clock (pw_date_today): October for admission, then the end
# of November for the training.
export PATHWAYS_CLOCK_FILE="$E2E_WORK/clock"
set_today() {
    echo "$1" >"$PATHWAYS_CLOCK_FILE.tmp"
    mv -f "$PATHWAYS_CLOCK_FILE.tmp" "$PATHWAYS_CLOCK_FILE"
}
set_today 2026-10-20
# A real SMTP server on loopback, and contacts: acme's HR and MAPP's
# coordinator (at-risk notices go to both, routing.yaml).
/usr/bin/python3 "${PATHWAYS_SOURCE:?}/tests/lib/smtp_sink.py" --out "$E2E_WORK/mail.jsonl" \
    --ready "$E2E_WORK/smtp.ready" >"$E2E_WORK/smtp.log" 2>&1 &
E2E_PIDS[smtp]=$!
e2e_wait_until 20 "smtp sink ready" test -s "$E2E_WORK/smtp.ready"
export PATHWAYS_SMTP_URL="smtp://127.0.0.1:$(cat "$E2E_WORK/smtp.ready")"
export PATHWAYS_SMTP_FROM="Pathways <noreply@pathways.test>"
cat >"$E2E_WORK/contacts.yaml" <<'YAML'
employers:
  acme: {name: Acme Health, hr_email: hr@acme.example, hr_language: en}
programs:
  mapp: {coordinator_email: coordinator@collab.example, coordinator_language: en}
YAML
export PATHWAYS_NOTIFICATION_CONTACTS="$E2E_WORK/contacts.yaml"
e2e_start_all
e2e_ctl employer add acme --name "Acme Health" >/dev/null || e2e_fail "employer add"

hired='{"job_family":"food_service","job_title":"Cook","status":"active","employment_type":"full_time","scheduled_hours":40.0,"standing":"good","hire_date":"2024-01-02","given_name":"NAME","family_name":"Diaz","email":"EMAIL","language":"en"}'
for who in a1 a2 a3 a4; do
    h=${hired/EMAIL/$who@example.org}
    e2e_event hired "$who" 2024-01-02 "${h/NAME/Ana-$who}"
done >"$E2E_WORK/hired.jsonl"
"$bin/pathways-publish" --file "$E2E_WORK/hired.jsonl" >/dev/null || e2e_fail "publish hires"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after hires"

# Two providers, one cohort each; staff admit the participants.
e2e_ctl cohort create ccma-college --name "CCMA at the college" --provider college \
    --serves acme --start 2026-11-02 --end 2027-06-30 --capacity 10 --status open >/dev/null ||
    e2e_fail "cohort create college"
e2e_ctl cohort create ccma-other --name "CCMA elsewhere" --provider other \
    --serves acme --start 2026-11-02 --end 2027-06-30 --capacity 10 --status open >/dev/null ||
    e2e_fail "cohort create other"
# Admitted in October, before the cohort starts.
for w in a1 a2 a3 a4; do
    e2e_ctl enroll apply acme $w >/dev/null || e2e_fail "apply $w"
done
for w in a1 a2 a3; do
    e2e_ctl enroll admit acme $w --cohort ccma-college >/dev/null || e2e_fail "admit $w"
done
e2e_ctl enroll admit acme a4 --cohort ccma-other >/dev/null || e2e_fail "admit a4"
state() { e2e_psql "SELECT state FROM enrollment.enrollment WHERE employee = '$1'"; }
e2e_assert_eq "enrolled" "enrolled enrolled enrolled enrolled" \
    "$(for w in a1 a2 a3 a4; do state $w; done | paste -sd ' ')"
set_today 2026-11-30

# Provider keys, registered like partner keys.
for p in college other; do
    "$bin/pathwaysctl" keys generate --out "$E2E_WORK/$p" >/dev/null || e2e_fail "keys generate $p"
    e2e_ctl keys register "$E2E_WORK/$p" --provider $p --name "$p provider" >/dev/null ||
        e2e_fail "keys register $p"
done
college_key=$("$bin/pathwaysctl" keys list | awk '$4 == "college" {print $1}')
e2e_assert_eq "provider key listed" provider \
    "$("$bin/pathwaysctl" keys list | awk '$4 == "college" {print $2}')"
# progress AS CSV: sends a progress export with a provider's key.
progress() {
    local as=$1 file=$2
    PATHWAYS_CURVE_CLIENT_SECRET_FILE="$E2E_WORK/${as}_secret" \
        "$bin/pathways-progress" --provider "$as" --file "$file" --quiet --timeout-ms 5000
}
# The ZAP handlers re-read the keys every second: wait until college is admitted.
e2e_wait_until 20 "college key admitted" bash -c "
    printf 'event_id,cohort_id,employer,employee,date,kind,session_id,status\nwarmup-1,ccma-college,acme,a3,2026-11-02,attendance,s0,excused\n' >'$E2E_WORK/warm.csv'
    PATHWAYS_CURVE_CLIENT_SECRET_FILE='$E2E_WORK/college_secret' '$bin/pathways-progress' \
        --provider college --file '$E2E_WORK/warm.csv' --quiet --timeout-ms 1000 --retries 0 |
        grep -q 'accepted=1\|duplicate=1'"

# 1. From first attendance to certification, by provider events alone.
cat >"$E2E_WORK/a1.csv" <<'CSV'
event_id,cohort_id,employer,employee,date,kind,session_id,status,module_id,module_name,exam_id,result,score,issuer,credential_id,credential
p-1,ccma-college,acme,a1,2026-11-03,attendance,s1,present,,,,,,,,
p-2,ccma-college,acme,a1,2026-11-04,module_completed,,,m1,Anatomy,,,,,,
p-3,ccma-college,acme,a1,2026-11-10,exam,,,,,x1,passed,91,,,
p-4,ccma-college,acme,a1,2026-11-20,completed,,,,,,,,,,
p-5,ccma-college,acme,a1,2026-11-25,credential,,,,,,,,NHA,CCMA-0001,CCMA
CSV
out=$(progress college "$E2E_WORK/a1.csv") || e2e_fail "progress a1: $out"
e2e_assert_eq "a1 all accepted" "accepted=5 duplicate=0 rejected=0 unreadable=0 unacknowledged=0" \
    "$(tail -1 <<<"$out")"
e2e_assert_eq "a1 certified" "certified|CCMA|2026-11-25" \
    "$(e2e_psql "SELECT state || '|' || credential || '|' || credential_date FROM enrollment.enrollment WHERE employee = 'a1'")"
e2e_assert_eq "a1 moves by the provider" \
    "in_training|first_attendance|provider:college key:$college_key|progress:college/p-1 completed|completed|provider:college key:$college_key|progress:college/p-4 certified|certified|provider:college key:$college_key|progress:college/p-5" \
    "$(e2e_psql "SELECT string_agg(t.to_state || '|' || t.reason_code || '|' || t.actor || '|' || t.cause_event_id, ' ' ORDER BY t.id)
                 FROM enrollment.transition t JOIN enrollment.enrollment e ON e.id = t.enrollment_id
                 WHERE e.employee = 'a1' AND t.to_state IN ('in_training', 'completed', 'certified')")"
e2e_assert_eq "a1 history shows the provider" 3 \
    "$(e2e_ctl enrollment history acme a1 | grep -c "actor=provider:college")"
e2e_assert_eq "progress ledger" 5 \
    "$(e2e_psql "SELECT count(*) FROM enrollment.progress_event WHERE provider = 'college' AND employee = 'a1'")"
# Staff commands stay available: staff place a1.
e2e_ctl enroll place acme a1 --role "Medical Assistant" --date 2026-11-30 >/dev/null ||
    e2e_fail "staff place a1"
e2e_assert_eq "a1 placed by staff" placed "$(state a1)"

# 2. Another provider's cohort is refused, event by event.
cat >"$E2E_WORK/wrong.csv" <<'CSV'
event_id,cohort_id,employer,employee,date,kind,session_id,status
w-1,ccma-other,acme,a4,2026-11-03,attendance,s1,present
w-2,ccma-college,acme,a4,2026-11-03,attendance,s1,present
w-3,ccma-college,acme,a2,2026-12-24,attendance,s1,present
w-4,ccma-college,acme,a2,2026-10-01,attendance,s1,present
CSV
out=$(progress college "$E2E_WORK/wrong.csv") || e2e_fail "progress wrong: $out"
e2e_assert_eq "refusals" "forbidden_cohort not_in_cohort future_date outside_cohort_dates" \
    "$(grep -o '^rejected w-[0-9] (line [0-9]*): [a-z_]*' <<<"$out" | awk '{print $NF}' | paste -sd ' ')"
e2e_assert_eq "a4 untouched" enrolled "$(state a4)"
out=$(progress other "$E2E_WORK/a1.csv") || e2e_fail "progress as other: $out"
e2e_assert_eq "other's key on college's cohort" "accepted=0 duplicate=0 rejected=5 unreadable=0 unacknowledged=0" \
    "$(tail -1 <<<"$out")"
e2e_assert_eq "other's refusal reason" 5 "$(grep -c 'forbidden_cohort' <<<"$out")"

# 3. A resent batch: every event DUPLICATE, nothing applied twice.
head_before=$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'enrollment'")
audit_before=$(e2e_psql "SELECT count(*) FROM enrollment.transition")
out=$(progress college "$E2E_WORK/a1.csv") || e2e_fail "resend: $out"
e2e_assert_eq "resend all duplicate" "accepted=0 duplicate=5 rejected=0 unreadable=0 unacknowledged=0" \
    "$(tail -1 <<<"$out")"
e2e_assert_eq "no new stream events" "$head_before" \
    "$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'enrollment'")"
e2e_assert_eq "no new audit rows" "$audit_before" "$(e2e_psql "SELECT count(*) FROM enrollment.transition")"
e2e_assert_eq "ledger unchanged" 5 \
    "$(e2e_psql "SELECT count(*) FROM enrollment.progress_event WHERE provider = 'college' AND employee = 'a1'")"

# 4. At risk: a2 misses three sessions within four weeks, a3 fails an exam
# (deploy/programs/mapp.yaml, at_risk); the flag is raised once, audited
# with the provider as actor, and the coordinator and HR are emailed.
cat >"$E2E_WORK/risk.csv" <<'CSV'
event_id,cohort_id,employer,employee,date,kind,session_id,status,exam_id,result
r-1,ccma-college,acme,a2,2026-11-03,attendance,s1,present,,
r-2,ccma-college,acme,a2,2026-11-10,attendance,s2,absent,,
r-3,ccma-college,acme,a2,2026-11-17,attendance,s3,excused,,
r-4,ccma-college,acme,a2,2026-11-18,attendance,s4,absent,,
r-5,ccma-college,acme,a3,2026-11-03,attendance,s1,present,,
r-6,ccma-college,acme,a3,2026-11-20,exam,,,x1,failed
CSV
out=$(progress college "$E2E_WORK/risk.csv") || e2e_fail "progress risk: $out"
e2e_assert_eq "two absences (and an excused one): not yet" f \
    "$(e2e_psql "SELECT at_risk FROM enrollment.enrollment WHERE employee = 'a2'")"
e2e_assert_eq "a3 failed exam flagged" "true|failed_exam" \
    "$(e2e_psql "SELECT at_risk || '|' || t.reason_code FROM enrollment.enrollment e JOIN enrollment.transition t ON t.enrollment_id = e.id AND t.kind = 'at_risk_flagged' WHERE employee = 'a3'")"
printf 'event_id,cohort_id,employer,employee,date,kind,session_id,status\nr-7,ccma-college,acme,a2,2026-11-24,attendance,s5,absent\nr-8,ccma-college,acme,a2,2026-11-25,attendance,s6,absent\n' \
    >"$E2E_WORK/risk2.csv"
out=$(progress college "$E2E_WORK/risk2.csv") || e2e_fail "progress risk2: $out"
e2e_assert_eq "a2 flagged once, by the provider" \
    "true|absences|3 absences from 2026-11-10 to 2026-11-24 (rule: 3 within 28 days)|provider:college key:$college_key" \
    "$(e2e_psql "SELECT e.at_risk || '|' || t.reason_code || '|' || t.reason || '|' || t.actor FROM enrollment.enrollment e JOIN enrollment.transition t ON t.enrollment_id = e.id AND t.kind = 'at_risk_flagged' WHERE employee = 'a2'")"
e2e_assert_eq "a2 still in training" in_training "$(state a2)"
e2e_wait_until 30 "at-risk notices sent" bash -c "[ \"\$('$E2E_PSQL' -X -tA -d '$PATHWAYS_DATABASE_URL' -c \"SELECT count(*) FROM notification.outbox WHERE trigger = 'at_risk' AND state = 'sent'\")\" = 4 ]"
e2e_assert_eq "at-risk recipients" \
    "a2:coordinator:coordinator@collab.example a2:hr:hr@acme.example a3:coordinator:coordinator@collab.example a3:hr:hr@acme.example" \
    "$(e2e_psql "SELECT string_agg(employee || ':' || recipient || ':' || address, ' ' ORDER BY employee, recipient) FROM notification.outbox WHERE trigger = 'at_risk'")"
e2e_assert_eq "coordinator mail delivered by SMTP" 2 \
    "$(grep -c '"rcpt_tos": \["coordinator@collab.example"\].*may be at risk in cohort ccma-college' "$E2E_WORK/mail.jsonl")"
e2e_assert_eq "HR mail names the reason" 1 \
    "$(grep '"rcpt_tos": \["hr@acme.example"\]' "$E2E_WORK/mail.jsonl" | grep -c '3 absences from 2026-11-10 to 2026-11-24')"

# Staff clear a flag after speaking with the participant: audited with the
# reason and who cleared it, no notice; clearing twice is refused; the rule
# raises the flag again on the provider's next event that meets it.
e2e_ctl enroll clear-at-risk acme a3 --reason "tutoring arranged" --actor coordinator@collab \
    >/dev/null || e2e_fail "clear-at-risk a3"
e2e_assert_eq "a3 cleared, audited" "false|at_risk_cleared|tutoring arranged|1" \
    "$(e2e_psql "SELECT e.at_risk || '|' || t.reason_code || '|' || t.reason || '|' || (t.actor LIKE 'coordinator@collab%')::int FROM enrollment.enrollment e JOIN enrollment.transition t ON t.enrollment_id = e.id AND t.kind = 'at_risk_cleared' WHERE employee = 'a3'")"
if err=$(e2e_ctl enroll clear-at-risk acme a3 2>&1); then
    e2e_fail "a second clear-at-risk was accepted: $err"
fi
e2e_assert_eq "second clear refused" 1 "$(grep -c 'not_flagged' <<<"$err")"
if err=$(e2e_ctl enroll clear-review acme a3 2>&1); then
    e2e_fail "clear-review cleared a review flag that was never raised: $err"
fi
printf 'event_id,cohort_id,employer,employee,date,kind,exam_id,result\nr-9,ccma-college,acme,a3,2026-11-26,exam,x2,failed\n' \
    >"$E2E_WORK/risk3.csv"
out=$(progress college "$E2E_WORK/risk3.csv") || e2e_fail "progress risk3: $out"
e2e_assert_eq "a3 flagged again after the clear" "true|2" \
    "$(e2e_psql "SELECT e.at_risk || '|' || (SELECT count(*) FROM enrollment.transition t WHERE t.enrollment_id = e.id AND t.kind = 'at_risk_flagged') FROM enrollment.enrollment e WHERE employee = 'a3'")"
e2e_wait_until 30 "the second a3 notices sent" bash -c "[ \"\$('$E2E_PSQL' -X -tA -d '$PATHWAYS_DATABASE_URL' -c \"SELECT count(*) FROM notification.outbox WHERE trigger = 'at_risk' AND state = 'sent'\")\" = 6 ]"

# 5. The provider's roster: name, preferred channel, start date (and state),
# nothing else about the employee; another provider's key is refused.
as_provider() { # PROVIDER ARGS...: pathwaysctl with the provider's key
    local p=$1
    shift
    PATHWAYS_CURVE_CLIENT_SECRET_FILE="$E2E_WORK/${p}_secret" "$bin/pathwaysctl" "$@"
}
roster=$(as_provider college provider roster ccma-college) || e2e_fail "roster: $roster"
e2e_assert_eq "college roster" \
    "employer,employee,name,preferred_channel,start_date,state|acme,a1,Ana-a1,email,2026-11-02,placed|acme,a2,Ana-a2,email,2026-11-02,in_training|acme,a3,Ana-a3,email,2026-11-02,in_training" \
    "$(paste -sd '|' <<<"$roster")"
e2e_assert_eq "roster JSON keys" "employee employer name preferred_channel start_date state" \
    "$(as_provider college provider roster ccma-college --json | jq -r '.entries[0] | keys | join(" ")')"
if err=$(as_provider other provider roster ccma-college 2>&1); then
    e2e_fail "another provider read college's roster: $err"
fi
e2e_assert_eq "other provider refused" 1 "$(grep -c 'refused: forbidden_cohort' <<<"$err")"
e2e_assert_eq "other provider's own roster" "acme,a4,Ana-a4,email,2026-11-02,enrolled" \
    "$(as_provider other provider roster ccma-other | tail -n +2)"

# The streams carry only fields their consumers read (progress: reporting;
# enrollment's at_risk flag: notification).
for s in progress enrollment; do
    "$bin/pathways-stream-audit" "$PATHWAYS_DATABASE_URL" "$PATHWAYS_SOURCE/tests/security/stream_fields.tsv" \
        "$s" >"$E2E_WORK/audit-$s.txt" || e2e_fail "stream $s audit: $(cat "$E2E_WORK/audit-$s.txt")"
done
e2e_wait_until 30 "reporting has the progress" bash -c "[ \"\$('$E2E_PSQL' -X -tA -d '$PATHWAYS_DATABASE_URL' -c 'SELECT count(*) FROM reporting.progress')\" = \"\$('$E2E_PSQL' -X -tA -d '$PATHWAYS_DATABASE_URL' -c 'SELECT count(*) FROM enrollment.progress_event')\" ]"
# Outcomes by provider (exact view, an administrator): certification and
# time to certification, attendance and at-risk counts.
e2e_ctl report outcomes --slice provider --as-of 2026-11-30 --format json >"$E2E_WORK/by-provider.json" ||
    e2e_fail "report outcomes by provider"
e2e_assert_eq "college row" "college|3|1|1|36|3|4|2|2" \
    "$(jq -r '.rows[] | select(.slice == "college") | [.slice, .enrolled, .completed, .certified, .median_days_to_certification, .sessions_present, .sessions_absent, .sessions_excused, .at_risk] | map(tostring) | join("|")' "$E2E_WORK/by-provider.json")"
# ccma-other has no progress yet: its provider is not known to reporting.
e2e_assert_eq "cohort without progress" "(unknown)|1" \
    "$(jq -r '.rows[] | select(.slice == "(unknown)") | [.slice, .enrolled] | map(tostring) | join("|")' "$E2E_WORK/by-provider.json")"
if err=$(e2e_ctl report retention --slice provider 2>&1); then
    e2e_fail "retention by provider accepted: $err"
fi
e2e_assert_eq "provider slice only for outcomes" 1 "$(grep -c 'the provider slice is for the outcomes report' <<<"$err")"
# Protected figures (as released, on a quarter's last day): college's 3
# participants are a group of 1 to 10, so the provider breakdown is
# withheld whole (services/reporting/README.md, disclosure control).
e2e_assert_eq "protected: provider rows withheld" "true true true" \
    "$(e2e_ctl report outcomes --slice provider --as-of 2026-12-31 --format json --release |
        jq -r '.rows[] | select(.slice == "college") | [.enrolled == null, .certified == null, .at_risk == null] | map(tostring) | join(" ")')"

# 6. Revocation: the college key is refused from the next request on.
e2e_ctl keys revoke "$college_key" >/dev/null || e2e_fail "revoke"
e2e_wait_until 20 "revoked key refused" bash -c "
    ! PATHWAYS_CURVE_CLIENT_SECRET_FILE='$E2E_WORK/college_secret' '$bin/pathways-progress' \
        --provider college --file '$E2E_WORK/warm.csv' --quiet --timeout-ms 1000 --retries 0 |
        grep -q 'duplicate=1'"
echo "provider progress: ok"
